"""The deadline calendar: when body B's report for year Y was due, and on what authority.

Precedence, most specific first: a notice for that report year in the body's jurisdiction or the
nearest jurisdiction above it (`DeadlineOverride`), then the body's own standing deadline from the
registry, then the default for its kind (monitor/data/deadlines.yaml). The deadline day counts as
on time: the report is late only from 00:00 China Standard Time of the following day.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Body, BodyKind, DeadlineOverride, Jurisdiction
from db.types import CHINA_TZ

DEFAULTS_FILE = Path(__file__).parent / "data" / "deadlines.yaml"

Origin = Literal["default", "body", "jurisdiction"]


def parse_mmdd(text: str) -> tuple[int, int]:
    """'01-31' -> (1, 31). Valid in a leap year; 02-29 falls back to 02-28 in other years."""
    try:
        month_s, day_s = text.split("-")
        month, day = int(month_s), int(day_s)
        if len(month_s) != 2 or len(day_s) != 2:
            raise ValueError
        date(2024, month, day)
    except ValueError:
        raise ValueError(f"not a MM-DD date: {text!r}") from None
    return month, day


def _on(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DefaultRule:
    kinds: frozenset[BodyKind]
    month: int
    day: int
    basis: str
    from_year: int | None = None
    to_year: int | None = None

    def applies(self, kind: BodyKind, year: int) -> bool:
        return (
            kind in self.kinds
            and (self.from_year is None or year >= self.from_year)
            and (self.to_year is None or year <= self.to_year)
        )


@dataclass(frozen=True)
class Deadline:
    """The due date of one report, and why."""

    year: int  # the report year
    due: date
    origin: Origin
    source: str  # the regulation, notice or registry entry behind the date

    def late_from(self, tz: ZoneInfo = CHINA_TZ) -> datetime:
        """The first instant at which the report is late (midnight after the due day, local time)."""
        return datetime.combine(self.due + timedelta(days=1), time(0), tzinfo=tz)

    def is_late(self, published: date | datetime, tz: ZoneInfo = CHINA_TZ) -> bool:
        if isinstance(published, datetime):
            if published.tzinfo is None:
                raise ValueError("publish time must carry a time zone")
            return published >= self.late_from(tz)
        return published > self.due

    def has_passed(self, now: datetime, tz: ZoneInfo = CHINA_TZ) -> bool:
        return now >= self.late_from(tz)

    def as_evidence(self) -> dict[str, str | int]:
        return {"year": self.year, "due": self.due.isoformat(), "origin": self.origin, "source": self.source}


@dataclass(frozen=True)
class OverrideRule:
    jurisdiction_code: str
    year: int
    kind: BodyKind
    due: date
    notice: str


def load_default_rules(path: Path = DEFAULTS_FILE) -> list[DefaultRule]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules = []
    for entry in data["defaults"]:
        month, day = parse_mmdd(entry["due"])
        rules.append(
            DefaultRule(
                kinds=frozenset(BodyKind(k) for k in entry["kinds"]),
                month=month,
                day=day,
                basis=" ".join(str(entry["basis"]).split()),
                from_year=entry.get("from_year"),
                to_year=entry.get("to_year"),
            )
        )
    return rules


class DeadlineCalendar:
    """Answers deadline questions from the defaults, the overrides, and the jurisdiction tree."""

    def __init__(
        self,
        defaults: Sequence[DefaultRule],
        overrides: Iterable[OverrideRule] = (),
        parents: Mapping[str, str | None] | None = None,
    ) -> None:
        self.defaults = list(defaults)
        self.overrides = {(o.jurisdiction_code, o.year, o.kind): o for o in overrides}
        self.parents = dict(parents or {})

    @classmethod
    def from_session(cls, session: Session) -> DeadlineCalendar:
        """Load every override and the jurisdiction tree once (cheap lookups for many bodies)."""
        overrides = [
            OverrideRule(o.jurisdiction_code, o.year, BodyKind(o.kind), o.due, o.notice)
            for o in session.scalars(select(DeadlineOverride))
        ]
        parents = dict(session.execute(select(Jurisdiction.code, Jurisdiction.parent_code)).all())
        return cls(load_default_rules(), overrides, parents)

    def chain(self, code: str) -> list[str]:
        """The jurisdiction and every ancestor, nearest first."""
        out: list[str] = []
        current: str | None = code
        while current is not None and current not in out:
            out.append(current)
            current = self.parents.get(current)
        return out

    def default_for(self, kind: BodyKind, year: int) -> Deadline:
        for rule in self.defaults:
            if rule.applies(kind, year):
                return Deadline(year, _on(year + 1, rule.month, rule.day), "default", rule.basis)
        raise LookupError(f"no default deadline rule for {kind} in {year}")

    def deadline_for(
        self,
        *,
        kind: BodyKind,
        year: int,
        jurisdiction_code: str,
        body_deadline: str | None = None,
        body_deadline_source: str | None = None,
    ) -> Deadline:
        for code in self.chain(jurisdiction_code):
            override = self.overrides.get((code, year, kind))
            if override is not None:
                return Deadline(year, override.due, "jurisdiction", override.notice)
        if body_deadline:
            month, day = parse_mmdd(body_deadline)
            return Deadline(year, _on(year + 1, month, day), "body", body_deadline_source or "registry")
        return self.default_for(kind, year)

    def for_body(self, body: Body, year: int) -> Deadline:
        """When was `body`'s report for `year` due?"""
        return self.deadline_for(
            kind=BodyKind(body.kind),
            year=year,
            jurisdiction_code=body.jurisdiction_code,
            body_deadline=body.deadline,
            body_deadline_source=body.deadline_source,
        )
