"""Migrations: upgrade, downgrade to base, upgrade again, and the models match the migrated schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from db import migrate
from db.models import Base
from db.session import make_engine


def _schema_diff(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_round_trip_and_no_autogenerate_difference(any_url: str) -> None:
    migrate.upgrade(any_url)
    assert _tables(any_url) == set(Base.metadata.tables)
    migrate.downgrade(any_url, "base")
    assert _tables(any_url) == set()
    migrate.upgrade(any_url)
    assert _tables(any_url) == set(Base.metadata.tables)
    assert _schema_diff(any_url) == []
    engine = make_engine(any_url)
    try:
        assert migrate.is_up_to_date(engine)
    finally:
        engine.dispose()


def test_a_single_head() -> None:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1
