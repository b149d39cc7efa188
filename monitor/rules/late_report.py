"""LATE_REPORT: published after its deadline (the deadline day itself is on time), or dated on time
but first seen by the crawler only after the deadline although earlier crawls looked and did not find
it (possible backdating)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from db.models import CrawlRun, Fetch, FetchOutcome, RunStatus, Severity
from monitor.context import Context, ReportFacts
from monitor.deadlines import Deadline
from monitor.rules import basis
from monitor.rules.base import Finding, Rule, register

LOOKS = (FetchOutcome.OK, FetchOutcome.NOT_MODIFIED)
FINISHED_LOOKS = (RunStatus.OK, RunStatus.PARTIAL)


@register
class LateReport(Rule):
    code = "LATE_REPORT"
    severity = Severity.HIGH
    title = "Published after the deadline, or first seen after it despite an earlier date"
    basis = basis.ARTICLE_49

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        for report in ctx.scoped_reports():
            body = ctx.bodies[report.body_id]
            deadline = ctx.calendar.for_body(body, report.year)
            dates = {
                "publish_date": report.publish_date.isoformat() if report.publish_date else None,
                "source": report.publish_date_source,
                "candidates": report.candidates,
            }
            if report.publish_date is not None and deadline.is_late(report.publish_date):
                days = (report.publish_date - deadline.due).days
                conflict = [c for c in report.candidates if c.get("date") and c["date"] <= deadline.due.isoformat()]
                message = f"published {report.publish_date.isoformat()}, {days} days after the deadline {deadline.due}"
                if conflict:
                    message += f" (but {conflict[0]['source']} says {conflict[0]['date']})"
                yield self.finding(
                    report.body_id,
                    report.year,
                    message,
                    {"deadline": deadline.as_evidence(), "days_late": days, **dates, "date_conflict": bool(conflict)},
                    report_id=report.id,
                    # The page also shows an on-time date: a person must tell which one is true.
                    severity=Severity.MEDIUM if conflict else None,
                )
            elif report.publish_date is not None:
                absent = self._looked_before_first_seen(ctx, report, deadline)
                if absent:
                    yield self.finding(
                        report.body_id,
                        report.year,
                        f"dated {report.publish_date.isoformat()} (on time) but first seen "
                        f"{report.first_seen.isoformat()}, after the deadline; "
                        "crawls after the deadline did not find it",
                        {
                            "deadline": deadline.as_evidence(),
                            **dates,
                            "first_seen": report.first_seen.isoformat(),
                            "absent_in": absent,
                        },
                        subject="backdated",
                        report_id=report.id,
                    )

    @staticmethod
    def _looked_before_first_seen(ctx: Context, report: ReportFacts, deadline: Deadline) -> list[dict[str, Any]]:
        """List pages of the body's portal fetched between the deadline and the report's first sighting."""
        body = ctx.bodies[report.body_id]
        late_from = deadline.late_from()
        if body.portal_id is None or report.first_seen < late_from:
            return []
        # Only crawls that had ended before the first sighting: the run that found the report fetched its
        # list pages a moment before storing it, which proves nothing.
        rows = ctx.session.execute(
            select(Fetch.url, Fetch.fetched_at, Fetch.sha256, Fetch.warc_file, Fetch.warc_offset)
            .join(CrawlRun, CrawlRun.id == Fetch.crawl_run_id)
            .where(
                Fetch.portal_id == body.portal_id,
                Fetch.kind.in_(["list", "api"]),
                Fetch.outcome.in_(LOOKS),
                Fetch.fetched_at >= late_from,
                CrawlRun.status.in_(FINISHED_LOOKS),
                CrawlRun.finished_at < report.first_seen,
            )
            .order_by(Fetch.fetched_at)
            .limit(20)
        )
        return [
            {"url": url, "fetched_at": at.isoformat(), "sha256": sha, "warc": f"{warc}#{offset}" if warc else None}
            for url, at, sha, warc, offset in rows
        ]
