"""EMPTY_TABLE: a table is printed but holds no number at all, every cell blank or a dash.
A table of zeros is a small body's normal report, not an empty one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from db.models import Severity
from monitor.context import Context
from monitor.rules import basis
from monitor.rules.base import Finding, Rule, register
from monitor.rules.cells import TABLE_NAMES, cell, expected, usable
from monitor.rules.completeness import judged


@register
class EmptyTable(Rule):
    code = "EMPTY_TABLE"
    severity = Severity.HIGH
    title = "A table with no number in it (all blank or dashes)"
    basis = f"{basis.ARTICLE_50}; {basis.FORMATS}"

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        for report in ctx.scoped_reports():
            if not judged(report):
                continue
            for table, title in TABLE_NAMES.items():
                if not usable(report, table):
                    continue
                states = Counter(
                    (cell(report, table, r, c) or {}).get("state", "absent") for r, c in expected(report, table)
                )
                if states["number"] or states["text"]:
                    continue
                if not states["blank"] and not states["dash"]:
                    continue  # nothing of the table could be read: no claim about its contents
                yield self.finding(
                    report.body_id,
                    report.year,
                    f"table {title} holds no number: {states['blank']} blank cells, {states['dash']} dashes",
                    {
                        "table": table,
                        "title": title,
                        "blank_cells": states["blank"],
                        "dash_cells": states["dash"],
                        "absent_cells": states["absent"],
                    },
                    subject=table,
                    report_id=report.id,
                )
