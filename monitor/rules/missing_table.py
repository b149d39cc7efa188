"""MISSING_TABLE: one of the three statutory tables (二 主动公开, 三 依申请, 四 复议诉讼) is absent."""

from __future__ import annotations

from collections.abc import Iterator

from db.models import Severity
from monitor.context import Context
from monitor.rules import basis
from monitor.rules.base import Finding, Rule, register
from monitor.rules.cells import TABLE_NAMES
from monitor.rules.completeness import judged


@register
class MissingTable(Rule):
    code = "MISSING_TABLE"
    severity = Severity.HIGH
    title = "A statutory table is absent"
    basis = f"{basis.ARTICLE_50}; {basis.FORMATS}"

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        for report in ctx.scoped_reports():
            if not judged(report):
                continue
            for table, title in TABLE_NAMES.items():
                if not report.table(table).get("present"):
                    yield self.finding(
                        report.body_id,
                        report.year,
                        f"table {title} is absent",
                        {
                            "table": table,
                            "title": title,
                            "tables_present": [t for t in TABLE_NAMES if report.table(t).get("present")],
                        },
                        subject=table,
                        report_id=report.id,
                    )
