"""Every format gives the same cells: generated reports and the seed reports rendered as HTML, DOCX, PDF
and text parse back to exactly the cells they were written with."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.parsing.cells import BLANK
from crawler.parsing.parser import ParsedReport, parse_document
from demo.reportgen import (
    ReportSpec,
    expected_cells,
    random_spec,
    render_docx,
    render_html,
    render_pdf,
    render_text,
)
from tests.conftest import SEEDS

Renderer = Callable[[ReportSpec], bytes]

RENDERERS: dict[str, Renderer] = {
    "html-trs-gbk": lambda s: render_html(s, style="trs", encoding="gbk"),
    "html-hanweb-split": lambda s: render_html(s, style="hanweb", split_tables=True),
    "html-fragment-plain": lambda s: render_html(s, style="fragment", word_pasted=False),
    "docx": lambda s: render_docx(s),
    "docx-one-table-unmerged": lambda s: render_docx(s, one_table=True, merged_headers=False),
    "pdf-ruled": lambda s: render_pdf(s),
    "text": lambda s: render_text(s).encode("utf-8"),
}


def cells_of(report: ParsedReport) -> dict[str, dict[str, dict[str, tuple[str, Any]]] | None]:
    return {
        name: (
            {row: {col: (c.state, c.value) for col, c in cols.items()} for row, cols in table.cells.items()}
            if table.present
            else None
        )
        for name, table in report.tables.items()
    }


def expected_of(spec: ReportSpec) -> dict[str, Any]:
    wanted = expected_cells(spec)
    return {name: (wanted.get(name) if spec.tables.get(name) is not None else None) for name in spec.tables}


def check(spec: ReportSpec, data: bytes) -> ParsedReport:
    report = parse_document(data, filename="generated")
    assert report.state == "ok", report.problems
    assert cells_of(report) == expected_of(spec)
    assert (report.year, report.template) == (spec.year, spec.template)
    assert report.body is not None and report.body in spec.title
    absent = {k for k, v in spec.sections.items() if v is None}
    assert {k for k, v in report.sections.items() if v is None} == absent
    return report


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("seed", [1, 2])
def test_generated_reports_parse_back_exactly(fmt: str, template: str, seed: int) -> None:
    spec = random_spec(random.Random(seed * 100 + int(template)), template=template, blank="some", dash_rate=0.1)
    check(spec, RENDERERS[fmt](spec))


@pytest.mark.parametrize("fmt", ["html-trs-gbk", "docx", "pdf-ruled", "text"])
def test_an_all_blank_table_stays_blank(fmt: str) -> None:
    spec = random_spec(random.Random(7), template="2021", blank="all", blank_table="applications")
    report = check(spec, RENDERERS[fmt](spec))
    states = {c.state for row in report.tables["applications"].cells.values() for c in row.values()}
    assert states == {BLANK}
    assert sum(len(row) for row in report.tables["applications"].cells.values()) == 25 * 7


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10**6),
    template=st.sampled_from(["2019", "2021"]),
    fmt=st.sampled_from(sorted(RENDERERS)),
    blank=st.sampled_from(["none", "some", "all"]),
)
def test_property_any_generated_report_round_trips(seed: int, template: str, fmt: str, blank: str) -> None:
    spec = random_spec(random.Random(seed), template=template, blank=blank, dash_rate=0.05)
    check(spec, RENDERERS[fmt](spec))


def silent_errors(report: ParsedReport, spec: ReportSpec) -> list[tuple[str, str, str, Any, Any]]:
    """Cells read wrong, or not read, without a problem that names them (their row or their table)."""
    expected, got = expected_of(spec), cells_of(report)
    wheres = [p.where for p in report.problems]
    absent = " ".join(p.message for p in report.problems if p.code == "ROWS_ABSENT")
    out = []
    for table, rows in expected.items():
        if rows is None or report.tables[table].unreadable:
            continue
        labels = {r.key: r.label for r in spec.definition.rows(table)}
        for row, cols in rows.items():
            got_row = (got[table] or {}).get(row)
            for col, value in cols.items():
                seen = got_row.get(col) if got_row else None
                if seen == value or any(w.startswith(f"{table}.{row}") for w in wheres):
                    continue
                if got_row is None and labels.get(row, "?") in absent:
                    continue
                out.append((table, row, col, value, seen))
    return out


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("seed", range(4))
def test_pdf_tables_without_ruling_lines_are_read_right_or_reported(template: str, seed: int) -> None:
    """Without lines a PDF table's structure is guesswork; no cell may be wrong without a problem naming it."""
    spec = random_spec(random.Random(seed), template=template, blank="some", dash_rate=0.1)
    report = parse_document(render_pdf(spec, ruled=False), filename="unruled.pdf")
    assert report.state == "partial"
    assert silent_errors(report, spec) == []
    for name, table in report.tables.items():
        assert table.present == (spec.tables[name] is not None)


# ---------------------------------------------------------------- the seeds in every format


def spec_from_seed(report: ParsedReport) -> ReportSpec:
    """The seed report as a spec: its raw cell texts, its section texts, its deviating labels."""
    assert report.title and report.year and report.body
    tables: dict[str, dict[str, dict[str, str]] | None] = {}
    overrides: dict[str, str] = {}
    for name, table in report.tables.items():
        if not table.present:
            tables[name] = None
            continue
        tables[name] = {row: {col: c.raw for col, c in cols.items()} for row, cols in table.cells.items()}
    for problem in report.problems:
        if problem.code == "LABEL_DEVIATION" and ".column." not in problem.where:
            table, row = problem.where.split(".")
            overrides[f"{table}.{row}"] = report.tables[table].labels[row].lstrip("0123456789.、")
    return ReportSpec(
        body=report.body,
        year=report.year,
        template=report.template,
        title=report.title.replace(" ", ""),
        publish_date=None,
        sections=dict(report.sections),
        tables=tables,
        label_overrides=overrides,
    )


SEED_NAMES = ["antai-2020", "langao-2020", "nankou-2020", "taipingzhuang-2019", "yima-2020"]


@pytest.mark.parametrize("fmt", ["html-trs-gbk", "html-hanweb-split", "docx", "pdf-ruled"])
@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_reports_in_every_format_give_the_seed_cells(name: str, fmt: str) -> None:
    seed = parse_document((SEEDS / f"{name}.txt").read_bytes(), filename=name)
    spec = spec_from_seed(seed)
    report = parse_document(RENDERERS[fmt](spec), filename=f"{name}.{fmt}")
    assert cells_of(report) == cells_of(seed)
    deviations = {(p.code, p.where) for p in report.problems if p.code in ("LABEL_DEVIATION", "UNIT_MISSING")}
    expected = {(p.code, p.where) for p in seed.problems if p.code in ("LABEL_DEVIATION", "UNIT_MISSING")}
    assert {d for d in deviations if ".column." not in d[1]} == {e for e in expected if ".column." not in e[1]}
