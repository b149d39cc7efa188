"""UNIT_MISSING: an amount written without a unit where the format does not fix one (采购总金额
"438754": 元 or 万元?)."""

from __future__ import annotations

from collections.abc import Iterator

from db.models import Severity
from monitor.context import Context
from monitor.rules import basis
from monitor.rules.base import Finding, Rule, register


@register
class UnitMissing(Rule):
    code = "UNIT_MISSING"
    severity = Severity.LOW
    title = "An amount without a unit"
    basis = basis.FORMAT_2019

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        for report in ctx.scoped_reports():
            cells = [{"where": p.get("where"), "message": p.get("message")} for p in report.problems(self.code)]
            if cells:
                yield self.finding(
                    report.body_id,
                    report.year,
                    f"{len(cells)} amount(s) without a unit",
                    {"cells": cells},
                    report_id=report.id,
                )
