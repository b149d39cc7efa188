"""The demo run, step by step: serve the sample portal, register it and the seed bodies, ingest the seed
reports, crawl, check, let the portal correct a report, crawl and check again.

The `disclosure demo` command drives these steps and prints what they found; the sample-portal flag
tests drive the same steps and compare the flags with the portal's manifest. Crawls run as
`disclosure crawl` in a child process: Scrapy's reactor runs once per process, and the demo crawls twice.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from crawler.ingest import ingest_file
from db.blobstore import FileBlobStore
from db.models import CrawlRun
from db.session import Database
from db.settings import Settings
from demo import SEED_REPORTS
from demo.portal import SamplePortal, build_site
from monitor.deadlines import CHINA_TZ

# The bodies of demo/registry.yaml whose reports are the seeds.
SEED_BODIES = {
    "antai-2020.txt": "antai",
    "nankou-2020.txt": "nankou",
    "taipingzhuang-2019.txt": "taipingzhuang",
    "langao-2020.txt": "langao-county",
    "yima-2020.txt": "yima",
}
SITE_SEED = 1
# The portal's "time-out" pages answer after SLOW_SECONDS; the crawl gives up after DOWNLOAD_TIMEOUT.
SLOW_SECONDS = 8.0
CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",  # a local server: politeness delays only slow the demo down
    "AUTOTHROTTLE_ENABLED": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "DOWNLOAD_TIMEOUT": "4",
    "RETRY_TIMES": "1",
    "DOWNLOAD_MAXSIZE": str(2 * 1024 * 1024),
    "LOG_LEVEL": "WARNING",
}
REGISTRY_FILE = "sample-portal-registry.yaml"
MANIFEST_FILE = "sample-portal-manifest.json"


class DemoError(RuntimeError):
    """A step of the demo failed; the message says which and why."""


def report_years(today: date) -> range:
    """The years the sample portal publishes: from 2019 to the last year whose first deadline (31 January)
    has passed, so that the demo does not accuse every body of a report that is not due yet."""
    last = today.year - 1 if today >= date(today.year, 2, 1) else today.year - 2
    return range(2019, last + 1)


@dataclass
class Demo:
    folder: Path
    config: Settings
    database: Database
    server: SamplePortal | None = None
    base_url: str = ""
    manifest: dict[str, Any] = field(default_factory=dict)
    crawls: dict[str, list[int]] = field(default_factory=dict)  # stage -> crawl run ids

    @staticmethod
    def settings(folder: Path, timezone: str) -> Settings:
        """The demo's own configuration: everything in `folder`, whatever the caller configured."""
        return Settings(data_dir=folder, database_url=None, blob_dir=None, warc_dir=None, timezone=timezone)

    # ------------------------------------------------------------------ the sample portal

    def start_portal(self, today: date | None = None) -> str:
        today = today or datetime.now(CHINA_TZ).date()
        site = build_site(seed=SITE_SEED, years=report_years(today))
        site.render_all()  # every attachment rendered before the crawl starts the clock
        self.server = SamplePortal(site, slow_seconds=SLOW_SECONDS)
        self.base_url = self.server.start()
        self.manifest = site.manifest(self.base_url)
        (self.folder / MANIFEST_FILE).write_text(
            json.dumps(self.manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (self.folder / REGISTRY_FILE).write_text(site.registry_yaml(self.base_url), encoding="utf-8")
        return self.base_url

    @property
    def registry_file(self) -> Path:
        return self.folder / REGISTRY_FILE

    def portal_ids(self) -> list[str]:
        return sorted(p["id"] for p in self.manifest["portals"])

    def edit(self) -> list[dict[str, Any]]:
        """The portal corrects its planted report(s) in place, as a body answering a flag would."""
        if self.server is None:
            raise DemoError("the sample portal is not running")
        for edited in self.manifest["edited"]:
            self.server.edit(edited["key"])
        return list(self.manifest["edited"])

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    # ------------------------------------------------------------------ steps on the database

    def ingest_seeds(self, now: datetime) -> list[tuple[str, str, int]]:
        """The seed reports, as a user would add reports received outside the crawl."""
        blobs = FileBlobStore(self.config.effective_blob_dir)
        done = []
        for name, body in SEED_BODIES.items():
            result = ingest_file(
                self.database, blobs, SEED_REPORTS / name, body_id=body, year=None, published=None, url=None, now=now
            )
            done.append((name, body, result.year))
        return done

    def crawl(self, stage: str, *, show_progress: bool) -> list[int]:
        """`disclosure crawl` over the sample portals in a child process; returns the new run ids."""
        before = self._last_run()
        command = [sys.executable, "-m", "disclosure", "crawl"]
        for portal in self.portal_ids():
            command += ["--portal", portal]
        for name, value in CRAWL_SETTINGS.items():
            command += ["--set", f"{name}={value}"]
        result = subprocess.run(
            command,
            env=self.child_env(),
            stdout=None if show_progress else subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            timeout=900,
        )
        if result.returncode != 0:
            raise DemoError(f"the {stage} crawl failed (exit {result.returncode}):\n{(result.stderr or '')[-2000:]}")
        with self.database.session() as session:
            runs = list(session.scalars(select(CrawlRun.id).where(CrawlRun.id > before).order_by(CrawlRun.id)))
        self.crawls[stage] = runs
        return runs

    def child_env(self) -> dict[str, str]:
        """The environment of a child `disclosure` command: this demo's folder and nothing else configured."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSURE_")}
        env.update(
            DISCLOSURE_DATA_DIR=str(self.folder),
            DISCLOSURE_DATABASE_URL=self.config.effective_database_url,
            DISCLOSURE_BLOB_DIR=str(self.config.effective_blob_dir),
            DISCLOSURE_WARC_DIR=str(self.config.effective_warc_dir),
            DISCLOSURE_TIMEZONE=self.config.timezone,
        )
        return env

    def _last_run(self) -> int:
        with self.database.session() as session:
            return session.scalar(select(func.max(CrawlRun.id))) or 0
