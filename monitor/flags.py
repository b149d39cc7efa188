"""The flag lifecycle: open → acknowledged → resolved (by a later evaluation) or dismissed (by a person).

`reconcile` turns one evaluation's findings into flag changes: new findings open flags, findings no
longer made resolve theirs, a resolved flag found again reopens, and a dismissed one reopens only when
the report changed since it was dismissed. Every change is a flag event. Evaluating twice in a row
changes nothing the second time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from db.models import Flag, FlagEvent, FlagStatus, Report
from monitor.rules.base import Finding, Held

SYSTEM = "system"
# Values in one IN (...) list: SQLite takes at most 32,766 bound values, and PostgreSQL exhausts its stack
# planning a list of some thousands of (body, year) rows.
IN_CHUNK = 500
TRANSITIONS = {
    "ack": ({FlagStatus.OPEN}, FlagStatus.ACKNOWLEDGED),
    "dismiss": ({FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED}, FlagStatus.DISMISSED),
    "reopen": ({FlagStatus.ACKNOWLEDGED, FlagStatus.RESOLVED, FlagStatus.DISMISSED}, FlagStatus.OPEN),
}


class FlagError(ValueError):
    """A change a person asked for that the lifecycle does not allow (with the reason)."""


@dataclass
class Changes:
    opened: Counter[str] = field(default_factory=Counter)
    reopened: Counter[str] = field(default_factory=Counter)
    resolved: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def merge(self, other: Changes) -> None:
        for name in ("opened", "reopened", "resolved", "updated", "unchanged"):
            getattr(self, name).update(getattr(other, name))

    @property
    def changed(self) -> bool:
        return bool(self.opened or self.reopened or self.resolved or self.updated)


def _event(
    flag: Flag, at: datetime, to: FlagStatus, note: str, actor: str = SYSTEM, evidence: dict | None = None
) -> None:
    flag.events.append(
        FlagEvent(
            at=at, actor=actor, from_status=flag.status if flag.id else None, to_status=to, note=note, evidence=evidence
        )
    )
    if flag.status != to:
        flag.status = to
        flag.status_changed_at = at


def _basis_versions(session: Session, report_ids: Iterable[int | None]) -> dict[int, int | None]:
    """The report version each finding was made on, so a dismissal can tell whether the report changed
    since. One query per 500 reports: a query per finding would also flush the session once per new flag."""
    ids = sorted({r for r in report_ids if r is not None})
    out: dict[int, int | None] = {}
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start : start + IN_CHUNK]
        out.update(session.execute(select(Report.id, Report.current_version_id).where(Report.id.in_(chunk))).all())
    return out


def reconcile(
    session: Session,
    findings: Iterable[Finding | Held],
    *,
    rules: dict[str, int],
    now: datetime,
    bodies: set[str] | None = None,
    years: set[int] | None = None,
    pairs: set[tuple[str, int]] | None = None,
) -> Changes:
    """Apply one evaluation of `rules` (code → version). Its scope, the flags it may resolve: `bodies` and
    `years` (None: all), or exactly the (body, year) `pairs` a corpus rule judged. A `Held` verdict among
    the findings keeps that rule's flags of that body and year as they are."""
    changes = Changes()
    found: dict[tuple[str, str, int, str], Finding] = {}
    held: set[tuple[str, str, int]] = set()
    for f in findings:
        if isinstance(f, Held):
            held.add((f.rule, f.body_id, f.year))
        else:
            found[f.key] = f
    query = select(Flag).where(Flag.rule.in_(list(rules)))
    if bodies is not None:
        query = query.where(Flag.body_id.in_(list(bodies)))
    if years is not None:
        query = query.where(Flag.year.in_(list(years)))
    if pairs is not None and not pairs:
        return changes
    scopes = [query]
    if pairs is not None:
        ordered = sorted(pairs)
        scopes = [
            query.where(tuple_(Flag.body_id, Flag.year).in_(ordered[start : start + IN_CHUNK]))
            for start in range(0, len(ordered), IN_CHUNK)
        ]
    existing = {(f.rule, f.body_id, f.year, f.subject): f for scope in scopes for f in session.scalars(scope)}
    bases = _basis_versions(session, (f.report_id for f in found.values()))

    for key, finding in found.items():
        flag = existing.pop(key, None)
        version = rules[finding.rule]
        basis = bases.get(finding.report_id) if finding.report_id is not None else None
        evidence = {**finding.evidence, "report_version": basis}
        if flag is None:
            flag = Flag(
                rule=finding.rule,
                body_id=finding.body_id,
                year=finding.year,
                subject=finding.subject,
                report_id=finding.report_id,
                severity=finding.severity,
                status=FlagStatus.OPEN,
                rule_version=version,
                message=finding.message,
                evidence=evidence,
                first_raised=now,
                last_evaluated=now,
                status_changed_at=now,
            )
            session.add(flag)
            flag.events.append(
                FlagEvent(
                    at=now,
                    actor=SYSTEM,
                    from_status=None,
                    to_status=FlagStatus.OPEN,
                    note=f"raised by {finding.rule} v{version}: {finding.message}",
                    evidence=evidence,
                )
            )
            changes.opened[finding.rule] += 1
            continue
        same = flag.evidence == evidence and flag.message == finding.message and flag.rule_version == version
        if flag.status == FlagStatus.RESOLVED:
            _event(
                flag,
                now,
                FlagStatus.OPEN,
                f"found again by {finding.rule} v{version}: {finding.message}",
                evidence=evidence,
            )
            changes.reopened[finding.rule] += 1
        elif flag.status == FlagStatus.DISMISSED:
            dismissed_on = (flag.evidence or {}).get("report_version")
            if basis is not None and dismissed_on is not None and basis != dismissed_on:
                _event(
                    flag,
                    now,
                    FlagStatus.OPEN,
                    f"reopened: the report changed (version {dismissed_on} → {basis}) and still shows the problem",
                    evidence=evidence,
                )
                changes.reopened[finding.rule] += 1
            else:
                changes.unchanged[finding.rule] += 1
                continue  # a person dismissed it on this very report: their judgement stands
        elif same:
            changes.unchanged[finding.rule] += 1
            continue
        else:
            changes.updated[finding.rule] += 1
        flag.evidence, flag.message, flag.rule_version = evidence, finding.message, version
        flag.severity, flag.report_id, flag.last_evaluated = finding.severity, finding.report_id, now

    for flag in existing.values():
        if (flag.rule, flag.body_id, flag.year) in held:
            changes.unchanged[flag.rule] += 1
            continue
        if flag.status in (FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED):
            _event(flag, now, FlagStatus.RESOLVED, f"resolved: {flag.rule} no longer finds the problem")
            flag.last_evaluated = now
            changes.resolved[flag.rule] += 1
    return changes


def change_status(session: Session, flag_id: int, action: str, *, by: str, note: str, now: datetime) -> Flag:
    """A person acknowledging, dismissing (with a reason) or reopening a flag."""
    if action not in TRANSITIONS:
        raise FlagError(f"unknown action {action!r}; use one of {', '.join(TRANSITIONS)}")
    flag = session.get(Flag, flag_id)
    if flag is None:
        raise FlagError(f"no flag {flag_id}")
    allowed, target = TRANSITIONS[action]
    if flag.status not in allowed:
        raise FlagError(f"flag {flag_id} is {flag.status}; {action} applies to {', '.join(sorted(allowed))} flags")
    if not by.strip():
        raise FlagError("say who you are (--by NAME)")
    if by.strip().lower() == SYSTEM:  # the audit trail must tell people's actions from the checks'
        raise FlagError(f"{SYSTEM!r} is the checks' own name in the audit trail; say who you are (--by NAME)")
    if action == "dismiss" and not note.strip():
        raise FlagError("a dismissal needs its reason (--note TEXT)")
    _event(flag, now, target, note.strip(), actor=by.strip())
    return flag
