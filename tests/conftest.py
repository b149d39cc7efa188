"""Shared fixtures: isolated settings and databases, and the PostgreSQL/Redis services when present."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text

from db import migrate
from db.session import Database
from demo import SEED_REPORTS

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = SEED_REPORTS  # the five real reports, shipped with the demo
REPO = Path(__file__).resolve().parent.parent

REQUIRE_SERVICES = os.environ.get("DISCLOSURE_REQUIRE_SERVICES") == "1"
PG_URL = os.environ.get("DISCLOSURE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("DISCLOSURE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _answers(url: str) -> bool:
    parts = urlsplit(url.replace("+psycopg", ""))
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), timeout=2):
            return True
    except OSError:
        return False


def need(available: bool, what: str) -> None:
    """Skip a test whose service or system tool is missing, with the reason; in CI (where .ci/run sets
    DISCLOSURE_REQUIRE_SERVICES=1 after installing everything) fail instead, so nothing is silently skipped."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what}, and DISCLOSURE_REQUIRE_SERVICES=1 says it must be there", pytrace=False)
    pytest.skip(f"{what} (.ci/run provides it)")


def _service_or_skip(name: str, url: str) -> None:
    need(_answers(url), f"{name} does not answer at {url}")


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own data folder; no test reads the operator's environment or ./var."""
    for key in list(os.environ):
        if key.startswith("DISCLOSURE_") and not key.startswith(("DISCLOSURE_TEST_", "DISCLOSURE_REQUIRE")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("DISCLOSURE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    _service_or_skip("pg", PG_URL)
    name = f"disclosure_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def redis_url() -> str:
    _service_or_skip("redis", REDIS_URL)
    return REDIS_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    """Run a test on the embedded default and on PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_url
    return request.getfixturevalue("pg_url")


@pytest.fixture
def database(sqlite_url: str) -> Iterator[Database]:
    """A migrated SQLite database."""
    migrate.upgrade(sqlite_url)
    db = Database(sqlite_url)
    yield db
    db.dispose()


@pytest.fixture
def any_database(any_url: str) -> Iterator[Database]:
    """A migrated database, once on SQLite and once on PostgreSQL."""
    migrate.upgrade(any_url)
    db = Database(any_url)
    yield db
    db.dispose()
