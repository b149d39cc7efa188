"""Content rules, each with reports that should be flagged and reports that should not."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.models import Flag, Report
from db.session import Database
from monitor.checks import run_checks
from monitor.rules.arithmetic import Arithmetic
from monitor.rules.blank_cells import BlankCells
from monitor.rules.carryover import CarryoverMismatch
from monitor.rules.empty_table import EmptyTable
from monitor.rules.incomplete_table import IncompleteTable
from monitor.rules.label_deviation import LabelDeviation
from monitor.rules.missing_section import MissingSection
from monitor.rules.missing_table import MissingTable
from monitor.rules.stock_flow import StockFlowMismatch
from monitor.rules.unit_missing import UnitMissing
from monitor.rules.unreadable_report import UnreadableReport
from monitor.rules.wrong_template import WrongTemplate
from tests.monitor.builders import NOW, add_report, edit_tables, registry, spec


@pytest.fixture
def world(database: Database) -> Database:
    registry(database, {"a": "department", "b": "department"})
    return database


def flags(database: Database, rule: object) -> set[tuple[str, str, int, str]]:
    """Evaluate one rule and return its open flags."""
    run_checks(database, now=NOW, rules=[rule])  # type: ignore[list-item]
    with database.session() as s:
        found = s.scalars(select(Flag).where(Flag.rule == rule.code, Flag.status == "open"))  # type: ignore[attr-defined]
        return {(f.rule, f.body_id, f.year, f.subject) for f in found}


def evidence(database: Database, rule: str, body: str) -> dict:
    with database.session() as s:
        return s.scalars(select(Flag).where(Flag.rule == rule, Flag.body_id == body)).one().evidence


def test_empty_table_flags_all_blank_but_not_all_zero(world: Database) -> None:
    add_report(world, "a", spec(1, 2022, blank="all", blank_table="applications"))
    add_report(world, "b", spec(2, 2022, size="zero"))
    assert flags(world, EmptyTable()) == {("EMPTY_TABLE", "a", 2022, "applications")}
    assert evidence(world, "EMPTY_TABLE", "a")["blank_cells"] == 25 * 7


def test_blank_cells_counts_blanks_in_a_partly_filled_table(world: Database) -> None:
    report = spec(3, 2021, size="small")
    report = edit_tables(report, "applications", "granted", "natural_person", "")
    report = edit_tables(report, "applications", "granted", "total", "")
    add_report(world, "a", report)
    add_report(world, "b", spec(4, 2021, size="small"))
    assert flags(world, BlankCells()) == {("BLANK_CELLS", "a", 2021, "applications")}
    found = evidence(world, "BLANK_CELLS", "a")
    assert found["blank_cells"] == 2 and found["rows"] == {"granted": ["natural_person", "total"]}


def test_missing_and_incomplete_tables(world: Database) -> None:
    report = spec(5, 2022)
    report.tables["reviews_litigation"] = None
    add_report(world, "a", report)
    partial = spec(6, 2022)
    partial.tables["active_disclosure"] = {k: v for k, v in partial.tables["active_disclosure"].items() if k != "fees"}
    add_report(world, "b", partial)
    assert flags(world, MissingTable()) == {("MISSING_TABLE", "a", 2022, "reviews_litigation")}
    assert flags(world, IncompleteTable()) == {("INCOMPLETE_TABLE", "b", 2022, "active_disclosure")}
    assert evidence(world, "INCOMPLETE_TABLE", "b")["rows_absent"] == ["行政事业性收费"]


def test_missing_section(world: Database) -> None:
    report = spec(7, 2023)
    report.sections["other"] = None
    add_report(world, "a", report)
    add_report(world, "b", spec(8, 2023))
    assert flags(world, MissingSection()) == {("MISSING_SECTION", "a", 2023, "other")}


def test_an_unreadable_document_is_flagged_as_such_not_as_missing_content(world: Database) -> None:
    add_report(world, "a", "通知公告\n关于开展2026年春季植树活动的通知\n", year=2026)
    assert flags(world, UnreadableReport()) == {("UNREADABLE_REPORT", "a", 2026, "")}
    assert flags(world, MissingTable()) == set()


def test_a_report_whose_attachment_failed_is_not_accused_of_missing_tables(world: Database) -> None:
    """The page held the sections; the tables were in a PDF that could not be fetched."""
    report = spec(9, 2022)
    report.tables = {name: None for name in report.tables}
    report_id = add_report(world, "a", report)
    with world.session() as s:
        row = s.get(Report, report_id)
        problem = {"code": "ATTACHMENT_NOT_FETCHED", "message": "t.pdf: timeout", "where": "http://127.0.0.1:9/t.pdf"}
        row.parsed = {**row.parsed, "problems": [*row.parsed["problems"], problem]}
    assert flags(world, MissingTable()) == set()
    assert flags(world, UnreadableReport()) == {("UNREADABLE_REPORT", "a", 2022, "")}
    assert evidence(world, "UNREADABLE_REPORT", "a")["attachments"][0]["where"] == "http://127.0.0.1:9/t.pdf"


@pytest.mark.parametrize(
    ("cell", "raw", "expected"),
    [
        (("applications", "new_received", "natural_person"), "+1", {"R1", "R2"}),  # one more received than handled
        (("reviews_litigation", "review", "total"), "9", {"R4"}),
        (("applications", "granted", "commercial"), "", set()),  # a blank makes the equations unknown, not broken
    ],
)
def test_arithmetic_flags_each_failing_equation(
    world: Database, cell: tuple[str, str, str], raw: str, expected: set[str]
) -> None:
    report = spec(9, 2022, size="small")
    table, row, col = cell
    if raw.startswith("+"):
        raw = str(int(report.tables[table][row][col] or 0) + int(raw))
    add_report(world, "a", edit_tables(report, table, row, col, raw))
    add_report(world, "b", spec(10, 2022, size="small"))
    assert {subject for _, _, _, subject in flags(world, Arithmetic())} == expected


def test_arithmetic_evidence_names_the_cells_and_values(world: Database) -> None:
    report = spec(11, 2022, size="small")
    old = int(report.tables["applications"]["new_received"]["total"])
    add_report(world, "a", edit_tables(report, "applications", "new_received", "total", str(old + 2)))
    flags(world, Arithmetic())
    with world.session() as s:
        r1 = s.scalars(select(Flag).where(Flag.subject == "R1")).one()
    failure = r1.evidence["failures"][0]
    assert failure["instance"] == "column total"
    assert failure["left_sum"] - failure["right_sum"] == 2
    assert failure["left"][0]["label"] == "一、本年新收政府信息公开申请数量 / 总计"


def test_carryover_between_consecutive_years(world: Database) -> None:
    first, second = spec(12, 2021, size="small"), spec(13, 2022, size="small")
    for col, raw in first.tables["applications"]["carried_forward"].items():
        second = edit_tables(second, "applications", "carried_over", col, raw)
    add_report(world, "a", first)
    add_report(world, "a", second)
    assert flags(world, CarryoverMismatch()) == set()
    broken = edit_tables(second, "applications", "carried_over", "natural_person", "77")
    add_report(world, "b", first)
    add_report(world, "b", broken)
    assert flags(world, CarryoverMismatch()) == {("CARRYOVER_MISMATCH", "b", 2022, "R5")}


def test_stock_flow_of_documents_in_force(world: Database) -> None:
    first, second = spec(14, 2021), spec(15, 2022)
    last = int(first.tables["active_disclosure"]["rules"]["in_force"])
    issued = int(second.tables["active_disclosure"]["rules"]["issued"])
    repealed = int(second.tables["active_disclosure"]["rules"]["repealed"])
    good = edit_tables(second, "active_disclosure", "rules", "in_force", str(last + issued - repealed))
    good_docs = (
        int(first.tables["active_disclosure"]["normative_docs"]["in_force"])
        + int(good.tables["active_disclosure"]["normative_docs"]["issued"])
        - int(good.tables["active_disclosure"]["normative_docs"]["repealed"])
    )
    good = edit_tables(good, "active_disclosure", "normative_docs", "in_force", str(good_docs))
    add_report(world, "a", first)
    add_report(world, "a", good)
    add_report(world, "b", first)
    add_report(
        world, "b", edit_tables(good, "active_disclosure", "rules", "in_force", str(last + issued - repealed + 5))
    )
    assert flags(world, StockFlowMismatch()) == {("STOCK_FLOW_MISMATCH", "b", 2022, "R6")}


def test_wrong_template_for_the_year(world: Database) -> None:
    old_format = spec(16, 2020)
    add_report(
        world,
        "a",
        old_format.__class__(
            **{**old_format.__dict__, "year": 2022, "title": old_format.title.replace("2020", "2022")}
        ),
    )
    add_report(world, "b", spec(17, 2022))
    assert flags(world, WrongTemplate()) == {("WRONG_TEMPLATE", "a", 2022, "")}
    assert evidence(world, "WRONG_TEMPLATE", "a")["expected"] == "2021"


def test_label_deviation_and_unit_missing_come_from_the_parse(world: Database) -> None:
    report = spec(18, 2020)
    report.label_overrides["applications.rejected_petition"] = "住房举报投诉类申请"
    report = edit_tables(report, "active_disclosure", "procurement", "amount", "438754")
    add_report(world, "a", report)
    add_report(world, "b", edit_tables(spec(19, 2020), "active_disclosure", "procurement", "amount", "17.6万元"))
    assert flags(world, LabelDeviation()) == {("LABEL_DEVIATION", "a", 2020, "")}
    assert flags(world, UnitMissing()) == {("UNIT_MISSING", "a", 2020, "")}
    assert "住房举报投诉类申请" in evidence(world, "LABEL_DEVIATION", "a")["deviations"][0]["message"]


def test_publish_date_is_not_needed_for_content_rules(world: Database) -> None:
    add_report(world, "a", spec(20, 2022), published=date(2023, 1, 10))
    assert flags(world, EmptyTable()) == set()
