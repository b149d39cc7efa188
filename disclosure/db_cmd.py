"""`disclosure db ...`: schema migrations."""

from __future__ import annotations

import typer

from db import migrate
from db.session import Database, sqlite_file
from db.settings import mask_url
from disclosure.context import console, driver_message, fail, settings

app = typer.Typer(help="Database schema migrations (Alembic).", no_args_is_help=True)


def _database(*, create: bool = False) -> Database:
    """The configured database; a missing SQLite file is an error unless `create` (upgrade makes it)."""
    cfg = settings()
    file = sqlite_file(cfg.effective_database_url)
    if not create and file is not None and not file.exists():
        raise fail(f"no database at {file}: run `disclosure db upgrade` first")
    return Database.from_settings(cfg)


@app.command("upgrade")
def upgrade_cmd(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Create or migrate the database to REVISION (default: the newest)."""
    database = _database(create=True)
    try:
        migrate.upgrade(database.url, revision)
    except migrate.MigrationsNotFound as exc:
        raise fail(str(exc)) from None
    except Exception as exc:
        raise fail(f"migration of {mask_url(database.url)} failed: {driver_message(exc)}") from None
    console.print(f"{mask_url(database.url)} is at revision {migrate.current_revision(database.engine)}")


@app.command("downgrade")
def downgrade_cmd(
    revision: str = typer.Argument(..., help="Target revision, or 'base' to drop everything"),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation"),
) -> None:
    """Migrate the database back to REVISION (asks first: a downgrade drops tables and their data)."""
    database = _database()
    if not yes:
        what = "every table and all data" if revision == "base" else "the tables and columns newer than " + revision
        typer.confirm(f"Downgrading {mask_url(database.url)} drops {what}. Continue?", abort=True)
    try:
        migrate.downgrade(database.url, revision)
    except Exception as exc:
        raise fail(f"downgrade of {mask_url(database.url)} failed: {driver_message(exc)}") from None
    console.print(f"{mask_url(database.url)} is at revision {migrate.current_revision(database.engine) or 'base'}")


@app.command("current")
def current_cmd() -> None:
    """Show the database's revision and the newest one available."""
    database = _database()
    try:
        current = migrate.current_revision(database.engine)
    except Exception as exc:
        raise fail(f"cannot read {mask_url(database.url)}: {driver_message(exc)}") from None
    head = migrate.head_revision()
    state = "up to date" if current == head else "needs `disclosure db upgrade`"
    console.print(f"{mask_url(database.url)}: revision {current or 'none'} (newest {head}): {state}")
