"""Storing a found report: one report per body and year, every distinct content kept as a version.

Used by the crawl pipeline and by manual ingest alike. Nothing stored is ever overwritten: a report
whose content changed gets a new version with its first-seen time; the earlier ones stay.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Document, Report, ReportOrigin, ReportVersion

# Where a publish date came from, most trusted first (the domain brief's order); "user" is a date an
# operator typed when ingesting a report received outside the crawl.
DATE_TRUST = ("user", "meta", "catalogue", "text", "url", "list", "document")


@dataclass
class FoundReport:
    body_id: str
    year: int
    origin: ReportOrigin
    url: str | None
    title: str | None
    document_sha: str  # the document holding the report's tables (a page or an attachment)
    parsed: dict[str, Any]  # the parsed report JSON (tables and sections merged from page and attachments)
    seen_at: datetime
    date_candidates: list[dict[str, str]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Stored:
    report_id: int
    new_report: bool
    new_version: bool


def content_hash(parsed: dict[str, Any], attachments: list[dict[str, Any]]) -> str:
    """Hash of what the report says, not of the page bytes: a changed sidebar is no edit."""
    tables = {
        name: {
            row: {col: [c.get("state"), c.get("raw", "").strip()] for col, c in cols.items()}
            for row, cols in table.get("cells", {}).items()
        }
        for name, table in (parsed.get("tables") or {}).items()
    }
    content = {
        "title": (parsed.get("title") or "").strip(),
        "sections": parsed.get("sections") or {},
        "tables": tables,
        "attachments": sorted(a["sha256"] for a in attachments if a.get("sha256")),
    }
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def choose_date(candidates: list[dict[str, str]]) -> tuple[date | None, str | None]:
    ranked = sorted(
        (c for c in candidates if c.get("date")),
        key=lambda c: DATE_TRUST.index(c["source"]) if c.get("source") in DATE_TRUST else len(DATE_TRUST),
    )
    if not ranked:
        return None, None
    return date.fromisoformat(ranked[0]["date"]), ranked[0]["source"]


def store_report(session: Session, found: FoundReport) -> Stored:
    document = session.scalar(select(Document).where(Document.sha256 == found.document_sha))
    if document is None:
        raise LookupError(f"document {found.document_sha} is not stored")
    report = session.scalar(select(Report).where(Report.body_id == found.body_id, Report.year == found.year))
    new_report = report is None
    if report is None:
        report = Report(
            body_id=found.body_id,
            year=found.year,
            origin=found.origin,
            first_seen=found.seen_at,
            last_seen=found.seen_at,
        )
        session.add(report)
        session.flush()
    content = content_hash(found.parsed, found.attachments)
    version = session.scalar(
        select(ReportVersion).where(ReportVersion.report_id == report.id, ReportVersion.content_sha256 == content)
    )
    new_version = version is None
    if version is None:
        version = ReportVersion(
            report_id=report.id,
            document_id=document.id,
            content_sha256=content,
            url=found.url,
            title=found.title,
            first_seen=found.seen_at,
            last_seen=found.seen_at,
            attachments=found.attachments,
            template=found.parsed.get("template"),
            parser_version=found.parsed.get("parser_version"),
            parse_state=found.parsed.get("state"),
            parsed=found.parsed,
        )
        session.add(version)
        session.flush()
    else:
        version.last_seen = max(version.last_seen, found.seen_at)
    report.last_seen = max(report.last_seen, found.seen_at)
    report.first_seen = min(report.first_seen, found.seen_at)
    current = report.current_version
    if current is None or version.first_seen >= current.first_seen:
        _make_current(report, version, found, document)
    return Stored(report.id, new_report, new_version)


def _make_current(report: Report, version: ReportVersion, found: FoundReport, document: Document) -> None:
    report.current_version = version
    report.title = found.title
    report.url = found.url
    report.document_id = document.id
    report.media_type = document.media_type
    report.template = version.template
    report.parser_version = version.parser_version
    report.parse_state = version.parse_state
    report.parsed = version.parsed
    report.publish_date_candidates = found.date_candidates
    report.publish_date, report.publish_date_source = choose_date(found.date_candidates)
