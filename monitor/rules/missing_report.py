"""MISSING_REPORT: a body owes a report for a year, its deadline (plus grace) has passed, and a crawl
that looked after the deadline did not find it. Never raised when the portal could not be looked at.

Only a finished crawl is a look: a cancelled run (interrupted, or left running by a killed process) may never
have fetched the list, so it is neither evidence nor the "last look" at the portal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from db.models import RunStatus, Severity
from monitor.context import Context, RunFacts
from monitor.rules import basis
from monitor.rules.base import Finding, Held, Rule, register

LOOKED = (RunStatus.OK, RunStatus.PARTIAL)
COULD_NOT_LOOK = (RunStatus.BLOCKED, RunStatus.UNREACHABLE)
# Runs that did not finish their walk say nothing about the portal.
NOT_A_LOOK = (RunStatus.RUNNING, RunStatus.CANCELLED, RunStatus.FAILED)


def run_evidence(run: RunFacts) -> dict[str, object]:
    return {
        "run": run.id,
        "status": str(run.status),
        "started": run.started_at.isoformat(),
        "finished": run.finished_at.isoformat() if run.finished_at else None,
    }


@register
class MissingReport(Rule):
    code = "MISSING_REPORT"
    severity = Severity.CRITICAL
    title = "No report found after the deadline"
    basis = basis.ARTICLE_49

    def evaluate(self, ctx: Context) -> Iterator[Finding | Held]:
        grace = timedelta(days=ctx.settings.missing_grace_days)
        for expectation in ctx.expectations():
            body = ctx.bodies[expectation.body_id]
            if not expectation.due_passed or ctx.report(body.id, expectation.year) is not None:
                continue
            if (body.id, expectation.year) in ctx.unfetched:
                continue  # listed but not fetched: REPORT_NOT_FETCHED says so
            if ctx.now < expectation.deadline.late_from() + grace or body.portal_id is None:
                continue
            runs = [r for r in ctx.runs.get(body.portal_id, []) if r.status not in NOT_A_LOOK]
            if not runs or runs[0].status in COULD_NOT_LOOK:
                # Nobody looked, or the last look was blocked: UNREACHABLE_PORTAL says so, and a flag raised
                # by an earlier look stands until a look can tell whether the report appeared.
                yield Held(self.code, body.id, expectation.year)
                continue
            looked = [r for r in runs if r.status in LOOKED and r.started_at >= expectation.deadline.late_from()]
            if not looked:
                continue  # no look after the deadline: absence is not established yet
            yield self.finding(
                body.id,
                expectation.year,
                f"{body.name} has no {expectation.year} report; it was due {expectation.deadline.due.isoformat()}",
                {
                    "deadline": expectation.deadline.as_evidence(),
                    "portal": body.portal_id,
                    "searched_by": [run_evidence(r) for r in looked],
                },
            )
