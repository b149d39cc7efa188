"""Migrations: upgrade, downgrade to base, upgrade again, and the models match the migrated schema."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, inspect, select

from crawler.ingest import ingest_file
from db import migrate
from db.blobstore import FileBlobStore
from db.models import Base, Body, Flag, FlagEvent, Report, ReportVersion
from db.session import Database, make_engine
from db.types import utcnow
from demo import SAMPLE_REGISTRY, SEED_REPORTS
from monitor.checks import run_checks
from monitor.registry import import_registry

D = TypeVar("D", Engine, Database)


@contextmanager
def disposing(thing: D) -> Iterator[D]:
    """An engine or Database, disposed of at the end of the block."""
    try:
        yield thing
    finally:
        thing.dispose()


def _schema_diff(url: str) -> list:
    with disposing(make_engine(url)) as engine, engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def _tables(url: str) -> set[str]:
    with disposing(make_engine(url)) as engine:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_round_trip_and_no_autogenerate_difference(any_url: str) -> None:
    migrate.upgrade(any_url)
    assert _tables(any_url) == set(Base.metadata.tables)
    migrate.downgrade(any_url, "base")
    assert _tables(any_url) == set()
    migrate.upgrade(any_url)
    assert _tables(any_url) == set(Base.metadata.tables)
    assert _schema_diff(any_url) == []
    with disposing(make_engine(any_url)) as engine:
        assert migrate.is_up_to_date(engine)


def _revisions() -> list[str]:
    """Every revision from the first to the head."""
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _fill(url: str, blob_dir: Path) -> dict[str, int]:
    """Register the seed bodies, ingest their reports and check them: rows in every main table."""
    with disposing(Database(url)) as db:
        with db.session() as s:
            import_registry(SAMPLE_REGISTRY, s)
        bodies = {"antai": "antai-2020", "nankou": "nankou-2020", "yima": "yima-2020"}
        for body, name in bodies.items():
            path = SEED_REPORTS / f"{name}.txt"
            ingest_file(
                db, FileBlobStore(blob_dir), path, body_id=body, year=None, published=None, url=None, now=utcnow()
            )
        run_checks(db)
        return _counts(db)


def _counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {
            m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0
            for m in (Body, Report, ReportVersion, Flag, FlagEvent)
        }


def test_downgrades_work_on_a_database_that_holds_data(any_url: str, tmp_path: Path) -> None:
    """Foreign keys (a jurisdiction's parent, a report's current version) must not stop a downgrade,
    and a downgrade that rebuilds a table must not cascade deletes into the tables that point at it."""
    migrate.upgrade(any_url)
    filled = _fill(any_url, tmp_path / "blobs")
    assert all(filled.values()), filled
    revisions = _revisions()
    migrate.downgrade(any_url, revisions[0])  # every later revision's downgrade, over data
    migrate.upgrade(any_url)
    with disposing(Database(any_url)) as db:
        assert _counts(db) == filled
    migrate.downgrade(any_url, "base")
    assert _tables(any_url) == set()
    migrate.upgrade(any_url)
    assert _tables(any_url) == set(Base.metadata.tables)


def test_a_single_head() -> None:
    heads = ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1


NEW_REVISION = '''"""{doc}"""
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"


def upgrade() -> None:
{body}


def downgrade() -> None:
    pass
'''
ADDS_A_COLUMN = """\
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("half_done", sa.Integer(), nullable=True))
    op.execute("UPDATE reports SET half_done = 1")"""
FAILURES = {
    "raises": ('    raise RuntimeError("this migration fails on purpose")', "fails on purpose"),
    # SQLite runs migrations with foreign keys off; the check before commit must catch the orphans.
    "orphans rows": ('    op.execute("DELETE FROM bodies")', "broken reference|FOREIGN KEY|foreign key"),
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_a_failed_run_leaves_the_database_as_it_was(
    any_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    """Two new revisions, the first fine and the second failing: neither is kept."""
    migrate.upgrade(any_url)
    filled = _fill(any_url, tmp_path / "blobs")
    head = migrate.head_revision()
    scripts = tmp_path / "alembic"
    shutil.copytree(migrate.migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    code, message = FAILURES[failure]
    for revision, down, body in (("f0000001", head, ADDS_A_COLUMN), ("f0000002", "f0000001", code)):
        text = NEW_REVISION.format(doc=f"test revision {revision}", revision=revision, down=down, body=body)
        (scripts / "versions" / f"{revision}_test.py").write_text(text, encoding="utf-8")
    monkeypatch.setenv(migrate.MIGRATIONS_ENV, str(scripts))
    with pytest.raises(Exception, match=message):
        migrate.upgrade(any_url)
    monkeypatch.delenv(migrate.MIGRATIONS_ENV)
    with disposing(make_engine(any_url)) as engine:
        assert migrate.current_revision(engine) == head
        tables = set(inspect(engine).get_table_names())
        assert not {t for t in tables if t.startswith("_alembic_tmp")}
        assert "half_done" not in {c["name"] for c in inspect(engine).get_columns("reports")}
    with disposing(Database(any_url)) as db:
        assert _counts(db) == filled


def test_a_batch_table_left_by_an_interrupted_run_is_dropped(sqlite_url: str) -> None:
    """Older versions could leave _alembic_tmp_reports behind; every later rebuild of reports failed."""
    migrate.upgrade(sqlite_url)
    with disposing(make_engine(sqlite_url)) as engine, engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE _alembic_tmp_reports (id INTEGER)")
    migrate.downgrade(sqlite_url, "base")
    assert _tables(sqlite_url) == set()
    migrate.upgrade(sqlite_url)
    assert _tables(sqlite_url) == set(Base.metadata.tables)
