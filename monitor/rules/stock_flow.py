"""STOCK_FLOW_MISMATCH (R6, 2021 format): documents in force this year should be last year's in force,
plus those issued, minus those repealed (rules and normative documents, table 二). A soft rule."""

from __future__ import annotations

from collections.abc import Iterator

from db.models import Severity
from monitor.context import Context
from monitor.rules import basis
from monitor.rules.base import Finding, Rule, register
from monitor.rules.cells import number, usable, where

ROWS = ("rules", "normative_docs")


@register
class StockFlowMismatch(Rule):
    code = "STOCK_FLOW_MISMATCH"
    severity = Severity.LOW
    title = "Documents in force do not follow from last year's plus issued minus repealed"
    basis = f"{basis.FORMAT_2021} (R6, across consecutive reports)"

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        for report in ctx.scoped_reports():
            before = ctx.report(report.body_id, report.year - 1)
            if before is None or report.template != "2021" or before.template != "2021":
                continue
            if not (usable(before, "active_disclosure") and usable(report, "active_disclosure")):
                continue
            mismatches = []
            for row in ROWS:
                values = [
                    number(before, "active_disclosure", row, "in_force"),
                    number(report, "active_disclosure", row, "issued"),
                    number(report, "active_disclosure", row, "repealed"),
                    number(report, "active_disclosure", row, "in_force"),
                ]
                if any(v is None for v in values):
                    continue
                last, issued, repealed, now = values
                if last + issued - repealed != now:
                    mismatches.append(
                        {
                            "row": row,
                            "expected": last + issued - repealed,
                            "cells": [
                                where(before, "active_disclosure", row, "in_force"),
                                where(report, "active_disclosure", row, "issued"),
                                where(report, "active_disclosure", row, "repealed"),
                                where(report, "active_disclosure", row, "in_force"),
                            ],
                        }
                    )
            if mismatches:
                yield self.finding(
                    report.body_id,
                    report.year,
                    f"现行有效件数 does not follow from {before.year}: {', '.join(m['row'] for m in mismatches)}",
                    {"previous_report": before.id, "mismatches": mismatches},
                    subject="R6",
                    report_id=report.id,
                )
