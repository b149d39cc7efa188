"""Running crawls in-process: one portal spider per portal, all in one Twisted reactor, with progress.

The Twisted reactor can run once per process, so a program crawls once; tests run crawls through
the `disclosure` command in a subprocess.

Ctrl-C (SIGINT) or SIGTERM stops the crawl gracefully: each spider closes with reason "shutdown" and its run
ends `cancelled`. A second Ctrl-C stops at once; the runs its spiders could not close are closed here as
`cancelled`, and a run a killed process left `running` is closed the next time its portal is crawled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings as ScrapySettings
from scrapy.utils.project import get_project_settings
from sqlalchemy import select
from twisted.internet import task

from crawler.spiders.portal import COMPLETE, PortalSpider
from db.models import CrawlRun, RunStatus
from db.session import Database
from db.settings import Settings
from db.types import utcnow


@dataclass
class PortalProgress:
    portal: str
    pages: int = 0
    reports: int = 0
    report_links: int = 0
    errors: int = 0
    blocked: int = 0
    done: bool = False
    run_id: int | None = None
    finish_reason: str | None = None  # Scrapy's: "finished"; "shutdown" when interrupted

    @property
    def interrupted(self) -> bool:
        return self.done and self.finish_reason not in COMPLETE


@dataclass
class CrawlProgress:
    portals: dict[str, PortalProgress] = field(default_factory=dict)

    @property
    def finished(self) -> int:
        return sum(1 for p in self.portals.values() if p.done)


@dataclass
class CrawlResult:
    run_ids: list[int]
    interrupted: bool  # stopped by a signal (or a spider closed for a reason other than finishing)
    cancelled: list[int]  # the runs that ended cancelled


class _Process(CrawlerProcess):
    """Notes that a shutdown signal arrived (Ctrl-C, SIGTERM), before Scrapy stops the crawl."""

    signalled = False

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        _Process.signalled = True
        super()._signal_shutdown(signum, frame)

    def _signal_shutdown_reactorless(self, signum: int, frame: Any) -> None:
        _Process.signalled = True
        super()._signal_shutdown_reactorless(signum, frame)


def scrapy_settings(config: Settings, overrides: dict[str, Any] | None = None) -> ScrapySettings:
    settings = get_project_settings()
    if not settings.get("BOT_NAME") or "crawler.middlewares.EvidenceMiddleware" not in settings.getdict(
        "DOWNLOADER_MIDDLEWARES"
    ):
        settings.setmodule("crawler.settings", priority="project")
    settings.set("DISCLOSURE_DATABASE_URL", config.effective_database_url, priority="cmdline")
    settings.set("DISCLOSURE_BLOB_DIR", str(config.effective_blob_dir), priority="cmdline")
    settings.set("DISCLOSURE_WARC_DIR", str(config.effective_warc_dir), priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(
    config: Settings,
    portal_ids: Sequence[str],
    *,
    overrides: dict[str, Any] | None = None,
    trigger: str = "manual",
    on_progress: Callable[[CrawlProgress], None] | None = None,
    interval: float = 0.5,
) -> CrawlResult:
    """Crawl the portals (concurrently; each politely); returns the crawl runs and whether it was interrupted."""
    process = _Process(scrapy_settings(config, overrides), install_root_handler=True)
    progress = CrawlProgress({p: PortalProgress(p) for p in portal_ids})
    crawlers: dict[str, Crawler] = {}
    for portal in portal_ids:
        crawler = process.create_crawler(PortalSpider)
        crawlers[portal] = crawler
        deferred = process.crawl(crawler, portal=portal, trigger=trigger)
        deferred.addBoth(_mark_done, progress.portals[portal])

    def refresh() -> None:
        for portal, crawler in crawlers.items():
            state = progress.portals[portal]
            stats = crawler.stats.get_stats() if crawler.stats else {}
            state.pages = stats.get("response_received_count", 0)
            state.reports = stats.get("disclosure/reports", 0)
            state.report_links = stats.get("disclosure/report_links", 0)
            state.errors = stats.get("disclosure/errors", 0)
            state.blocked = stats.get("disclosure/blocked", 0)
            state.finish_reason = stats.get("finish_reason", state.finish_reason)
            spider = getattr(crawler, "spider", None)
            state.run_id = getattr(spider, "run_id", state.run_id)
        if on_progress is not None:
            on_progress(progress)

    loop = task.LoopingCall(refresh)
    loop.start(interval, now=False)
    process.start(stop_after_crawl=True)
    if loop.running:
        loop.stop()
    refresh()
    run_ids = [p.run_id for p in progress.portals.values() if p.run_id is not None]
    killed = [p.portal for p in progress.portals.values() if not p.done]  # the reactor stopped under them
    cancelled = close_unfinished(config, run_ids)
    interrupted = _Process.signalled or bool(killed) or any(p.interrupted for p in progress.portals.values())
    return CrawlResult(run_ids, interrupted, cancelled)


def close_unfinished(config: Settings, run_ids: Sequence[int]) -> list[int]:
    """Close as cancelled the runs of this crawl its spiders could not close (a forced stop); return every
    cancelled run of this crawl."""
    if not run_ids:
        return []
    database = Database(config.effective_database_url)
    try:
        with database.session() as session:
            cancelled = []
            for run in session.scalars(select(CrawlRun).where(CrawlRun.id.in_(run_ids)).order_by(CrawlRun.id)):
                if run.status == RunStatus.RUNNING:
                    run.status = RunStatus.CANCELLED
                    run.finished_at = utcnow()
                    run.stats = {**(run.stats or {}), "finish_reason": "killed"}
                    run.error = "the crawl was stopped before the run could close (forced shutdown)"
                if run.status == RunStatus.CANCELLED:
                    cancelled.append(run.id)
            return cancelled
    finally:
        database.dispose()


def _mark_done(result: Any, state: PortalProgress) -> Any:
    state.done = True
    return result if not hasattr(result, "trap") else None  # a failed crawl is recorded in its run, not raised


def latest_runs(database: Database, portal_ids: Sequence[str]) -> dict[str, CrawlRun]:
    with database.session() as session:
        out = {}
        for portal in portal_ids:
            run = session.scalar(select(CrawlRun).where(CrawlRun.portal_id == portal).order_by(CrawlRun.id.desc()))
            if run is not None:
                out[portal] = run
        return out
