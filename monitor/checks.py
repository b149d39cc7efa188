"""The check engine: run every rule over the registry and stored reports, and reconcile flags.

Bodies are evaluated in batches (each batch loads its bodies' reports once and runs every per-body
rule on them); rules comparing across bodies run once over the corpus. An incremental check (given
bodies, or "what changed since the last check") evaluates only those, never everything.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

import monitor.rules  # noqa: F401  (registers every rule)
from db.models import Body, CheckRun, CrawlRun, Flag, FlagStatus, Report, ReportVersion
from db.session import Database
from db.types import utcnow
from monitor.context import CheckSettings, load_context
from monitor.deadlines import DeadlineCalendar
from monitor.flags import Changes, reconcile
from monitor.rules.base import CorpusRule, Rule, all_rules

BATCH = 500


@dataclass
class CheckSummary:
    changes: Changes = field(default_factory=Changes)
    bodies: int = 0
    reports: int = 0
    run_id: int | None = None
    open_flags: dict[str, dict[str, int]] = field(default_factory=dict)  # rule -> severity -> count

    def as_dict(self) -> dict[str, Any]:
        return {
            "bodies": self.bodies,
            "reports": self.reports,
            "opened": dict(self.changes.opened),
            "reopened": dict(self.changes.reopened),
            "resolved": dict(self.changes.resolved),
            "updated": dict(self.changes.updated),
            "unchanged": dict(self.changes.unchanged),
            "open_flags": self.open_flags,
        }


def _chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


@contextmanager
def _gc_deferred() -> Iterator[None]:
    """Cyclic garbage collection deferred to the end of a batch. A batch holds the parsed JSON of thousands of
    reports, millions of small dicts that form no cycles, and every collection triggered meanwhile rescans
    them all (half the time of a full check, bench/check.py). Reference counting frees memory as usual."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def changed_bodies(database: Database, since: datetime) -> set[str]:
    """Bodies with a new report version, or whose portal was crawled, since `since`."""
    with database.session() as session:
        # One query per time column, each served by its index (an OR of the two would scan every version).
        found: set[str] = set()
        for seen in (ReportVersion.first_seen, ReportVersion.last_seen):
            versions = select(Report.body_id).join(ReportVersion, ReportVersion.report_id == Report.id)
            found.update(session.scalars(versions.where(seen >= since)))
        crawled = (
            select(Body.id).join(CrawlRun, CrawlRun.portal_id == Body.portal_id).where(CrawlRun.finished_at >= since)
        )
        return found | set(session.scalars(crawled))


def last_check(database: Database) -> datetime | None:
    """When the last check that left nothing unevaluated started: a full one, or one of the changed
    bodies since such a check, over every year. A check of chosen bodies or years does not count, or
    the changes it skipped would never be evaluated by `check --changed`."""
    with database.session() as session:
        finished = select(CheckRun.started_at, CheckRun.scope).where(CheckRun.finished_at.is_not(None))
        for started_at, scope in session.execute(finished.order_by(CheckRun.started_at.desc())):
            scope = scope or {}
            if not scope.get("years") and (scope.get("bodies") is None or scope.get("changed_since")):
                return started_at
    return None


def run_checks(
    database: Database,
    *,
    years: set[int] | None = None,
    bodies: set[str] | None = None,
    now: datetime | None = None,
    settings: CheckSettings | None = None,
    rules: list[Rule] | None = None,
    batch: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
    changed_since: datetime | None = None,
) -> CheckSummary:
    """Evaluate the rules for `bodies` (None: every registered body) and `years` (None: every year).
    `changed_since`: `bodies` are every body changed since then (recorded, so `last_check` can count
    this run as complete)."""
    now = now or utcnow()
    settings = settings or CheckSettings()
    rules = rules if rules is not None else all_rules()
    per_body = [r for r in rules if not isinstance(r, CorpusRule)]
    corpus = [r for r in rules if isinstance(r, CorpusRule)]
    summary = CheckSummary()
    with database.session() as session:
        calendar = DeadlineCalendar.from_session(session)
        ids = sorted(bodies) if bodies is not None else list(session.scalars(select(Body.id).order_by(Body.id)))
        run = CheckRun(
            started_at=now,
            scope={
                "years": sorted(years) if years else None,
                "bodies": sorted(bodies) if bodies is not None else None,
                "changed_since": changed_since.isoformat() if changed_since else None,
            },
        )
        session.add(run)
        session.flush()
        summary.run_id = run.id
    summary.bodies = len(ids)
    versions = {r.code: r.version for r in per_body}
    done = 0
    for chunk in _chunks(ids, batch):
        with _gc_deferred(), database.session() as session:
            ctx = load_context(session, chunk, years, now, settings, calendar)
            summary.reports += sum(1 for _ in ctx.scoped_reports())
            findings = [f for rule in per_body for f in rule.evaluate(ctx)]
            summary.changes.merge(reconcile(session, findings, rules=versions, bodies=set(chunk), years=years, now=now))
        done += len(chunk)
        if progress is not None:
            progress(done, len(ids))
    if corpus:
        with database.session() as session:
            report_ids = None
            if bodies is not None:
                report_ids = set()
                for chunk in _chunks(ids, batch):  # one IN list of every changed body can exceed the drivers' limits
                    query = select(Report.id).where(Report.body_id.in_(chunk))
                    if years:
                        query = query.where(Report.year.in_(years))
                    report_ids.update(session.scalars(query))
            for rule in corpus:
                with _gc_deferred():  # a year's signatures and texts: as many small objects as a batch
                    result = rule.evaluate_corpus(
                        session, settings=settings, years=years, report_ids=report_ids, now=now
                    )
                summary.changes.merge(
                    reconcile(
                        session, result.findings, rules={rule.code: rule.version}, pairs=result.evaluated, now=now
                    )
                )
    with database.session() as session:
        summary.open_flags = open_flag_counts(session)
        run = session.get(CheckRun, summary.run_id)
        if run is not None:
            run.finished_at = utcnow()
            run.summary = summary.as_dict()
    return summary


def open_flag_counts(session: Any) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    rows = session.execute(
        select(Flag.rule, Flag.severity, func.count())
        .where(Flag.status.in_([FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED]))
        .group_by(Flag.rule, Flag.severity)
    )
    for rule, severity, count in rows:
        out.setdefault(rule, {})[str(severity)] = count
    return out
