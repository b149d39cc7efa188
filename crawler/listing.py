"""Pagination of list columns, one function per kind of CMS (the kinds profiles name).

Each function reads one page of a column and returns the further pages to request; they never
fetch anything themselves, so they are tested on saved pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from parsel import Selector

from crawler.links import link_text, parse_date
from crawler.pages import ListedLink
from crawler.profiles import Profile

MAX_PAGES = 500
_INDEX = re.compile(r"/index(?:_(\d+))?\.(s?html?)$")
_HANWEB_COLUMN = re.compile(r"/col/col(\d+)/")
_NEXT_WORDS = ("下一页", "下页", "后一页", ">", "»", "›")


@dataclass(frozen=True)
class ApiPage:
    url: str
    kind: str  # hanweb | json


def create_page_html(url: str, body: str, profile: Profile) -> list[str]:
    """TRS: index.html holds createPageHTML(total, current, ...); pages are index_1 .. index_{total-1}."""
    match = _INDEX.search(urlsplit(url).path)
    if not match or match.group(1):  # only the first page announces the others
        return []
    total = 0
    for pattern in profile.options.get("total") or ():
        found = re.search(pattern, body)
        if found:
            total = int(found.group(1))
            break
    ext = match.group(2)
    base = url[: url.rfind("/") + 1]
    template = str(profile.options.get("page_url", "index_{n}.{ext}"))
    return [urljoin(base, template.format(n=n, ext=ext)) for n in range(1, min(total, MAX_PAGES))]


def hanweb_first_request(url: str, body: str, profile: Profile) -> str | None:
    """Hanweb: the column page names its list API (dataproxy.jsp) and the column id."""
    api_path = str(profile.options.get("api", "/module/web/jpage/dataproxy.jsp"))
    per_page = int(profile.options.get("per_page", 45))
    found = re.search(r"""["']?([^"'\s<>]*dataproxy\.jsp[^"'\s<>]*)""", body)
    if found:
        api = urljoin(url, found.group(1).replace("&amp;", "&"))
    else:
        column = _HANWEB_COLUMN.search(url)
        if column is None:
            return None
        prefix = url[: url.find("/col/col")]
        api = f"{prefix}{api_path}?columnid={column.group(1)}"
    return with_range(api, 1, per_page * 3, per_page)


def with_range(api: str, start: int, end: int, per_page: int) -> str:
    parts = urlsplit(api)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k not in ("startrecord", "endrecord", "perpage")
    ]
    query = [("startrecord", str(start)), ("endrecord", str(end)), ("perpage", str(per_page)), *query]
    return urlunsplit(parts._replace(query=urlencode(query)))


def hanweb_records(url: str, body: bytes) -> tuple[list[ListedLink], list[str]]:
    """One dataproxy.jsp answer: its records as links, and (from the first answer) the further ranges."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return [], []
    if root is None:
        return [], []
    items: list[ListedLink] = []
    for record in root.iter("record"):
        fragment = Selector(text=f"<div>{record.text or ''}</div>")
        for anchor in fragment.css("a[href]"):
            text = link_text(" ".join(anchor.css("::text").getall()), anchor.attrib.get("title"))
            date = parse_date(" ".join(fragment.css("::text").getall()).replace(text, ""))
            items.append(ListedLink(urljoin(url, anchor.attrib["href"]), text, date.isoformat() if date else None))
    query = dict(parse_qsl(urlsplit(url).query))
    more: list[str] = []
    total_text = root.findtext("totalrecord")
    if query.get("startrecord") == "1" and total_text and total_text.strip().isdigit():
        total = int(total_text.strip())
        end = int(query.get("endrecord", "0") or 0)
        per_page = int(query.get("perpage", "15") or 15)
        step = max(end, per_page)
        start = end + 1
        while start <= total and len(more) < MAX_PAGES:
            more.append(with_range(url, start, start + step - 1, per_page))
            start += step
    return items, more


def json_api_first_request(url: str, body: str, profile: Profile, column: str | None = None) -> str | None:
    """The list API of a JSON-listing site; a column given as a fragment (…/gkmlpt/index#2515) completes
    an API base ending in "/"."""
    fragment = urlsplit(column or url).fragment
    for pattern in profile.options.get("api") or ():
        found = re.search(pattern, body)
        if found:
            api = urljoin(url, found.group(found.lastindex or 0))
            if api.endswith("/") and fragment.isdigit():
                api = f"{api}{fragment}"
            parts = urlsplit(api)
            if "page=" not in parts.query:
                api = urlunsplit(parts._replace(query=urlencode([*parse_qsl(parts.query), ("page", "1")])))
            return api
    return None


def _first(entry: dict[str, Any], names: Iterable[str]) -> Any:
    for name in names:
        if entry.get(name):
            return entry[name]
    return None


def json_records(url: str, body: bytes, profile: Profile) -> tuple[list[ListedLink], list[str]]:
    """A JSON list API answer: its articles as links, and (from page 1) the further pages."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return [], []
    fields = profile.options.get("fields") or {}
    entries: list[Any] = []
    if isinstance(data, dict):
        for key in profile.options.get("items") or ("articles", "data", "list"):
            value = data.get(key)
            if isinstance(value, dict):
                value = _first(value, profile.options.get("items") or ("articles", "list"))
            if isinstance(value, list):
                entries = value
                break
    elif isinstance(data, list):
        entries = data
    items = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        link = _first(entry, fields.get("url", ("url",)))
        text = _first(entry, fields.get("title", ("title",))) or ""
        raw_date = _first(entry, fields.get("date", ("date",)))
        if link:
            date = parse_date(str(raw_date)) if raw_date else None
            items.append(ListedLink(urljoin(url, str(link)), str(text), date.isoformat() if date else None))
    more: list[str] = []
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if isinstance(data, dict) and str(query.get("page", "1")) == "1":
        pages = data.get("pages") or data.get("total_pages") or data.get("totalPage")
        total = data.get("total") or data.get("totalrecord")
        size = data.get("size") or data.get("page_size") or data.get("pageSize") or len(entries) or 1
        if not pages and total:
            pages = -(-int(total) // int(size))
        for page in range(2, min(int(pages or 1), MAX_PAGES) + 1):
            more.append(urlunsplit(parts._replace(query=urlencode({**query, "page": page}))))
    return items, more


def page_param_next(url: str, page_links: list[ListedLink], profile: Profile) -> list[str]:
    """Generic lists: follow the "下一页" link, or the link to the same path with page (pageNo, …) + 1."""
    parts = urlsplit(url)
    params = profile.options.get("param") or ("page",)
    query = dict(parse_qsl(parts.query))
    current = next((int(query[p]) for p in params if str(query.get(p, "")).isdigit()), 1)
    out = []
    for link in page_links:
        target = urlsplit(link.url)
        if target.path != parts.path or target.netloc != parts.netloc:
            continue
        their = dict(parse_qsl(target.query))
        number = next((int(their[p]) for p in params if str(their.get(p, "")).isdigit()), None)
        if link.text.strip() in _NEXT_WORDS or (number is not None and number == current + 1):
            out.append(link.url)
    return out[:1] if current < MAX_PAGES else []
