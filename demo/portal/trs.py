"""TRS-style county portal, GBK-encoded: static column pages counted by createPageHTML() and dated article paths.

URL shapes (prefix /trs-xian/):
  index.html (and /)                             home; links to 政务公开 and 政府信息公开
  zwgk/index.html                                政务公开 hub
  zwgk/zfxxgk/index.html                         政府信息公开: the column tree
  zwgk/zfxxgk/<col>/index.html, index_<n>.html   list pages; the page count is only in
                                                 createPageHTML(<pages>, <current>, "index", "html");
  zwgk/zfxxgk/<col>/<YYYYMM>/t<YYYYMMDD>_<id>.html                article (linked ./YYYYMM/t…html)
  zwgk/zfxxgk/<col>/<YYYYMM>/P0<YYYYMMDD><12 digits>.pdf|.docx    attachment (linked ./P0….pdf)
  private/index.html                             disallowed by robots.txt, linked from the disclosure page
<col> is zfxxgknb (政府信息公开年报: every body's reports together, titles carrying the body's name),
zfxxgkzn, zfxxgkzd and tzgg (fillers).
"""

from __future__ import annotations

import random
from datetime import datetime

from demo.portal.build import EMPTY_LIST_DATE, HTML, PortalBuild
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
    encode,
    newest_first,
    number_entries,
    pages_listed,
    publish_entry,
)

CHARSET = "gbk"
DECLARED = "gb2312"
PER_PAGE = 15
LIST_TITLE_CHARS = 24  # list templates cut longer titles; the title attribute keeps them whole
REPORT_COLUMN = ("nb", "zfxxgknb", "政府信息公开年报")
_DIRS = {"zn": "zfxxgkzn", "zd": "zfxxgkzd", "tzgg": "tzgg"}
_NOTICES = Link(f"./zfxxgk/{_DIRS['tzgg']}/index.html", "通知公告")


def build_trs(
    portal: Portal,
    reports: list[PlannedReport],
    fillers: dict[str, list[Filler]],
    rng: random.Random,
    oversize_bytes: int,
) -> PortalBuild:
    build = PortalBuild(portal)
    root = f"{portal.prefix}zwgk/zfxxgk/"
    columns = [REPORT_COLUMN] + [(key, _DIRS[key], name) for key, name in OTHER_COLUMNS]
    entries = column_entries([key for key, _, _ in columns], reports, fillers)
    number_entries(entries, rng, 120000, 90)
    for key, directory, name in columns:
        column = f"{root}{directory}/"
        for entry in entries[key]:
            entry.path = f"{column}{entry.moment:%Y%m}/t{entry.moment:%Y%m%d}_{entry.id}.html"
            _publish(build, entry, column, name, rng, oversize_bytes)
        list_pages = _list_pages(build, column, name, entries[key])
        if key == "nb":
            build.report_columns.append(f"{column}index.html")
            build.report_column_pages += list_pages + pages_listed(build, entries[key])

    _hub_pages(build, root, columns, entries)
    return build


def _publish(build: PortalBuild, entry: Entry, column: str, name: str, rng: random.Random, oversize: int) -> None:
    portal = build.portal

    def render(body: str, meta_time: datetime) -> str:
        return _article(portal, name, entry, body, meta_time)

    def slots(report: PlannedReport) -> list[AttachmentSlot]:
        folder = entry.path.rsplit("/", 1)[0] + "/"
        out = []
        for kind in ("pdf", "docx"):
            if kind in report.fmt:
                file = f"P0{report.published:%Y%m%d}{rng.randrange(10**11, 10**12)}.{kind}"
                out.append(AttachmentSlot(folder + file, f"./{file}", f"{report.title}.{kind}", kind))
        return out

    publish_entry(
        build,
        entry,
        render,
        column=f"{column}index.html",
        slots=slots,
        oversize_bytes=oversize,
        charset=CHARSET,
        content_type=HTML,
    )


def _article(portal: Portal, column_name: str, entry: Entry, body: str, meta_time: datetime) -> str:
    source = entry.source(portal)
    pairs = [
        ("索引号", entry.index_number(portal)),
        ("主题分类", "综合政务"),
        ("发布机构", source),
        ("发布日期", day(entry.moment)),
        ("名称", entry.title),
        ("文号", ""),
    ]
    head = [
        f"<title>{esc(entry.title)}_{esc(column_name)}_{esc(portal.name)}</title>",
        *article_metas(portal.name, column_name, entry.title, meta_time, source),
    ]
    return document(
        DECLARED,
        head,
        [
            _header(portal),
            _breadcrumb(portal, column_name),
            catalogue(pairs, "xxgk_table"),
            f'<div class="article"><h1 class="article_title">{esc(entry.title)}</h1>',
            f'<div class="article_info">发布时间：{minute(entry.moment)}　来源：{esc(source)}</div>',
            f'<div class="article_content"><div class="TRS_Editor">{body}</div></div></div>',
            footer(portal.name, portal.owner),
        ],
    )


def _list_pages(build: PortalBuild, column: str, name: str, entries: list[Entry]) -> int:
    portal = build.portal
    ordered = newest_first(entries)
    chunks = [ordered[i : i + PER_PAGE] for i in range(0, len(ordered), PER_PAGE)] or [[]]
    for number, chunk in enumerate(chunks):
        items = "".join(
            f'<li><a href="./{e.path.removeprefix(column)}" title="{esc(e.title)}">'
            f"{esc(shorten(e.title, LIST_TITLE_CHARS))}</a><span>{day(e.moment)}</span></li>"
            for e in chunk
        )
        html = document(
            DECLARED,
            [f"<title>{esc(name)}_{esc(portal.name)}</title>", *metas([("ColumnName", name)])],
            [
                _header(portal),
                _breadcrumb(portal, name),
                f'<div class="list_box"><h2>{esc(name)}</h2><ul class="list">{items}</ul></div>',
                '<div class="page">',
                f'<script type="text/javascript">createPageHTML({len(chunks)}, {number}, "index", "html");</script>',
                "</div>",
                footer(portal.name, portal.owner),
            ],
        )
        newest = chunk[0].moment if chunk else EMPTY_LIST_DATE
        page = f"{column}index.html" if number == 0 else f"{column}index_{number}.html"
        build.add(page, Resource(encode(html, CHARSET), HTML, newest))
        build.list_pages += 1
    build.alias(column, f"{column}index.html")
    return len(chunks)


def _hub_pages(
    build: PortalBuild, root: str, columns: list[tuple[str, str, str]], entries: dict[str, list[Entry]]
) -> None:
    portal = build.portal
    prefix = portal.prefix
    newest = max(e.moment for items in entries.values() for e in items)
    tree = [Link(f"./{directory}/index.html", name) for key, directory, name in columns if key != "nb"]
    tree.insert(2, Link(f"./{REPORT_COLUMN[1]}/index.html", REPORT_COLUMN[2]))
    private = f"{prefix}private/index.html"
    disclosure = document(
        DECLARED,
        [f"<title>政府信息公开_{esc(portal.name)}</title>"],
        [
            _header(portal),
            '<div class="xxgk_nav"><h3>政府信息公开目录</h3>',
            link_list(tree, "tree"),
            "</div>",
            f'<div class="xxgk_other"><a href="{private}">内部工作资料（仅限内网）</a></div>',
            footer(portal.name, portal.owner),
        ],
    )
    build.add(f"{root}index.html", Resource(encode(disclosure, CHARSET), HTML, newest))
    build.alias(root, f"{root}index.html")

    hub = document(
        DECLARED,
        [f"<title>政务公开_{esc(portal.name)}</title>"],
        [_header(portal), link_list([Link("./zfxxgk/index.html", "政府信息公开"), _NOTICES])],
    )
    build.add(f"{prefix}zwgk/index.html", Resource(encode(hub, CHARSET), HTML, newest))
    build.alias(f"{prefix}zwgk/", f"{prefix}zwgk/index.html")

    latest = sorted(entries["tzgg"], key=lambda e: e.moment, reverse=True)[:6]
    home = home_page(DECLARED, portal.name, portal.owner, _header(portal), [Link(e.path, e.title) for e in latest])
    build.add(f"{prefix}index.html", Resource(encode(home, CHARSET), HTML, newest))
    build.alias(prefix, f"{prefix}index.html")

    closed = document(
        DECLARED,
        ["<title>内部工作资料</title>"],
        [_header(portal), "<p>本栏目仅限内网访问。</p>", footer(portal.name, portal.owner)],
    )
    build.add(private, Resource(encode(closed, CHARSET), HTML, newest), counted=False)
    build.alias(f"{prefix}private/", private)
    build.robots_disallowed.append(private)


def _header(portal: Portal) -> str:
    prefix = portal.prefix
    nav = link_list(
        [
            Link(prefix, "首页"),
            Link(f"{prefix}zwgk/index.html", "政务公开"),
            Link(f"{prefix}zwgk/zfxxgk/index.html", "政府信息公开"),
            Link(f"{prefix}zwgk/zfxxgk/{_DIRS['tzgg']}/index.html", "通知公告"),
        ],
        "nav",
    )
    return f'<div class="header"><div class="logo">{esc(portal.name)}</div>{nav}</div>'


def _breadcrumb(portal: Portal, column_name: str) -> str:
    prefix = portal.prefix
    return (
        f'<div class="breadcrumb">当前位置：<a href="{prefix}">首页</a> &gt; '
        f'<a href="{prefix}zwgk/index.html">政务公开</a> &gt; '
        f'<a href="{prefix}zwgk/zfxxgk/index.html">政府信息公开</a> &gt; <span>{esc(column_name)}</span></div>'
    )
