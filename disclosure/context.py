"""What every command needs: settings, an opened (and migrated) database, a console."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from sqlalchemy import select

from db import migrate
from db.models import Body
from db.session import Database, sqlite_file
from db.settings import Settings, get_settings, mask_url
from db.types import utcnow

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a clear error (never a traceback) and return the Exit to raise."""
    # soft_wrap: one line however narrow the terminal, so a path or URL is never broken in two
    err_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code)


def driver_message(exc: BaseException) -> str:
    """The driver's own message on one line (SQLAlchemy wraps it with the SQL and a "Background" note)."""
    return " ".join(str(getattr(exc, "orig", None) or exc).split())


def settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:  # not str(exc): pydantic's text repeats the input, which may hold a password
        problems = "; ".join(
            f"{err['loc'][0]} (DISCLOSURE_{str(err['loc'][0]).upper()}): {err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        raise fail(f"invalid configuration: {problems}") from None
    except Exception as exc:  # the config file: missing, not TOML, unknown keys
        raise fail(f"invalid configuration: {exc}") from None


def open_database(cfg: Settings, *, upgrade: bool = False) -> Database:
    """The configured database; migrated first when `upgrade`, else refused if missing or not at the head revision."""
    url = mask_url(cfg.effective_database_url)
    file = sqlite_file(cfg.effective_database_url)
    if not upgrade and file is not None and not file.exists():  # connecting would create an empty one
        raise fail(f"no database at {file}: run `disclosure db upgrade` first")
    try:
        database = Database.from_settings(cfg)
        if upgrade:
            migrate.upgrade(database.url)
        elif not migrate.is_up_to_date(database.engine):
            current = migrate.current_revision(database.engine)
            state = "is empty" if current is None else f"is at revision {current}, not {migrate.head_revision()}"
            raise fail(f"the database {url} {state}: run `disclosure db upgrade` first")
    except migrate.MigrationsNotFound as exc:
        raise fail(str(exc)) from None
    except typer.Exit:
        raise
    except Exception as exc:
        raise fail(f"cannot open the database {url}: {driver_message(exc)}") from None
    return database


def require_bodies(database: Database, ids: Iterable[str]) -> None:
    """Refuse body ids that are not registered: a typo must not read as "no flags" or "no reports"."""
    wanted = set(ids)
    if not wanted:
        return
    with database.session() as session:
        known = set(session.scalars(select(Body.id).where(Body.id.in_(wanted))))
    if unknown := sorted(wanted - known):
        raise fail(f"unknown body {', '.join(unknown)} (ids as `disclosure registry show` lists them)")


def local_time(moment: datetime | str, zone: ZoneInfo) -> str:
    """A stored instant (aware datetime or ISO text) as people read it: minutes, in the configured zone."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"


def now() -> datetime:
    return utcnow()
