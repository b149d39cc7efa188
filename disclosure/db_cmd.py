"""`disclosure db ...`: schema migrations."""

from __future__ import annotations

import typer

from db import migrate
from db.session import Database
from db.settings import mask_url
from disclosure.context import console, fail, settings

app = typer.Typer(help="Database schema migrations (Alembic).", no_args_is_help=True)


def _database() -> Database:
    return Database.from_settings(settings())


@app.command("upgrade")
def upgrade_cmd(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Create or migrate the database to REVISION (default: the newest)."""
    database = _database()
    try:
        migrate.upgrade(database.url, revision)
    except migrate.MigrationsNotFound as exc:
        raise fail(str(exc)) from None
    except Exception as exc:
        raise fail(f"migration of {mask_url(database.url)} failed: {exc}") from None
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
        raise fail(f"downgrade of {mask_url(database.url)} failed: {exc}") from None
    console.print(f"{mask_url(database.url)} is at revision {migrate.current_revision(database.engine) or 'base'}")


@app.command("current")
def current_cmd() -> None:
    """Show the database's revision and the newest one available."""
    database = _database()
    try:
        current = migrate.current_revision(database.engine)
    except Exception as exc:
        raise fail(f"cannot read {mask_url(database.url)}: {exc}") from None
    head = migrate.head_revision()
    state = "up to date" if current == head else "needs `disclosure db upgrade`"
    console.print(f"{mask_url(database.url)}: revision {current or 'none'} (newest {head}): {state}")
