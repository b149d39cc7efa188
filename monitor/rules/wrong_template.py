"""WRONG_TEMPLATE: the report is laid out in a format that does not fit its year (the 2019 format for
2021 onwards, the 2021 format before), mixes both, or follows the pre-2019 outline."""

from __future__ import annotations

from collections.abc import Iterator

from crawler.parsing.templates import template_for_year
from db.models import Severity
from monitor.context import Context
from monitor.rules import basis
from monitor.rules.base import Finding, Rule, register


@register
class WrongTemplate(Rule):
    code = "WRONG_TEMPLATE"
    severity = Severity.MEDIUM
    title = "The report follows the wrong format for its year"
    basis = basis.FORMATS

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        for report in ctx.scoped_reports():
            if not report.readable or report.year < 2019:
                continue
            expected = template_for_year(report.year).id
            markers = report.parsed.get("template_markers") or {}
            reasons = []
            if report.template in ("2019", "2021") and report.template != expected:
                reasons.append(f"laid out in the {report.template} format, not the {expected} format")
            if report.problems("TEMPLATE_MIXED"):
                reasons.append("mixes markers of both formats")
            if report.template == "legacy" or report.problems("LEGACY_OUTLINE"):
                reasons.append("follows the pre-2019 outline")
            if reasons:
                yield self.finding(
                    report.body_id,
                    report.year,
                    f"the {report.year} report " + "; ".join(reasons),
                    {"year": report.year, "expected": expected, "detected": report.template, "markers": markers},
                    report_id=report.id,
                )
