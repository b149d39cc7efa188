"""Check benchmark: full and incremental evaluation of the rules, and the COPIED_TEXT pass at two sizes.

For each database (SQLite, PostgreSQL) a synthetic registry of N bodies owing Y yearly reports is
written straight into a fresh database (bench/synthetic.py), then:

1. full evaluation: `run_checks` over every body and year; reports per second and flags per rule;
2. incremental: one body publishes a new version of a report (stored as the crawler stores it), and only
   what changed since the last check is evaluated, as `disclosure check --changed` does; its scope must be
   that one body, and its time is compared with the full run's;
3. COPIED_TEXT: the corpus pass over one report year at N/10 and at N reports (a second registry of N/10
   bodies, one year), each run cold (no stored signatures) and warm (signatures stored by the cold run);
   target: the N pass costs at most 15× the N/10 pass.

    .venv/bin/python -m bench.check [--bodies 100000] [--years 5] [--database sqlite|postgres|both] [--quick]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, func, select, text
from sqlalchemy.engine import make_url

from bench.synthetic import NOW, Generated, Plan, generate
from crawler.store import FoundReport, store_report
from db import migrate
from db.models import Document, Report, ReportOrigin, TextSignature
from db.session import Database
from monitor.checks import changed_bodies, last_check, run_checks
from monitor.context import CheckSettings
from monitor.rules.base import CorpusRule, all_rules

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
QUICK_BODIES = 2000
TARGET_RATIO = 15.0


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _bar(step: str) -> Any:
    def show(done: int, total: int, *_: Any) -> None:
        end = "\n" if done >= total else ""
        print(f"\r  {step}: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


# --- results ---------------------------------------------------------------------------------------------


@dataclass
class FullRun:
    bodies: int
    reports: int
    seconds: float
    per_body_seconds: float  # the batches of per-body rules; the rest is the corpus rules and the summary
    opened: Counter[str]


@dataclass
class IncrementalRun:
    body: str
    changed: set[str]
    bodies: int
    reports: int
    seconds: float
    per_body_seconds: float  # from the start, through the batch of per-body rules (changed bodies included)
    opened: Counter[str]
    resolved: Counter[str]


@dataclass
class CorpusPass:
    reports: int
    cold: float
    warm: float
    findings: int


@dataclass
class Result:
    database: str
    generated: Generated
    full: FullRun
    incremental: IncrementalRun
    small: CorpusPass  # COPIED_TEXT over a registry of N/10 bodies
    large: CorpusPass  # and over one year of the N bodies
    rules: list[str]


# --- databases -------------------------------------------------------------------------------------------


@contextmanager
def sqlite_database(folder: Path, name: str) -> Iterator[str]:
    path = folder / f"{name}.db"
    for stale in folder.glob(f"{name}.db*"):
        stale.unlink()
    yield f"sqlite:///{path}"


@contextmanager
def pg_database(admin_url: str, name: str, keep: bool) -> Iterator[str]:
    """A fresh database `name` on the server of `admin_url`, dropped afterwards unless `keep`."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def corpus_rule(code: str) -> CorpusRule:
    return next(r for r in all_rules() if r.code == code and isinstance(r, CorpusRule))


# --- the measurements ------------------------------------------------------------------------------------


def prepare(url: str, plan: Plan) -> Generated:
    migrate.upgrade(url)
    return generate(url, plan, progress=lambda step, done, total: _bar(f"generating {step}")(done, total))


class Stopwatch:
    """Progress for `run_checks` that also notes when the last batch of per-body rules is done."""

    def __init__(self, step: str | None) -> None:
        self.show = _bar(step) if step else None
        self.started = time.perf_counter()
        self.batches_done: float | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.show is not None:
            self.show(done, total)
        if done >= total:
            self.batches_done = time.perf_counter()

    def split(self) -> tuple[float, float]:
        """(seconds in all, seconds of the per-body batches)."""
        seconds = time.perf_counter() - self.started
        return seconds, (self.batches_done or time.perf_counter()) - self.started


def full_run(database: Database, now: datetime) -> FullRun:
    watch = Stopwatch("full evaluation, bodies")
    summary = run_checks(database, now=now, progress=watch)
    seconds, per_body = watch.split()
    return FullRun(summary.bodies, summary.reports, seconds, per_body, Counter(summary.changes.opened))


def new_version(database: Database, body_id: str, seen: datetime) -> int:
    """Store, as the crawler would, a new version of the body's latest report: table 四 now left blank."""
    with database.session() as session:
        report = session.scalars(
            select(Report).where(Report.body_id == body_id).order_by(Report.year.desc()).limit(1)
        ).one()
        parsed = copy.deepcopy(report.parsed or {})
        cells = parsed["tables"]["reviews_litigation"]["cells"]
        for row in cells.values():
            for cell in row.values():
                cell.update(value=None, state="blank", raw="")
        data = json.dumps(parsed, ensure_ascii=False).encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        session.add(
            Document(
                sha256=sha,
                media_type="text/html",
                size=len(data),
                first_seen=seen,
                last_seen=seen,
                first_url=report.url,
            )
        )
        session.flush()
        found = FoundReport(
            body_id=body_id,
            year=report.year,
            origin=ReportOrigin.CRAWL,
            url=report.url,
            title=report.title,
            document_sha=sha,
            parsed=parsed,
            seen_at=seen,
            date_candidates=list(report.publish_date_candidates or []),
        )
        return store_report(session, found).report_id


def incremental_run(database: Database, body_id: str, now: datetime) -> IncrementalRun:
    """What `disclosure check --changed` does after one body published a new version."""
    seen = now + timedelta(days=1)
    new_version(database, body_id, seen)
    watch = Stopwatch(None)
    since = last_check(database)
    if since is None:
        raise RuntimeError("no finished check to be incremental after")
    changed = changed_bodies(database, since)
    summary = run_checks(database, bodies=changed, now=seen, progress=watch)
    seconds, per_body = watch.split()
    changes = summary.changes
    return IncrementalRun(
        body_id,
        changed,
        summary.bodies,
        summary.reports,
        seconds,
        per_body,
        Counter(changes.opened),
        Counter(changes.resolved),
    )


def corpus_pass(database: Database, year: int, now: datetime) -> CorpusPass:
    """COPIED_TEXT over one year's reports: cold (signatures of the year deleted first), then warm."""
    rule = corpus_rule("COPIED_TEXT")
    with database.session() as session:
        session.execute(delete(TextSignature).where(TextSignature.year == year))
        reports = session.scalar(select(func.count()).select_from(Report).where(Report.year == year)) or 0
    times = []
    findings = 0
    for _ in ("cold", "warm"):
        started = time.perf_counter()
        with database.session() as session:
            result = rule.evaluate_corpus(session, settings=CheckSettings(), years={year}, report_ids=None, now=now)
        times.append(time.perf_counter() - started)
        findings = len(result.findings)
    return CorpusPass(reports, times[0], times[1], findings)


def run_one(kind: str, url: str, small_url: str, plan: Plan) -> Result:
    """Generate, evaluate fully, incrementally, and time the COPIED_TEXT pass, on one database."""
    say(f"[{kind}] generating {plan.bodies} bodies x {plan.years} years ...")
    generated = prepare(url, plan)
    if generated.sample_body is None:
        raise RuntimeError("no body with a readable report to change")
    database = Database(url)
    try:
        say(f"[{kind}] full evaluation ...")
        full = full_run(database, plan.now)
        say(f"[{kind}] incremental evaluation after one new report version ...")
        incremental = incremental_run(database, generated.sample_body, plan.now)
        say(f"[{kind}] COPIED_TEXT pass over {plan.report_years[-1]} ...")
        large = corpus_pass(database, plan.report_years[-1], plan.now)
    finally:
        database.dispose()
    small_plan = replace(plan, bodies=max(1, plan.bodies // 10), years=1)
    say(f"[{kind}] COPIED_TEXT pass over a registry of {small_plan.bodies} bodies ...")
    prepare(small_url, small_plan)
    small_db = Database(small_url)
    try:
        small = corpus_pass(small_db, small_plan.report_years[-1], plan.now)
    finally:
        small_db.dispose()
    return Result(kind, generated, full, incremental, small, large, sorted(r.code for r in all_rules()))


# --- printing --------------------------------------------------------------------------------------------


def print_result(result: Result) -> None:
    g, full, inc = result.generated, result.full, result.incremental
    print(f"\n== {result.database}: {full.bodies} bodies, {full.reports} reports ==")
    print(
        f"generation        : {g.total_rows} rows in {g.seconds:.1f}s = {g.total_rows / g.seconds:,.0f} rows/s "
        f"({g.rows['reports'] / g.seconds:,.0f} reports/s); " + ", ".join(f"{k} {v}" for k, v in sorted(g.rows.items()))
    )
    print("planted defects   : " + ", ".join(f"{k} {v}" for k, v in sorted(g.planted.items())))
    print(f"rules             : {', '.join(result.rules)}")
    rate, rest = full.reports / full.seconds, full.seconds - full.per_body_seconds
    print(
        f"full evaluation   : {full.reports} reports in {full.seconds:.1f}s = {rate:,.0f} reports/s "
        f"(per-body rules {full.per_body_seconds:.1f}s, corpus rules and summary {rest:.1f}s)"
    )
    print("flags opened      : " + ", ".join(f"{k} {v}" for k, v in sorted(full.opened.items())))
    ratio = inc.seconds / full.seconds if full.seconds else 0.0
    inc_rest = inc.seconds - inc.per_body_seconds
    print(
        f"incremental       : 1 new version of {inc.body}; changed bodies {sorted(inc.changed)}; evaluated "
        f"{inc.bodies} body / {inc.reports} reports in {inc.seconds:.2f}s = {ratio:.2%} of the full run "
        f"(per-body rules {inc.per_body_seconds:.2f}s, corpus rules and summary {inc_rest:.2f}s;"
        f" opened {dict(inc.opened)}, resolved {dict(inc.resolved)})"
    )
    small, large = result.small, result.large
    cold, warm = large.cold / small.cold, large.warm / small.warm
    verdict = "met" if cold <= TARGET_RATIO else "MISSED"
    scale = large.reports / small.reports
    print(
        f"COPIED_TEXT cold  : {small.reports} reports {small.cold:.2f}s, {large.reports} reports {large.cold:.2f}s "
        f"-> {cold:.1f}x for {scale:.1f}x the reports (target <= {TARGET_RATIO:.0f}x): {verdict}"
    )
    print(
        f"COPIED_TEXT warm  : {small.reports} reports {small.warm:.2f}s, {large.reports} reports {large.warm:.2f}s "
        f"-> {warm:.1f}x (signatures stored; findings {small.findings} / {large.findings})"
    )


def print_table(results: list[Result]) -> None:
    print(f"\n{'database':10}{'reports':>9}{'gen rows/s':>12}{'full s':>9}{'reports/s':>11}{'incr s':>9}", end="")
    print(f"{'incr/full':>11}{'copied N/10':>13}{'copied N':>10}{'ratio':>7}")
    for r in results:
        full, inc = r.full, r.incremental
        row = (
            f"{r.database:10}{full.reports:>9}{r.generated.total_rows / r.generated.seconds:>12,.0f}"
            f"{full.seconds:>9.1f}{full.reports / full.seconds:>11,.0f}{inc.seconds:>9.2f}"
            f"{inc.seconds / full.seconds:>11.2%}"
        )
        row += f"{r.small.cold:>13.2f}{r.large.cold:>10.2f}{r.large.cold / r.small.cold:>7.1f}"
        print(row)


# --- command line ----------------------------------------------------------------------------------------


def run(kinds: list[str], plan: Plan, folder: Path, pg_url: str, keep: bool) -> list[Result]:
    results = []
    for kind in kinds:
        if kind == "sqlite":
            with sqlite_database(folder, "bench_check") as url, sqlite_database(folder, "bench_check_small") as small:
                results.append(run_one(kind, url, small, plan))
            if not keep:  # the large file is tens of GB: gone before the next database is filled
                for path in folder.glob("bench_check*.db*"):
                    path.unlink()
        else:
            with pg_database(pg_url, "bench_check", keep) as url, pg_database(pg_url, "bench_check_small", keep) as sm:
                results.append(run_one(kind, url, sm, plan))
        print_result(results[-1])
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=5, help="report years each body owes")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--pg-url", default=PG_URL, help="a PostgreSQL server to create bench_check databases on")
    parser.add_argument("--quick", action="store_true", help=f"a smoke size: {QUICK_BODIES} bodies")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite files and PostgreSQL databases")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    plan = Plan(bodies=QUICK_BODIES if args.quick else args.bodies, years=args.years, seed=args.seed, now=NOW)
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    folder = Path(tempfile.mkdtemp(prefix="bench_check_"))
    try:
        results = run(kinds, plan, folder, args.pg_url, args.keep)
    finally:
        if args.keep:
            say(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
