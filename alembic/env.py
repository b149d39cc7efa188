"""Alembic environment: migrates the database named by the caller, or by DISCLOSURE_* settings."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection, Engine, event, text

from db.models import Base
from db.session import make_engine
from db.settings import get_settings

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().effective_database_url


def _configure(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
        render_as_batch=sqlite,
        # Alembic takes SQLite's DDL for non-transactional and would commit after every revision; with
        # BEGIN taken over (below) it is transactional, so the whole run is one transaction.
        transactional_ddl=True if sqlite else None,
        compare_type=True,
    )


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_for_migrations(engine: Engine) -> None:
    """Make SQLite migrations all-or-nothing and safe for data.

    pysqlite runs DDL outside any transaction, so a failed step would leave half a migration behind
    (a stray _alembic_tmp_* table); taking over BEGIN makes the whole run one transaction. Foreign keys
    are switched off while tables are dropped and rebuilt (batch mode), which would otherwise fail on a
    RESTRICT reference or cascade deletes into the tables pointing at them; they are verified before
    the transaction commits instead."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN from the driver
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # only takes effect outside a transaction

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")


def _check_references(connection: Connection) -> None:
    broken = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
    if broken:
        rows = ", ".join(f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in broken[:5])
        raise RuntimeError(f"the migration left {len(broken)} broken reference(s), rolled back: {rows}")


def _drop_leftovers(connection: Connection) -> None:
    """Batch tables an interrupted run of an older version left behind; they would block any rebuild."""
    names = connection.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '\\_alembic\\_tmp\\_%' ESCAPE '\\'")
    ).scalars()
    for name in list(names):
        connection.exec_driver_sql(f'DROP TABLE "{name}"')


def _migrate(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        if connection.dialect.name == "sqlite":
            _drop_leftovers(connection)
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            _check_references(connection)


def run_online() -> None:
    engine = make_engine(_url())
    if engine.dialect.name == "sqlite":
        _sqlite_for_migrations(engine)
    try:
        with engine.connect() as conn:
            _migrate(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
