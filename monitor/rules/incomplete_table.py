"""INCOMPLETE_TABLE: a table is present but rows of the template are missing from it, or a row has no
cells (a table cut short, sub-tables left out)."""

from __future__ import annotations

from collections.abc import Iterator

from db.models import Severity
from monitor.context import Context
from monitor.rules import basis
from monitor.rules.base import Finding, Rule, register
from monitor.rules.cells import TABLE_NAMES, usable
from monitor.rules.completeness import judged


@register
class IncompleteTable(Rule):
    code = "INCOMPLETE_TABLE"
    severity = Severity.MEDIUM
    title = "Rows of the template are missing from a table"
    basis = f"{basis.ARTICLE_50}; {basis.FORMATS}"

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        for report in ctx.scoped_reports():
            if not judged(report):
                continue
            template = report.layout()
            for table, title in TABLE_NAMES.items():
                if not usable(report, table):
                    continue
                cells = report.table(table).get("cells") or {}
                wanted = template.expected_cells(table)
                absent = [r.display for r in template.rows(table) if r.key in wanted and not cells.get(r.key)]
                if not absent or len(absent) == len(wanted):
                    continue  # complete, or nothing read at all (another rule's business)
                yield self.finding(
                    report.body_id,
                    report.year,
                    f"table {title} lacks {len(absent)} of its {len(wanted)} rows",
                    {"table": table, "title": title, "rows_absent": absent},
                    subject=table,
                    report_id=report.id,
                )
