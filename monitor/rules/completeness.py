"""Shared by the completeness rules: which reports can be judged at all."""

from __future__ import annotations

from monitor.context import ReportFacts

ATTACHMENT_NOT_FETCHED = "ATTACHMENT_NOT_FETCHED"


def judged(report: ReportFacts) -> bool:
    """Only a whole document read as a report can lack a table or a section. An unreadable one, or one
    whose attachment could not be fetched, is flagged UNREADABLE_REPORT instead, never accused of
    missing content that may sit in the part nobody could read."""
    return report.readable and not report.problems(ATTACHMENT_NOT_FETCHED)
