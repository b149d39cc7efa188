"""Crawl benchmark: our full crawl (storage, WARC, parsing) against bare `scrapy bench`, in one run.

Prints pages per second of `scrapy bench` (Scrapy following links on its own local server, doing
nothing else) and of `disclosure crawl` over a large sample portal with no delay and the same
concurrency, their ratio (target ≥ 0.5), and what a recrawl of the unchanged portal costs as a share
of the first crawl (target ≤ 5% of the bytes and no document downloaded again).

    .venv/bin/python -m bench.crawl [--scale 8] [--bench-seconds 20]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select

from db.models import CrawlRun, Fetch, FetchOutcome
from db.session import Database
from demo.portal import SamplePortal, build_site

# The concurrency `scrapy bench` runs with (Scrapy's defaults), and no politeness delay: the
# comparison is of the work per page, not of manners.
FAST = [
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=0",
    "CONCURRENT_REQUESTS=16",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "RETRY_TIMES=0",
    "DOWNLOAD_TIMEOUT=30",
    "LOG_LEVEL=WARNING",
]


def scrapy_bench(seconds: int) -> float:
    """Pages per second of `scrapy bench` on this machine, now."""
    exe = Path(sys.executable).parent / "scrapy"
    with tempfile.TemporaryDirectory() as folder:  # outside the project, so its settings do not apply
        result = subprocess.run(
            [str(exe), "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}", "-s", "LOG_LEVEL=INFO"],
            capture_output=True,
            text=True,
            cwd=folder,
            timeout=seconds + 120,
        )
    log = result.stdout + result.stderr
    pages = re.search(r"'response_received_count': (\d+)", log)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", log)
    if not pages or not elapsed:
        raise RuntimeError(f"could not read scrapy bench's stats:\n{log[-2000:]}")
    return int(pages.group(1)) / float(elapsed.group(1))


def crawl(env: dict[str, str]) -> float:
    exe = Path(sys.executable).parent / "disclosure"
    start = time.perf_counter()
    result = subprocess.run(
        [str(exe), "crawl", *[p for s in FAST for p in ("--set", s)]], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(result.stdout[-2000:] + result.stderr[-2000:])
    return time.perf_counter() - start


def run_figures(database: Database, run_ids: list[int]) -> tuple[int, int, int, float]:
    """Requests, bytes received, documents downloaded, and seconds from the first start to the last finish."""
    with database.session() as s:
        rows = s.execute(select(Fetch.size, Fetch.response_headers).where(Fetch.crawl_run_id.in_(run_ids))).all()
        requests = len(rows)
        # Bodies plus an estimate of the header bytes (a 304 is nothing but headers).
        size = sum(
            (body or 0) + sum(len(k) + len(str(v)) + 4 for k, v in (headers or {}).items()) for body, headers in rows
        )
        documents = (
            s.scalar(
                select(func.count())
                .select_from(Fetch)
                .where(
                    Fetch.crawl_run_id.in_(run_ids),
                    Fetch.outcome == FetchOutcome.OK,
                    Fetch.kind.in_(["article", "attachment"]),
                )
            )
            or 0
        )
        runs = s.scalars(select(CrawlRun).where(CrawlRun.id.in_(run_ids))).all()
        seconds = (max(r.finished_at for r in runs) - min(r.started_at for r in runs)).total_seconds()
    return requests, int(size), documents, seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--bodies", type=int, default=300, help="bodies on the sample portal (300: ~2,500 pages crawled)"
    )
    parser.add_argument("--scale", type=int, default=1, help="filler pages multiplier of the sample portal")
    parser.add_argument("--bench-seconds", type=int, default=20, help="how long `scrapy bench` runs")
    args = parser.parse_args(argv)

    print(f"scrapy bench for {args.bench_seconds}s ...", flush=True)
    bare = scrapy_bench(args.bench_seconds)

    site = build_site(seed=1, bodies=args.bodies, pages_scale=args.scale)
    site.render_all()
    server = SamplePortal(site)
    base = server.start()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "registry.yaml").write_text(site.registry_yaml(base), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSURE_")}
        env["DISCLOSURE_DATA_DIR"] = str(work / "var")
        exe = str(Path(sys.executable).parent / "disclosure")
        for command in (["db", "upgrade"], ["registry", "import", str(work / "registry.yaml")]):
            subprocess.run([exe, *command], env=env, check=True, capture_output=True)
        database = Database(f"sqlite:///{work / 'var' / 'disclosure.db'}")
        print(f"sample portal: {site.manifest(base)['counts']['pages']} pages; first crawl ...", flush=True)
        wall_first = crawl(env)
        with database.session() as s:
            first_runs = list(s.scalars(select(CrawlRun.id)))
        print("recrawl of the unchanged portal ...", flush=True)
        crawl(env)
        with database.session() as s:
            second_runs = [i for i in s.scalars(select(CrawlRun.id)) if i not in first_runs]
        req1, bytes1, docs1, secs1 = run_figures(database, first_runs)
        req2, bytes2, docs2, _ = run_figures(database, second_runs)
        database.dispose()
    server.stop()

    ours = req1 / secs1
    print(f"\nscrapy bench            : {bare:8.1f} pages/s (links only, nothing stored)")
    print(
        f"disclosure crawl        : {ours:8.1f} pages/s ({req1} requests in {secs1:.1f}s of crawl runs, "
        f"{wall_first:.1f}s with process start; storage, WARC and parsing on)"
    )
    ratio = ours / bare
    print(f"ratio                   : {ratio:8.2f} (target >= 0.5): {'met' if ratio >= 0.5 else 'MISSED'}")
    share = bytes2 / bytes1 if bytes1 else 0.0
    verdict = "met" if share <= 0.05 else "MISSED"
    print(f"recrawl bytes           : {bytes2} of {bytes1} = {share:.2%} (target <= 5%): {verdict}")
    print(f"recrawl requests        : {req2} of {req1} = {req2 / req1:.0%} (conditional: answered 304)")
    print(
        f"recrawl documents       : {docs2} downloaded again, first crawl {docs1} (target 0): "
        f"{'met' if docs2 == 0 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
