"""`disclosure crawl` and `disclosure reports`: harvest registered portals, list what was found."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import typer
from rich.live import Live
from rich.table import Table
from sqlalchemy import select

from crawler.run import CrawlProgress, CrawlResult, run_crawl
from db.models import Body, CrawlRun, DiscoveredLink, Document, Portal, Report
from db.session import Database
from db.settings import Settings
from db.types import utcnow
from disclosure.context import console, err_console, fail, local_time, open_database, require_bodies, settings


def _progress_table(progress: CrawlProgress) -> Table:
    table = Table(title=f"Crawling: {progress.finished}/{len(progress.portals)} portals done")
    for col in ("portal", "pages", "report links", "reports stored", "errors", "blocked", ""):
        table.add_column(col, justify="right" if col not in ("portal", "") else "left")
    for state in progress.portals.values():
        table.add_row(
            state.portal,
            str(state.pages),
            str(state.report_links),
            str(state.reports),
            str(state.errors),
            str(state.blocked),
            _state_label(state.done, state.interrupted),
        )
    return table


def _state_label(done: bool, interrupted: bool) -> str:
    if not done:
        return "[cyan]crawling…[/]"
    return "[red]interrupted[/]" if interrupted else "[green]done[/]"


def parse_overrides(values: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for value in values:
        if "=" not in value:
            raise fail(f"--set takes NAME=VALUE, got {value!r}")
        name, raw = value.split("=", 1)
        out[name.strip()] = raw.strip()
    return out


def crawl_portals(
    config: Settings, database: Database, portal_ids: list[str], overrides: dict[str, Any], trigger: str
) -> CrawlResult:
    """Crawl with a live progress table; returns the runs and whether the crawl was interrupted. Scrapy's
    own log goes to a file under <data_dir>/logs (unless --set LOG_FILE=… says where), not the terminal."""
    log_file = overrides.get("LOG_FILE")
    if log_file is None:
        logs = config.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log_file = str(logs / f"crawl-{utcnow():%Y%m%dT%H%M%SZ}.log")
        overrides = {**overrides, "LOG_FILE": log_file}
    with Live(_progress_table(CrawlProgress()), console=console, refresh_per_second=4, transient=False) as live:
        result = run_crawl(
            config,
            portal_ids,
            overrides=overrides,
            trigger=trigger,
            on_progress=lambda progress: live.update(_progress_table(progress)),
        )
    console.print(f"Scrapy's log of this crawl: {log_file}", soft_wrap=True, highlight=False)
    return result


def print_crawl_summary(database: Database, run_ids: list[int]) -> None:
    table = Table(title="Crawl summary")
    for col in ("portal", "status", "pages", "reports by year", "new", "changed", "unattributed", "errors", "blocked"):
        table.add_column(col)
    with database.session() as session:
        for run in session.scalars(select(CrawlRun).where(CrawlRun.id.in_(run_ids)).order_by(CrawlRun.portal_id)):
            stats = run.stats or {}
            years = sorted(
                (k.removeprefix("reports_by_year/"), v) for k, v in stats.items() if k.startswith("reports_by_year/")
            )
            style = {
                "ok": "green",
                "partial": "yellow",
                "blocked": "red",
                "unreachable": "red",
                "failed": "red",
                "cancelled": "red",
            }
            table.add_row(
                run.portal_id,
                f"[{style.get(str(run.status), 'white')}]{run.status}[/]",
                str(stats.get("pages", 0)),
                " ".join(f"{y}:{n}" for y, n in years) or "—",
                str(stats.get("new_reports", 0)),
                str(stats.get("changed_reports", 0)),
                str(stats.get("unattributed", 0)),
                str(stats.get("errors", 0)),
                str(stats.get("blocked", 0)),
            )
    console.print(table)
    console.print(
        "[dim]blocked: a challenge page answered, so missing reports there mean nothing; "
        "`disclosure reports --json` lists what was stored.[/]"
    )


INTERRUPTED = 130  # the shell's code for a command stopped by SIGINT


def crawl_cmd(
    portal: list[str] = typer.Option([], "--portal", "-p", help="Portal id to crawl (repeatable); default: all"),
    set_: list[str] = typer.Option([], "--set", help="Scrapy setting NAME=VALUE, e.g. DOWNLOAD_DELAY=0"),
) -> None:
    """Crawl registered portals: archive every response, find and parse reports, store new versions."""
    config = settings()
    database = open_database(config)
    with database.session() as session:
        known = list(session.scalars(select(Portal.id).order_by(Portal.id)))
    unknown = [p for p in portal if p not in known]
    if unknown:
        raise fail(f"unknown portal(s) {', '.join(unknown)}; registered: {', '.join(known) or 'none'}")
    targets = portal or known
    if not targets:
        raise fail("no portals are registered: run `disclosure registry import FILE` first")
    result = crawl_portals(config, database, targets, parse_overrides(set_), "manual")
    print_crawl_summary(database, result.run_ids)
    if result.interrupted or result.cancelled:
        with database.session() as session:
            cancelled = [
                f"run {run.id} ({run.portal_id})"
                for run in session.scalars(select(CrawlRun).where(CrawlRun.id.in_(result.cancelled)))
            ]
        err_console.print(
            "[red]The crawl was interrupted[/]; cancelled (not counted as a look at the portal): "
            + (", ".join(cancelled) or "no run had started"),
            soft_wrap=True,
        )
        raise typer.Exit(INTERRUPTED)


def report_rows(database: Database, body: str | None, year: int | None) -> list[dict[str, Any]]:
    with database.session() as session:
        query = select(Report, Document).join(Document, Report.document_id == Document.id, isouter=True)
        if body:
            query = query.where(Report.body_id == body)
        if year:
            query = query.where(Report.year == year)
        rows = []
        for report, document in session.execute(query.order_by(Report.body_id, Report.year)):
            parsed = report.parsed or {}
            rows.append(
                {
                    "body": report.body_id,
                    "year": report.year,
                    "title": report.title,
                    "url": report.url,
                    "publish_date": report.publish_date.isoformat() if report.publish_date else None,
                    "publish_date_source": report.publish_date_source,
                    "first_seen": report.first_seen.isoformat(),
                    "last_seen": report.last_seen.isoformat(),
                    "sha256": document.sha256 if document else None,
                    "media_type": report.media_type,
                    "template": report.template,
                    "problems": parsed.get("problems", []),
                    "versions": len(report.versions),
                    "origin": str(report.origin),
                }
            )
        return rows


def reports_cmd(
    body: str | None = typer.Option(None, "--body", help="Only this body"),
    year: int | None = typer.Option(None, "--year", help="Only this report year"),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array"),
    unattributed: bool = typer.Option(
        False, "--unattributed", help="List report links that matched no body, or could not be fetched or parsed"
    ),
) -> None:
    """List stored reports (or, with --unattributed, report links kept without a report: no body matched,
    no year, or the page could not be fetched or parsed)."""
    database = open_database(settings())
    require_bodies(database, [body] if body else [])
    if unattributed:
        with database.session() as session:
            links = [
                {
                    "portal": d.portal_id,
                    "url": d.url,
                    "title": d.title,
                    "reason": d.reason,
                    "body": d.body_id,
                    "year": d.year,
                    "first_seen": d.first_seen.isoformat(),
                    "last_seen": d.last_seen.isoformat(),
                }
                for d in session.scalars(select(DiscoveredLink).order_by(DiscoveredLink.portal_id, DiscoveredLink.url))
                if (body is None or d.body_id == body) and (year is None or d.year == year)
            ]
        if as_json:
            typer.echo(json.dumps(links, ensure_ascii=False, indent=2))
        else:
            for link in links:
                console.print(f"{link['portal']}  {link['reason']:10}  {link['title']}  [dim]{link['url']}[/]")
        return
    rows = report_rows(database, body, year)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    with database.session() as session:
        names = dict(session.execute(select(Body.id, Body.name)).all())
    zone = settings().tz
    table = Table(title=f"{len(rows)} stored reports")
    for col in ("body", "year", "published", "first seen", "template", "versions", "problems"):
        table.add_column(col)
    for row in rows:
        problems = Counter(p["code"] for p in row["problems"])
        table.add_row(
            names.get(row["body"], row["body"]),
            str(row["year"]),
            f"{row['publish_date'] or '—'} ({row['publish_date_source'] or '—'})",
            local_time(row["first_seen"], zone),
            row["template"] or "—",
            str(row["versions"]),
            ", ".join(f"{c}×{n}" if n > 1 else c for c, n in problems.items()) or "—",
        )
    console.print(table)
