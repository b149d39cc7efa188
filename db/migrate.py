"""Run the Alembic migrations of `alembic/` against a database URL (what `disclosure db ...` calls)."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_ENV = "DISCLOSURE_MIGRATIONS_DIR"


class MigrationsNotFound(RuntimeError):
    pass


def migrations_dir() -> Path:
    """The `alembic/` folder of the checkout this package was installed from."""
    named = os.environ.get(MIGRATIONS_ENV)
    path = Path(named) if named else Path(__file__).resolve().parent.parent / "alembic"
    if not (path / "env.py").is_file():
        raise MigrationsNotFound(
            f"no Alembic migrations at {path}; install the project from its checkout (pip install -e .) "
            f"or point {MIGRATIONS_ENV} at the alembic/ folder"
        )
    return path


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    # ConfigParser interpolation would choke on '%' in a URL-encoded password.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
