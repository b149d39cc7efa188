"""The portal spider: one registered portal per run, driven by the registry and a CMS profile.

It walks from the registered annual-report columns (or discovers them from the home page), through
every page of each column, to each report and its attachments. Everything it fetches is recorded as
evidence by the middleware; what it found goes to the report pipeline as items.
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.settings import Settings as ScrapySettings
from sqlalchemy import select
from sqlalchemy.orm import Session
from twisted.python.failure import Failure

from crawler import listing
from crawler.evidence import EvidenceStore
from crawler.links import (
    BodyMatcher,
    is_attachment,
    is_disclosure_link,
    is_report_column,
    is_report_title,
    names_an_organisation,
    report_year,
)
from crawler.middlewares import classify_exception
from crawler.pages import ListedLink, attachments, links, title, unit_of_page, url_date
from crawler.profiles import Profile, profile_for
from db.blobstore import FileBlobStore
from db.models import Body, CrawlRun, FetchOutcome, Portal, RunStatus
from db.session import Database
from db.settings import Settings, get_settings
from db.types import utcnow

DISCOVERY_MAX_DEPTH = 4
DISCOVERY_MAX_PAGES = 80
# Finish reasons of a spider that did its whole walk; any other reason (Ctrl-C: "shutdown") is an interrupted look.
COMPLETE = ("finished", "closespider_timeout")
INTERRUPTED = ("shutdown", "cancelled")  # Scrapy's reason for a Ctrl-C or SIGTERM, and an engine stopped by us
PROCESS_STARTED = utcnow()  # a run this process did not start, older than this, from this process's pid, is dead


def disclosure_settings(settings: ScrapySettings) -> Settings:
    """DISCLOSURE_* values given to Scrapy (by `disclosure crawl` or `-s`) over the environment's."""
    overrides = {
        key.removeprefix("DISCLOSURE_").lower(): settings.get(key)
        for key in ("DISCLOSURE_DATABASE_URL", "DISCLOSURE_DATA_DIR", "DISCLOSURE_BLOB_DIR", "DISCLOSURE_WARC_DIR")
        if settings.get(key)
    }
    return get_settings(**overrides)


class PortalSpider(Spider):
    name = "portal"

    def __init__(self, portal: str | None = None, trigger: str = "manual", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not portal:
            raise ValueError("which portal? run `scrapy crawl portal -a portal=ID` (ids: `disclosure registry show`)")
        self.portal_id = portal
        self.trigger = trigger
        self.columns_found: set[str] = set()
        self.discovery_pages = 0
        self.seen_reports: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        spider: PortalSpider = super().from_crawler(crawler, *args, **kwargs)
        spider._open(crawler)
        crawler.signals.connect(spider._release, signal=signals.spider_closed)
        return spider

    # ------------------------------------------------------------------ set-up and tear-down

    def _open(self, crawler: Crawler) -> None:
        config = disclosure_settings(crawler.settings)
        self.database = Database(config.effective_database_url)
        self.blobs = FileBlobStore(config.effective_blob_dir)
        with self.database.session() as session:
            portal = session.get(Portal, self.portal_id)
            if portal is None:
                raise ValueError(f"portal {self.portal_id!r} is not registered (see `disclosure registry show`)")
            self.base_url = portal.base_url
            self.profile_name = portal.profile
            self.report_columns = list(portal.report_columns or [])
            self.cached_columns = list(portal.discovered_columns or [])
            bodies = session.scalars(select(Body).where(Body.portal_id == self.portal_id)).all()
            self.matcher = BodyMatcher([(b.id, b.name, list(b.aliases or [])) for b in bodies])
            for stale in close_stale_runs(session, self.portal_id):
                self.logger.warning("run %s of %s was left running by a killed crawl: now cancelled", stale, portal.id)
            run = CrawlRun(
                portal_id=self.portal_id,
                trigger=self.trigger,
                status=RunStatus.RUNNING,
                stats={"pid": os.getpid(), "host": socket.gethostname()},  # replaced by the counts when it ends
            )
            session.add(run)
            session.flush()
            self.run_id = run.id
        parts = urlsplit(self.base_url)
        self.allowed_domains = [parts.hostname or ""]
        # Stay inside the portal: same host and, for a portal registered under a path, that path.
        self.scope = f"{parts.scheme}://{parts.netloc}{parts.path.rsplit('/', 1)[0]}/"
        self.evidence = EvidenceStore(self.database, self.blobs, config.effective_warc_dir, self.portal_id, self.run_id)

    def _release(self, spider: Spider, reason: str) -> None:
        self.evidence.close()
        self.database.dispose()

    def in_scope(self, url: str) -> bool:
        return url.startswith(self.scope)

    # ------------------------------------------------------------------ start

    async def start(self) -> AsyncIterator[Request]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        columns = self.report_columns or self.cached_columns
        if not columns:
            yield self._discover(self.base_url, depth=0, unit=None)
            return
        for column in columns:
            self.columns_found.add(column)
            yield Request(
                column,
                callback=self.parse_list,
                errback=self.column_failed,
                meta={"kind": "list", "column": column, "cached": not self.report_columns},
            )

    def _discover(self, url: str, depth: int, unit: str | None) -> Request:
        self.discovery_pages += 1
        return Request(
            url,
            callback=self.parse_discover,
            errback=self.failed,
            meta={"kind": "discover", "depth": depth, "unit": unit},
        )

    # ------------------------------------------------------------------ discovery

    def parse_discover(self, response: Response) -> Iterator[Request | dict[str, Any]]:
        """Walk the disclosure area towards annual-report columns, entering per-unit sub-sites."""
        if not isinstance(response, TextResponse):
            return
        depth, unit = response.meta["depth"], response.meta.get("unit")
        for link in links(response.selector, response.url):
            if not self.in_scope(link.url):
                continue
            if is_report_title(link.text):
                yield from self._report(link, unit)
            elif is_report_column(link.text):
                if link.url not in self.columns_found:
                    self.columns_found.add(link.url)
                    yield Request(
                        link.url,
                        callback=self.parse_list,
                        errback=self.failed,
                        meta={"kind": "list", "column": link.url, "unit": unit},
                    )
            elif depth < DISCOVERY_MAX_DEPTH and self.discovery_pages < DISCOVERY_MAX_PAGES:
                named = self.matcher.named_in_link(link.text)
                if named is not None:
                    yield self._discover(link.url, depth + 1, named)
                elif is_disclosure_link(link.text):
                    yield self._discover(link.url, depth + 1, unit)

    def column_failed(self, failure: Failure) -> Iterator[Request | dict[str, Any]]:
        """A cached column that stopped answering: the site moved it; discover it again."""
        yield from self.failed(failure)
        request = failure.request  # type: ignore[attr-defined]
        if request.meta.get("cached"):
            self.logger.info("cached column %s stopped answering; rediscovering", request.url)
            self.columns_found.discard(request.url)
            self.cached_columns = []
            yield self._discover(self.base_url, depth=0, unit=None)

    # ------------------------------------------------------------------ lists

    def _profile(self, response: TextResponse) -> Profile:
        return profile_for(self.profile_name, response.url, response.text[:20000])

    def parse_list(self, response: Response) -> Iterator[Request | dict[str, Any]]:
        if not isinstance(response, TextResponse):
            return
        # A unit's own column says whose it is in its breadcrumb or title, not in each report title.
        unit = response.meta.get("unit") or unit_of_page(response.selector, self.matcher)
        profile = self._profile(response)
        page_links = links(response.selector, response.url)
        reports = [link for link in page_links if self.in_scope(link.url) and is_report_title(link.text)]
        for link in reports:
            yield from self._report(link, unit)
        if response.meta.get("cached") and not reports and response.meta.get("column") == response.url:
            self.logger.info("cached column %s lists no reports; rediscovering", response.url)
        meta = {"kind": "list", "column": response.meta.get("column"), "unit": unit}
        kind = profile.pagination
        if kind == "create_page_html":
            for url in listing.create_page_html(response.url, response.text, profile):
                yield Request(url, callback=self.parse_list, errback=self.failed, meta=meta)
        elif kind == "hanweb_dataproxy" and not reports:
            api = listing.hanweb_first_request(response.url, response.text, profile)
            if api:
                yield Request(api, callback=self.parse_hanweb, errback=self.failed, meta={**meta, "kind": "api"})
        elif kind == "json_api" and not reports:
            api = listing.json_api_first_request(response.url, response.text, profile, response.meta.get("column"))
            if api:
                yield Request(api, callback=self.parse_json, errback=self.failed, meta={**meta, "kind": "api"})
        else:
            for url in listing.page_param_next(response.url, page_links, profile):
                yield Request(url, callback=self.parse_list, errback=self.failed, meta=meta)
        # Per-unit sub-columns listed inside a column ("乡镇" → each township's 年报).
        for link in page_links:
            named = self.matcher.named_in_link(link.text)
            if named is not None and self.in_scope(link.url) and unit is None:
                yield self._discover(link.url, 1, named)

    def parse_hanweb(self, response: Response) -> Iterator[Request | dict[str, Any]]:
        items, more = listing.hanweb_records(response.url, response.body)
        yield from self._listed(items, response)
        for url in more:
            yield Request(url, callback=self.parse_hanweb, errback=self.failed, meta=dict(response.meta))

    def parse_json(self, response: Response) -> Iterator[Request | dict[str, Any]]:
        profile = profile_for(self.profile_name, response.url)
        if profile.pagination != "json_api":
            profile = profile_for("gkmlpt")
        items, more = listing.json_records(response.url, response.body, profile)
        yield from self._listed(items, response)
        for url in more:
            yield Request(url, callback=self.parse_json, errback=self.failed, meta=dict(response.meta))

    def _listed(self, items: list[ListedLink], response: Response) -> Iterator[Request | dict[str, Any]]:
        unit = response.meta.get("unit")
        for link in items:
            if self.in_scope(link.url) and is_report_title(link.text):
                yield from self._report(link, unit)

    # ------------------------------------------------------------------ reports

    def _report(self, link: ListedLink, unit: str | None) -> Iterator[Request]:
        if link.url in self.seen_reports:
            return
        self.seen_reports.add(link.url)
        self.crawler.stats.inc_value("disclosure/report_links")
        body = self.matcher.match(link.text)
        if body is None and unit is not None and not names_an_organisation(link.text):
            body = unit  # "2021年政府信息公开工作年度报告" in a unit's own column
        meta = {
            "title": link.text,
            "body_id": body,
            "year": report_year(link.text),
            "list_date": link.date,
            "unit": unit,
        }
        if is_attachment(link.url):  # the report is a file listed directly
            yield Request(link.url, callback=self.parse_document, errback=self.failed, meta={**meta, "kind": "article"})
        else:
            yield Request(link.url, callback=self.parse_article, errback=self.failed, meta={**meta, "kind": "article"})

    def _page_item(self, response: Response, files: list[str], page_title: str | None) -> dict[str, Any]:
        meta = response.meta
        profile = profile_for(self.profile_name, response.url)
        return {
            "type": "report",
            "url": response.url,
            "title": page_title or meta.get("title"),
            "list_title": meta.get("title"),
            "body_id": meta.get("body_id"),
            "year": meta.get("year"),
            "list_date": meta.get("list_date"),
            "url_date": url_date(response.url, profile.url_date),
            "sha256": meta.get("sha256"),
            "seen_at": meta.get("fetched_at"),
            "media_type": (response.headers.get("Content-Type") or b"").decode("latin-1").split(";")[0] or None,
            "attachments": files,
        }

    def parse_article(self, response: Response) -> Iterator[Request | dict[str, Any]]:
        if not isinstance(response, TextResponse):
            yield from self.parse_document(response)
            return
        files = [a.url for a in attachments(response.selector, response.url)]
        yield self._page_item(response, files, title(response.selector))
        for url in files:
            yield Request(
                url,
                callback=self.parse_attachment,
                errback=self.attachment_failed,
                meta={"kind": "attachment", "report_url": response.url},
            )

    def parse_document(self, response: Response) -> Iterator[dict[str, Any]]:
        yield self._page_item(response, [], None)

    def parse_attachment(self, response: Response) -> Iterator[dict[str, Any]]:
        yield {
            "type": "attachment",
            "report_url": response.meta["report_url"],
            "url": response.url,
            "sha256": response.meta.get("sha256"),
            "media_type": (response.headers.get("Content-Type") or b"").decode("latin-1").split(";")[0] or None,
        }

    def attachment_failed(self, failure: Failure) -> Iterator[dict[str, Any]]:
        yield from self.failed(failure)
        request = failure.request  # type: ignore[attr-defined]
        yield {
            "type": "attachment",
            "report_url": request.meta["report_url"],
            "url": request.url,
            "sha256": None,
            "error": str(failure.value),
        }

    # ------------------------------------------------------------------ failures

    def failed(self, failure: Failure) -> Iterator[dict[str, Any]]:
        """Record a failure the middleware did not see (robots, dropped requests); a report page that could
        not be fetched is passed on, so that "could not fetch" is never taken for "not published"."""
        request = getattr(failure, "request", None)
        if request is None:
            return
        if not request.meta.get("_recorded"):
            request.meta["_recorded"] = True
            message = str(failure.value)
            if "robots.txt" in message:
                outcome = FetchOutcome.ROBOTS_DENIED
            elif "redirect" in message.lower():
                outcome = FetchOutcome.REDIRECT_LOOP
            else:
                outcome = classify_exception(failure.value)
            self.evidence.record_failure(
                request.url, outcome, f"{type(failure.value).__name__}: {message}", kind=request.meta.get("kind")
            )
            self.crawler.stats.inc_value(f"disclosure/outcome/{outcome.value}")
            if outcome is not FetchOutcome.ROBOTS_DENIED:
                self.crawler.stats.inc_value("disclosure/errors")
        if request.meta.get("kind") == "article" and self.crawler.crawling:
            # (Not when the crawl is being stopped: a request cut off by Ctrl-C says nothing about the portal.)
            yield {
                "type": "unfetched",
                "url": (request.meta.get("redirect_urls") or [request.url])[0],  # as listed, before any redirect
                "title": request.meta.get("title"),
                "body_id": request.meta.get("body_id"),
                "year": request.meta.get("year"),
                "list_date": request.meta.get("list_date"),
                "error": f"{type(failure.value).__name__}: {failure.value}",
            }

    def closed(self, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        with self.database.session() as session:
            run = session.get(CrawlRun, self.run_id)
            portal = session.get(Portal, self.portal_id)
            if run is None or portal is None:
                return
            run.finished_at = utcnow()
            run.status = run_status(stats, reason)
            run.stats = {k.removeprefix("disclosure/"): v for k, v in stats.items() if k.startswith("disclosure/")}
            run.stats["pages"] = stats.get("response_received_count", 0)
            run.stats["finish_reason"] = reason
            if run.status is RunStatus.CANCELLED:
                run.error = f"interrupted ({reason}) after {run.stats['pages']} pages: not a complete look"
            if (
                not self.report_columns
                and self.columns_found
                and run.status not in (RunStatus.BLOCKED, RunStatus.CANCELLED)
            ):
                portal.discovered_columns = sorted(self.columns_found)
                portal.discovered_at = utcnow()


def run_status(stats: dict[str, Any], reason: str) -> RunStatus:
    """The state a run ends in. An interrupted run (Ctrl-C, SIGTERM: reason "shutdown") is cancelled whatever
    it saw: it may never have fetched a list, so it must not count as having looked. A run that stopped for
    any other reason (an error count, memory, a crash) failed."""
    if reason in INTERRUPTED:
        return RunStatus.CANCELLED
    blocked = stats.get("disclosure/blocked", 0)
    responses = stats.get("response_received_count", 0)
    errors = stats.get("disclosure/errors", 0)
    good = responses - blocked - stats.get("disclosure/http_errors", 0)
    if blocked and blocked * 2 >= max(responses, 1):
        return RunStatus.BLOCKED
    if reason not in COMPLETE:
        return RunStatus.FAILED
    if good <= 0 and errors:
        return RunStatus.UNREACHABLE
    if errors or blocked or reason == "closespider_timeout":
        return RunStatus.PARTIAL
    return RunStatus.OK


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OSError:
        return True  # cannot tell: assume it runs
    return True


def is_stale(run: CrawlRun) -> bool:
    """Whether a run still marked running cannot be running any more.

    A run records the pid and host of the process crawling it. On this host, its process must still exist
    (and, if that is this process, the run must have started in it); on another host, nothing can be told and
    the run is left alone. A run that recorded no process (written by an older version) is stale once it is
    older than this process: two crawls of one portal at once are not run.
    """
    if run.status != RunStatus.RUNNING:
        return False
    stats = run.stats or {}
    pid, host = stats.get("pid"), stats.get("host")
    if isinstance(pid, int) and host:
        if host != socket.gethostname():
            return False
        if pid == os.getpid():
            return run.started_at < PROCESS_STARTED  # our pid, reused: an earlier process's run
        return not _alive(pid)
    return run.started_at < PROCESS_STARTED


def close_stale_runs(session: Session, portal_id: str) -> list[int]:
    """Close as cancelled the runs of a portal left `running` by a crawl that was killed (a second Ctrl-C,
    SIGKILL, a crash): they never finished, so they are no look at the portal. Returns their ids."""
    closed = []
    for run in session.scalars(
        select(CrawlRun).where(CrawlRun.portal_id == portal_id, CrawlRun.status == RunStatus.RUNNING)
    ):
        if is_stale(run):
            run.status = RunStatus.CANCELLED
            run.finished_at = run.finished_at or utcnow()
            run.stats = {**(run.stats or {}), "finish_reason": "killed"}
            run.error = "the crawling process ended without closing the run (killed)"
            closed.append(run.id)
    return closed
