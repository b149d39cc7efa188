"""Reading portal pages: the links of a list page with their dates, and an article's attachments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawler.links import BodyMatcher, Link, is_attachment, link_text, parse_date

_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#")


@dataclass(frozen=True)
class ListedLink(Link):
    date: str | None = None  # the date printed beside the link in the list, ISO


def links(selector: Selector, base_url: str) -> list[ListedLink]:
    """Every link of a page, absolute, with the date printed in the same list item or table row."""
    out: list[ListedLink] = []
    seen: set[str] = set()
    for anchor in selector.css("a[href]"):
        href = (anchor.attrib.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = urljoin(base_url, href).split("#")[0]
        if url in seen:
            continue
        seen.add(url)
        text = link_text(" ".join(anchor.css("::text").getall()), anchor.attrib.get("title"))
        container = anchor.xpath("ancestor::*[self::li or self::tr or self::dd or self::p][1]")
        context = " ".join(container.css("::text").getall()) if container else ""
        listed = parse_date(context.replace(text, "")) if context else None
        out.append(ListedLink(url, text, listed.isoformat() if listed else None))
    return out


def attachments(selector: Selector, base_url: str, limit: int = 10) -> list[Link]:
    """Files attached to an article (.pdf, .doc, .docx, .wps, .xls ...), in page order."""
    found: list[Link] = []
    for link in links(selector, base_url):
        if is_attachment(link.url, link.text) and all(link.url != f.url for f in found):
            found.append(Link(link.url, link.text))
        if len(found) >= limit:
            break
    return found


def url_date(url: str, pattern: re.Pattern[str] | None) -> str | None:
    """The date a CMS writes into an article URL (tYYYYMMDD_, /art/YYYY/M/D/): a hint only."""
    if pattern is None:
        return None
    match = pattern.search(urlsplit(url).path)
    if not match or len(match.groups()) < 3:
        return None
    found = parse_date(f"{match.group(1)}-{match.group(2)}-{match.group(3)}")
    return found.isoformat() if found else None


def title(selector: Selector) -> str | None:
    for query in ('meta[name="ArticleTitle"]::attr(content)', "title::text", "h1::text"):
        value = selector.css(query).get()
        if value and value.strip():
            return " ".join(value.split())
    return None


_CRUMB_CLASSES = ("bread", "crumb", "position", "location", "dqwz", "path", "weizhi")


def unit_of_page(selector: Selector, matcher: BodyMatcher) -> str | None:
    """The body a column page belongs to, from its breadcrumb ("首页 > 政府信息公开 > 新泉乡 > 年报": the
    deepest body named) or, failing that, its title ("政府信息公开年报_新泉乡_梅源市人民政府网": the first)."""
    crumbs = [
        " ".join(node.css("::text").getall())
        for node in selector.css("div, p, span, ul, nav")
        if any(word in (node.attrib.get("class", "") + node.attrib.get("id", "")).lower() for word in _CRUMB_CLASSES)
    ]
    for text in crumbs:
        found = matcher.names_in(text)
        if found:
            return found[-1]
    page_title = selector.css("title::text").get() or ""
    found = matcher.names_in(page_title)
    return found[0] if found else None
