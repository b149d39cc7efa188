"""Guangdong gkmlpt-style district portal, UTF-8: a catalogue shell whose column lists come from a JSON API.

URL shapes (prefix /gd-qu/):
  index.html (and /)                           home; links to 政府信息公开 (gkmlpt/index)
  gkmlpt/index                                 catalogue shell: the column tree as links gkmlpt/index#<column> and
                                               as JSON in window.GKMLPT_CONFIG (sid, api, classify[{id, name}])
  gkmlpt/api/all/<column>?page=<n>             JSON, 10 articles a page, newest first:
                                               {"classify": {"id", "name"}, "total", "page", "page_size", "pages",
                                                "articles": [{"id", "title", "url", "date", "first_publish_time",
                                                              "publisher", "identifier"}]}
                                               `url` is path-absolute; a page past the last has no articles
  gkmlpt/content/<id // 1000000>/<id // 1000>/post_<id>.html       article; body in div.article-content
  attachment/0/<n // 1000>/<n>/<post id>.pdf|.docx                 attachment
The report column is registered as gkmlpt/index#<column>: the column id is the URL fragment.
"""

from __future__ import annotations

import json
import random
from datetime import datetime
from math import ceil

from demo.portal.build import EMPTY_LIST_DATE, HTML_UTF8, PortalBuild
from demo.portal.model import Filler, PlannedReport, Portal, Resource
from demo.portal.pages import Link, article_metas, day, document, esc, footer, link_list, metas, minute
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

PAGE_SIZE = 10
JSON_TYPE = "application/json;charset=UTF-8"
REPORT_COLUMN_NAME = "政府信息公开年报"


def build_gkmlpt(
    portal: Portal,
    reports: list[PlannedReport],
    fillers: dict[str, list[Filler]],
    rng: random.Random,
    oversize_bytes: int,
) -> PortalBuild:
    build = PortalBuild(portal)
    first = rng.randint(2400, 2900)
    names = {"nb": REPORT_COLUMN_NAME, **dict(OTHER_COLUMNS)}
    columns = {key: (first + 7 * number, name) for number, (key, name) in enumerate(names.items())}
    entries = column_entries(columns, reports, fillers)
    number_entries(entries, rng, 3200000, 900)
    for entry in (e for items in entries.values() for e in items):
        post = entry.id
        entry.path = f"{portal.prefix}gkmlpt/content/{post // 1000000}/{post // 1000}/post_{post}.html"

    header = _header(portal)
    attachment_serial = iter(range(rng.randint(400000, 500000), 10**7, 3))
    for key, (column_id, name) in columns.items():
        column = f"{portal.prefix}gkmlpt/index#{column_id}"
        for entry in entries[key]:
            _publish(build, header, entry, (column, name), next(attachment_serial), oversize_bytes)
        api_pages = _api_pages(build, column_id, name, entries[key])
        if key == "nb":
            build.report_columns.append(column)
            build.report_column_pages += 1 + api_pages + pages_listed(build, entries[key])  # 1: the shell page
    _shell_pages(build, header, columns, entries)
    return build


def _publish(
    build: PortalBuild, header: str, entry: Entry, column: tuple[str, str], serial: int, oversize: int
) -> None:
    portal = build.portal
    column_url, column_name = column

    def render(body: str, meta_time: datetime) -> str:
        return _article(portal, header, column_name, entry, body, meta_time)

    def slots(report: PlannedReport) -> list[AttachmentSlot]:
        out = []
        for offset, kind in enumerate(("pdf", "docx")):
            if kind in report.fmt:
                number = serial * 10 + offset
                path = f"{portal.prefix}attachment/0/{number // 1000}/{number}/{entry.id}.{kind}"
                out.append(AttachmentSlot(path, path, f"{report.title}.{kind}", kind))
        return out

    publish_entry(build, entry, render, column=column_url, slots=slots, oversize_bytes=oversize)


def _article(portal: Portal, header: str, column_name: str, entry: Entry, body: str, meta_time: datetime) -> str:
    source = entry.source(portal)
    rows = [
        ("索引号", entry.index_number(portal)),
        ("分类", column_name),
        ("发布机构", source),
        ("成文日期", day(entry.moment)),
        ("名称", entry.title),
        ("文号", ""),
        ("发布日期", day(entry.moment)),
        ("主题词", ""),
    ]
    table = "".join(
        f'<tr><td class="first">{esc(rows[i][0])}：</td><td>{esc(rows[i][1])}</td>'
        f'<td class="first">{esc(rows[i + 1][0])}：</td><td>{esc(rows[i + 1][1])}</td></tr>'
        for i in range(0, len(rows), 2)
    )
    head = [
        f"<title>{esc(entry.title)}</title>",
        *article_metas(portal.name, column_name, entry.title, meta_time, source),
    ]
    return document(
        "utf-8",
        head,
        [
            header,
            f'<div class="content-box"><table class="introduce">{table}</table>',
            f'<div class="article-title"><h1>{esc(entry.title)}</h1></div>',
            f'<div class="article-date">发布日期：{minute(entry.moment)}　来源：{esc(source)}</div>',
            f'<div class="article-content">{body}</div></div>',
            footer(portal.name, portal.owner),
        ],
    )


def _api_pages(build: PortalBuild, column_id: int, name: str, entries: list[Entry]) -> int:
    portal = build.portal
    path = f"{portal.prefix}gkmlpt/api/all/{column_id}"
    build.query_keys[path] = ("page", "1")
    ordered = newest_first(entries)
    pages = max(1, ceil(len(ordered) / PAGE_SIZE))
    newest = ordered[0].moment if ordered else EMPTY_LIST_DATE
    for number in range(1, pages + 2):
        chunk = ordered[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        answer = {
            "classify": {"id": column_id, "name": name},
            "total": len(ordered),
            "page": number,
            "page_size": PAGE_SIZE,
            "pages": pages,
            "articles": [
                {
                    "id": e.id,
                    "title": e.title,
                    "url": e.path,
                    "date": day(e.moment),
                    "first_publish_time": int(e.moment.timestamp()),
                    "publisher": e.source(portal),
                    "identifier": e.index_number(portal),
                }
                for e in chunk
            ],
        }
        data = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        # The page after the last stands for every page past the end (the API answers them all alike).
        key = f"{path}?page={number}" if number <= pages else f"{path}?page=*"
        build.add(key, Resource(data, JSON_TYPE, newest), counted=number <= pages)
        build.list_pages += number <= pages
    return pages


def _shell_pages(
    build: PortalBuild, header: str, columns: dict[str, tuple[int, str]], entries: dict[str, list[Entry]]
) -> None:
    portal = build.portal
    newest = max(e.moment for items in entries.values() for e in items)
    shell = f"{portal.prefix}gkmlpt/index"
    config = {
        "sid": 700000 + columns["nb"][0],
        "api": f"{portal.prefix}gkmlpt/api/all/",
        "classify": [{"id": cid, "name": name, "parent": 0} for cid, name in columns.values()],
    }
    page = document(
        "utf-8",
        [f"<title>政府信息公开_{esc(portal.name)}</title>"],
        [
            header,
            '<div class="gkmlpt-nav"><h3>政府信息公开目录</h3>',
            link_list([Link(f"{shell}#{cid}", name) for cid, name in columns.values()], "classify"),
            "</div>",
            '<div id="app"></div>',
            f"<script>window.GKMLPT_CONFIG = {json.dumps(config, ensure_ascii=False)};</script>",
            footer(portal.name, portal.owner),
        ],
    )
    build.add(shell, Resource(page.encode("utf-8"), HTML_UTF8, newest))
    home = document(
        "utf-8",
        [f"<title>{esc(portal.name)}</title>", *metas([("SiteName", portal.name)])],
        [header, footer(portal.name, portal.owner)],
    )
    build.add(f"{portal.prefix}index.html", Resource(home.encode("utf-8"), HTML_UTF8, newest))
    build.alias(portal.prefix, f"{portal.prefix}index.html")


def _header(portal: Portal) -> str:
    links = [Link(portal.prefix, "首页"), Link(f"{portal.prefix}gkmlpt/index", "政府信息公开")]
    return f'<div class="header"><div class="logo">{esc(portal.name)}</div>{link_list(links, "nav")}</div>'
