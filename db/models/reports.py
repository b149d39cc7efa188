"""Annual reports as found: one report per body and year, with every distinct content version kept."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, enum_column
from db.models.harvest import Document
from db.models.registry import Body
from db.types import Json, UTCDateTime, utcnow


class ReportOrigin(StrEnum):
    CRAWL = "crawl"
    INGEST = "ingest"  # uploaded by a person (`disclosure ingest`)


class Report(Base):
    """Body B's report for year Y, as the service currently knows it.

    The columns parsed/template/parser_version mirror the current version so that the rules and the
    dashboard read one row per report; `versions` keeps everything ever seen.
    """

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[ReportOrigin] = mapped_column(enum_column(ReportOrigin, "report_origin"))
    publish_date: Mapped[date | None] = mapped_column(Date)
    # meta | catalogue | text | url | document | user: which candidate publish_date was taken from.
    publish_date_source: Mapped[str | None] = mapped_column(String(32))
    publish_date_candidates: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_versions.id", ondelete="SET NULL", use_alter=True)
    )
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    media_type: Mapped[str | None] = mapped_column(String(128))
    template: Mapped[str | None] = mapped_column(String(16))  # 2019 | 2021 | legacy | unknown
    parser_version: Mapped[str | None] = mapped_column(String(32))
    parse_state: Mapped[str | None] = mapped_column(String(32))  # ok | partial | unsupported | failed ...
    parsed: Mapped[dict[str, Any] | None] = mapped_column(Json)

    body: Mapped[Body] = relationship()
    document: Mapped[Document | None] = relationship(foreign_keys=[document_id])
    versions: Mapped[list[ReportVersion]] = relationship(
        back_populates="report",
        foreign_keys="ReportVersion.report_id",
        order_by="ReportVersion.first_seen",
        cascade="all, delete-orphan",
    )
    current_version: Mapped[ReportVersion | None] = relationship(foreign_keys=[current_version_id], post_update=True)

    __table_args__ = (
        UniqueConstraint("body_id", "year"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )


class ReportVersion(Base):
    """One distinct content of a report, with when it was first and last seen (evidence of edits)."""

    __tablename__ = "report_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    # Hash of the report's content (article text and attachments), not of the page bytes, so a
    # changed sidebar or visit counter does not count as an edit.
    content_sha256: Mapped[str] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    template: Mapped[str | None] = mapped_column(String(16))
    parser_version: Mapped[str | None] = mapped_column(String(32))
    parse_state: Mapped[str | None] = mapped_column(String(32))
    parsed: Mapped[dict[str, Any] | None] = mapped_column(Json)

    report: Mapped[Report] = relationship(back_populates="versions", foreign_keys=[report_id])
    document: Mapped[Document] = relationship()

    __table_args__ = (
        UniqueConstraint("report_id", "content_sha256"),
        UniqueConstraint("report_id", "document_id"),
        # "What changed since the last check" reads versions by these times: without an index that is a scan
        # of every version, parsed JSON and all.
        Index("ix_report_versions_first_seen", "first_seen"),
        Index("ix_report_versions_last_seen", "last_seen"),
    )


class TextSignature(Base):
    """A MinHash signature of one section of a report's current text (boilerplate, numbers, years and the
    body's name removed), kept so that copy detection across bodies does not recompute every report."""

    __tablename__ = "text_signatures"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    section: Mapped[str] = mapped_column(String(32), primary_key=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    text_sha256: Mapped[str] = mapped_column(String(64))  # of the normalised text the signature was made from
    length: Mapped[int] = mapped_column(Integer)  # characters of normalised text
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_text_signatures_year_section", "year", "section"),)
