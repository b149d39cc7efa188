"""Hanweb-style city portal, UTF-8: column pages without links whose lists come from the dataproxy.jsp XML API.

URL shapes (prefix /hanweb-shi/):
  index.html (and /)                        home; links to 政府信息公开
  col/col<id>/index.html                    a column page. The disclosure column lists the column tree and the
                                            units (towns and townships), each linking to its own 年报 column.
                                            A list column holds no list links, only a script whose URL is
  module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=<3*perpage>&perpage=<perpage>&col=1&appid=1&webid=<w>
      &path=%2F&columnid=<id>&sourceContentType=1&unitid=<u>&webname=<site>&permissiontype=0
                                            GET or POST; answers XML: <totalrecord>, <totalpage>, then
                                            <recordset><record><![CDATA[<li><a href=… title=…>…</a><span>date
                                            </span></li>]]></record>…, records startrecord..endrecord (1-based).
  art/<YYYY>/<M>/<D>/art_<col>_<doc>.html   article; body in div#zoom (month and day not zero-padded)
  module/download/downfile.jsp?classid=0&showname=<name>&filename=<32 hex>.pdf|.docx
                                            attachment as application/octet-stream with Content-Disposition
A unit's reports sit in the unit's own column and their titles mostly omit the unit: attribution comes from the
column (its page title and breadcrumb name the unit).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from math import ceil
from urllib.parse import quote

from demo.portal.build import EMPTY_LIST_DATE, HTML_UTF8, PortalBuild
from demo.portal.model import Body, Filler, PlannedReport, Portal, Resource
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

PER_PAGE = 15
GROUP = 3  # pages per dataproxy request, as the column script asks
DATAPROXY = "module/web/jpage/dataproxy.jsp"
DOWNLOAD = "module/download/downfile.jsp"
REPORT_COLUMN_NAME = "政府信息公开年报"


@dataclass
class Column:
    id: int
    name: str
    unit: Body | None = None  # the town or township whose column this is
    unitid: int = 0


@dataclass(frozen=True)
class Chrome:
    """What every page of the portal repeats: the header and the way back to the disclosure column."""

    header: str
    disclosure: str  # URL of the 政府信息公开 column


@dataclass
class Records:
    """A column's list as the dataproxy serves it: record snippets, newest first."""

    snippets: list[str]
    newest: datetime


def build_hanweb(
    portal: Portal,
    reports: list[PlannedReport],
    fillers: dict[str, list[Filler]],
    rng: random.Random,
    oversize_bytes: int,
    records: dict[int, Records],
) -> PortalBuild:
    build = PortalBuild(portal)
    build.query_keys[f"{portal.prefix}{DOWNLOAD}"] = ("filename", "")
    webid = rng.randint(2, 99)
    next_id = iter(range(rng.randint(1220000, 1280000), 10**7, 7))
    disclosure = Column(next(next_id), "政府信息公开")
    columns: dict[str, Column] = {"nb": Column(next(next_id), REPORT_COLUMN_NAME)}
    columns.update({key: Column(next(next_id), name) for key, name in OTHER_COLUMNS})
    units = sorted({r.body for r in reports if r.body.kind == "township"}, key=lambda b: b.id)
    columns.update({f"nb:{unit.id}": Column(next(next_id), REPORT_COLUMN_NAME, unit) for unit in units})
    for column in columns.values():
        column.unitid = rng.randint(100000, 999999)
    chrome = Chrome(_header(portal, disclosure, columns["tzgg"]), _column_url(portal, disclosure))

    entries = column_entries(
        columns, reports, fillers, lambda r: f"nb:{r.body.id}" if r.body.kind == "township" else "nb"
    )
    number_entries(entries, rng, 3100000, 400)

    for key, column in columns.items():
        for entry in entries[key]:
            moment = entry.moment
            folder = f"{portal.prefix}art/{moment.year}/{moment.month}/{moment.day}/"
            entry.path = f"{folder}art_{column.id}_{entry.id}.html"
            _publish(build, chrome, entry, column, rng, oversize_bytes)
        list_pages = _column_page(build, chrome, column, webid, entries[key], records)
        if key.startswith("nb"):
            build.report_columns.append(_column_url(portal, column))
            build.report_column_pages += list_pages + pages_listed(build, entries[key])
    _hub_pages(build, chrome, disclosure, columns, entries)
    return build


def dataproxy_answer(records: Mapping[int, Records], params: Mapping[str, str]) -> Resource | None:
    """The XML list answer for the requested column and record range, or None for an unknown column."""
    column = _int(params.get("columnid"), 0)
    if column not in records:
        return None
    found = records[column]
    perpage = max(1, _int(params.get("perpage"), PER_PAGE))
    start = max(1, _int(params.get("startrecord"), 1))
    end = max(start - 1, min(len(found.snippets), _int(params.get("endrecord"), start + perpage - 1)))
    total = len(found.snippets)
    chosen = "".join(f"<record><![CDATA[{snippet}]]></record>\n" for snippet in found.snippets[start - 1 : end])
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n'
        f"<totalrecord>{total}</totalrecord>\n<totalpage>{ceil(total / perpage)}</totalpage>\n"
        f"<recordset>\n{chosen}</recordset>\n</datastore>\n"
    )
    return Resource(xml.encode("utf-8"), "text/xml; charset=UTF-8", found.newest)


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _column_url(portal: Portal, column: Column) -> str:
    return f"{portal.prefix}col/col{column.id}/index.html"


def _publish(
    build: PortalBuild, chrome: Chrome, entry: Entry, column: Column, rng: random.Random, oversize: int
) -> None:
    portal = build.portal

    def render(body: str, meta_time: datetime) -> str:
        return _article(portal, chrome, column, entry, body, meta_time)

    def slots(report: PlannedReport) -> list[AttachmentSlot]:
        out = []
        for kind in ("pdf", "docx"):
            if kind in report.fmt:
                stored = f"{rng.getrandbits(128):032x}.{kind}"
                shown = f"{report.title}.{kind}"
                script = f"{portal.prefix}{DOWNLOAD}"
                href = f"{script}?classid=0&showname={quote(shown)}&filename={stored}"
                disposition = f"attachment; filename*=UTF-8''{quote(shown)}"
                out.append(
                    AttachmentSlot(
                        f"{script}?filename={stored}",
                        href,
                        shown,
                        kind,
                        "application/octet-stream",
                        (("Content-Disposition", disposition),),
                    )
                )
        return out

    publish_entry(build, entry, render, column=_column_url(portal, column), slots=slots, oversize_bytes=oversize)


def _source(portal: Portal, entry: Entry) -> str:
    # A unit's untitled report is posted by the city's web office, so its source does not name the unit either.
    if entry.report is not None and not entry.report.title_names_body:
        return portal.owner
    return entry.source(portal)


def _article(portal: Portal, chrome: Chrome, column: Column, entry: Entry, body: str, meta_time: datetime) -> str:
    source = _source(portal, entry)
    pairs = [
        ("索引号", entry.index_number(portal)),
        ("公开方式", "主动公开"),
        ("发布机构", source),
        ("发布日期", day(entry.moment)),
        ("名称", entry.title),
        ("组配分类", column.name),
    ]
    head = [
        f"<title>{esc(entry.title)}</title>",
        *article_metas(portal.name, column.name, entry.title, meta_time, source),
    ]
    return document(
        "utf-8",
        head,
        [
            chrome.header,
            _breadcrumb(portal, chrome, column),
            catalogue(pairs, "xxgk_table"),
            f'<div class="article"><h1 class="title">{esc(entry.title)}</h1>',
            f'<div class="info"><span>发布日期：{minute(entry.moment)}</span>',
            f"<span>信息来源：{esc(source)}</span></div>",
            f'<div id="zoom">{body}</div></div>',
            footer(portal.name, portal.owner),
        ],
    )


def _column_page(
    build: PortalBuild, chrome: Chrome, column: Column, webid: int, entries: list[Entry], records: dict[int, Records]
) -> int:
    portal = build.portal
    ordered = newest_first(entries)
    records[column.id] = Records(
        [
            f'<li><a href="{e.path}" title="{esc(e.title)}" target="_blank">{esc(e.title)}</a>'
            f"<span>{day(e.moment)}</span></li>"
            for e in ordered
        ],
        ordered[0].moment if ordered else EMPTY_LIST_DATE,
    )
    query = (
        f"startrecord=1&endrecord={GROUP * PER_PAGE}&perpage={PER_PAGE}&col=1&appid=1&webid={webid}&path=%2F"
        f"&columnid={column.id}&sourceContentType=1&unitid={column.unitid}&webname={quote(portal.name)}"
        "&permissiontype=0"
    )
    unit = f"_{esc(column.unit.short)}" if column.unit else ""
    html = document(
        "utf-8",
        [f"<title>{esc(column.name)}{unit}_{esc(portal.name)}</title>", *metas([("ColumnName", column.name)])],
        [
            chrome.header,
            _breadcrumb(portal, chrome, column),
            f'<div class="lm_name">{esc(column.unit.short + " " if column.unit else "")}{esc(column.name)}</div>',
            f'<div class="default_pgContainer" id="{column.unitid}"></div>',
            '<script type="text/javascript">',
            f'var jpageUrl = "{portal.prefix}{DATAPROXY}?{query}";',
            f'$("#{column.unitid}").jpage({{url: jpageUrl, perPage: {PER_PAGE}, groupSize: {GROUP}, '
            'dataType: "xml", totalRecordTag: "totalrecord"});',
            "</script>",
            footer(portal.name, portal.owner),
        ],
    )
    url = _column_url(portal, column)
    build.add(url, Resource(html.encode("utf-8"), HTML_UTF8, records[column.id].newest))
    build.alias(url.removesuffix("index.html"), url)
    groups = max(1, ceil(len(ordered) / (GROUP * PER_PAGE)))
    build.pages += groups  # dataproxy answers, one per group of pages
    build.list_pages += 1 + groups
    return 1 + groups


def _hub_pages(
    build: PortalBuild, chrome: Chrome, disclosure: Column, columns: dict[str, Column], entries: dict[str, list[Entry]]
) -> None:
    portal = build.portal
    newest = max(e.moment for items in entries.values() for e in items)
    tree = [Link(_column_url(portal, c), c.name) for key, c in columns.items() if not key.startswith("nb:")]
    units = [Link(_column_url(portal, c), c.unit.short) for c in columns.values() if c.unit]
    page = document(
        "utf-8",
        [f"<title>政府信息公开_{esc(portal.name)}</title>"],
        [
            chrome.header,
            _breadcrumb(portal, chrome, disclosure),
            '<div class="xxgk_tree"><h3>政府信息公开目录</h3>',
            link_list(tree, "tree"),
            "</div>",
            '<div class="xxgk_units"><h3>乡镇（街道）信息公开</h3>',
            link_list(units, "units"),
            "</div>",
            footer(portal.name, portal.owner),
        ],
    )
    url = _column_url(portal, disclosure)
    build.add(url, Resource(page.encode("utf-8"), HTML_UTF8, newest))
    build.alias(url.removesuffix("index.html"), url)

    latest = sorted(entries["tzgg"], key=lambda e: e.moment, reverse=True)[:6]
    home = home_page("utf-8", portal.name, portal.owner, chrome.header, [Link(e.path, e.title) for e in latest])
    build.add(f"{portal.prefix}index.html", Resource(home.encode("utf-8"), HTML_UTF8, newest))
    build.alias(portal.prefix, f"{portal.prefix}index.html")


def _header(portal: Portal, disclosure: Column, notices: Column) -> str:
    links = [
        Link(portal.prefix, "首页"),
        Link(_column_url(portal, disclosure), "政府信息公开"),
        Link(_column_url(portal, notices), "通知公告"),
    ]
    return f'<div class="header"><div class="logo">{esc(portal.name)}</div>{link_list(links, "nav")}</div>'


def _breadcrumb(portal: Portal, chrome: Chrome, column: Column) -> str:
    trail = f'<a href="{portal.prefix}">首页</a>'
    if column.name != "政府信息公开":
        trail += f' &gt; <a href="{chrome.disclosure}">政府信息公开</a>'
    if column.unit is not None:
        trail += f" &gt; <span>{esc(column.unit.short)}</span>"
    return f'<div class="bread">您当前的位置：{trail} &gt; <span>{esc(column.name)}</span></div>'
