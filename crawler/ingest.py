"""Manual ingest: a report received outside the crawl (by e-mail, on paper scanned, from another archive)
stored exactly as a crawled one would be, with the ingest time as its first sighting."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from crawler.links import BodyMatcher
from crawler.parsing.parser import ParsedReport, parse_document
from crawler.parsing.sniff import media_type_of
from crawler.store import READ, FoundReport, Stored, settle_current, store_report
from db.blobstore import FileBlobStore
from db.models import Body, Document, Report, ReportOrigin
from db.session import Database
from db.types import CHINA_TZ

# The reports table's CHECK constraint (ck_reports_year_range): year BETWEEN 2000 AND 2100.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class IngestError(ValueError):
    pass


def check_year(year: int, now: datetime, what: str = "--year") -> None:
    """A report year the reports table accepts and that is over (Beijing time): the statistical period is
    the calendar year, so a report for a year that has not ended cannot exist yet."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise IngestError(f"{what} {year} is outside {FIRST_YEAR}–{LAST_YEAR}")
    today = now.astimezone(CHINA_TZ).date()
    if year >= today.year:
        raise IngestError(f"{what} {year} is not over yet (today is {today} in Beijing); its report cannot exist")


def check_published(published: date, year: int, now: datetime) -> None:
    """A publish date not in the future (Beijing time) and not before the report year has ended."""
    today = now.astimezone(CHINA_TZ).date()
    if published > today:
        raise IngestError(f"--published {published} is in the future (today is {today} in Beijing)")
    if published <= date(year, 12, 31):
        raise IngestError(f"--published {published} is before the end of the report year {year}")


@dataclass
class Ingested:
    path: Path
    year: int
    parsed: ParsedReport
    stored: Stored


def ingest_file(
    database: Database,
    blobs: FileBlobStore,
    path: Path,
    *,
    body_id: str,
    year: int | None,
    published: date | None,
    url: str | None,
    now: datetime,
    force: bool = False,
) -> Ingested:
    """Parse and store one file. Refused (IngestError, nothing written) when the document names another
    registered body than `body_id`, states another year than `year`, or could not be read while the body's
    report of that year already has a readable version; `force` stores it anyway."""
    if year is not None:
        check_year(year, now)
    data = path.read_bytes()
    with database.session() as session:
        if session.get(Body, body_id) is None:
            raise IngestError(f"unknown body {body_id!r} (see `disclosure registry show`)")
        matcher = BodyMatcher([(b.id, b.name, list(b.aliases or [])) for b in session.scalars(select(Body))])
    parsed = parse_document(data, filename=path.name, year_hint=year)
    stated_year = None if "YEAR_NOT_FOUND" in parsed.codes() else parsed.year
    report_year = year or parsed.year
    if report_year is None:
        raise IngestError(f"{path}: the report year is not in the document; give it with --year")
    if not force:
        named = matcher.match(parsed.body or "") or matcher.match(parsed.title or "")
        if named is not None and named != body_id:
            raise IngestError(
                f"{path}: the document names {parsed.body or parsed.title} (body {named}), not {body_id};"
                " use --force to store it anyway"
            )
        if year is not None and stated_year is not None and stated_year != year:
            raise IngestError(
                f"{path}: the document states the year {stated_year}, not {year}; use --force to store it anyway"
            )
    check_year(report_year, now, "report year")
    if published is not None:
        check_published(published, report_year, now)
    if not force and parsed.state not in READ:
        with database.session() as session:
            report = session.scalar(select(Report).where(Report.body_id == body_id, Report.year == report_year))
            readable = report is not None and any(v.parse_state in READ for v in report.versions)
        if readable:
            raise IngestError(
                f"{path}: nothing could be read from it ({parsed.state}) and {body_id} {report_year} already has"
                " a readable report; use --force to store it anyway"
            )
    sha = blobs.put(data)
    candidates = [{"date": published.isoformat(), "source": "user", "raw": published.isoformat()}] if published else []
    candidates += parsed.publish_date_candidates
    with database.session() as session:
        document = session.scalar(select(Document).where(Document.sha256 == sha))
        if document is None:
            media_type = media_type_of(data, None) or "application/octet-stream"
            session.add(
                Document(
                    sha256=sha,
                    media_type=media_type,
                    size=len(data),
                    first_seen=now,
                    last_seen=now,
                    first_url=url or f"file:{path.name}",
                )
            )
            session.flush()
        else:
            document.last_seen = max(document.last_seen, now)
        found = FoundReport(
            body_id=body_id,
            year=report_year,
            origin=ReportOrigin.INGEST,
            url=url,
            title=parsed.title,
            document_sha=sha,
            parsed=parsed.as_json(),
            seen_at=now,
            date_candidates=candidates,
        )
        stored = store_report(session, found)
        # An ingest is a round of its own: the operator shows this content now.
        if settle_current(session, {stored.report_id: [(stored.version_id, found)]}):
            stored = replace(stored, new_version=True, reverted=True)
    return Ingested(path, report_year, parsed, stored)
