"""CARRYOVER_MISMATCH (R5): applications carried forward at the end of year N (table 三 四、结转下年度
继续办理) should be those carried over into year N+1 (二、上年结转), column by column. A soft rule."""

from __future__ import annotations

from collections.abc import Iterator

from db.models import Severity
from monitor.context import Context
from monitor.rules import basis
from monitor.rules.base import Finding, Rule, register
from monitor.rules.cells import number, usable, where


@register
class CarryoverMismatch(Rule):
    code = "CARRYOVER_MISMATCH"
    severity = Severity.LOW
    title = "Applications carried forward do not match the next year's carried over"
    basis = f"{basis.FORMATS} (R5, across consecutive reports)"

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        for report in ctx.scoped_reports():
            before = ctx.report(report.body_id, report.year - 1)
            if before is None or not (before.readable and report.readable):
                continue
            if not (usable(before, "applications") and usable(report, "applications")):
                continue
            mismatches = []
            for col in (c.key for c in report.layout().application_columns):
                old = number(before, "applications", "carried_forward", col)
                new = number(report, "applications", "carried_over", col)
                if old is not None and new is not None and old != new:
                    mismatches.append(
                        {
                            "column": col,
                            f"{before.year}": where(before, "applications", "carried_forward", col),
                            f"{report.year}": where(report, "applications", "carried_over", col),
                        }
                    )
            if mismatches:
                yield self.finding(
                    report.body_id,
                    report.year,
                    f"{len(mismatches)} column(s) of 上年结转 ({report.year}) differ from 结转下年度 ({before.year})",
                    {"previous_report": before.id, "mismatches": mismatches},
                    subject="R5",
                    report_id=report.id,
                )
