"""`disclosure registry show`: a body's deadlines are listed compactly but without losing a date."""

from __future__ import annotations

from datetime import date

from typer.testing import CliRunner

from disclosure.app import app
from disclosure.registry_cmd import deadline_lines
from monitor.deadlines import Deadline, Origin
from monitor.expectations import Expectation


def _expect(year: int, due: date, origin: Origin = "default", source: str = "条例 §49", passed: bool = True):
    return Expectation("b", year, Deadline(year, due, origin, source), passed)


def test_years_due_on_the_same_day_share_one_line() -> None:
    years = [_expect(y, date(y + 1, 1, 31)) for y in range(2019, 2026)]
    assert deadline_lines(years) == ["01-31 next year"]


def test_a_notice_an_upcoming_year_and_a_gap_each_break_the_run() -> None:
    years = [
        _expect(2019, date(2020, 3, 31)),
        _expect(2020, date(2021, 3, 31)),
        _expect(2021, date(2022, 4, 30), "jurisdiction", "安康市通知"),
        _expect(2022, date(2023, 3, 31)),
        _expect(2024, date(2025, 3, 31)),
        _expect(2025, date(2026, 3, 31), passed=False),
    ]
    assert deadline_lines(years) == [
        "2019–2020 → 03-31 next year",
        "2021 → 2022-04-30 [magenta](jurisdiction)[/]",
        "2022 → 2023-03-31",
        "2024 → 2025-03-31",
        "2025 → 2026-03-31 [cyan]upcoming[/]",
    ]


def test_no_expected_year_gives_no_line() -> None:
    assert deadline_lines([]) == []


def test_an_empty_registry_says_how_to_fill_it() -> None:
    """conftest points DISCLOSURE_DATA_DIR at the test's own folder, so the database starts empty."""
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["registry", "show"])
    assert (result.exit_code, result.output) == (
        0,
        "No body is registered yet: import a registry with `disclosure registry import FILE`.\n",
    )
    result = runner.invoke(app, ["registry", "show", "--json"])
    assert (result.exit_code, result.output) == (0, "[]\n")
