"""HTML pieces every portal style shares: escaping, catalogue tables, report and filler article bodies, footers."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from demo.portal.content import body_fragment
from demo.portal.model import Filler, PlannedReport


@dataclass(frozen=True)
class Link:
    href: str
    text: str


def esc(text: str) -> str:
    return escape(text, quote=True)


def minute(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def day(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d}"


def index_number(code: str, moment: datetime, serial: int) -> str:
    """索引号 as county catalogues print it: an organisation code, the year, a serial."""
    return f"{code}/{moment.year}-{serial:05d}"


def catalogue(pairs: Sequence[tuple[str, str]], css: str) -> str:
    """The disclosure catalogue table (索引号, 发布机构, 发布日期 …), two pairs a row."""
    cells = [f"<th>{esc(name)}：</th><td>{esc(value)}</td>" for name, value in pairs]
    if len(cells) % 2:
        cells.append("<th></th><td></td>")
    rows = "".join(f"<tr>{cells[i]}{cells[i + 1]}</tr>" for i in range(0, len(cells), 2))
    return f'<table class="{css}"><tbody>{rows}</tbody></table>'


def report_body(report: PlannedReport, site: str, attachments: Sequence[Link], *, edited: bool = False) -> str:
    """The article body: the report itself for HTML formats, a short notice pointing at the attachment otherwise."""
    parts = []
    if report.fmt.startswith("html"):
        parts.append(body_fragment(report, site, edited=edited))
    else:
        parts.append(
            f'<p style="text-indent:2em">根据《中华人民共和国政府信息公开条例》规定，现将{esc(report.title)}予以公开，'
            "全文详见附件。</p>"
        )
    for link in attachments:
        parts.append(f'<p class="attachment">附件：<a href="{esc(link.href)}" target="_blank">{esc(link.text)}</a></p>')
    return "\n".join(parts)


def filler_body(filler: Filler) -> str:
    return "\n".join(f'<p style="text-indent:2em">{esc(p)}</p>' for p in filler.paragraphs)


def footer(site: str, owner: str) -> str:
    seed = zlib.crc32(site.encode())
    return (
        f'<div class="footer"><p>主办：{esc(owner)}办公室　承办：{esc(owner)}电子政务中心</p>'
        f"<p>网站标识码：99{seed % 10**8:08d}　备案号：示例ICP备{seed % 10**6:06d}号</p></div>"
    )


def document(charset: str, head: Sequence[str], body: Sequence[str]) -> str:
    opening = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", f'<meta charset="{charset}">']
    return "\n".join([*opening, *head, "</head>", "<body>", *body, "</body>", "</html>"])


def metas(pairs: Sequence[tuple[str, str]]) -> list[str]:
    return [f'<meta name="{name}" content="{esc(value)}">' for name, value in pairs]


def article_metas(site: str, column: str, title: str, published: datetime, source: str) -> list[str]:
    """The <meta> tags a CMS puts on an article page; crawlers read PubDate from them."""
    return metas(
        [
            ("SiteName", site),
            ("ColumnName", column),
            ("ArticleTitle", title),
            ("PubDate", minute(published)),
            ("ContentSource", source),
        ]
    )


def home_page(charset: str, site: str, owner: str, header: str, latest: Sequence[Link], css: str = "home_news") -> str:
    """A portal's home page: its header and the latest notices."""
    return document(
        charset,
        [f"<title>{esc(site)}</title>", *metas([("SiteName", site)])],
        [header, f'<div class="{css}"><h3>通知公告</h3>', link_list(latest, "news"), "</div>", footer(site, owner)],
    )


def link_list(links: Sequence[Link], css: str = "list") -> str:
    items = "".join(f'<li><a href="{esc(link.href)}">{esc(link.text)}</a></li>' for link in links)
    return f'<ul class="{css}">{items}</ul>'


def credit_code(body_id: str, jurisdiction: str) -> str:
    """An 18-character unified social credit code shaped like an agency's (11 + area + serial), invented."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    seed = zlib.crc32(body_id.encode())
    tail = "".join(alphabet[(seed >> (3 * i)) % len(alphabet)] for i in range(10))
    return f"11{jurisdiction[:6]}{tail}"


def shorten(title: str, most: int) -> str:
    """A list title cut as CMS list templates cut them; the full title stays in the link's title attribute."""
    return title if len(title) <= most else title[: most - 1] + "…"
