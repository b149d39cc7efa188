"""Who wrote a report, for which year, and when it says it was published: read from title and text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from crawler.parsing.blocks import ExtractedDocument, Paragraph
from crawler.parsing.normalize import is_blank, nfkc, nfkc_is_plain, squash

_YEAR = re.compile(r"(20[0-4]\d)年度?")
_REPORT_WORDS = re.compile(
    r"(?:关于)?(?:公布|发布)?(?:的)?政府信息公开(?:工作)?(?:年度)?(?:工作)?(?:年度报告|年报|报告)$|"
    r"(?:政务公开|信息公开)(?:工作)?(?:年度报告|年报)$"
)
_TITLE_HINT = re.compile(r"政府信息公开|年度报告|年报")
_DATE = re.compile(r"(20\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?")
_PERIOD = re.compile(r"统计期限.{0,4}?(20\d{2})年")
# Page metadata keys that state a publish date, in order of trust (domain brief).
PAGE_DATE_KEYS = (
    ("PubDate", "meta"),
    ("pubdate", "meta"),
    ("发布日期", "catalogue"),
    ("发布时间", "catalogue"),
    ("visible_date", "text"),
)


@dataclass
class Metadata:
    title: str | None = None
    body: str | None = None
    year: int | None = None
    year_source: str | None = None
    publish_date: str | None = None
    publish_date_source: str | None = None
    date_candidates: list[dict[str, str]] = field(default_factory=list)


def parse_date(text: str) -> date | None:
    match = _DATE.search(nfkc(text))
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _title_from_text(doc: ExtractedDocument) -> str | None:
    paragraphs = [b for b in doc.blocks[:12] if isinstance(b, Paragraph) and not is_blank(b.text)]
    for n, para in enumerate(paragraphs[:6]):
        text = squash(para.text)
        if not _TITLE_HINT.search(text) or len(text) > 60:
            continue
        title = para.text.strip()
        # A title broken over two lines: "南口镇2020年政府信息公开工作" / "年度报告".
        if "报告" not in text and "年报" not in text and n + 1 < len(paragraphs):
            following = squash(paragraphs[n + 1].text)
            if len(following) <= 12 and ("报告" in following or "年报" in following):
                title = f"{title}{paragraphs[n + 1].text.strip()}"
        return " ".join(title.split())
    return None


def _body_and_year(title: str) -> tuple[str | None, int | None]:
    text = squash(nfkc(title))
    match = _YEAR.search(text)
    year = int(match[1]) if match else None
    if match is None:
        return None, None
    before, after = text[: match.start()], text[match.end() :]
    body = before or _REPORT_WORDS.split(after)[0]
    body = _REPORT_WORDS.sub("", body).removesuffix("关于").strip("：:（）()")
    return (body or None), year


def read_metadata(doc: ExtractedDocument) -> Metadata:
    meta = Metadata()
    text_title = _title_from_text(doc)
    meta.title = doc.title or text_title
    for candidate in (doc.title, text_title):
        if candidate:
            body, year = _body_and_year(candidate)
            meta.body = meta.body or body
            if year and meta.year is None:
                meta.year, meta.year_source = year, "title"
    if meta.year is None:
        period = _PERIOD.search(squash(doc.text()))
        if period:
            meta.year, meta.year_source = int(period[1]), "statistics period"
    for key, source in PAGE_DATE_KEYS:
        value = doc.meta.get(key)
        parsed = parse_date(value) if value else None
        if parsed is not None:
            meta.date_candidates.append({"date": parsed.isoformat(), "source": source, "raw": value or ""})
    signed = _signature_date(doc)
    if signed is not None:
        meta.date_candidates.append({"date": signed.isoformat(), "source": "document", "raw": signed.isoformat()})
    if meta.date_candidates:
        meta.publish_date = meta.date_candidates[0]["date"]
        meta.publish_date_source = meta.date_candidates[0]["source"]
    return meta


def _signature_date(doc: ExtractedDocument) -> date | None:
    """A date alone on one of the last lines (the signature block of the report)."""
    seen = 0
    for para in reversed(doc.blocks):  # the last four paragraphs with text, last first
        if not isinstance(para, Paragraph) or is_blank(para.text):
            continue
        # A long line is no date: seen without normalising it when its length can be read off the raw text.
        if len(para.text) <= 16 or not nfkc_is_plain(para.text) or len(squash(para.text)) <= 16:
            text = squash(nfkc(para.text))
            if len(text) <= 16 and _DATE.fullmatch(text):
                return parse_date(text)
        seen += 1
        if seen == 4:
            break
    return None
