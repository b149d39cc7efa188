"""`disclosure registry ...`: import the registry file and show what is expected of each body."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from db.session import Database
from disclosure.context import console, err_console, fail, now, open_database, settings
from monitor.expectations import BodyOverview, Expectation, registry_overview
from monitor.registry import ImportReport, RegistryError, import_registry

app = typer.Typer(help="Who must file, where and by when.", no_args_is_help=True)


def print_import_report(report: ImportReport, dry_run: bool = False) -> None:
    title = "Registry import (dry run, nothing written)" if dry_run else "Registry import"
    table = Table(title=title)
    for col in ("", "added", "changed", "removed", "unchanged", "in database, not in file (kept)"):
        table.add_column(col, justify="right" if col else "left")
    for kind in ("jurisdictions", "portals", "bodies", "deadlines"):
        table.add_row(
            kind,
            str(len(report.added.get(kind, []))),
            str(len(report.changed.get(kind, []))),
            str(len(report.removed.get(kind, []))),
            str(report.unchanged.get(kind, 0)),
            str(report.not_in_file.get(kind, "")),
        )
    console.print(table)
    for kind, idents in report.added.items():
        if idents:
            console.print(f"  [green]added[/] {kind}: {', '.join(idents)}")
    for kind, changes in report.changed.items():
        for ident, fields in changes:
            console.print(f"  [yellow]changed[/] {kind} {ident}: {', '.join(fields)}")
    for kind, idents in report.removed.items():
        console.print(f"  [red]removed[/] {kind} (withdrawn): {', '.join(idents)}")
    for kind, idents in report.nothing_to_remove.items():
        console.print(f"  nothing to remove for withdrawn {kind}: {', '.join(idents)}")
    if not report.has_changes:
        console.print("No changes: the database already matches the file.")


def run_import(database: Database, path: Path, dry_run: bool = False) -> ImportReport:
    if not path.is_file():
        raise fail(f"{path} is not a file")
    try:
        with database.session() as session:
            report = import_registry(path, session, dry_run=dry_run)
    except RegistryError as exc:
        err_console.print(f"[bold red]error:[/] {exc.source} is invalid; nothing was written:")
        for problem in exc.problems:
            err_console.print(f"  - {problem}")
        raise typer.Exit(1) from None
    return report


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="Registry YAML (format in docs/registry.md)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and show the changes without writing"),
) -> None:
    """Validate FILE, then add and update its jurisdictions, portals, bodies and deadline notices."""
    database = open_database(settings())
    print_import_report(run_import(database, file, dry_run), dry_run)


def _years(view: BodyOverview) -> str:
    if not view.expectations:
        return "none yet"
    due = [e for e in view.expectations if e.due_passed]
    text = f"{view.expectations[0].year}–{view.expectations[-1].year}"
    return f"{text}, {len(due)} due by now" if len(due) != len(view.expectations) else f"{text}, all due"


def _deadline_key(e: Expectation) -> tuple[object, ...] | None:
    """What consecutive years must share to be shown as one line; None when a year stands alone."""
    due = e.deadline.due
    if due.year != e.year + 1:
        return None
    return (due.month, due.day, e.deadline.origin, e.deadline.source, e.due_passed)


def deadline_lines(expectations: list[Expectation]) -> list[str]:
    """Each expected year with its due date. Consecutive years due on the same day of the following
    year, for the same reason, share a line (without the years when it covers them all, as the years
    column shows them); dates not from the kind's default are marked."""
    runs: list[list[Expectation]] = []
    for e in expectations:
        key = _deadline_key(e)
        if runs and key is not None and e.year == runs[-1][-1].year + 1 and key == _deadline_key(runs[-1][0]):
            runs[-1].append(e)
        else:
            runs.append([e])
    lines = []
    for run in runs:
        first, last = run[0], run[-1]
        mark = "" if first.deadline.origin == "default" else f" [magenta]({first.deadline.origin})[/]"
        pending = "" if first.due_passed else " [cyan]upcoming[/]"
        if first is last:
            when = f"{first.year} → {first.deadline.due.isoformat()}"
        else:
            when = f"{first.deadline.due:%m-%d} next year"
            if len(runs) > 1:
                when = f"{first.year}–{last.year} → {when}"
        lines.append(f"{when}{mark}{pending}")
    return lines


def print_overview(views: list[BodyOverview], at: datetime) -> None:
    today = at.astimezone(settings().tz).date()
    table = Table(title=f"Registered bodies and what they owe as of {today.isoformat()}")
    # Body ids and codes are read whole; the other columns wrap first.
    widths = {"body": 15}
    for col in ("body", "kind", "jurisdiction", "portal", "reports owed"):
        table.add_column(col, overflow="fold", min_width=widths.get(col))
    for v in views:
        table.add_row(
            f"{v.name}\n[dim]{v.body_id}[/]",
            v.kind,
            f"{v.jurisdiction}\n[dim]{v.jurisdiction_code}[/]",
            v.portal or "—",
            "\n".join([_years(v), *deadline_lines(v.expectations)]),
        )
    console.print(table)
    sources = {e.deadline.source for v in views for e in v.expectations}
    if sources:
        console.print("[bold]Deadline sources[/]")
        for source in sorted(sources):
            console.print(f"  • {source}")


@app.command("show")
def show_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array instead of a table"),
) -> None:
    """List registered bodies with the report years they owe and each year's deadline."""
    database = open_database(settings())
    at = now()
    with database.session() as session:
        views = registry_overview(session, at)
    if as_json:
        typer.echo(json.dumps([v.as_dict() for v in views], ensure_ascii=False, indent=2))
    elif not views:
        typer.echo("No body is registered yet: import a registry with `disclosure registry import FILE`.")
    else:
        print_overview(views, at)
