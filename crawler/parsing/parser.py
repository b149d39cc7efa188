"""parse_document: bytes of any report file in, one ParsedReport out, never an exception.

A document that cannot be read yields a report with a `state` and problem codes, so a batch of
files always completes and a bad file is recorded rather than lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.parsing.blocks import ExtractedDocument, ExtractionError, Paragraph, Problem
from crawler.parsing.convert import to_docx
from crawler.parsing.detect import detect_template
from crawler.parsing.extract_docx import extract_docx
from crawler.parsing.extract_html import extract_html
from crawler.parsing.extract_pdf import extract_pdf
from crawler.parsing.extract_text import extract_text
from crawler.parsing.metadata import read_metadata
from crawler.parsing.normalize import squash
from crawler.parsing.sections import find_sections
from crawler.parsing.sniff import sniff
from crawler.parsing.tables import TABLE_NAMES, TableReader, TableResult
from crawler.parsing.templates import SECTION_KEYS, template_for_year, templates

# Bump when parsing changes what it reads, so stored reports can be found and re-parsed.
PARSER_VERSION = "1.0.1"  # 1.0.1: no TEXT_DROPPED for empty text objects where a CJK font is installed
MAX_BYTES = 200 * 1024 * 1024

log = logging.getLogger(__name__)

# Problems meaning "the parser could not read something with certainty".
UNCERTAIN = {
    "CELLS_UNREADABLE",
    "CELL_AMBIGUOUS",
    "CELL_OUTSIDE_COLUMNS",
    "UNKNOWN_ROW",
    "HEADER_INCOMPLETE",
    "HEADER_TRUNCATED",
    "UNKNOWN_COLUMN",
    "TABLE_UNREADABLE",
    "CELL_NOT_NUMERIC",
}
STATE_OF_ERROR = {
    "EMPTY_DOCUMENT": "empty",
    "UNSUPPORTED_FORMAT": "unsupported",
    "NO_TEXT_LAYER": "no_text",
    "CORRUPT_DOCUMENT": "corrupt",
    "ENCRYPTED_DOCUMENT": "encrypted",
    "TOO_LARGE": "unsupported",
}


@dataclass
class ParsedReport:
    """A report as parsed; `as_json()` gives the contract's "Parsed report JSON"."""

    file: str | None = None
    state: str = "ok"  # ok | partial | not_a_report | empty | unsupported | no_text | corrupt | encrypted | failed
    format: str | None = None
    title: str | None = None
    body: str | None = None
    year: int | None = None
    template: str = "unknown"
    publish_date: str | None = None
    publish_date_source: str | None = None
    publish_date_candidates: list[dict[str, str]] = field(default_factory=list)
    sections: dict[str, str | None] = field(default_factory=lambda: dict.fromkeys(SECTION_KEYS))
    headings: list[dict[str, object]] = field(default_factory=list)
    preamble: str = ""
    tables: dict[str, TableResult] = field(default_factory=lambda: {t: TableResult() for t in TABLE_NAMES})
    template_markers: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    parser_version: str = PARSER_VERSION

    def codes(self) -> set[str]:
        return {p.code for p in self.problems}

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "state": self.state,
            "format": self.format,
            "title": self.title,
            "body": self.body,
            "year": self.year,
            "template": self.template,
            "publish_date": self.publish_date,
            "publish_date_source": self.publish_date_source,
            "publish_date_candidates": self.publish_date_candidates,
            "sections": self.sections,
            "headings": self.headings,
            "tables": {name: t.as_dict() for name, t in self.tables.items()},
            "template_markers": self.template_markers,
            "problems": [p.as_dict() for p in self.problems],
            "parser_version": self.parser_version,
        }


def extract(data: bytes, filename: str | None = None, encoding: str | None = None) -> ExtractedDocument:
    """Route the bytes to the extractor of their format (raises ExtractionError)."""
    if len(data) > MAX_BYTES:
        raise ExtractionError("TOO_LARGE", f"{len(data)} bytes is over the {MAX_BYTES} byte limit")
    kind = sniff(data, filename)
    if kind == "empty":
        raise ExtractionError("EMPTY_DOCUMENT", "the file is empty")
    if kind == "pdf":
        return extract_pdf(data)
    if kind == "docx":
        return extract_docx(data)
    if kind in ("ole", "rtf"):
        if kind == "ole":
            try:
                return extract_docx(data)  # raises ENCRYPTED_DOCUMENT for a password-protected DOCX
            except ExtractionError as exc:
                if exc.code != "UNSUPPORTED_FORMAT":
                    raise
        suffix = Path(filename).suffix.lower() if filename else (".rtf" if kind == "rtf" else ".doc")
        converted = extract_docx(to_docx(data, suffix or ".doc"))
        converted.problems.append(Problem("CONVERTED", f"read after LibreOffice converted the {suffix} file"))
        return converted
    if kind == "html":
        return extract_html(data, encoding=encoding)
    if kind == "text":
        return extract_text(data)
    if kind == "image":
        raise ExtractionError("NO_TEXT_LAYER", "an image: a scanned report has no text to read")
    raise ExtractionError("UNSUPPORTED_FORMAT", f"{kind} files are not report documents this parser reads")


def parse_document(
    data: bytes, *, filename: str | None = None, encoding: str | None = None, year_hint: int | None = None
) -> ParsedReport:
    report = ParsedReport(file=filename)
    try:
        doc = extract(data, filename, encoding)
    except ExtractionError as exc:
        report.state = STATE_OF_ERROR.get(exc.code, "unsupported")
        report.problems.append(Problem(exc.code, exc.message))
        return report
    except Exception as exc:  # a bug or a library failure on hostile input: recorded, never raised
        log.exception("extraction of %s failed", filename)
        report.state = "failed"
        report.problems.append(Problem("PARSER_ERROR", f"{type(exc).__name__}: {exc}"))
        return report
    try:
        _read(doc, report, year_hint)
    except Exception as exc:
        log.exception("reading %s failed", filename)
        report.state = "failed"
        report.problems.append(Problem("PARSER_ERROR", f"{type(exc).__name__}: {exc}"))
    return report


# Words that appear only inside each table: printed outside any grid, they mean the table is there but
# its cells could not be located (a PDF table drawn without lines, a table pasted as an image caption...).
TABLE_WORDS = {
    "active_disclosure": (("信息内容",), ("第二十条第",)),
    "applications": (("本年新收", "申请数量"), ("自然人", "商业企业")),
    "reviews_litigation": (("结果维持", "尚未审结"), ("未经复议直接起诉",), ("复议后起诉", "结果纠正")),
}


def _mark_unreadable_tables(doc: ExtractedDocument, report: ParsedReport) -> None:
    if all(report.tables[name].cells for name in TABLE_WORDS):
        return  # every table was read: no need to look for their words in the text
    paragraphs = squash("".join(b.text for b in doc.blocks if isinstance(b, Paragraph)))
    for name, groups in TABLE_WORDS.items():
        table = report.tables[name]
        if table.cells:
            continue
        if any(all(word in paragraphs for word in group) for group in groups):
            table.present = True
            table.unreadable = True
            report.problems.append(
                Problem("TABLE_UNREADABLE", "the table is printed but its cells could not be located", name)
            )


def _read(doc: ExtractedDocument, report: ParsedReport, year_hint: int | None) -> None:
    report.format = doc.format
    report.problems.extend(doc.problems)
    meta = read_metadata(doc)
    report.title, report.body = meta.title, meta.body
    report.year = meta.year or year_hint
    if meta.year is None:
        report.problems.append(Problem("YEAR_NOT_FOUND", "no report year in the title or the text"))
    if meta.body is None:
        report.problems.append(Problem("BODY_NOT_FOUND", "no body name in the title"))
    report.publish_date = meta.publish_date
    report.publish_date_source = meta.publish_date_source
    report.publish_date_candidates = meta.date_candidates

    guess = detect_template(doc)
    report.template = guess.template
    report.template_markers = guess.markers
    if guess.mixed:
        report.problems.append(
            Problem(
                "TEMPLATE_MIXED",
                f"markers of both templates: {guess.markers.get('2019')} / {guess.markers.get('2021')}",
            )
        )
    if guess.legacy_outline:
        report.problems.append(Problem("LEGACY_OUTLINE", f"pre-2019 headings: {guess.markers.get('legacy')}"))

    reading = guess.template if guess.template in templates() else None
    if reading is None:
        reading = template_for_year(report.year).id if report.year and report.year >= 2019 else "2019"
    reader = TableReader(templates()[reading])
    report.tables = reader.read(doc.grids)
    report.problems.extend(reader.problems)

    _mark_unreadable_tables(doc, report)
    found = find_sections(doc)
    report.sections, report.headings, report.preamble = found.texts, found.headings, found.preamble

    if not any(t.present for t in report.tables.values()) and not any(found.texts.values()):
        report.state = "not_a_report"
        report.problems.append(Problem("NOT_A_REPORT", "no section headings and no statutory tables found"))
    elif report.codes() & UNCERTAIN:
        report.state = "partial"
