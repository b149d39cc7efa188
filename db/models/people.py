"""People and their requests: users, e-mail subscriptions, sent digests, and recrawl requests."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamped, enum_column
from db.models.flags import Severity
from db.types import Json, UTCDateTime, utcnow


class Role(StrEnum):
    ADMIN = "admin"  # manages registry and users
    REVIEWER = "reviewer"  # acknowledges and dismisses flags, requests recrawls
    VIEWER = "viewer"  # reads


class User(Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"), default=Role.VIEWER)
    # Oversight is scoped: a user sees the bodies of this jurisdiction and below; None means all.
    jurisdiction_code: Mapped[str | None] = mapped_column(ForeignKey("jurisdictions.code", ondelete="RESTRICT"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Subscription(Timestamped, Base):
    """Who gets a digest of which flags."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    jurisdiction_code: Mapped[str | None] = mapped_column(ForeignKey("jurisdictions.code", ondelete="RESTRICT"))
    min_severity: Mapped[Severity] = mapped_column(enum_column(Severity, "subscription_severity"), default=Severity.LOW)
    rules: Mapped[list[str] | None] = mapped_column(Json)  # None: every rule
    frequency: Mapped[str] = mapped_column(String(16), default="weekly")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    digests: Mapped[list[Digest]] = relationship(back_populates="subscription")


class DigestStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    EMPTY = "empty"  # nothing to report; recorded so the period is not retried
    FAILED = "failed"


class Digest(Base):
    """One digest for one subscription and period; the unique key keeps a period from being sent twice."""

    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime())
    period_end: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[DigestStatus] = mapped_column(
        enum_column(DigestStatus, "digest_status"), default=DigestStatus.PENDING
    )
    subject: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str | None] = mapped_column(String(255))
    flag_ids: Mapped[list[int]] = mapped_column(Json, default=list)
    error: Mapped[str | None] = mapped_column(Text)

    subscription: Mapped[Subscription] = relationship(back_populates="digests")

    __table_args__ = (UniqueConstraint("subscription_id", "period_start"),)


class RecrawlStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class RecrawlRequest(Base):
    """A person asking for a portal (or one body's reports) to be crawled again."""

    __tablename__ = "recrawl_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[str | None] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"))
    year: Mapped[int | None] = mapped_column(Integer)
    requested_by: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[RecrawlStatus] = mapped_column(
        enum_column(RecrawlStatus, "recrawl_status"), default=RecrawlStatus.PENDING
    )
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
