"""UNREADABLE_REPORT: a report was found but its document could not be read (scanned, corrupt, legacy
format without a converter), or an attached file of it could not be fetched: its contents are unknown
and must be checked by a person."""

from __future__ import annotations

from collections.abc import Iterator

from db.models import Severity
from monitor.context import Context
from monitor.rules import basis
from monitor.rules.base import Finding, Rule, register
from monitor.rules.completeness import ATTACHMENT_NOT_FETCHED


@register
class UnreadableReport(Rule):
    code = "UNREADABLE_REPORT"
    severity = Severity.MEDIUM
    title = "The report's document could not be read; its contents are unknown"
    basis = basis.ARTICLE_50
    establishes_fault = False

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        for report in ctx.scoped_reports():
            missing = report.problems(ATTACHMENT_NOT_FETCHED)
            if report.readable and missing:
                yield self.finding(
                    report.body_id,
                    report.year,
                    f"{len(missing)} attached file(s) of the report could not be fetched; what they hold is unknown",
                    {"parse_state": report.parse_state, "attachments": missing[:10], "url": report.url},
                    report_id=report.id,
                )
                continue
            if report.readable:
                continue
            problems = [p for p in report.parsed.get("problems") or [] if p.get("code")]
            yield self.finding(
                report.body_id,
                report.year,
                f"the document could not be read as a report ({report.parse_state})",
                {"parse_state": report.parse_state, "problems": problems[:10], "url": report.url},
                report_id=report.id,
            )
