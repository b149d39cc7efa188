"""Compliance flags raised by the rules, and the audit trail of every change to them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, enum_column
from db.models.registry import Body
from db.models.reports import Report
from db.types import Json, UTCDateTime, utcnow


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class FlagStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"  # set by an evaluation that no longer finds the problem
    DISMISSED = "dismissed"  # set by a person, with a reason


class Flag(Base):
    """One problem: (rule, body, year, subject) is unique, so a problem is never flagged twice."""

    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    # What inside the report the flag is about ("applications", "R1:natural_person", ""), so one
    # rule can flag several independent problems of one report.
    subject: Mapped[str] = mapped_column(String(200), default="")
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"), index=True)
    severity: Mapped[Severity] = mapped_column(enum_column(Severity, "severity"))
    status: Mapped[FlagStatus] = mapped_column(enum_column(FlagStatus, "flag_status"), default=FlagStatus.OPEN)
    rule_version: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    first_raised: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_evaluated: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    body: Mapped[Body] = relationship()
    report: Mapped[Report | None] = relationship()
    events: Mapped[list[FlagEvent]] = relationship(
        back_populates="flag", order_by="FlagEvent.id", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("rule", "body_id", "year", "subject"),)


class FlagEvent(Base):
    """Who changed a flag, when, from which status to which, and why."""

    __tablename__ = "flag_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flags.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))  # a user name, or "system" for the rules engine
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[FlagStatus | None] = mapped_column(enum_column(FlagStatus, "event_from_status"))
    to_status: Mapped[FlagStatus] = mapped_column(enum_column(FlagStatus, "event_to_status"))
    note: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[dict[str, Any] | None] = mapped_column(Json)  # what the rule saw at this event

    flag: Mapped[Flag] = relationship(back_populates="events")


class CheckRun(Base):
    """One evaluation of the rules: its scope and what it changed (the dashboard's and digests' "since")."""

    __tablename__ = "check_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scope: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)  # years, bodies, or "changed since"
    summary: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
