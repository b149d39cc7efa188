"""What the crawler did and what it got: crawl runs, the fetch log, and content-addressed documents."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, enum_column
from db.types import BigId, Json, UTCDateTime, utcnow


class RunStatus(StrEnum):
    RUNNING = "running"
    OK = "ok"  # every page answered
    PARTIAL = "partial"  # some URLs failed; what was found is valid
    BLOCKED = "blocked"  # a WAF challenge answered: absence of reports means nothing
    UNREACHABLE = "unreachable"  # the portal did not answer at all
    FAILED = "failed"  # the run itself broke (a bug or a local problem)
    CANCELLED = "cancelled"


class FetchOutcome(StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"  # 304 to a conditional request
    HTTP_ERROR = "http_error"  # 4xx/5xx other than a challenge
    TIMEOUT = "timeout"
    CONNECTION_ERROR = "connection_error"
    BLOCKED = "blocked"  # WAF challenge (412 with $_ts, 521 cookie challenge, JS-only 200 page)
    OVERSIZE = "oversize"
    TRUNCATED = "truncated"
    REDIRECT_LOOP = "redirect_loop"
    ROBOTS_DENIED = "robots_denied"
    ERROR = "error"


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[RunStatus] = mapped_column(enum_column(RunStatus, "run_status"), default=RunStatus.RUNNING)
    trigger: Mapped[str] = mapped_column(String(32), default="manual")  # manual|schedule|recrawl|demo
    stats: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    error: Mapped[str | None] = mapped_column(Text)

    fetches: Mapped[list[Fetch]] = relationship(back_populates="crawl_run")


class Document(Base):
    """A distinct byte sequence the service holds; the bytes live in the blob store under `sha256`."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    media_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    first_url: Mapped[str | None] = mapped_column(Text)


class Fetch(Base):
    """One request and its outcome: the proof of what a URL answered and when."""

    __tablename__ = "fetches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"), index=True)
    portal_id: Mapped[str | None] = mapped_column(ForeignKey("portals.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(8), default="GET")
    status_code: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[FetchOutcome] = mapped_column(enum_column(FetchOutcome, "fetch_outcome"))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    elapsed_ms: Mapped[int | None] = mapped_column(Integer)
    request_headers: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    response_headers: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size: Mapped[int | None] = mapped_column(BigInteger)
    media_type: Mapped[str | None] = mapped_column(String(128))
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    warc_file: Mapped[str | None] = mapped_column(String(255))
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(16))  # discover | list | article | attachment | robots

    crawl_run: Mapped[CrawlRun | None] = relationship(back_populates="fetches")
    document: Mapped[Document | None] = relationship()

    __table_args__ = (
        Index("ix_fetches_url_fetched_at", "url", "fetched_at"),
        Index("ix_fetches_portal_id", "portal_id"),
    )


class DiscoveredLink(Base):
    """A report link the crawler saw but could not attribute to a registered body and year, kept for the
    operator to register the body or correct the registry (never silently dropped)."""

    __tablename__ = "discovered_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(32))  # no_body | no_year | not_parsed | not_fetched
    body_id: Mapped[str | None] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"))  # when known
    year: Mapped[int | None] = mapped_column(Integer)
    list_date: Mapped[str | None] = mapped_column(String(10))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("portal_id", "url"),)
