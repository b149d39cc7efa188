"""Golden tests: the five real seed reports parse to exactly these cells, sections and problems."""

from __future__ import annotations

from typing import Any

import pytest

from crawler.parsing.parser import ParsedReport, parse_document
from crawler.parsing.templates import templates
from tests.conftest import SEEDS

B = ("blank", None)
Z = ("number", 0)


def n(value: float) -> tuple[str, float]:
    return ("number", value)


T2019 = templates()["2019"]
T3_ROWS = list(T2019.expected_cells("applications"))
T3_COLS = list(T2019.expected_cells("applications")["new_received"])
T4_COLS = ["upheld", "corrected", "other", "pending", "total"]


def t3(fill: tuple[str, Any], **rows: list[tuple[str, Any]]) -> dict[str, dict[str, tuple[str, Any]]]:
    """Table 三 with every cell `fill` except the rows given (seven cells each, in column order)."""
    return {row: dict(zip(T3_COLS, rows.get(row, [fill] * 7), strict=True)) for row in T3_ROWS}


def t4(review: list, direct: list, after: list) -> dict[str, dict[str, tuple[str, Any]]]:
    return {
        "review": dict(zip(T4_COLS, review, strict=True)),
        "litigation_direct": dict(zip(T4_COLS, direct, strict=True)),
        "litigation_after_review": dict(zip(T4_COLS, after, strict=True)),
    }


def t2(**rows: list[tuple[str, Any]]) -> dict[str, dict[str, tuple[str, Any]]]:
    out = {}
    for row, values in rows.items():
        columns = T2019.expected_cells("active_disclosure")[row]
        out[row] = dict(zip(columns, values, strict=True))
    return out


ZEROS_T2 = {
    "licensing": [Z, Z, Z],
    "other_services": [Z, Z, Z],
    "penalties": [Z, Z, Z],
    "enforcement": [Z, Z, Z],
    "fees": [Z, Z],
}

EXPECTED: dict[str, dict[str, Any]] = {
    "antai-2020": {
        "body": "安太乡人民政府",
        "year": 2020,
        "tables": {
            "active_disclosure": t2(
                rules=[Z, Z, Z], normative_docs=[n(95), n(53), n(53)], **ZEROS_T2, procurement=[n(15), n(17.6753)]
            ),
            "applications": t3(Z),
            "reviews_litigation": t4([Z] * 5, [Z] * 5, [Z] * 5),
        },
        "absent_sections": [],
        "problems": set(),
    },
    "nankou-2020": {
        "body": "南口镇",
        "year": 2020,
        "tables": {
            "active_disclosure": t2(
                rules=[Z, Z, Z], normative_docs=[Z, Z, Z], **ZEROS_T2, procurement=[n(17), n(438754)]
            ),
            "applications": t3(Z),
            "reviews_litigation": t4([Z] * 5, [Z] * 5, [Z] * 5),
        },
        "absent_sections": ["other"],
        "problems": {
            ("UNIT_MISSING", "active_disclosure.procurement.amount"),
            ("LABEL_DEVIATION", "active_disclosure.column.total_public"),  # 对外公开总数 for 对外公开总数量
        },
    },
    "taipingzhuang-2019": {
        "body": "太平庄乡",
        "year": 2019,
        "tables": {
            # Table 二 is cut short: 其他对外管理服务事项 has no cells; （六）（八） are missing.
            "active_disclosure": t2(
                rules=[B, B, B], normative_docs=[n(23), n(23), n(23)], licensing=[B, B, B], procurement=[B, B]
            ),
            "applications": t3(B),
            "reviews_litigation": None,
        },
        "absent_sections": ["overview", "active_disclosure", "applications", "reviews_litigation"],
        "problems": {
            ("LABEL_DEVIATION", "active_disclosure.procurement"),  # 政府集中收购
            ("LABEL_DEVIATION", "applications.rejected_petition"),  # 住房举报投诉类申请
            ("ROW_WITHOUT_CELLS", "active_disclosure.other_services"),
            ("ROWS_ABSENT", "active_disclosure"),
            ("HEADER_TRUNCATED", "applications.column.legal_service"),  # "法律服"
            ("HEADER_INCOMPLETE", "applications"),
        },
    },
    "langao-2020": {
        "body": "岚皋县",
        "year": 2020,
        "tables": {
            "active_disclosure": t2(
                rules=[B, B, B],
                normative_docs=[n(12), n(12), n(24)],
                licensing=[n(244), n(-1), n(22446)],
                other_services=[n(17), B, B],
                penalties=[n(1673), n(-11), n(1349)],
                enforcement=[n(39), B, n(47)],
                fees=[n(45), n(-2)],
                procurement=[n(31), n(6181)],
            ),
            # Blank cells where zeros belong: only the four applications by natural persons are filled in.
            "applications": t3(
                B,
                new_received=[n(4), B, B, B, B, B, n(4)],
                granted=[n(4), B, B, B, B, B, n(4)],
                total=[n(4), B, B, B, B, B, n(4)],
            ),
            "reviews_litigation": t4([B] * 5, [B] * 5, [B] * 5),
        },
        "absent_sections": [],
        "problems": set(),
    },
    "yima-2020": {
        "body": "驿马乡",
        "year": 2020,
        "tables": {
            "active_disclosure": t2(
                rules=[Z, Z, Z],
                normative_docs=[Z, Z, n(2)],
                licensing=[Z, Z, Z],
                other_services=[n(211), n(15), n(226)],
                penalties=[Z, Z, Z],
                enforcement=[Z, Z, Z],
                fees=[Z, Z],
                procurement=[n(12), n(72.8)],
            ),
            "applications": t3(Z),
            # The reconsideration group is blank beside zeros for litigation.
            "reviews_litigation": t4([B] * 5, [Z] * 5, [Z] * 5),
        },
        "absent_sections": [],
        "problems": set(),
    },
}


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedReport]:
    return {name: parse_document((SEEDS / f"{name}.txt").read_bytes(), filename=name) for name in EXPECTED}


def _cells(report: ParsedReport, table: str) -> dict[str, dict[str, tuple[str, Any]]] | None:
    result = report.tables[table]
    if not result.present:
        return None
    return {row: {col: (c.state, c.value) for col, c in cols.items()} for row, cols in result.cells.items()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("table", ["active_disclosure", "applications", "reviews_litigation"])
def test_every_cell(parsed: dict[str, ParsedReport], name: str, table: str) -> None:
    assert _cells(parsed[name], table) == EXPECTED[name]["tables"][table]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_identity_and_template(parsed: dict[str, ParsedReport], name: str) -> None:
    report = parsed[name]
    assert (report.body, report.year, report.template) == (EXPECTED[name]["body"], EXPECTED[name]["year"], "2019")
    assert report.format == "text"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sections_present_or_absent(parsed: dict[str, ParsedReport], name: str) -> None:
    absent = [key for key, text in parsed[name].sections.items() if text is None]
    assert absent == EXPECTED[name]["absent_sections"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_problems(parsed: dict[str, ParsedReport], name: str) -> None:
    assert {(p.code, p.where) for p in parsed[name].problems} == EXPECTED[name]["problems"]


def test_cells_keep_raw_text_units_and_source(parsed: dict[str, ParsedReport]) -> None:
    antai = parsed["antai-2020"].tables["active_disclosure"].cells["procurement"]["amount"]
    assert (antai.raw, antai.value, antai.unit) == ("17.6753万元", 17.6753, "万元")
    change = parsed["yima-2020"].tables["active_disclosure"].cells["other_services"]["change"]
    assert (change.raw, change.value) == ("+15", 15)
    blank = parsed["langao-2020"].tables["applications"].cells["new_received"]["commercial"]
    assert blank.state == "blank" and blank.raw.strip() == ""
    cell = parsed["taipingzhuang-2019"].tables["applications"].cells["carried_forward"]["total"]
    assert set(cell.src) == {"table", "row", "col"} and cell.src["table"] == 1


def test_the_deviating_labels_are_reported_with_the_text_seen(parsed: dict[str, ParsedReport]) -> None:
    messages = {p.where: p.message for p in parsed["taipingzhuang-2019"].problems if p.code == "LABEL_DEVIATION"}
    assert "住房举报投诉类申请" in messages["applications.rejected_petition"]
    assert "信访举报投诉类申请" in messages["applications.rejected_petition"]
    assert "政府集中收购" in messages["active_disclosure.procurement"]


def test_section_texts_are_kept_whole(parsed: dict[str, ParsedReport]) -> None:
    problems = parsed["antai-2020"].sections["problems"]
    assert problems is not None
    assert problems.startswith("2020年我乡政府信息公开工作存在问题主要表现在")
    assert problems.endswith("确保信息工作高质有效。")
    assert parsed["antai-2020"].sections["other"] == "无"
