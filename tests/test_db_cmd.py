"""`disclosure db downgrade` asks before it drops anything."""

from __future__ import annotations

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
