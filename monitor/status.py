"""Where each body stands, from its open flags, and the flags most worth a reviewer's first look.

Read by the demo summary, and later by digests and the dashboard.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Body, CrawlRun, Flag, FlagStatus, Report
from monitor.rules.base import all_rules

SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
OPEN = (FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED)


class Standing(StrEnum):
    NON_COMPLIANT = "non-compliant"  # an open critical or high flag
    NOT_VERIFIED = "not verified"  # we could not fetch or read what it owes: nothing is known either way
    MINOR = "minor issues"  # only medium or low flags
    CLEAN = "no issues found"  # looked at, nothing open
    NOT_LOOKED = "not looked at"  # no report and no crawl of its portal yet


@dataclass
class BodyStanding:
    body_id: str
    name: str
    standing: Standing
    flags: dict[str, int] = field(default_factory=dict)  # severity -> open flags


def coverage_rules() -> set[str]:
    """Rules that say "we could not look", not "they failed"."""
    return {rule.code for rule in all_rules() if not rule.establishes_fault}


def body_standings(session: Session) -> list[BodyStanding]:
    coverage = coverage_rules()
    flags: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for body_id, rule, severity in session.execute(
        select(Flag.body_id, Flag.rule, Flag.severity).where(Flag.status.in_(OPEN))
    ):
        flags[body_id].append((rule, str(severity)))
    with_reports = set(session.scalars(select(Report.body_id).distinct()))
    crawled = set(session.scalars(select(CrawlRun.portal_id).distinct()))
    out = []
    for body in session.scalars(select(Body).order_by(Body.id)):
        own = flags.get(body.id, [])
        counts: dict[str, int] = defaultdict(int)
        for _, severity in own:
            counts[severity] += 1
        faults = [s for rule, s in own if rule not in coverage]
        if any(s in ("critical", "high") for s in faults):
            standing = Standing.NON_COMPLIANT
        elif len(faults) < len(own):
            standing = Standing.NOT_VERIFIED
        elif faults:
            standing = Standing.MINOR
        elif body.id in with_reports or body.portal_id in crawled:
            standing = Standing.CLEAN
        else:
            standing = Standing.NOT_LOOKED
        out.append(BodyStanding(body.id, body.name, standing, dict(counts)))
    return out


def magnitude(evidence: dict[str, Any]) -> float:
    """How bad one flag of a rule is next to another of the same rule, from its evidence."""
    for key in ("days_late", "blank_cells", "score"):
        value = evidence.get(key)
        if isinstance(value, int | float):
            return float(value)
    for key in ("failures", "missing", "passages"):
        value = evidence.get(key)
        if isinstance(value, list):
            return float(len(value))
    return 0.0


def worst_flags(session: Session, per_rule: int = 2) -> dict[str, list[Flag]]:
    """The open flags of each rule, the worst first: by severity, then by magnitude, then oldest."""
    by_rule: dict[str, list[Flag]] = defaultdict(list)
    for flag in session.scalars(select(Flag).where(Flag.status.in_(OPEN))):
        by_rule[flag.rule].append(flag)
    return {
        rule: sorted(
            flags,
            key=lambda f: (SEVERITY_RANK.get(str(f.severity), 9), -magnitude(f.evidence or {}), f.first_raised, f.id),
        )[:per_rule]
        for rule, flags in sorted(by_rule.items())
    }
