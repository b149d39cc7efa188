"""UNREACHABLE_PORTAL: a report is owed and not found, but the portal's last crawl was blocked by a
challenge page or got no answer: "we could not look", said instead of "they did not publish"."""

from __future__ import annotations

from collections.abc import Iterator

from db.models import Severity
from monitor.context import Context
from monitor.rules.base import Finding, Rule, register
from monitor.rules.missing_report import COULD_NOT_LOOK, NOT_A_LOOK, run_evidence


@register
class UnreachablePortal(Rule):
    code = "UNREACHABLE_PORTAL"
    severity = Severity.MEDIUM
    title = "The portal could not be crawled, so a missing report cannot be established"
    basis = "Evidence rule: a blocked or unanswered crawl proves nothing about publication"
    establishes_fault = False

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        for expectation in ctx.expectations():
            body = ctx.bodies[expectation.body_id]
            if not expectation.due_passed or body.portal_id is None:
                continue
            if ctx.report(body.id, expectation.year) is not None or (body.id, expectation.year) in ctx.unfetched:
                continue
            runs = [r for r in ctx.runs.get(body.portal_id, []) if r.status not in NOT_A_LOOK]
            if not runs or runs[0].status not in COULD_NOT_LOOK:
                continue
            yield self.finding(
                body.id,
                expectation.year,
                f"{body.portal_id} answered the last crawl with {runs[0].status}: "
                f"whether {body.name} published its {expectation.year} report is unknown",
                {
                    "portal": body.portal_id,
                    "last_runs": [run_evidence(r) for r in runs],
                    "deadline": expectation.deadline.as_evidence(),
                },
            )
