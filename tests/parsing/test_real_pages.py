"""Four real portal pages (a TRS-style CMS, both templates) parse with every cell right."""

from __future__ import annotations

from typing import Any

import pytest

from crawler.parsing.parser import ParsedReport, parse_document
from crawler.parsing.templates import templates
from tests.conftest import FIXTURES

REAL = FIXTURES / "real"
Z = ("number", 0)


def n(value: float) -> tuple[str, float]:
    return ("number", value)


def t3(template: str, **rows: list[int]) -> dict[str, dict[str, tuple[str, Any]]]:
    """Table 三 with zeros everywhere except the rows given."""
    expected = templates()[template].expected_cells("applications")
    return {
        row: dict(zip(cols, [n(v) for v in rows[row]] if row in rows else [Z] * len(cols), strict=True))
        for row, cols in expected.items()
    }


T4_ZEROS = {
    row: dict.fromkeys(("upheld", "corrected", "other", "pending", "total"), Z)
    for row in ("review", "litigation_direct", "litigation_after_review")
}

T2_2021_TAIL = {"penalties": {"decisions": Z}, "enforcement": {"decisions": Z}, "fees": {"amount": Z}}

CASES: dict[str, dict[str, Any]] = {
    "hzs_2022": {
        "identity": ("平潭综合实验区行政审批局", 2022, "2021", "2023-01-09"),
        "active_disclosure": {
            "rules": {"issued": Z, "repealed": Z, "in_force": Z},
            "normative_docs": {"issued": n(2), "repealed": Z, "in_force": n(25)},
            "licensing": {"decisions": n(7677)},
            **T2_2021_TAIL,
        },
        "applications": t3(
            "2021", new_received=[4, 0, 0, 0, 0, 0, 4], granted=[4, 0, 0, 0, 0, 0, 4], total=[4, 0, 0, 0, 0, 0, 4]
        ),
        "problems": set(),
    },
    "nyn_2019": {
        "identity": ("平潭综合实验区农业农村局", 2019, "2019", "2020-01-03"),
        "active_disclosure": {
            "rules": {"made": Z, "published": Z, "total_public": Z},
            "normative_docs": {"made": Z, "published": Z, "total_public": Z},
            "licensing": {"last_year": n(77), "change": Z, "decisions": Z},
            "other_services": {"last_year": Z, "change": Z, "decisions": Z},
            "penalties": {"last_year": Z, "change": Z, "decisions": Z},
            "enforcement": {"last_year": Z, "change": Z, "decisions": Z},
            "fees": {"last_year": n(16), "change": ("text", None)},  # "减12"
            "procurement": {"projects": n(48), "amount": n(3851.869909)},  # "38518699.09元"
        },
        "applications": t3("2019"),
        "problems": {
            ("CELL_NOT_NUMERIC", "active_disclosure.fees.change"),
            ("UNIT_CONVERTED", "active_disclosure.procurement.amount"),
        },
    },
    "nyn_2023": {
        "identity": ("平潭综合实验区农业农村局", 2023, "2021", "2024-01-31"),
        "active_disclosure": {
            "rules": {"issued": Z, "repealed": Z, "in_force": Z},
            "normative_docs": {"issued": n(4), "repealed": n(9), "in_force": n(20)},
            "licensing": {"decisions": n(782)},
            "penalties": {"decisions": n(182)},
            "enforcement": {"decisions": Z},
            "fees": {"amount": Z},
        },
        # 总计 7 sits in the 上年结转 row while the 本年新收 row (6 + 1) totals 0: read as printed.
        "applications": t3(
            "2021",
            new_received=[6, 1, 0, 0, 0, 0, 0],
            carried_over=[0, 0, 0, 0, 0, 0, 7],
            granted=[6, 0, 0, 0, 0, 0, 6],
            partially_granted=[0, 1, 0, 0, 0, 0, 1],
            total=[6, 1, 0, 0, 0, 0, 7],
        ),
        "problems": set(),
    },
    "jjf_2023": {
        "identity": ("平潭综合实验区经济发展局", 2023, "2021", "2024-01-30"),
        "active_disclosure": {
            "rules": {"issued": Z, "repealed": Z, "in_force": Z},
            "normative_docs": {"issued": n(6), "repealed": Z, "in_force": n(6)},
            "licensing": {"decisions": Z},
            **T2_2021_TAIL,
        },
        "applications": t3("2021", new_received=[3, 0, 0, 0, 0, 0, 3]),
        "problems": set(),
    },
}


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedReport]:
    return {name: parse_document((REAL / f"{name}.html").read_bytes(), filename=name) for name in CASES}


def _cells(report: ParsedReport, table: str) -> dict[str, dict[str, tuple[str, Any]]]:
    return {
        row: {col: (c.state, c.value) for col, c in cols.items()} for row, cols in report.tables[table].cells.items()
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_identity(parsed: dict[str, ParsedReport], name: str) -> None:
    report = parsed[name]
    assert (report.body, report.year, report.template, report.publish_date) == CASES[name]["identity"]
    assert report.publish_date_source == "meta"


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("table", ["active_disclosure", "applications"])
def test_cells(parsed: dict[str, ParsedReport], name: str, table: str) -> None:
    assert _cells(parsed[name], table) == CASES[name][table]


@pytest.mark.parametrize("name", sorted(CASES))
def test_reconsideration_table_is_fifteen_zeros(parsed: dict[str, ParsedReport], name: str) -> None:
    assert _cells(parsed[name], "reviews_litigation") == T4_ZEROS


@pytest.mark.parametrize("name", sorted(CASES))
def test_all_six_sections_and_only_the_expected_problems(parsed: dict[str, ParsedReport], name: str) -> None:
    report = parsed[name]
    assert all(text is not None for text in report.sections.values())
    assert {(p.code, p.where) for p in report.problems if p.code not in ("ENCODING_GUESSED",)} == CASES[name][
        "problems"
    ]


def test_headings_that_vary_are_found_by_meaning(parsed: dict[str, ParsedReport]) -> None:
    headings = {h["section"]: h["heading"] for h in parsed["jjf_2023"].headings}
    assert headings["reviews_litigation"] == "四、政府信息公开行政复议与行政诉讼情况"
    other = {h["section"]: h["heading"] for h in parsed["nyn_2023"].headings}["other"]
    assert "需要说明的其他事项" in str(other)


def test_the_text_cell_where_a_signed_number_belongs_is_explained(parsed: dict[str, ParsedReport]) -> None:
    problem = next(p for p in parsed["nyn_2019"].problems if p.code == "CELL_NOT_NUMERIC")
    assert "减12" in problem.message and "-12" in problem.message
    assert parsed["nyn_2019"].state == "partial"
