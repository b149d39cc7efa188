"""`disclosure demo`: the main job on the embedded default, in its own folder under the data dir.

Serves the sample portal on a free local port, registers it with the seed bodies, ingests the five real
seed reports, crawls, checks; then the portal corrects a report, and a second crawl and check show the
flag lifecycle. Ends with a summary a reviewer can read: where each body stands, the flags by rule with
the worst examples, and where the evidence lies.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import func, select

from db.models import Body, Fetch, Flag
from db.session import Database
from demo import SAMPLE_REGISTRY
from demo.run import MANIFEST_FILE, REGISTRY_FILE, Demo, DemoError
from disclosure.check_cmd import print_check_summary
from disclosure.context import console, fail, now, open_database, settings
from disclosure.registry_cmd import run_import
from monitor.checks import CheckSummary, run_checks
from monitor.status import Standing, body_standings, worst_flags

DEMO_MARKERS = ("disclosure.db", "blobs", "warc", REGISTRY_FILE, MANIFEST_FILE)
STANDING_STYLE = {
    Standing.NON_COMPLIANT: "red",
    Standing.NOT_VERIFIED: "yellow",
    Standing.MINOR: "cyan",
    Standing.CLEAN: "green",
    Standing.NOT_LOOKED: "dim",
}


def _reset(folder: Path) -> None:
    """Empty the demo folder, refusing to touch a folder that holds anything the demo did not make."""
    if not folder.exists():
        return
    foreign = [p.name for p in folder.iterdir() if not p.name.startswith(DEMO_MARKERS)]
    if foreign:
        raise fail(
            f"{folder} holds files the demo did not create ({', '.join(foreign[:5])}); remove them or use --keep"
        )
    shutil.rmtree(folder)


def _check(database: Database, label: str) -> CheckSummary:
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(label, total=None)
        summary = run_checks(
            database, now=now(), progress=lambda done, total: progress.update(task, completed=done, total=total)
        )
    print_check_summary(summary)
    return summary


def _step(text: str) -> None:
    console.print(f"\n[bold]▸ {text}[/]")


def demo_cmd(
    keep: bool = typer.Option(False, "--keep", help="Keep the previous demo database instead of starting fresh"),
) -> None:
    """Run the main job on the embedded default: sample portal, crawl, checks, and a summary."""
    base = settings()
    folder = (base.data_dir / "demo").resolve()
    if not keep:
        _reset(folder)
    folder.mkdir(parents=True, exist_ok=True)
    console.rule("disclosure-monitor demo")
    config = Demo.settings(folder, base.timezone)
    demo = Demo(folder, config, open_database(config, upgrade=True))
    console.print(f"Embedded database: {demo.config.effective_database_url}")
    try:
        _run(demo)
    except DemoError as exc:
        raise fail(str(exc)) from None
    finally:
        demo.stop()
    _summary(demo)


def _run(demo: Demo) -> None:
    _step("Starting the sample portal")
    with console.status("rendering the sample portals…"):
        url = demo.start_portal()
    m = demo.manifest
    console.print(
        f"{len(m['portals'])} portals with {len(m['reports'])} reports of {len(m['bodies'])} bodies "
        f"({m['years'][0]}–{m['years'][-1]}) at {url}; planted defects are listed in {demo.folder / MANIFEST_FILE}"
    )

    _step("Registering the seed bodies and the sample portal's bodies")
    for path in (SAMPLE_REGISTRY, demo.registry_file):
        report = run_import(demo.database, path)
        added = ", ".join(f"{len(v)} {k}" for k, v in report.added.items() if v) or "nothing new"
        console.print(f"{path.relative_to(path.parent.parent)}: added {added}")

    _step("Ingesting the five real seed reports (received outside the crawl)")
    for name, body, year in demo.ingest_seeds(now()):
        console.print(f"{name}: {body} {year}")

    _step("Crawling the sample portals (every response archived as WARC evidence)")
    demo.crawl("first", show_progress=True)
    _step("Checking every body against every rule")
    _check(demo.database, "checking")

    _step("The portal corrects a report in place; crawl and check again")
    for edited in demo.edit():
        console.print(f"{edited['key']} changed: {', '.join(edited['cells'])}")
    demo.crawl("after edit", show_progress=True)
    _check(demo.database, "checking again")


def _summary(demo: Demo) -> None:
    console.rule("Summary")
    with demo.database.session() as session:
        standings = body_standings(session)
        names = dict(session.execute(select(Body.id, Body.name)).all())
        table = Table(title="Bodies by compliance standing")
        for col in ("standing", "bodies", "for example"):
            table.add_column(col)
        counted = Counter(s.standing for s in standings)
        for standing in Standing:
            examples = [s for s in standings if s.standing is standing]
            if not examples:
                continue
            shown = ", ".join(f"{s.name} ({s.body_id})" for s in examples[:3])
            style = STANDING_STYLE[standing]
            table.add_row(f"[{style}]{standing}[/]", str(counted[standing]), shown)
        console.print(table)

        counts = dict(
            session.execute(select(Flag.rule, func.count()).where(Flag.status == "open").group_by(Flag.rule)).all()
        )
        table = Table(title="Open flags by rule, worst first", show_lines=True)
        for col in ("rule", "open", "worst examples (flag id: body, year, subject — message)"):
            table.add_column(col, overflow="fold")
        for rule, flags in worst_flags(session, per_rule=2).items():
            lines = [
                escape(
                    f"#{f.id} ({f.severity}) {names.get(f.body_id, f.body_id)} {f.year}"
                    f"{' ' + f.subject if f.subject else ''} — {f.message}"
                )
                for f in flags
            ]
            table.add_row(rule, str(counts.get(rule, 0)), "\n".join(lines))
        console.print(table)
        fetches = session.scalar(select(func.count()).select_from(Fetch)) or 0

    warc = demo.config.effective_warc_dir
    files = sorted(warc.rglob("*.warc.gz")) if warc.exists() else []
    console.print(
        f"\nEvidence: {fetches} fetches logged; {len(files)} WARC files under {warc}; "
        f"documents under {demo.config.effective_blob_dir}."
    )
    env = f"DISCLOSURE_DATA_DIR={demo.folder}"
    console.print(
        f"Look closer: `{env} disclosure flags`, `{env} disclosure flags show ID`, "
        f"`{env} disclosure reports`. Run `disclosure demo --keep` to keep this database next time."
    )
