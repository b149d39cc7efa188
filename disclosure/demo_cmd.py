"""`disclosure demo`: the main job on the embedded default, in its own folder under the data dir.

First version (roadmap step 1): create the database, import the sample registry, and print what is
registered and what each body owes. Later steps add the sample portal, the crawl and the checks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import typer

from db.settings import Settings
from demo import SAMPLE_REGISTRY
from disclosure.context import console, fail, now, open_database, settings
from disclosure.registry_cmd import print_import_report, print_overview, run_import
from monitor.expectations import registry_overview

DEMO_MARKERS = ("disclosure.db", "blobs", "warc")


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


def demo_cmd(
    keep: bool = typer.Option(False, "--keep", help="Keep the previous demo database instead of starting fresh"),
) -> None:
    """Run the main job on the embedded default: database, sample registry, and what each body owes."""
    base = settings()
    folder = (base.data_dir / "demo").resolve()
    if not keep:
        _reset(folder)
    cfg = Settings(data_dir=folder, database_url=None, blob_dir=None, warc_dir=None, timezone=base.timezone)
    console.rule("disclosure-monitor demo")
    console.print(f"Embedded database: {cfg.effective_database_url}")
    database = open_database(cfg, upgrade=True)
    report = run_import(database, SAMPLE_REGISTRY)
    print_import_report(report)
    at = now()
    with database.session() as session:
        views = registry_overview(session, at)
    print_overview(views, at)
    owed = sum(1 for v in views for e in v.expectations if e.due_passed)
    console.print(
        f"\n{len(views)} bodies registered; {owed} reports were due by today. "
        "Crawling and checking them arrive with the harvest and checks steps."
    )
