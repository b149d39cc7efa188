"""Manual ingest: a report received outside the crawl (by e-mail, on paper scanned, from another archive)
stored exactly as a crawled one would be, with the ingest time as its first sighting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from crawler.parsing.parser import ParsedReport, parse_document
from crawler.store import FoundReport, Stored, store_report
from db.blobstore import FileBlobStore
from db.models import Body, Document, ReportOrigin
from db.session import Database

MEDIA_TYPES = {
    "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "text": "text/plain",
}


class IngestError(ValueError):
    pass


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
) -> Ingested:
    data = path.read_bytes()
    with database.session() as session:
        if session.get(Body, body_id) is None:
            raise IngestError(f"unknown body {body_id!r} (see `disclosure registry show`)")
    parsed = parse_document(data, filename=path.name, year_hint=year)
    report_year = year or parsed.year
    if report_year is None:
        raise IngestError(f"{path}: the report year is not in the document; give it with --year")
    sha = blobs.put(data)
    candidates = [{"date": published.isoformat(), "source": "user", "raw": published.isoformat()}] if published else []
    candidates += parsed.publish_date_candidates
    with database.session() as session:
        document = session.scalar(select(Document).where(Document.sha256 == sha))
        if document is None:
            media_type = MEDIA_TYPES.get(parsed.format or "", "application/octet-stream")
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
        stored = store_report(
            session,
            FoundReport(
                body_id=body_id,
                year=report_year,
                origin=ReportOrigin.INGEST,
                url=url,
                title=parsed.title,
                document_sha=sha,
                parsed=parsed.as_json(),
                seen_at=now,
                date_candidates=candidates,
            ),
        )
    return Ingested(path, report_year, parsed, stored)
