"""Evidence of what portals answered and when: WARC records, content-addressed blobs and the fetch log.

Every response is written to the run's WARC file at once (the archive is the proof), its body to
the blob store, and a fetch row to the database. Database rows are written in batches: one commit
per response would cost more than the crawl itself on SQLite.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.parsing.sniff import media_type_of
from db.blobstore import FileBlobStore
from db.models import Document, Fetch, FetchOutcome
from db.session import Database
from db.types import utcnow

FLUSH_EVERY = 200
FLUSH_SECONDS = 2.0


@dataclass(frozen=True)
class Known:
    """The last good answer of a URL: what a conditional request sends, and the stored body."""

    sha256: str
    etag: str | None
    last_modified: str | None
    media_type: str | None


@dataclass
class Recorded:
    sha256: str | None
    size: int | None
    warc_file: str | None
    warc_offset: int | None
    fetched_at: datetime


@dataclass
class _Pending:
    fetches: list[dict[str, Any]] = field(default_factory=list)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # sha -> first sighting in this batch


class WarcFile:
    """One gzipped WARC file per crawl run and portal; records are appended with their offsets."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file = path.open("ab")
        self._writer = WARCWriter(self._file, gzip=True)
        self._writer.write_record(
            self._writer.create_warcinfo_record(path.name, {"software": "disclosure-monitor", "format": "WARC/1.0"})
        )

    def write(
        self,
        url: str,
        status: int,
        reason: str,
        headers: list[tuple[str, str]],
        body: bytes,
        fetched_at: datetime,
        request_headers: list[tuple[str, str]],
    ) -> int:
        offset = self._file.tell()
        date = fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        http = StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol="HTTP/1.1")
        response = self._writer.create_warc_record(
            url, "response", payload=BytesIO(body), http_headers=http, warc_headers_dict={"WARC-Date": date}
        )
        request = self._writer.create_warc_record(
            url,
            "request",
            payload=BytesIO(b""),
            http_headers=StatusAndHeaders(f"GET {url} HTTP/1.1", request_headers, is_http_request=True),
            warc_headers_dict={"WARC-Date": date},
        )
        self._writer.write_request_response_pair(request, response)
        return offset

    def close(self) -> None:
        self._file.flush()
        self._file.close()


class EvidenceStore:
    """Records the fetches of one portal's crawl run."""

    def __init__(self, database: Database, blobs: FileBlobStore, warc_dir: Path, portal_id: str, run_id: int) -> None:
        self.database = database
        self.blobs = blobs
        self.portal_id = portal_id
        self.run_id = run_id
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.warc = WarcFile(warc_dir / portal_id / f"{stamp}-run{run_id}.warc.gz")
        self._pending = _Pending()
        self._last_flush = time.monotonic()
        self.known = self._load_known()

    def _load_known(self) -> dict[str, Known]:
        """The newest successful fetch of each URL of this portal (for conditional requests)."""
        known: dict[str, Known] = {}
        with self.database.session() as session:
            rows = session.execute(
                select(Fetch.url, Fetch.sha256, Fetch.etag, Fetch.last_modified, Fetch.media_type)
                .where(Fetch.portal_id == self.portal_id, Fetch.outcome == FetchOutcome.OK, Fetch.sha256.is_not(None))
                .order_by(Fetch.id)
            )
            for url, sha, etag, last_modified, media_type in rows:
                known[url] = Known(sha, etag, last_modified, media_type)
        return known

    def record_response(
        self,
        url: str,
        status: int,
        headers: dict[str, str],
        body: bytes,
        outcome: FetchOutcome,
        *,
        reason: str = "",
        final_url: str | None = None,
        request_headers: dict[str, str] | None = None,
        elapsed_ms: int | None = None,
        stored_sha: str | None = None,
        kind: str | None = None,
        error: str | None = None,
    ) -> Recorded:
        """A response: into the WARC now, its body into the blob store, its fetch row into the next batch.
        A 304 keeps the body it confirms (`stored_sha`) without writing it again."""
        fetched_at = utcnow()
        offset = self.warc.write(
            url, status, reason, list(headers.items()), body, fetched_at, list((request_headers or {}).items())
        )
        sha: str | None = stored_sha
        size: int | None = None
        media_type = _media_type(headers)
        if outcome == FetchOutcome.OK:
            sha = self.blobs.put(body)
            size = len(body)
            # The fetch keeps what the server declared; the document, what it is.
            self._note_document(sha, media_type_of(body, media_type), size, fetched_at, url)
            self.known[url] = Known(sha, headers.get("etag"), headers.get("last-modified"), media_type)
        elif outcome == FetchOutcome.NOT_MODIFIED and sha is not None:
            self._note_document(sha, None, None, fetched_at, url)
        self._pending.fetches.append(
            {
                "portal_id": self.portal_id,
                "crawl_run_id": self.run_id,
                "url": url,
                "final_url": final_url,
                "status_code": status,
                "outcome": outcome,
                "fetched_at": fetched_at,
                "elapsed_ms": elapsed_ms,
                "request_headers": dict(request_headers or {}),
                "response_headers": headers,
                "sha256": sha,
                "size": size,
                "media_type": media_type,
                "etag": headers.get("etag"),
                "last_modified": headers.get("last-modified"),
                "warc_file": self.warc.path.name,
                "warc_offset": offset,
                "kind": kind,
                "error": error,
            }
        )
        self._maybe_flush()
        return Recorded(sha, size, self.warc.path.name, offset, fetched_at)

    def record_failure(
        self, url: str, outcome: FetchOutcome, error: str, *, status: int | None = None, kind: str | None = None
    ) -> None:
        """A request that got no usable response (timeout, reset, refused, robots, redirect loop, oversize)."""
        self._pending.fetches.append(
            {
                "portal_id": self.portal_id,
                "crawl_run_id": self.run_id,
                "url": url,
                "status_code": status,
                "outcome": outcome,
                "fetched_at": utcnow(),
                "request_headers": {},
                "response_headers": {},
                "error": error[:2000],
                "kind": kind,
            }
        )
        self._maybe_flush()

    def _note_document(self, sha: str, media_type: str | None, size: int | None, at: datetime, url: str) -> None:
        seen = self._pending.documents.get(sha)
        if seen is None:
            self._pending.documents[sha] = {"media_type": media_type, "size": size, "at": at, "url": url}
        else:
            seen["at"] = at

    def _maybe_flush(self) -> None:
        if len(self._pending.fetches) >= FLUSH_EVERY or time.monotonic() - self._last_flush >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        pending, self._pending = self._pending, _Pending()
        self._last_flush = time.monotonic()
        if not pending.fetches and not pending.documents:
            return
        with self.database.session() as session:
            ids = self._upsert_documents(session, pending.documents)
            for row in pending.fetches:
                sha = row.get("sha256")
                row["document_id"] = ids.get(sha) if sha else None
            if pending.fetches:
                session.execute(insert(Fetch), pending.fetches)

    @staticmethod
    def _upsert_documents(session: Any, documents: dict[str, dict[str, Any]]) -> dict[str, int]:
        if not documents:
            return {}
        existing = dict(
            session.execute(select(Document.sha256, Document.id).where(Document.sha256.in_(documents))).all()
        )
        for sha, doc in documents.items():
            if sha in existing:
                session.execute(update(Document).where(Document.id == existing[sha]).values(last_seen=doc["at"]))
            elif doc["size"] is not None:
                row = Document(
                    sha256=sha,
                    media_type=doc["media_type"] or "application/octet-stream",
                    size=doc["size"],
                    first_seen=doc["at"],
                    last_seen=doc["at"],
                    first_url=doc["url"],
                )
                session.add(row)
                session.flush()
                existing[sha] = row.id
        return existing

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.warc.close()


def _media_type(headers: dict[str, str]) -> str | None:
    value = headers.get("content-type")
    return value.split(";")[0].strip().lower() if value else None


def read_warc_urls(path: Path) -> list[tuple[str, str]]:
    """(record type, target URI) of every record in a WARC file: for tests and for operators' spot checks."""
    out = []
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            out.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI") or ""))
    return out
