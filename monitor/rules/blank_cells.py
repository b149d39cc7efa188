"""BLANK_CELLS: a partly filled table with blank cells where the template expects a number (a blank is
not a zero: the body did not say)."""

from __future__ import annotations

from collections.abc import Iterator

from db.models import Severity
from monitor.context import Context
from monitor.rules import basis
from monitor.rules.base import Finding, Rule, register
from monitor.rules.cells import TABLE_NAMES, cell, describe, expected, usable
from monitor.rules.completeness import judged

SHOWN = 40  # cells listed in the evidence; the count covers them all


@register
class BlankCells(Rule):
    code = "BLANK_CELLS"
    severity = Severity.MEDIUM
    title = "Blank cells where the template expects numbers"
    basis = f"{basis.ARTICLE_50}; {basis.FORMATS}"

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        for report in ctx.scoped_reports():
            if not judged(report):
                continue
            for table, title in TABLE_NAMES.items():
                if not usable(report, table):
                    continue
                cells = [(r, c, cell(report, table, r, c)) for r, c in expected(report, table)]
                if not any(found and found.get("state") == "number" for _, _, found in cells):
                    continue  # nothing filled in: EMPTY_TABLE's case
                blanks = [(r, c) for r, c, found in cells if found is not None and found.get("state") == "blank"]
                if not blanks:
                    continue
                by_row: dict[str, list[str]] = {}
                for r, c in blanks:
                    by_row.setdefault(r, []).append(c)
                yield self.finding(
                    report.body_id,
                    report.year,
                    f"table {title}: {len(blanks)} blank cells in {len(by_row)} rows",
                    {
                        "table": table,
                        "title": title,
                        "blank_cells": len(blanks),
                        "rows": by_row,
                        "cells": [describe(report, table, r, c) for r, c in blanks[:SHOWN]],
                    },
                    subject=table,
                    report_id=report.id,
                )
