"""The five real seed reports, registered as in demo/registry.yaml and ingested by hand, get exactly the
flags the issue lists (and nothing wrong about all-zero tables or arithmetic)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from demo import SAMPLE_REGISTRY
from demo.run import SEED_BODIES
from disclosure.app import app
from tests.conftest import SEEDS

runner = CliRunner()


def run(data_dir: Path, *args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200", "DISCLOSURE_DATA_DIR": str(data_dir)})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder where the seeds are registered, ingested and checked (twice)."""
    data = tmp_path_factory.mktemp("seeds") / "var"
    run(data, "db", "upgrade")
    run(data, "registry", "import", str(SAMPLE_REGISTRY))
    for name, body in SEED_BODIES.items():
        run(data, "ingest", str(SEEDS / name), "--body", body)
    run(data, "check")
    second = run(data, "check")
    assert "0 new, 0 reopened, 0 resolved, 0 updated" in second
    return data


@pytest.fixture(scope="module")
def flags(seeded: Path) -> dict[str, set[tuple[str, str]]]:
    found = json.loads(run(seeded, "flags", "--json"))
    out: dict[str, set[tuple[str, str]]] = {}
    for flag in found:
        out.setdefault(f"{flag['body']}-{flag['year']}", set()).add((flag["rule"], flag["subject"]))
    return out


def test_taipingzhuang_2019(flags: dict[str, set[tuple[str, str]]]) -> None:
    got = flags["taipingzhuang-2019"]
    assert ("EMPTY_TABLE", "applications") in got
    assert ("MISSING_TABLE", "reviews_litigation") in got
    assert ("LABEL_DEVIATION", "") in got
    assert {subject for rule, subject in got if rule == "MISSING_SECTION"} == {
        "overview",
        "active_disclosure",
        "applications",
        "reviews_litigation",
    }


def test_langao_2020(flags: dict[str, set[tuple[str, str]]]) -> None:
    got = flags["langao-county-2020"]
    assert ("EMPTY_TABLE", "reviews_litigation") in got
    assert ("BLANK_CELLS", "applications") in got


def test_yima_2020(flags: dict[str, set[tuple[str, str]]]) -> None:
    assert ("BLANK_CELLS", "reviews_litigation") in flags["yima-2020"]


def test_nankou_2020(flags: dict[str, set[tuple[str, str]]]) -> None:
    got = flags["nankou-2020"]
    assert ("MISSING_SECTION", "other") in got
    assert ("UNIT_MISSING", "") in got


def test_antai_2020_is_clean(flags: dict[str, set[tuple[str, str]]]) -> None:
    assert "antai-2020" not in flags


def test_no_seed_gets_arithmetic_or_an_empty_table_for_zeros(flags: dict[str, set[tuple[str, str]]]) -> None:
    all_flags = {(report, rule, subject) for report, got in flags.items() for rule, subject in got}
    assert not {f for f in all_flags if f[1] == "ARITHMETIC"}
    # Tables of zeros: 安太乡, 南口镇 and 驿马乡's tables 三, 南口镇's table 四.
    for report, table in [
        ("antai-2020", "applications"),
        ("nankou-2020", "applications"),
        ("yima-2020", "applications"),
        ("nankou-2020", "reviews_litigation"),
    ]:
        assert (report, "EMPTY_TABLE", table) not in all_flags


def test_no_missing_report_without_a_crawl(flags: dict[str, set[tuple[str, str]]]) -> None:
    assert not any(rule == "MISSING_REPORT" for got in flags.values() for rule, _ in got)


def test_flag_list_reads_in_an_80_column_terminal(seeded: Path) -> None:
    result = runner.invoke(
        app, ["flags", "--body", "nankou"], env={"COLUMNS": "80", "DISCLOSURE_DATA_DIR": str(seeded)}
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines and max(len(line) for line in lines) <= 80
    assert "3 flags" in lines[0]
    cells = [line.split("│")[2].strip() for line in lines if line.startswith("│")]  # the rule column
    assert {"MISSING_SECTION", "LABEL_DEVIATION", "UNIT_MISSING"} <= set(cells)  # rule codes never broken
    assert "other" in cells  # MISSING_SECTION's subject under it


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York"])
def test_times_are_shown_in_the_configured_zone(seeded: Path, zone: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first = json.loads(run(seeded, "flags", "--json"))[0]
    raised = datetime.fromisoformat(first["first_raised"]).astimezone(ZoneInfo(zone))
    monkeypatch.setenv("DISCLOSURE_TIMEZONE", zone)
    shown = run(seeded, "flags", "show", str(first["id"]))
    assert f"first raised {raised:%Y-%m-%d %H:%M}" in shown
    reports = run(seeded, "reports")
    stored = json.loads(run(seeded, "reports", "--json"))
    assert all(
        f"{datetime.fromisoformat(r['first_seen']).astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}" in reports
        for r in stored
    )


@pytest.mark.parametrize("command", [["flags"], ["flags", "--json"], ["reports"], ["reports", "--unattributed"]])
def test_an_unknown_body_is_an_error_not_an_empty_list(seeded: Path, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--body", "nakou"], env={"DISCLOSURE_DATA_DIR": str(seeded)})
    assert result.exit_code == 1
    assert "unknown body nakou" in result.output


def test_rule_and_status_filters_ignore_letter_case(seeded: Path) -> None:
    exact = json.loads(run(seeded, "flags", "--rule", "BLANK_CELLS", "--status", "open", "--json"))
    assert exact and json.loads(run(seeded, "flags", "--rule", "blank_cells", "--status", "OPEN", "--json")) == exact
