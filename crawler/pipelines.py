"""The report pipeline: parse what the spider found in worker processes, then store reports.

Parsing happens in a process pool, never on the Twisted reactor thread, so a slow PDF does not stall
the crawl. A report page and its attachments are assembled when the spider closes: the document
holding the tables gives the cells, the page gives the dates its CMS states.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy import delete, select
from twisted.internet import threads

from crawler.links import BodyMatcher, is_report_title
from crawler.parsing.blocks import Problem
from crawler.parsing.parser import PARSER_VERSION, ParsedReport, parse_document
from crawler.store import READ, FoundReport, Sighting, settle_current, store_report
from db.blobstore import FileBlobStore
from db.models import Body, DiscoveredLink, ReportOrigin
from db.types import utcnow

log = logging.getLogger(__name__)
PARSE_TIMEOUT = 300


def cache_path(blob_root: str, sha: str) -> Path:
    """Where the parse of a blob by this parser version is kept: an unchanged document is parsed once."""
    return Path(blob_root) / "parsed" / PARSER_VERSION / sha[:2] / f"{sha}.json"


def cached_parse(blob_root: str, sha: str) -> dict[str, Any] | None:
    path = cache_path(blob_root, sha)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def parse_stored(blob_root: str, sha: str, filename: str, year: int | None) -> dict[str, Any]:
    """Run in a worker process: read the blob from disk (no bytes through the pipe) and parse it."""
    try:
        data = FileBlobStore(Path(blob_root)).get(sha)
    except Exception as exc:  # a missing blob must not kill the worker
        failed = ParsedReport(file=filename, state="failed")
        failed.problems.append(Problem("BLOB_UNREADABLE", str(exc)))
        return failed.as_json()
    parsed = parse_document(data, filename=filename, year_hint=year).as_json()
    path = cache_path(blob_root, sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(parsed, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return parsed


@dataclass
class Page:
    item: dict[str, Any]
    parse: Future[dict[str, Any]] | None = None
    files: list[dict[str, Any]] = field(default_factory=list)  # attachment items, each with its parse


def _cells(parsed: dict[str, Any]) -> int:
    return sum(len(cols) for t in parsed.get("tables", {}).values() for cols in t.get("cells", {}).values())


class ReportPipeline:
    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pages: dict[str, Page] = {}
        self.orphans: list[dict[str, Any]] = []
        self.unfetched: list[dict[str, Any]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReportPipeline:
        workers = crawler.settings.getint("DISCLOSURE_PARSE_WORKERS", min(2, os.cpu_count() or 1))
        return cls(max(1, workers))

    def open_spider(self, spider: Spider) -> None:
        self.spider = spider
        # forkserver: workers do not inherit the reactor's threads and sockets.
        context = multiprocessing.get_context("forkserver")
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        self.blob_root = str(spider.blobs.root)  # type: ignore[attr-defined]

    def _submit(self, sha: str | None, name: str, year: int | None) -> Future[dict[str, Any]] | None:
        if not sha:
            return None
        cached = cached_parse(self.blob_root, sha)
        if cached is not None:
            done: Future[dict[str, Any]] = Future()
            done.set_result(cached)
            return done
        return self.pool.submit(parse_stored, self.blob_root, sha, name, year)

    def process_item(self, item: dict[str, Any], spider: Spider) -> dict[str, Any]:
        if item.get("type") == "report":
            page = self.pages.setdefault(item["url"], Page(item))
            page.item = item
            page.parse = self._submit(item.get("sha256"), item["url"], item.get("year"))
        elif item.get("type") == "unfetched":
            self.unfetched.append(item)
        elif item.get("type") == "attachment":
            entry = dict(item)
            entry["parse"] = self._submit(item.get("sha256"), item["url"], None)
            page = self.pages.get(item["report_url"])
            if page is None:
                self.orphans.append(entry)
            else:
                page.files.append(entry)
        return item

    async def close_spider(self, spider: Spider) -> None:
        spider.evidence.flush()  # type: ignore[attr-defined]
        await maybe_deferred_to_future(threads.deferToThread(self._finish))

    # ------------------------------------------------------------------ after the crawl (a worker thread)

    def _finish(self) -> None:
        try:
            for entry in self.orphans:
                page = self.pages.get(entry["report_url"])
                if page is not None:
                    page.files.append(entry)
            results = [self._assemble(page) for page in self.pages.values()]
            self._store(results)
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    def _result(future: Future[dict[str, Any]] | None) -> dict[str, Any] | None:
        if future is None:
            return None
        try:
            return future.result(timeout=PARSE_TIMEOUT)
        except Exception as exc:
            log.warning("parsing failed: %s", exc)
            return {
                "state": "failed",
                "tables": {},
                "sections": {},
                "problems": [{"code": "PARSER_ERROR", "message": f"{type(exc).__name__}: {exc}", "where": ""}],
            }

    def _assemble(self, page: Page) -> dict[str, Any]:
        item = page.item
        parsed_page = self._result(page.parse)
        files = [(f, self._result(f.get("parse"))) for f in page.files]
        documents = [(item.get("sha256"), parsed_page)] + [(f.get("sha256"), p) for f, p in files]
        readable = [(sha, p) for sha, p in documents if sha and p is not None]
        primary_sha, primary = max(readable, key=lambda d: _cells(d[1]), default=(None, None))
        merged = dict(primary or {})
        failed_files = [f for f, _ in files if f.get("error")]
        if failed_files and merged:
            # The tables may be in the file that could not be fetched: the contents are unknown, not absent.
            merged["problems"] = [
                *merged.get("problems", []),
                *(
                    {"code": "ATTACHMENT_NOT_FETCHED", "message": f"{f['url']}: {f['error']}", "where": f["url"]}
                    for f in failed_files
                ),
            ]
            if merged.get("state") == "ok":
                merged["state"] = "partial"
        if primary is not None and parsed_page is not None and primary is not parsed_page:
            # Tables from the attachment; sections the attachment lacks from the page's own text.
            sections = dict(merged.get("sections") or {})
            for key, text in (parsed_page.get("sections") or {}).items():
                if sections.get(key) is None and text is not None:
                    sections[key] = text
            merged["sections"] = sections
            merged["title"] = merged.get("title") or parsed_page.get("title")
        candidates = list((parsed_page or {}).get("publish_date_candidates") or [])
        if item.get("url_date"):
            candidates.append({"date": item["url_date"], "source": "url", "raw": item["url"]})
        if item.get("list_date"):
            candidates.append({"date": item["list_date"], "source": "list", "raw": item["list_date"]})
        return {
            "item": item,
            "sha": primary_sha,
            "parsed": merged,
            "candidates": candidates,
            "attachments": [
                {"url": f["url"], "sha256": f.get("sha256"), "state": (p or {}).get("state"), "error": f.get("error")}
                for f, p in files
            ],
        }

    def _store(self, results: list[dict[str, Any]]) -> None:
        spider = self.spider
        stats = spider.crawler.stats
        database = spider.database  # type: ignore[attr-defined]
        portal_id = spider.portal_id  # type: ignore[attr-defined]
        run_id = spider.run_id  # type: ignore[attr-defined]
        with database.session() as session:
            bodies = session.scalars(select(Body).where(Body.portal_id == portal_id)).all()
            matcher = BodyMatcher([(b.id, b.name, list(b.aliases or [])) for b in bodies])
            sightings: dict[int, list[Sighting]] = {}
            for item in self.unfetched:
                self._unattributed(
                    session, portal_id, run_id, item, "not_fetched", item.get("year"), body_id=item.get("body_id")
                )
            for result in results:
                item, parsed = result["item"], result["parsed"]
                titles = [t for t in (parsed.get("title"), item.get("title"), item.get("list_title")) if t]
                if parsed.get("state") not in READ and any(a["error"] for a in result["attachments"]):
                    # A page that only points at its report file, and the file could not be fetched.
                    body_id = item.get("body_id") or matcher.match(item.get("title") or "")
                    year = item.get("year") or parsed.get("year")
                    self._unattributed(session, portal_id, run_id, item, "not_fetched", year, body_id=body_id)
                    stats.inc_value("disclosure/not_fetched")
                    continue
                if parsed.get("state") == "not_a_report" or not any(is_report_title(t) for t in titles):
                    stats.inc_value("disclosure/not_reports")  # a listed link whose page is no report
                    continue
                body_id = item.get("body_id") or (matcher.match(parsed.get("body") or "") if parsed else None)
                body_id = body_id or (matcher.match(parsed.get("title") or "") if parsed else None)
                year = item.get("year") or (parsed or {}).get("year")
                if result["sha"] is None or not body_id or not year:
                    reason = "not_parsed" if result["sha"] is None else ("no_body" if not body_id else "no_year")
                    self._unattributed(session, portal_id, run_id, item, reason, year)
                    stats.inc_value("disclosure/unattributed")
                    continue
                seen = datetime.fromisoformat(item["seen_at"]) if item.get("seen_at") else utcnow()
                found = FoundReport(
                    body_id=body_id,
                    year=int(year),
                    origin=ReportOrigin.CRAWL,
                    url=item["url"],
                    title=parsed.get("title") or item.get("title"),
                    document_sha=result["sha"],
                    parsed=parsed,
                    seen_at=seen,
                    date_candidates=result["candidates"],
                    attachments=result["attachments"],
                )
                stored = store_report(session, found)
                sightings.setdefault(stored.report_id, []).append((stored.version_id, found))
                stats.inc_value("disclosure/reports")
                session.execute(
                    delete(DiscoveredLink).where(
                        DiscoveredLink.portal_id == portal_id, DiscoveredLink.url == item["url"]
                    )
                )
                stats.inc_value(f"disclosure/reports_by_year/{year}")
                if stored.new_report:
                    stats.inc_value("disclosure/new_reports")
                elif stored.new_version:
                    stats.inc_value("disclosure/changed_reports")
            # The run is one round: a report whose current content the portal no longer shows, but an
            # earlier one, shows that one again.
            for _ in settle_current(session, sightings):
                stats.inc_value("disclosure/changed_reports")

    @staticmethod
    def _unattributed(
        session: Any,
        portal_id: str,
        run_id: int,
        item: dict[str, Any],
        reason: str,
        year: int | None,
        body_id: str | None = None,
    ) -> None:
        link = session.scalar(
            select(DiscoveredLink).where(DiscoveredLink.portal_id == portal_id, DiscoveredLink.url == item["url"])
        )
        now = utcnow()
        if link is None:
            session.add(
                DiscoveredLink(
                    portal_id=portal_id,
                    url=item["url"],
                    title=item.get("title") or "",
                    reason=reason,
                    year=year,
                    body_id=body_id,
                    list_date=item.get("list_date"),
                    first_seen=now,
                    last_seen=now,
                    crawl_run_id=run_id,
                )
            )
        else:
            link.last_seen, link.reason, link.crawl_run_id = now, reason, run_id
            link.body_id = body_id or link.body_id
