"""What the rules read: for a batch of bodies, the registry, their reports, what each owes and when,
and how their portals' last crawls went. Loaded once per batch, read-only for rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.parsing.templates import Template, templates
from db.models import Body, CrawlRun, DiscoveredLink, Report, ReportVersion, RunStatus
from monitor.deadlines import DeadlineCalendar
from monitor.expectations import Expectation, expected_years

RECENT_RUNS = 3


@dataclass
class CheckSettings:
    """Knobs of the rules (operators can tune them; `disclosure check` takes the defaults)."""

    missing_grace_days: int = 0  # days after a deadline before a missing report is flagged
    stale_threshold: float = 0.6  # section 五 similarity with an earlier year that counts as reused
    copied_threshold: float = 0.9  # similarity with another body's text of the same year


@dataclass
class VersionFacts:
    id: int
    content_sha256: str
    first_seen: datetime
    last_seen: datetime
    url: str | None


@dataclass
class ReportFacts:
    id: int
    body_id: str
    year: int
    title: str | None
    url: str | None
    origin: str
    parsed: dict[str, Any]
    template: str | None
    parse_state: str | None
    publish_date: date | None
    publish_date_source: str | None
    candidates: list[dict[str, str]]
    first_seen: datetime
    current_version_id: int | None
    versions: list[VersionFacts] = field(default_factory=list)

    def table(self, name: str) -> dict[str, Any]:
        return (self.parsed.get("tables") or {}).get(name) or {"present": False, "cells": {}}

    def problems(self, code: str) -> list[dict[str, str]]:
        return [p for p in self.parsed.get("problems") or [] if p.get("code") == code]

    @property
    def readable(self) -> bool:
        """The document could be read as a report (tables and sections mean something)."""
        return self.parse_state in ("ok", "partial")

    def layout(self) -> Template:
        """The template the document is laid out in (its rows and columns), else the year's."""
        if self.template in templates():
            return templates()[self.template]
        return templates()["2021" if self.year >= 2021 else "2019"]


@dataclass
class RunFacts:
    id: int
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    stats: dict[str, Any]


@dataclass
class Context:
    now: datetime
    settings: CheckSettings
    calendar: DeadlineCalendar
    bodies: dict[str, Body]
    reports: dict[tuple[str, int], ReportFacts]
    runs: dict[str, list[RunFacts]]  # portal -> its latest runs, newest first
    years: set[int] | None  # None: every year
    session: Session
    unfetched: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)  # report links that failed

    def in_scope(self, year: int) -> bool:
        return self.years is None or year in self.years

    def scoped_reports(self) -> Iterator[ReportFacts]:
        for (body_id, year), report in sorted(self.reports.items()):
            if body_id in self.bodies and self.in_scope(year):
                yield report

    def expectations(self) -> Iterator[Expectation]:
        for body in self.bodies.values():
            for expectation in expected_years(body, self.calendar, self.now):
                if self.in_scope(expectation.year):
                    yield expectation

    def report(self, body_id: str, year: int) -> ReportFacts | None:
        return self.reports.get((body_id, year))

    def version_parsed(self, version_id: int) -> dict[str, Any]:
        version = self.session.get(ReportVersion, version_id)
        return (version.parsed if version is not None else None) or {}


def load_context(
    session: Session,
    body_ids: Iterable[str],
    years: set[int] | None,
    now: datetime,
    settings: CheckSettings,
    calendar: DeadlineCalendar,
) -> Context:
    ids = list(body_ids)
    bodies = {b.id: b for b in session.scalars(select(Body).where(Body.id.in_(ids)))}
    reports: dict[tuple[str, int], ReportFacts] = {}
    # Every year of these bodies, not only the scope: cross-year rules compare with neighbours.
    for row in session.scalars(select(Report).where(Report.body_id.in_(ids))):
        reports[(row.body_id, row.year)] = ReportFacts(
            id=row.id,
            body_id=row.body_id,
            year=row.year,
            title=row.title,
            url=row.url,
            origin=str(row.origin),
            parsed=row.parsed or {},
            template=row.template,
            parse_state=row.parse_state,
            publish_date=row.publish_date,
            publish_date_source=row.publish_date_source,
            candidates=list(row.publish_date_candidates or []),
            first_seen=row.first_seen,
            current_version_id=row.current_version_id,
        )
    with_versions = {r.id: r for r in reports.values()}
    if with_versions:
        # The parsed JSON of old versions is large and only the edit rule needs it: loaded on demand.
        rows = session.execute(
            select(
                ReportVersion.id,
                ReportVersion.report_id,
                ReportVersion.content_sha256,
                ReportVersion.first_seen,
                ReportVersion.last_seen,
                ReportVersion.url,
            )
            .where(ReportVersion.report_id.in_(list(with_versions)))
            .order_by(ReportVersion.first_seen, ReportVersion.id)
        )
        for vid, report_id, sha, first, last, url in rows:
            with_versions[report_id].versions.append(VersionFacts(vid, sha, first, last, url))
    portals = {b.portal_id for b in bodies.values() if b.portal_id}
    runs: dict[str, list[RunFacts]] = {p: [] for p in portals}
    for portal in portals:
        for run in session.scalars(
            select(CrawlRun)
            .where(CrawlRun.portal_id == portal, CrawlRun.status != RunStatus.RUNNING)
            .order_by(CrawlRun.id.desc())
            .limit(RECENT_RUNS)
        ):
            runs[portal].append(
                RunFacts(run.id, RunStatus(run.status), run.started_at, run.finished_at, run.stats or {})
            )
    unfetched: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for link in session.scalars(
        select(DiscoveredLink).where(DiscoveredLink.body_id.in_(ids), DiscoveredLink.reason == "not_fetched")
    ):
        if link.year is not None:
            unfetched.setdefault((link.body_id, link.year), []).append(
                {
                    "url": link.url,
                    "title": link.title,
                    "first_seen": link.first_seen.isoformat(),
                    "last_seen": link.last_seen.isoformat(),
                    "crawl_run": link.crawl_run_id,
                }
            )
    return Context(now, settings, calendar, bodies, reports, runs, years, session, unfetched)
