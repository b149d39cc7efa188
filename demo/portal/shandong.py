"""Shandong-style county portal, UTF-8: site_/channel_ paths, list pages turned by a ?page=N query parameter.

URL shapes (prefix /sd-xian/):
  index.html (and /)                               home; links to 政府信息公开 and the latest notices
  site_<site>/channel_<id>/index.html              the 政府信息公开 channel: the channel tree
  site_<site>/channel_<id>/index.html?page=<n>     a list channel, PER_PAGE articles a page, newest first. Page 1 is
                                                   index.html without a query (the pager links it so; ?page=1 is
                                                   the same page). The pager: 首页 and 上一页, up to PAGER_SPAN
                                                   numbered links around the current page, 下一页, 尾页 and
                                                   共<pages>页; on the first and last pages the links that lead
                                                   nowhere are plain text. A page past the last answers 404.
  site_<site>/channel_<id>/doc_<16 hex>.html       article, in its channel's folder; body in div.article-content
  site_<site>/upload/<YYYYMM>/<16 hex>.pdf|.docx   attachment (linked path-absolute)
<site> is a lower-case slug and <id> four hex digits, both drawn from the seed. Each list column is a channel:
政府信息公开年报 (every body's reports together, titles carrying the body's name), 政府信息公开指南,
政府信息公开制度 and 通知公告 (fillers). A directory URL (channel_<id>/) answers as its index.html.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from demo.portal.build import EMPTY_LIST_DATE, HTML_UTF8, PortalBuild
from demo.portal.model import Filler, PlannedReport, Portal, Resource
from demo.portal.pages import (
    Link,
    article_metas,
    catalogue,
    day,
    document,
    esc,
    footer,
    home_page,
    link_list,
    metas,
    minute,
    shorten,
)
from demo.portal.plan import OTHER_COLUMNS
from demo.portal.publish import (
    AttachmentSlot,
    Entry,
    column_entries,
    newest_first,
    number_entries,
    pages_listed,
    publish_entry,
)

PER_PAGE = 8
PAGER_SPAN = 5  # numbered links in the pager
LIST_TITLE_CHARS = 28  # list templates cut longer titles; the title attribute keeps them whole
PAGE_PARAM = "page"
REPORT_COLUMN_NAME = "政府信息公开年报"
DISCLOSURE_NAME = "政府信息公开"


@dataclass(frozen=True)
class Channel:
    url: str  # the channel's folder, ending in "/"
    name: str

    @property
    def index(self) -> str:
        return f"{self.url}index.html"


@dataclass(frozen=True)
class Chrome:
    """What every page of the portal repeats: the header and the way back to the disclosure channel."""

    header: str
    disclosure: Channel


def build_shandong(
    portal: Portal,
    reports: list[PlannedReport],
    fillers: dict[str, list[Filler]],
    rng: random.Random,
    oversize_bytes: int,
) -> PortalBuild:
    build = PortalBuild(portal)
    site = f"{portal.prefix}site_{''.join(rng.choices(string.ascii_lowercase, k=4))}/"
    names = {"nb": REPORT_COLUMN_NAME, **dict(OTHER_COLUMNS)}
    first, *numbers = rng.sample(range(0x1000, 0x10000), 1 + len(names))
    disclosure = Channel(f"{site}channel_{first:x}/", DISCLOSURE_NAME)
    channels = {
        key: Channel(f"{site}channel_{number:x}/", name)
        for (key, name), number in zip(names.items(), numbers, strict=True)
    }
    chrome = Chrome(_header(portal, disclosure, channels["tzgg"]), disclosure)
    entries = column_entries(channels, reports, fillers)
    number_entries(entries, rng, 52000, 40)
    hex_names = _hex_names(rng)
    for key, channel in channels.items():
        for entry in entries[key]:
            entry.path = f"{channel.url}doc_{next(hex_names)}.html"
            _publish(build, chrome, site, entry, channel, hex_names, oversize_bytes)
        list_pages = _list_pages(build, chrome, channel, entries[key])
        if key == "nb":
            build.report_columns.append(channel.index)
            build.report_column_pages += list_pages + pages_listed(build, entries[key])
    _hub_pages(build, chrome, channels, entries)
    return build


def _hex_names(rng: random.Random) -> Iterator[str]:
    """16 hex digits, never the same twice: the CMS's document and file names."""
    taken: set[str] = set()
    while True:
        name = f"{rng.getrandbits(64):016x}"
        if name not in taken:
            taken.add(name)
            yield name


def _publish(
    build: PortalBuild,
    chrome: Chrome,
    site: str,
    entry: Entry,
    channel: Channel,
    hex_names: Iterator[str],
    oversize: int,
) -> None:
    portal = build.portal

    def render(body: str, meta_time: datetime) -> str:
        return _article(portal, chrome, channel, entry, body, meta_time)

    def slots(report: PlannedReport) -> list[AttachmentSlot]:
        out = []
        for kind in ("pdf", "docx"):
            if kind in report.fmt:
                path = f"{site}upload/{report.published:%Y%m}/{next(hex_names)}.{kind}"
                out.append(AttachmentSlot(path, path, f"{report.title}.{kind}", kind))
        return out

    publish_entry(build, entry, render, column=channel.index, slots=slots, oversize_bytes=oversize)


def _article(portal: Portal, chrome: Chrome, channel: Channel, entry: Entry, body: str, meta_time: datetime) -> str:
    source = entry.source(portal)
    pairs = [
        ("索引号", entry.index_number(portal)),
        ("公开方式", "主动公开"),
        ("发布机构", source),
        ("成文日期", day(entry.moment)),
        ("信息名称", entry.title),
        ("发布日期", day(entry.moment)),
    ]
    head = [
        f"<title>{esc(entry.title)}_{esc(portal.name)}</title>",
        *article_metas(portal.name, channel.name, entry.title, meta_time, source),
    ]
    return document(
        "utf-8",
        head,
        [
            chrome.header,
            _position(portal, chrome, channel),
            catalogue(pairs, "xxgk-info"),
            f'<div class="article"><h1 class="article-title">{esc(entry.title)}</h1>',
            f'<div class="article-info"><span>发布日期：{minute(entry.moment)}</span>',
            f"<span>来源：{esc(source)}</span></div>",
            f'<div class="article-content">{body}</div></div>',
            footer(portal.name, portal.owner),
        ],
    )


def page_href(number: int) -> str:
    """How the pager links page `number` from a page of the same channel."""
    return "index.html" if number == 1 else f"index.html?{PAGE_PARAM}={number}"


def _pager(number: int, pages: int) -> str:
    def step(text: str, target: int, live: bool) -> str:
        return f'<a href="{page_href(target)}">{text}</a>' if live else f'<span class="disabled">{text}</span>'

    first = max(1, min(number - PAGER_SPAN // 2, pages - PAGER_SPAN + 1))
    numbered = [
        f'<span class="current">{n}</span>' if n == number else f'<a href="{page_href(n)}">{n}</a>'
        for n in range(first, min(pages, first + PAGER_SPAN - 1) + 1)
    ]
    parts = [
        step("首页", 1, number > 1),
        step("上一页", number - 1, number > 1),
        *numbered,
        step("下一页", number + 1, number < pages),
        step("尾页", pages, number < pages),
        f'<span class="total">共{pages}页</span>',
    ]
    return f'<div class="pagination">{"".join(parts)}</div>'


def _list_pages(build: PortalBuild, chrome: Chrome, channel: Channel, entries: list[Entry]) -> int:
    portal = build.portal
    ordered = newest_first(entries)
    chunks = [ordered[i : i + PER_PAGE] for i in range(0, len(ordered), PER_PAGE)] or [[]]
    # The page parameter names the page at index.html and at the folder; without it, page 1.
    build.query_keys[channel.index] = build.query_keys[channel.url] = (PAGE_PARAM, "1")
    for number, chunk in enumerate(chunks, start=1):
        items = "".join(
            f'<li><a href="./{e.path.removeprefix(channel.url)}" title="{esc(e.title)}" target="_blank">'
            f'{esc(shorten(e.title, LIST_TITLE_CHARS))}</a><span class="date">{day(e.moment)}</span></li>'
            for e in chunk
        )
        html = document(
            "utf-8",
            [f"<title>{esc(channel.name)}_{esc(portal.name)}</title>", *metas([("ColumnName", channel.name)])],
            [
                chrome.header,
                _position(portal, chrome, channel),
                f'<div class="list-box"><h2>{esc(channel.name)}</h2><ul class="list">{items}</ul></div>',
                _pager(number, len(chunks)),
                footer(portal.name, portal.owner),
            ],
        )
        key = f"{channel.index}?{PAGE_PARAM}={number}"
        build.add(key, Resource(html.encode("utf-8"), HTML_UTF8, chunk[0].moment if chunk else EMPTY_LIST_DATE))
        build.alias(f"{channel.url}?{PAGE_PARAM}={number}", key)
        build.list_pages += 1
    return len(chunks)


def _hub_pages(
    build: PortalBuild, chrome: Chrome, channels: dict[str, Channel], entries: dict[str, list[Entry]]
) -> None:
    portal = build.portal
    newest = max(e.moment for items in entries.values() for e in items)
    tree = [Link(channel.index, channel.name) for key, channel in channels.items() if key != "nb"]
    tree.insert(2, Link(channels["nb"].index, channels["nb"].name))
    disclosure = chrome.disclosure
    page = document(
        "utf-8",
        [f"<title>{esc(disclosure.name)}_{esc(portal.name)}</title>", *metas([("ColumnName", disclosure.name)])],
        [
            chrome.header,
            _position(portal, chrome, disclosure),
            '<div class="channel-tree"><h3>政府信息公开目录</h3>',
            link_list(tree, "tree"),
            "</div>",
            footer(portal.name, portal.owner),
        ],
    )
    build.add(disclosure.index, Resource(page.encode("utf-8"), HTML_UTF8, newest))
    build.alias(disclosure.url, disclosure.index)

    latest = newest_first(entries["tzgg"])[:6]
    links = [Link(e.path, e.title) for e in latest]
    home = home_page("utf-8", portal.name, portal.owner, chrome.header, links, "home-news")
    build.add(f"{portal.prefix}index.html", Resource(home.encode("utf-8"), HTML_UTF8, newest))
    build.alias(portal.prefix, f"{portal.prefix}index.html")


def _header(portal: Portal, disclosure: Channel, notices: Channel) -> str:
    links = [Link(portal.prefix, "首页"), Link(disclosure.index, disclosure.name), Link(notices.index, notices.name)]
    return f'<div class="header"><div class="logo">{esc(portal.name)}</div>{link_list(links, "nav")}</div>'


def _position(portal: Portal, chrome: Chrome, channel: Channel) -> str:
    trail = f'<a href="{portal.prefix}">首页</a>'
    if channel != chrome.disclosure:
        trail += f' &gt; <a href="{chrome.disclosure.index}">{esc(chrome.disclosure.name)}</a>'
    return f'<div class="position">当前位置：{trail} &gt; <a href="{channel.index}">{esc(channel.name)}</a></div>'
