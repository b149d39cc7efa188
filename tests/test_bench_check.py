"""bench/check.py at a tiny size: what it generates and measures is right (never how fast it is)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.check import Result, run_one
from bench.synthetic import Plan, Rates
from db.models import Report, ReportVersion
from db.session import Database

BODIES = 300
YEARS = 5


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, str]:
    folder: Path = tmp_path_factory.mktemp("bench_check")
    url, small = f"sqlite:///{folder / 'bench.db'}", f"sqlite:///{folder / 'small.db'}"
    # More copies and edits than the defaults, so that a registry this small has some of each.
    plan = Plan(bodies=BODIES, years=YEARS, pool=12, rates=Rates(copied=0.05, edited=0.02))
    return run_one("sqlite", url, small, plan), url


def test_generates_the_registry_and_its_reports(bench: tuple[Result, str]) -> None:
    result, url = bench
    generated = result.generated
    assert generated.rows["bodies"] == BODIES
    expected = BODIES * YEARS - generated.planted["missing"]
    database = Database(url)
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Report)) == expected
        without_current = select(func.count()).select_from(Report).where(Report.current_version_id.is_(None))
        assert s.scalar(without_current) == 0
        versions = s.scalar(select(func.count()).select_from(ReportVersion))
    database.dispose()
    assert generated.rows["reports"] == expected
    assert versions == expected + generated.planted["edited"] + 1  # + the incremental run's new version


def test_full_run_evaluates_every_report_and_finds_the_planted_defects(bench: tuple[Result, str]) -> None:
    result, _ = bench
    full, planted = result.full, result.generated.planted
    assert full.bodies == BODIES
    assert full.reports == result.generated.rows["reports"]
    opened = full.opened
    assert opened["LATE_REPORT"] == planted["late"]
    assert opened["EDITED_AFTER_PUBLICATION"] == planted["edited"]
    absent = opened["MISSING_REPORT"] + opened["REPORT_NOT_FETCHED"] + opened["UNREACHABLE_PORTAL"]
    assert absent == planted["missing"] > 0
    for rule in ("ARITHMETIC", "EMPTY_TABLE", "MISSING_SECTION"):
        assert opened[rule] > 0, rule


def test_incremental_run_evaluates_only_the_changed_body(bench: tuple[Result, str]) -> None:
    result, _ = bench
    inc = result.incremental
    assert inc.changed == {inc.body}
    assert inc.bodies == 1
    assert 1 <= inc.reports <= YEARS
    assert inc.opened["EDITED_AFTER_PUBLICATION"] == 1


def test_copied_text_pass_runs_at_both_sizes(bench: tuple[Result, str]) -> None:
    result, url = bench
    small, large = result.small, result.large
    database = Database(url)
    with database.session() as s:
        last_year = s.scalar(select(func.count()).select_from(Report).where(Report.year == Plan(1).report_years[-1]))
    database.dispose()
    assert large.reports == last_year
    assert 0 < small.reports <= BODIES // 10
    assert large.findings > 0  # the planted copies are found
    assert result.full.opened["COPIED_TEXT"] > 0
