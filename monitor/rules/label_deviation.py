"""LABEL_DEVIATION: row or column labels worded differently from the format ("住房举报投诉类申请" for
"信访举报投诉类申请"), beyond differences of width, spacing, numbering or punctuation."""

from __future__ import annotations

from collections.abc import Iterator

from db.models import Severity
from monitor.context import Context
from monitor.rules import basis
from monitor.rules.base import Finding, Rule, register


@register
class LabelDeviation(Rule):
    code = "LABEL_DEVIATION"
    severity = Severity.LOW
    title = "Table labels differ from the format"
    basis = basis.FORMATS

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        for report in ctx.scoped_reports():
            deviations = [{"where": p.get("where"), "message": p.get("message")} for p in report.problems(self.code)]
            if deviations:
                yield self.finding(
                    report.body_id,
                    report.year,
                    f"{len(deviations)} label(s) differ from the format",
                    {"deviations": deviations},
                    report_id=report.id,
                )
