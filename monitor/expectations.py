"""Which report years a body owes by a given moment, each with its deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Body, Jurisdiction
from monitor.deadlines import CHINA_TZ, Deadline, DeadlineCalendar


@dataclass(frozen=True)
class Expectation:
    body_id: str
    year: int
    deadline: Deadline
    due_passed: bool  # the deadline is over: a report must exist by now


def expected_years(body: Body, calendar: DeadlineCalendar, now: datetime) -> list[Expectation]:
    """Report years from the body's first year to the last finished calendar year (the statistical
    period is the calendar year, so a year's report cannot be owed before the year is over)."""
    if not body.active:
        return []
    last = now.astimezone(CHINA_TZ).year - 1
    if body.last_year is not None:
        last = min(last, body.last_year)
    out = []
    for year in range(body.first_year, last + 1):
        deadline = calendar.for_body(body, year)
        out.append(Expectation(body.id, year, deadline, deadline.has_passed(now)))
    return out


@dataclass(frozen=True)
class BodyOverview:
    """A registered body and what it owes: the main job's view of the registry."""

    body_id: str
    name: str
    kind: str
    jurisdiction: str  # "融水苗族自治县 › 安太乡"
    jurisdiction_code: str
    portal: str | None
    expectations: list[Expectation]

    def as_dict(self) -> dict[str, object]:
        return {
            "body": self.body_id,
            "name": self.name,
            "kind": self.kind,
            "jurisdiction": self.jurisdiction,
            "jurisdiction_code": self.jurisdiction_code,
            "portal": self.portal,
            "expected": [{**e.deadline.as_evidence(), "due_passed": e.due_passed} for e in self.expectations],
        }


def registry_overview(session: Session, now: datetime) -> list[BodyOverview]:
    calendar = DeadlineCalendar.from_session(session)
    names = dict(session.execute(select(Jurisdiction.code, Jurisdiction.name)).all())
    out = []
    for body in session.scalars(select(Body).order_by(Body.jurisdiction_code, Body.id)):
        chain = [names.get(code, code) for code in reversed(calendar.chain(body.jurisdiction_code))]
        out.append(
            BodyOverview(
                body_id=body.id,
                name=body.name,
                kind=str(body.kind),
                jurisdiction=" › ".join(chain[-2:]),
                jurisdiction_code=body.jurisdiction_code,
                portal=body.portal_id,
                expectations=expected_years(body, calendar, now),
            )
        )
    return out
