"""REPORT_NOT_FETCHED: the portal lists a body's report for a year, but the crawl could not fetch it
(time-out, server error, truncated or oversized answer, redirect loop). The report exists; what it
says is unknown. MISSING_REPORT is never raised for such a year."""

from __future__ import annotations

from collections.abc import Iterator

from db.models import Severity
from monitor.context import Context
from monitor.rules.base import Finding, Rule, register


@register
class ReportNotFetched(Rule):
    code = "REPORT_NOT_FETCHED"
    severity = Severity.MEDIUM
    title = "A listed report could not be fetched; its contents are unknown"
    basis = "Evidence rule: a failed download proves nothing about the report"
    establishes_fault = False

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        for (body_id, year), links in sorted(ctx.unfetched.items()):
            if body_id not in ctx.bodies or not ctx.in_scope(year) or ctx.report(body_id, year) is not None:
                continue
            body = ctx.bodies[body_id]
            yield self.finding(
                body_id,
                year,
                f"{body.name}'s {year} report is listed on {body.portal_id} but could not be fetched",
                {"portal": body.portal_id, "links": links[:5]},
            )
