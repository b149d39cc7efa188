"""What every command needs: settings, an opened (and migrated) database, a console."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.console import Console

from db import migrate
from db.session import Database
from db.settings import Settings, get_settings, mask_url
from db.types import utcnow

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a clear error (never a traceback) and return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def settings() -> Settings:
    try:
        return get_settings()
    except Exception as exc:  # pydantic's message names the bad variable
        raise fail(f"invalid configuration: {exc}") from None


def open_database(cfg: Settings, *, upgrade: bool = False) -> Database:
    """The configured database; migrated first when `upgrade`, else refused if not at the head revision."""
    database = Database.from_settings(cfg)
    try:
        if upgrade:
            migrate.upgrade(database.url)
        elif not migrate.is_up_to_date(database.engine):
            current = migrate.current_revision(database.engine)
            state = "is empty" if current is None else f"is at revision {current}, not {migrate.head_revision()}"
            raise fail(f"the database {mask_url(database.url)} {state}: run `disclosure db upgrade` first")
    except migrate.MigrationsNotFound as exc:
        raise fail(str(exc)) from None
    except typer.Exit:
        raise
    except Exception as exc:
        raise fail(f"cannot open the database {mask_url(database.url)}: {exc}") from None
    return database


def now() -> datetime:
    return utcnow()
