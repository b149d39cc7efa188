"""Shared by the completeness rules: which reports can be judged at all."""

from __future__ import annotations

from monitor.context import ReportFacts


def judged(report: ReportFacts) -> bool:
    """Only a document read as a report can lack a table or a section; an unreadable one is flagged
    UNREADABLE_REPORT instead, never accused of missing content."""
    return report.readable
