"""Who must file, where they publish, and by when: jurisdictions, portals, bodies, deadline overrides."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamped, enum_column
from db.types import Json, UTCDateTime


class JurisdictionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"


class BodyKind(StrEnum):
    GOVERNMENT = "government"  # a people's government's own overall report (人民政府)
    DEPARTMENT = "department"  # a working department of a government at county level or above (部门)
    TOWNSHIP = "township"  # 乡、镇人民政府
    SUBDISTRICT = "subdistrict"  # 街道办事处


class Jurisdiction(Timestamped, Base):
    """An administrative division, keyed by its GB/T 2260 code (12-digit statistical code below county)."""

    __tablename__ = "jurisdictions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[JurisdictionLevel] = mapped_column(enum_column(JurisdictionLevel, "jurisdiction_level"))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("jurisdictions.code", ondelete="RESTRICT"), index=True)

    parent: Mapped[Jurisdiction | None] = relationship(remote_side=[code])

    __table_args__ = (CheckConstraint("parent_code IS NULL OR parent_code <> code", name="not_own_parent"),)


class Portal(Timestamped, Base):
    """A website that publishes reports, crawled with one CMS profile."""

    __tablename__ = "portals"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    base_url: Mapped[str] = mapped_column(String(2048))
    profile: Mapped[str] = mapped_column(String(32), default="auto")
    # Annual-report column URLs given by the registry; empty means "discover from base_url".
    report_columns: Mapped[list[str]] = mapped_column(Json, default=list)
    # Columns found by discovery, cached so that a recrawl does not walk the site tree again.
    discovered_columns: Mapped[list[str]] = mapped_column(Json, default=list)
    discovered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Per-portal crawl overrides (delay, timeout, ...), merged over the global crawl settings.
    crawl_settings: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)

    bodies: Mapped[list[Body]] = relationship(back_populates="portal")


class Body(Timestamped, Base):
    """A government body obliged to publish an annual report (报告主体)."""

    __tablename__ = "bodies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(Json, default=list)
    kind: Mapped[BodyKind] = mapped_column(enum_column(BodyKind, "body_kind"))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code", ondelete="RESTRICT"), index=True)
    portal_id: Mapped[str | None] = mapped_column(ForeignKey("portals.id", ondelete="SET NULL"), index=True)
    first_year: Mapped[int] = mapped_column(Integer)
    # Last report year expected (a body merged or dissolved stops filing); None while it exists.
    last_year: Mapped[int | None] = mapped_column(Integer)
    # A body-specific deadline as MM-DD of the year after the report year, with where it comes from.
    deadline: Mapped[str | None] = mapped_column(String(5))
    deadline_source: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    jurisdiction: Mapped[Jurisdiction] = relationship()
    portal: Mapped[Portal | None] = relationship(back_populates="bodies")

    __table_args__ = (
        CheckConstraint("first_year BETWEEN 2000 AND 2100", name="first_year_range"),
        CheckConstraint("last_year IS NULL OR last_year >= first_year", name="last_after_first"),
        CheckConstraint("deadline IS NULL OR length(deadline) = 5", name="deadline_mmdd"),
        CheckConstraint("deadline IS NULL OR deadline_source IS NOT NULL", name="deadline_has_source"),
    )


class DeadlineOverride(Timestamped, Base):
    """A notice that moves the deadline for one report year in a jurisdiction and its subdivisions."""

    __tablename__ = "deadline_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)  # the report year, not the year of the deadline
    kind: Mapped[BodyKind] = mapped_column(enum_column(BodyKind, "override_body_kind"))
    due: Mapped[date] = mapped_column(Date)
    notice: Mapped[str] = mapped_column(Text)  # the notice that sets the date, e.g. its title and number
    url: Mapped[str | None] = mapped_column(String(2048))

    jurisdiction: Mapped[Jurisdiction] = relationship()

    __table_args__ = (
        UniqueConstraint("jurisdiction_code", "year", "kind"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )
