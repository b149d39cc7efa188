"""ARITHMETIC: the consistency rules of the tables (勾稽关系), R1–R4, checked wherever every cell they
involve holds a number. A blank, dash or unreadable cell makes an equation unknown, never zero."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from crawler.parsing.templates import Equation
from db.models import Severity
from monitor.context import Context, ReportFacts
from monitor.rules import basis
from monitor.rules.base import Finding, Rule, register
from monitor.rules.cells import number, usable, where


def check_equation(report: ReportFacts, equation: Equation) -> tuple[list[dict[str, Any]], list[str]]:
    """(failing instances with their cells, instances that could not be evaluated)."""
    template = report.layout()
    table = equation.table
    rows = template.expected_cells(table)
    columns = [c.key for c in template.columns(table)] if table != "active_disclosure" else []
    failures: list[dict[str, Any]] = []
    unknown: list[str] = []
    if equation.per == "column":
        instances = [
            (f"column {c}", [(r, c) for r in equation.left], [(r, c) for r in equation.right]) for c in columns
        ]
    else:
        instances = [(f"row {r}", [(r, c) for c in equation.left], [(r, c) for c in equation.right]) for r in rows]
    for name, left, right in instances:
        cells = [*left, *right]
        if not all(r in rows for r, _ in cells):
            continue  # an equation over rows this template lacks
        values = [number(report, table, r, c) for r, c in cells]
        if any(v is None for v in values):
            unknown.append(name)
            continue
        lhs, rhs = sum(values[: len(left)]), sum(values[len(left) :])
        if lhs != rhs:
            failures.append(
                {
                    "instance": name,
                    "left": [where(report, table, r, c) for r, c in left],
                    "right": [where(report, table, r, c) for r, c in right],
                    "left_sum": lhs,
                    "right_sum": rhs,
                }
            )
    return failures, unknown


@register
class Arithmetic(Rule):
    code = "ARITHMETIC"
    severity = Severity.HIGH
    title = "A consistency rule of the tables (勾稽关系) does not hold"
    basis = f"{basis.FORMATS} (R1 is printed in table 三 itself)"

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        for report in ctx.scoped_reports():
            if not report.readable:  # the tables that were read can be checked even if a file is missing
                continue
            for equation in report.layout().equations:
                if not usable(report, equation.table):
                    continue
                failures, unknown = check_equation(report, equation)
                if not failures:
                    continue
                shown = ", ".join(f["instance"] for f in failures[:4])
                yield self.finding(
                    report.body_id,
                    report.year,
                    f"{equation.id} fails in {len(failures)} place(s) ({shown}): {equation.description}",
                    {
                        "equation": equation.id,
                        "description": equation.description,
                        "failures": failures,
                        "unknown": unknown,
                    },
                    subject=equation.id,
                    report_id=report.id,
                )
