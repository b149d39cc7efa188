"""HTML rendering: a portal article page (TRS or Hanweb chrome) or the bare body, optionally as pasted from Word."""

from __future__ import annotations

import random
import zlib
from html import escape

from demo.reportgen.layout import (
    HEAD,
    HEADING,
    LABEL,
    SIGNATURE,
    TITLE,
    VLABEL,
    Block,
    Cell,
    Layout,
    document_blocks,
    split,
)
from demo.reportgen.spec import ReportSpec

STYLES = ("trs", "hanweb", "fragment")
ENCODINGS = ("utf-8", "gbk")
COLUMN_NAME = "政府信息公开年报"
_BODY_FONT = "font-family:仿宋_GB2312;font-size:16pt"
_CELL_FONT = "font-family:仿宋_GB2312;font-size:10.5pt"


def render_html(
    spec: ReportSpec,
    *,
    style: str = "trs",
    encoding: str = "utf-8",
    word_pasted: bool = True,
    split_tables: bool = False,
    one_table: bool = True,
) -> bytes:
    """The report as a portal serves it. `style`: "trs" (body in div.TRS_Editor), "hanweb" (div#zoom) or
    "fragment" (the body alone). `encoding="gbk"` writes GBK bytes declared as gb2312, as TRS sites do.
    `word_pasted` imitates tables pasted from Word; `split_tables` breaks table 三 in two with its header
    repeated; `one_table=False` prints each block of table 二 as its own table.
    """
    if style not in STYLES or encoding not in ENCODINGS:
        raise ValueError(f"style must be one of {STYLES}, encoding one of {ENCODINGS}")
    rng = random.Random(zlib.crc32(f"{spec.title}|{style}|{word_pasted}|{split_tables}".encode()))
    body = _body(spec, rng, word_pasted=word_pasted, split_tables=split_tables, one_table=one_table)
    page = body if style == "fragment" else _page(spec, body, style=style, encoding=encoding)
    return page.encode("gbk" if encoding == "gbk" else "utf-8", errors="xmlcharrefreplace")


def pub_time(spec: ReportSpec) -> str:
    """The PubDate meta value: the publish date with a time of day fixed by the title."""
    if spec.publish_date is None:
        return ""
    seed = zlib.crc32(spec.title.encode())
    return f"{spec.publish_date:%Y-%m-%d} {8 + seed % 10:02d}:{seed // 10 % 60:02d}"


# --- the report body ----------------------------------------------------------------------------------


def _body(spec: ReportSpec, rng: random.Random, *, word_pasted: bool, split_tables: bool, one_table: bool) -> str:
    parts: list[str] = []
    for block in document_blocks(spec, one_table=one_table):
        if block.layout is None:
            parts.append(_paragraph(block, rng, word_pasted))
            continue
        layout = block.layout
        if split_tables and layout.table == "applications" and len(layout.rows) > layout.header_rows + 1:
            first, second = split(layout, layout.header_rows + (len(layout.rows) - layout.header_rows) // 2)
            gap = '<p class="MsoNormal">&nbsp;</p>' if word_pasted else ""
            parts += [_table(first, rng, word_pasted), gap, _table(second, rng, word_pasted)]
        else:
            parts.append(_table(layout, rng, word_pasted))
    return "\n".join(p for p in parts if p)


def _paragraph(block: Block, rng: random.Random, word_pasted: bool) -> str:
    align = {TITLE: "center", SIGNATURE: "right"}.get(block.kind)
    attrs = f' style="text-align:{align}"' if align else ' style="text-indent:2em"'
    if not word_pasted:
        text = escape(block.text)
        return f"<p{attrs}><strong>{text}</strong></p>" if block.kind in (TITLE, HEADING) else f"<p{attrs}>{text}</p>"
    font = {TITLE: "font-family:方正小标宋简体;font-size:22pt", HEADING: "font-family:黑体;font-size:16pt"}
    line = "line-height:28pt"
    style = f"text-align:{align};{line}" if align else f"text-indent:32pt;{line}"
    return f'<p class="MsoNormal" style="{style}">{_spans(block.text, rng, font.get(block.kind, _BODY_FONT))}</p>'


def _spans(text: str, rng: random.Random, font: str) -> str:
    """Text split over a few spans at arbitrary points, as Word writes runs."""
    cuts = sorted(rng.sample(range(1, len(text)), k=min(len(text) - 1, rng.choice((0, 0, 1, 2)))))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    out = []
    for piece in pieces:
        extra = ";color:#333333" if rng.random() < 0.2 else ""
        out.append(f'<span style="{font}{extra}">{escape(piece)}</span>')
    return "".join(out)


def _table(layout: Layout, rng: random.Random, word_pasted: bool) -> str:
    if word_pasted:
        opening = (
            '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" align="center" '
            'style="border-collapse:collapse;border:none">'
        )
    else:
        opening = '<table border="1" cellspacing="0" cellpadding="4" style="border-collapse:collapse">'
    rows = []
    for row in layout.rows:
        cells = "".join(_cell(cell, rng, word_pasted) for cell in row)
        rows.append(f'<tr style="height:20pt">{cells}</tr>' if word_pasted else f"<tr>{cells}</tr>")
    return f"{opening}<tbody>{''.join(rows)}</tbody></table>"


def _cell(cell: Cell, rng: random.Random, word_pasted: bool) -> str:
    spans = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
        f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
    )
    if not word_pasted:
        return f"<td{spans}>{escape(cell.text)}</td>"
    attrs = 'valign="center" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt"'
    align = "left" if cell.kind == LABEL and len(cell.text) > 8 else "center"
    return f'<td{spans} {attrs}><p class="MsoNormal" align="{align}">{_cell_text(cell, rng)}<o:p></o:p></p></td>'


def _cell_text(cell: Cell, rng: random.Random) -> str:
    if not cell.text.strip():
        return "&nbsp;"
    if cell.kind == VLABEL:  # vertical text pasted from Word: a character per line
        return "<br>".join(f'<span style="{_CELL_FONT}">{escape(ch)}</span>' for ch in cell.text)
    pieces = _break_label(cell.text) if cell.kind == HEAD and rng.random() < 0.7 else [cell.text]
    return "<br>".join(_spans(piece, rng, _CELL_FONT) for piece in pieces)


def _break_label(text: str) -> list[str]:
    """A header label broken where an author pressed Enter in a narrow column ("本年新" / "制作数量")."""
    if not 4 <= len(text) <= 8 or any(ch in text for ch in "（/"):
        return [text]
    cut = len(text) - 2 if len(text) <= 6 else len(text) - 4
    return [text[:cut], text[cut:]]


# --- page chrome --------------------------------------------------------------------------------------


def _page(spec: ReportSpec, body: str, *, style: str, encoding: str) -> str:
    charset = "gb2312" if encoding == "gbk" else "utf-8"
    site = spec.site or "政府门户网站"
    head = _head(spec, site, charset)
    catalogue = _catalogue(spec, style)
    container = f'<div class="TRS_Editor">{body}</div>' if style == "trs" else f'<div id="zoom">{body}</div>'
    article_class = "article_content" if style == "trs" else "wzy_content"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            "<html>",
            head,
            "<body>",
            _header(site),
            _breadcrumbs(),
            catalogue,
            f'<div class="article"><div class="article_title">{escape(spec.title)}</div>',
            f'<div class="article_info">发布时间：{pub_time(spec)}　来源：{escape(spec.body)}</div>',
            f'<div class="{article_class}">{container}</div></div>',
            _footer(site),
            "</body>",
            "</html>",
        ]
    )


def _head(spec: ReportSpec, site: str, charset: str) -> str:
    metas = [
        f'<meta charset="{charset}">',
        f"<title>{escape(spec.title)}_{COLUMN_NAME}_{escape(site)}</title>",
        f'<meta name="SiteName" content="{escape(site)}">',
        f'<meta name="ColumnName" content="{COLUMN_NAME}">',
        f'<meta name="ArticleTitle" content="{escape(spec.title)}">',
    ]
    if spec.publish_date is not None:
        metas.append(f'<meta name="PubDate" content="{pub_time(spec)}">')
    metas.append(f'<meta name="ContentSource" content="{escape(spec.body)}">')
    return "<head>\n" + "\n".join(metas) + "\n</head>"


def _header(site: str) -> str:
    nav = "".join(
        f'<li><a href="{href}">{name}</a></li>'
        for href, name in (("/", "首页"), ("/zwgk/", "政务公开"), ("/bsfw/", "政务服务"), ("/hdjl/", "互动交流"))
    )
    return f'<div class="header"><div class="logo">{escape(site)}</div><ul class="nav">{nav}</ul></div>'


def _breadcrumbs() -> str:
    trail = [("/", "首页"), ("/zwgk/", "政务公开"), ("/zwgk/zfxxgk/", "政府信息公开"), ("./", COLUMN_NAME)]
    links = " &gt; ".join(f'<a href="{href}">{name}</a>' for href, name in trail)
    return f'<div class="breadcrumb">当前位置：{links}</div>'


def _catalogue(spec: ReportSpec, style: str) -> str:
    published = f"{spec.publish_date:%Y-%m-%d}" if spec.publish_date else ""
    pairs = [
        ("索引号", spec.index_no),
        ("主题分类", "综合政务"),
        ("发布机构", spec.body),
        ("发布日期", published),
        ("名称", spec.title),
        ("文号", ""),
    ]
    css = "xxgk_table" if style == "trs" else "table_suoyin"
    cells = [f"<th>{name}：</th><td>{escape(value)}</td>" for name, value in pairs]
    rows = "".join(f"<tr>{cells[i]}{cells[i + 1]}</tr>" for i in range(0, len(cells), 2))
    return f'<table class="{css}"><tbody>{rows}</tbody></table>'


def _footer(site: str) -> str:
    seed = zlib.crc32(site.encode())
    return (
        f'<div class="footer"><p>主办单位：{escape(site.removesuffix("门户网站"))}办公室</p>'
        f"<p>网站标识码：{seed % 10**10:010d}　ICP备{seed % 10**8:08d}号</p></div>"
    )
