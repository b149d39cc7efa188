"""MISSING_SECTION: one of the six sections (一 总体情况 … 六 其他需要报告的事项) has no heading meaning it."""

from __future__ import annotations

from collections.abc import Iterator

from crawler.parsing.templates import SECTION_KEYS, section_defs
from db.models import Severity
from monitor.context import Context
from monitor.rules import basis
from monitor.rules.base import Finding, Rule, register
from monitor.rules.completeness import judged


@register
class MissingSection(Rule):
    code = "MISSING_SECTION"
    severity = Severity.MEDIUM
    title = "A section of the report is absent"
    basis = f"{basis.ARTICLE_50}; {basis.FORMATS}"

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        titles = {s.key: s.title for s in section_defs()}
        for report in ctx.scoped_reports():
            if not judged(report):
                continue
            sections = report.parsed.get("sections") or {}
            headings = [h.get("heading") for h in report.parsed.get("headings") or []]
            for key in SECTION_KEYS:
                if sections.get(key) is None:
                    yield self.finding(
                        report.body_id,
                        report.year,
                        f"section {titles[key]} is absent",
                        {"section": key, "title": titles[key], "headings_found": headings},
                        subject=key,
                        report_id=report.id,
                    )
