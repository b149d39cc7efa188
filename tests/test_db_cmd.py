"""`disclosure db downgrade` asks before it drops anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from db import migrate
from db.session import Database
from db.settings import get_settings
from disclosure.app import app

runner = CliRunner()


def _revision() -> str | None:
    database = Database.from_settings(get_settings())
    try:
        return migrate.current_revision(database.engine)
    finally:
        database.dispose()


def test_downgrade_asks_and_a_no_leaves_the_database_alone() -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    head = migrate.head_revision()
    result = runner.invoke(app, ["db", "downgrade", "base"], input="n\n")
    assert result.exit_code == 1
    assert "drops every table and all data. Continue?" in result.output
    assert _revision() == head
    result = runner.invoke(app, ["db", "downgrade", "base"], input="")  # no terminal to answer: no
    assert result.exit_code == 1 and _revision() == head


def test_downgrade_with_yes_or_a_yes_answer() -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["db", "downgrade", "base"], input="y\n")
    assert result.exit_code == 0, result.output
    assert _revision() is None
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["db", "downgrade", "base", "--yes"])
    assert result.exit_code == 0 and "Continue?" not in result.output
    assert _revision() is None


def test_current_on_a_missing_database_says_so_and_creates_nothing() -> None:
    path = Path(get_settings().effective_database_url.removeprefix("sqlite:///"))
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 1
    assert result.output == f"error: no database at {path}: run `disclosure db upgrade` first\n"
    assert not path.exists()


def test_a_connection_error_is_one_line_with_the_password_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCLOSURE_DATABASE_URL", "postgresql+psycopg://nobody:s3cret@127.0.0.1:1/none")
    for args in (["db", "current"], ["db", "upgrade"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert result.output.count("\n") == 1 and "s3cret" not in result.output
        assert result.output.startswith("error: ") and "nobody:********@127.0.0.1:1/none" in result.output
