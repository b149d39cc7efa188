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
READ = ("ok", "partial")  # parse states of a document read as a report

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
    # The report's current content changed: a version never seen before, or an earlier version seen
    # again (then `reverted` too, set by settle_current). Callers count either as a changed report.
    new_version: bool
    version_id: int = 0  # the version this sighting is of
    reverted: bool = False


def content_hash(parsed: dict[str, Any], attachments: list[dict[str, Any]], document_sha: str | None = None) -> str:
    """Hash of what the report says, not of the page bytes: a changed sidebar is no edit.

    A document nothing could be read from (empty, truncated, unsupported) says nothing we know of, so
    two such documents are not "the same content": their hash is of the document's bytes (`document_sha`).
    """
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
    said_nothing = not content["title"] and not any(content["sections"].values())
    if said_nothing and not any(cells for cells in tables.values()) and not content["attachments"]:
        content["document"] = document_sha
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
    content = content_hash(found.parsed, found.attachments, found.document_sha)
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
    current = report.current_version
    version.last_seen = max(version.last_seen, found.seen_at)
    report.last_seen = max(report.last_seen, found.seen_at)
    report.first_seen = min(report.first_seen, found.seen_at)
    # A new content is current unless stored out of order; an earlier one seen again waits for the end of
    # the round (settle_current), which knows whether the current content was seen too.
    if current is None or version is current or (new_version and version.first_seen >= current.first_seen):
        _make_current(report, version, found, keep_user_date=version is current)
    return Stored(report.id, new_report, new_version, version_id=version.id)


Sighting = tuple[int, FoundReport]  # a version id and the sighting of it


def settle_current(session: Session, rounds: dict[int, list[Sighting]]) -> set[int]:
    """After one round of sightings (a crawl run, an ingest), per report in the order seen: a report whose
    current version was not seen in the round, while an earlier version was (no earlier than the current
    one's last sighting), shows that earlier content again, which becomes current. Returns those reports.

    Deciding per round rather than per sighting keeps a portal that lists two contents for one year from
    flipping between them at every crawl."""
    reverted: set[int] = set()
    for report_id, seen in rounds.items():
        report = session.get(Report, report_id)
        current = report.current_version if report is not None else None
        if report is None or current is None or current.id in {version_id for version_id, _ in seen}:
            continue
        version_id, found = seen[-1]
        version = session.get(ReportVersion, version_id)
        if version is None or found.seen_at < current.last_seen:
            continue
        _make_current(report, version, found, keep_user_date=False)
        reverted.add(report_id)
    return reverted


def _make_current(report: Report, version: ReportVersion, found: FoundReport, *, keep_user_date: bool) -> None:
    """Mirror `version` on the report. `keep_user_date`: the same content seen again keeps a publish date
    an operator supplied earlier when this sighting brings none."""
    candidates = list(found.date_candidates)
    if keep_user_date and not any(c.get("source") == "user" for c in candidates):
        candidates = [c for c in report.publish_date_candidates or [] if c.get("source") == "user"] + candidates
    report.current_version = version
    report.title = found.title
    report.url = found.url
    # The document the version was first stored from: a later document of the same content (other
    # bytes, e.g. a changed sidebar or a second unreadable file) is not what the version holds.
    report.document_id = version.document.id
    report.media_type = version.document.media_type
    report.template = version.template
    report.parser_version = version.parser_version
    report.parse_state = version.parse_state
    report.parsed = version.parsed
    report.publish_date_candidates = candidates
    report.publish_date, report.publish_date_source = choose_date(candidates)
