"""`disclosure check`, `disclosure flags …` and `disclosure ingest`: evaluate, review, add reports by hand."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import select

from crawler.ingest import IngestError, ingest_file
from db.blobstore import FileBlobStore
from db.models import Flag, FlagStatus
from db.session import Database
from disclosure.context import console, fail, local_time, now, open_database, require_bodies, settings
from monitor.checks import CheckSummary, changed_bodies, last_check, run_checks
from monitor.flags import FlagError, change_status
from monitor.rules.base import all_rules

flags_app = typer.Typer(help="List compliance flags, show one, change its status.", invoke_without_command=True)
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def print_check_summary(summary: CheckSummary) -> None:
    changes = summary.changes
    console.print(
        f"Checked {summary.reports} reports of {summary.bodies} bodies: "
        f"[red]{sum(changes.opened.values())} new[/], [yellow]{sum(changes.reopened.values())} reopened[/], "
        f"[green]{sum(changes.resolved.values())} resolved[/], {sum(changes.updated.values())} updated, "
        f"{sum(changes.unchanged.values())} unchanged"
    )
    table = Table(title="Open flags by rule and severity")
    for col in ("rule", "critical", "high", "medium", "low", "new", "resolved"):
        table.add_column(col, justify="left" if col == "rule" else "right")
    rules = sorted(set(summary.open_flags) | set(changes.opened) | set(changes.resolved))
    for rule in rules:
        counts = summary.open_flags.get(rule, {})
        table.add_row(
            rule,
            *(str(counts.get(s, "")) for s in SEVERITY_ORDER),
            str(changes.opened.get(rule, "")),
            str(changes.resolved.get(rule, "")),
        )
    console.print(table)


def check_cmd(
    year: list[int] = typer.Option([], "--year", help="Only these report years (repeatable)"),
    body: list[str] = typer.Option([], "--body", help="Only these bodies (repeatable)"),
    changed: bool = typer.Option(
        False, "--changed", help="Only bodies with new reports or crawls since the last check"
    ),
) -> None:
    """Evaluate the compliance rules and open, update, resolve and reopen flags."""
    config = settings()
    database = open_database(config)
    bodies: set[str] | None = set(body) or None
    since = None
    if changed:
        since = last_check(database)
        if since is not None:
            bodies = (bodies or set()) | changed_bodies(database, since)
            console.print(f"Bodies changed since the last check ({local_time(since, config.tz)}): {len(bodies)}")
    require_bodies(database, body)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("checking", total=None)
        summary = run_checks(
            database,
            years=set(year) or None,
            bodies=bodies,
            now=now(),
            progress=lambda done, total: progress.update(task, completed=done, total=total),
            changed_since=since,
        )
    print_check_summary(summary)


def flag_json(flag: Flag) -> dict[str, Any]:
    return {
        "id": flag.id,
        "rule": flag.rule,
        "severity": str(flag.severity),
        "body": flag.body_id,
        "year": flag.year,
        "subject": flag.subject,
        "status": str(flag.status),
        "rule_version": flag.rule_version,
        "message": flag.message,
        "report_id": flag.report_id,
        "first_raised": flag.first_raised.isoformat(),
        "last_evaluated": flag.last_evaluated.isoformat(),
        "status_changed_at": flag.status_changed_at.isoformat(),
        "evidence": flag.evidence,
    }


def query_flags(
    database: Database, body: str | None, year: int | None, rule: str | None, status: str | None
) -> list[dict[str, Any]]:
    with database.session() as session:
        query = select(Flag)
        if body:
            query = query.where(Flag.body_id == body)
        if year:
            query = query.where(Flag.year == year)
        if rule:
            query = query.where(Flag.rule == rule)
        if status:
            query = query.where(Flag.status == FlagStatus(status))
        flags = [flag_json(f) for f in session.scalars(query)]
    flags.sort(key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["body"], f["year"], f["rule"], f["subject"]))
    return flags


@flags_app.callback()
def flags_cmd(
    ctx: typer.Context,
    body: str | None = typer.Option(None, "--body"),
    year: int | None = typer.Option(None, "--year"),
    rule: str | None = typer.Option(None, "--rule"),
    status: str | None = typer.Option(None, "--status", help="open | acknowledged | resolved | dismissed"),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array"),
) -> None:
    """List flags (without a subcommand)."""
    if ctx.invoked_subcommand is not None:
        return
    status, rule = status and status.lower(), rule and rule.upper()
    if status and status not in {s.value for s in FlagStatus}:
        raise fail(f"--status must be one of {', '.join(s.value for s in FlagStatus)}")
    known = {r.code for r in all_rules()}
    if rule and rule not in known:
        raise fail(f"unknown rule {rule}; rules: {', '.join(sorted(known))}")
    database = open_database(settings())
    require_bodies(database, [body] if body else [])
    flags = query_flags(database, body, year, rule, status)
    if as_json:
        typer.echo(json.dumps(flags, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(flags)} flags")
    # Two facts to a cell, so that the message keeps a readable width in an 80-column terminal.
    for col in ("id", "rule\nsubject", "body\nyear", "severity\nstatus"):
        table.add_column(col, no_wrap=col != "body\nyear", overflow="fold")
    table.add_column("message", overflow="fold", ratio=1)
    for f in flags:
        table.add_row(
            str(f["id"]),
            f"{f['rule']}\n{f['subject']}" if f["subject"] else f["rule"],
            f"{f['body']}\n{f['year']}",
            f"{f['severity']}\n{f['status']}",
            f["message"],
        )
    console.print(table)


@flags_app.command("show")
def show_cmd(flag_id: int = typer.Argument(..., help="Flag id")) -> None:
    """One flag with its evidence and its history."""
    config = settings()
    database = open_database(config)
    with database.session() as session:
        flag = session.get(Flag, flag_id)
        if flag is None:
            raise fail(f"no flag {flag_id}")
        data = flag_json(flag)
        events = [(e.at, e.actor, e.from_status, e.to_status, e.note) for e in flag.events]
    console.rule(f"flag {flag_id}: {data['rule']} · {data['body']} {data['year']} {data['subject']}")
    console.print(
        f"[bold]{data['severity']}[/] · {data['status']} · rule v{data['rule_version']} · "
        f"first raised {local_time(data['first_raised'], config.tz)}"
    )
    console.print(data["message"])
    console.print_json(json.dumps(data["evidence"], ensure_ascii=False))
    console.print("[bold]history[/]")
    for at, actor, before, after, note in events:
        console.print(f"  {local_time(at, config.tz)} {actor}: {before or '—'} → {after}  {note}")


def _transition(action: str, flag_id: int, by: str, note: str) -> None:
    database = open_database(settings())
    try:
        with database.session() as session:
            flag = change_status(session, flag_id, action, by=by, note=note, now=now())
            status = str(flag.status)
    except FlagError as exc:
        raise fail(str(exc)) from None
    console.print(f"flag {flag_id} is now {status}")


@flags_app.command("ack")
def ack_cmd(flag_id: int, by: str = typer.Option(..., "--by"), note: str = typer.Option("", "--note")) -> None:
    """Acknowledge a flag (it is being looked into)."""
    _transition("ack", flag_id, by, note)


@flags_app.command("dismiss")
def dismiss_cmd(flag_id: int, by: str = typer.Option(..., "--by"), note: str = typer.Option("", "--note")) -> None:
    """Dismiss a flag; the reason (--note) is required and kept."""
    _transition("dismiss", flag_id, by, note)


@flags_app.command("reopen")
def reopen_cmd(flag_id: int, by: str = typer.Option(..., "--by"), note: str = typer.Option("", "--note")) -> None:
    """Reopen an acknowledged, resolved or dismissed flag."""
    _transition("reopen", flag_id, by, note)


def ingest_cmd(
    files: list[Path] = typer.Argument(..., help="Report documents (HTML, DOCX, PDF, text, .doc/.wps)"),
    body: str = typer.Option(..., "--body", help="The registered body that published them"),
    year: int | None = typer.Option(None, "--year", help="Report year, when the document does not say"),
    published: str | None = typer.Option(None, "--published", help="Publish date YYYY-MM-DD, as the body states it"),
    url: str | None = typer.Option(None, "--url", help="Where the report was published"),
    force: bool = typer.Option(
        False,
        "--force",
        help="Store even when the document names another body or year, or is unreadable while a readable "
        "report is stored",
    ),
) -> None:
    """Store reports received outside the crawl; the checks treat them like crawled ones."""
    config = settings()
    database = open_database(config)
    try:
        published_date = date.fromisoformat(published) if published else None
    except ValueError:
        raise fail(f"--published must be YYYY-MM-DD, got {published!r}") from None
    blobs = FileBlobStore(config.effective_blob_dir)
    for path in files:
        if not path.is_file():
            raise fail(f"{path} is not a file")
        try:
            done = ingest_file(
                database,
                blobs,
                path,
                body_id=body,
                year=year,
                published=published_date,
                url=url,
                now=now(),
                force=force,
            )
        except IngestError as exc:
            raise fail(str(exc)) from None
        stored = done.stored
        what = (
            "new report"
            if stored.new_report
            else "an earlier version is current again"
            if stored.reverted
            else "new version"
            if stored.new_version
            else "unchanged"
        )
        console.print(f"{path}: {body} {done.year}: {what} ({done.parsed.state}, template {done.parsed.template})")
