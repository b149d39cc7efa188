"""The synthetic report generator: consistent tables, deterministic specs, and renderings that carry every cell."""

from __future__ import annotations

import io
import random
import re
from dataclasses import replace
from datetime import date

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from lxml import html

from crawler.parsing.cells import read_cell
from crawler.parsing.normalize import label_key
from crawler.parsing.templates import TABLES, section_defs, templates
from demo.reportgen import (
    ReportSpec,
    expected_cells,
    random_spec,
    render_docx,
    render_html,
    render_pdf,
    render_text,
    shift_years,
)
from demo.reportgen.prose import HEADING_VARIANTS

TEMPLATES = ("2019", "2021")
SEEDS = range(6)


def _spec(seed: int = 1, template: str = "2021", **options: object) -> ReportSpec:
    return random_spec(random.Random(seed), template=template, **options)


def _cells(spec: ReportSpec, table: str) -> dict[str, dict[str, str]]:
    rows = spec.tables[table]
    assert rows is not None
    return rows


def _raws(spec: ReportSpec, *tables: str) -> list[str]:
    return [raw for table in tables or TABLES for cols in _cells(spec, table).values() for raw in cols.values()]


def _number(spec: ReportSpec, table: str, row: str, col: str) -> float:
    """A cell as the equations count it: blank and dash are nothing, i.e. 0."""
    column = spec.definition.column(table, row, col)
    value = read_cell(_cells(spec, table)[row][col], column.kind if column else "count").value
    return value or 0


def _equation_failures(spec: ReportSpec) -> list[str]:
    """Every (equation, column or row) where the template's equations do not hold, computed from the spec."""
    failures = []
    for equation in spec.definition.equations:
        rows = spec.tables[equation.table]
        if rows is None:
            continue
        if equation.per == "column":
            for col in rows[equation.left[0]]:
                left = sum(_number(spec, equation.table, r, col) for r in equation.left)
                right = sum(_number(spec, equation.table, r, col) for r in equation.right)
                if left != right:
                    failures.append(f"{equation.id}:{col}")
        else:
            for row in rows:
                left = sum(_number(spec, equation.table, row, c) for c in equation.left)
                right = sum(_number(spec, equation.table, row, c) for c in equation.right)
                if left != right:
                    failures.append(f"{equation.id}:{row}")
    return failures


def _row_labels(template: str) -> list[str]:
    """Every printed row label of the three tables, from the template definitions."""
    definition = templates()[template]
    labels = [r.label for sub in definition.subtables for r in sub.rows]
    labels += [r.display for r in definition.application_rows]
    labels += [r.label for r in definition.review_rows]
    labels += [r.group_label for r in definition.review_rows if r.group_label]
    return labels


def _headings(spec: ReportSpec) -> list[str]:
    numerals = "一二三四五六"
    return [f"{numerals[i]}、{spec.headings.get(s.key, s.title)}" for i, s in enumerate(section_defs())]


def _squash(text: str) -> str:
    return re.sub(r"[\s\u3000\xa0]+", "", text)


def _html_grid(table: html.HtmlElement) -> list[list[str]]:
    """A <table> as a full matrix of cell texts (a spanning cell fills every position it covers)."""
    grid: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.iter("tr")):
        col = 0
        for td in tr.iter("td", "th"):
            while (r, col) in grid:
                col += 1
            span_rows, span_cols = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            for dr in range(span_rows):
                for dc in range(span_cols):
                    grid[(r + dr, col + dc)] = _squash(td.text_content())
            col += span_cols
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(height)]


# --- specs --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("seed", SEEDS)
def test_consistent_specs_satisfy_every_equation(template: str, seed: int) -> None:
    for size in ("zero", "small", "large"):
        spec = _spec(seed, template, size=size, blank="some", dash_rate=0.3)
        assert _equation_failures(spec) == []


@pytest.mark.parametrize("template", TEMPLATES)
def test_inconsistent_specs_break_an_equation(template: str) -> None:
    for seed in SEEDS:
        assert _equation_failures(_spec(seed, template, consistent=False)) != []


@pytest.mark.parametrize("template", TEMPLATES)
def test_spec_fills_exactly_the_cells_the_template_expects(template: str) -> None:
    spec = _spec(3, template)
    definition = templates()[template]
    assert spec.template == template
    assert definition.fits_year(spec.year)
    for table in TABLES:
        expected = definition.expected_cells(table)
        assert list(_cells(spec, table)) == list(expected)
        for row, cols in expected.items():
            assert tuple(_cells(spec, table)[row]) == cols


@pytest.mark.parametrize("seed", SEEDS)
def test_a_following_year_continues_carried_applications_and_documents_in_force(seed: int) -> None:
    first = _spec(seed, "2021", year=2021, size="large")
    second = _spec(seed + 100, "2021", year=2022, size="large", follows=first)
    before, after = expected_cells(first), expected_cells(second)
    for col, (state, forward) in before["applications"]["carried_forward"].items():
        assert state == "number"
        assert after["applications"]["carried_over"][col] == (state, forward)  # R5
    for row in ("rules", "normative_docs"):
        last = before["active_disclosure"][row]["in_force"][1]
        issued, repealed, in_force = (after["active_disclosure"][row][c][1] for c in ("issued", "repealed", "in_force"))
        assert in_force == last + issued - repealed  # R6


def test_same_seed_same_spec_other_seed_other_spec() -> None:
    assert _spec(11, "2019", blank="some", dash_rate=0.2) == _spec(11, "2019", blank="some", dash_rate=0.2)
    assert _spec(11) != _spec(12)


def test_a_named_body_is_used_in_title_and_prose() -> None:
    spec = _spec(24, "2019", body="安太乡人民政府", year=2020, site="融水苗族自治县人民政府门户网站")
    assert spec.body == "安太乡人民政府" and spec.year == 2020
    assert spec.title in (
        "安太乡人民政府2020年政府信息公开工作年度报告",
        "安太乡人民政府2020年度政府信息公开工作年度报告",
    )
    assert "我乡" in (spec.sections["overview"] or "") + (spec.sections["applications"] or "")
    assert spec.site == "融水苗族自治县人民政府门户网站"
    assert spec.publish_date is not None and spec.publish_date.year == 2021
    with pytest.raises(ValueError, match="blank"):
        _spec(24, blank="half")


def test_a_zero_body_reports_zeros_and_says_it_had_no_requests() -> None:
    spec = _spec(2, "2021", size="zero")
    assert set(_raws(spec)) == {"0"}
    assert "未收到" in spec.sections["applications"]


def test_overview_quotes_the_numbers_of_the_tables() -> None:
    for seed in SEEDS:
        spec = _spec(seed, "2021", size="large")
        received = _cells(spec, "applications")["new_received"]["total"]
        assert int(received) >= 10
        assert f"共收到政府信息公开申请{received}件" in (spec.sections["overview"] or "")


def test_blank_all_leaves_one_whole_table_blank() -> None:
    spec = _spec(5, "2019", blank="all", blank_table="applications", size="large")
    cells = _raws(spec, "applications")
    assert len(cells) == 23 * 7 and set(cells) == {""}  # the 2019 template's 23 numbered rows
    assert "" not in _raws(spec, "reviews_litigation")
    drawn = _spec(6, "2021", blank="all")
    assert [set(_raws(drawn, table)) == {""} for table in TABLES].count(True) == 1


def test_blank_some_and_dashes_only_replace_zeros() -> None:
    spec = _spec(7, "2021", size="large", blank="some", dash_rate=0.5)
    raws = _raws(spec)
    assert "" in raws
    assert {r for r in raws if not re.fullmatch(r"[+-]?\d+(\.\d+)?(万元|元)?", r)} <= {"", "/", "—", "无"}
    assert len({r for r in raws if r in ("/", "—", "无")}) == 1  # one dash style per report


def test_signed_changes_and_amounts_are_written_like_real_reports() -> None:
    changes, amounts = set(), set()
    for seed in range(30):
        spec = _spec(seed, "2019", size="large")
        active = _cells(spec, "active_disclosure")
        changes |= {cols["change"] for cols in active.values() if "change" in cols}
        amounts.add(active["procurement"]["amount"])
    assert any(c.startswith("+") for c in changes) and any(c.startswith("-") for c in changes) and "0" in changes
    assert any(a.endswith("万元") for a in amounts) and any(re.fullmatch(r"[\d.]+元", a) for a in amounts)
    assert any(re.fullmatch(r"[\d.]+", a) and a != "0" for a in amounts)


def test_expected_cells_reads_the_generated_text() -> None:
    spec = _spec(8, "2019", size="large")
    active = _cells(spec, "active_disclosure")
    active["procurement"]["amount"] = "251000元"
    active["fees"]["change"] = "-1"
    active["licensing"]["change"] = "+3"
    active["rules"]["made"] = "/"
    active["rules"]["published"] = ""
    cells = expected_cells(spec)["active_disclosure"]
    assert cells["procurement"]["amount"] == ("number", 25.1)
    assert cells["fees"]["change"] == ("number", -1)
    assert cells["licensing"]["change"] == ("number", 3)
    assert cells["rules"]["made"] == ("dash", None)
    assert cells["rules"]["published"] == ("blank", None)
    absent = expected_cells(replace(spec, tables={**spec.tables, "reviews_litigation": None}))
    assert set(absent) == {"active_disclosure", "applications"}


def test_problems_text_can_be_reused_with_the_years_moved() -> None:
    last_year = _spec(9, "2021", year=2022)
    reused = shift_years(last_year.sections["problems"] or "", 1)
    spec = _spec(10, "2021", year=2023, problems_text=reused)
    assert spec.sections["problems"] == reused
    assert (
        shift_years("2022年存在问题，2023年将改进，电话0591-2315", 1) == "2023年存在问题，2024年将改进，电话0591-2315"
    )


def test_heading_variants_still_match_their_sections() -> None:
    definitions = {s.key: s for s in section_defs()}
    for key, variants in HEADING_VARIANTS.items():
        for variant in variants:
            assert definitions[key].matches(label_key(variant)), variant


# --- HTML ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize(("style", "container"), [("trs", "div.TRS_Editor"), ("hanweb", "div#zoom")])
@pytest.mark.parametrize("word_pasted", [True, False])
def test_html_page_has_metadata_and_every_label(template: str, style: str, container: str, word_pasted: bool) -> None:
    spec = replace(_spec(12, template), publish_date=date(2022, 1, 20))
    page = html.fromstring(render_html(spec, style=style, word_pasted=word_pasted).decode("utf-8"))
    assert page.xpath("//meta[@name='ArticleTitle']/@content") == [spec.title]
    assert re.fullmatch(r"2022-01-20 \d\d:\d\d", page.xpath("//meta[@name='PubDate']/@content")[0])
    catalogue = _squash(page.xpath("//table")[0].text_content())
    assert "索引号" in catalogue and spec.body in catalogue and "发布日期：2022-01-20" in catalogue
    (body,) = page.cssselect(container)
    text = _squash(body.text_content())
    for label in _row_labels(template):
        assert _squash(label) in text, label
    paragraphs = [_squash(p.text_content()) for p in body.iter("p")]
    for heading in _headings(spec):
        assert heading in paragraphs
    assert len(body.cssselect("table")) == 3


def test_html_tables_hold_the_spec_values() -> None:
    spec = _spec(13, "2021", size="large", blank="some")
    body = html.fromstring(render_html(spec, style="fragment").decode("utf-8"))
    t2, t3, t4 = (_html_grid(t) for t in body.iter("table"))
    applications = _cells(spec, "applications")
    columns = [c.key for c in spec.definition.application_columns]
    by_label = {row[2]: row[3:] for row in t3[3:]}
    for row in spec.definition.application_rows:
        if not row.group:
            assert by_label[_squash(row.display)] == [_squash(applications[row.key][c]) for c in columns], row.key
    reviews = _cells(spec, "reviews_litigation")
    definition = spec.definition
    assert t4[3] == [_squash(reviews[r.key][c.key]) for r in definition.review_rows for c in definition.review_columns]
    assert t2[0] == ["第二十条第（一）项"] * 4
    assert t2[3][0] == "行政规范性文件"


def test_word_pasted_html_looks_pasted_from_word() -> None:
    spec = _spec(14, "2019", size="large", blank="some")
    raw = render_html(spec, word_pasted=True).decode("utf-8")
    assert 'class="MsoNormalTable"' in raw
    assert "&nbsp;</p></td>" in raw.replace("<o:p></o:p>", "")
    vertical = [td for td in html.fromstring(raw).iter("td") if td.get("rowspan") == "20"]
    assert len(vertical) == 1 and _squash(vertical[0].text_content()) == "三、本年度办理结果"
    assert html.tostring(vertical[0], encoding="unicode").count("<br>") == 8
    plain = render_html(spec, word_pasted=False).decode("utf-8")
    assert "MsoNormalTable" not in plain and "<br>" not in plain and "&nbsp;" not in plain


def test_gbk_html_declares_gb2312_and_decodes_as_gb18030() -> None:
    spec = _spec(15, "2021")
    raw = render_html(spec, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gb18030")
    assert '<meta charset="gb2312">' in text
    assert spec.title in text and "3.危及“三安全一稳定”" in _squash(html.fromstring(text).text_content())


def test_split_tables_repeats_the_header_of_table_three() -> None:
    spec = _spec(16, "2021")
    body = html.fromstring(render_html(spec, style="fragment", split_tables=True).decode("utf-8"))
    tables = body.cssselect("table")
    assert len(tables) == 4
    first, second = (_html_grid(t) for t in tables[1:3])
    assert first[:3] == second[:3]
    assert first[0][3] == "申请人情况"
    assert len(first) + len(second) - 3 == 3 + 25  # the header once and the 2021 template's 25 numbered rows
    # The merged 三、本年度办理结果 cell continues, empty, at the top of the second part.
    carried = tables[2].cssselect("tr")[3].cssselect("td")[0]
    assert _squash(carried.text_content()) == "" and carried.get("rowspan") == "12"


def test_fragment_is_the_body_alone() -> None:
    raw = render_html(_spec(17), style="fragment").decode("utf-8")
    assert raw.startswith("<p") and "<html" not in raw and "PubDate" not in raw


def test_missing_publish_date_and_section_and_overridden_label() -> None:
    spec = _spec(18, "2021")
    spec.publish_date = None
    spec.sections["other"] = None
    spec.label_overrides["applications.rejected_petition"] = "信访举报类申请"
    page = render_html(spec, word_pasted=False).decode("utf-8")
    assert "PubDate" not in page and "六、" not in page
    assert "1.信访举报类申请" in page and "信访举报投诉类申请" not in page


# --- DOCX ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("template", "separate_tables"), [("2019", 7), ("2021", 6)])
def test_docx_tables_with_merged_header_cells(template: str, separate_tables: int) -> None:
    spec = _spec(19, template, size="large")
    document = docx.Document(io.BytesIO(render_docx(spec)))
    assert len(document.tables) == separate_tables
    assert document.paragraphs[0].text == spec.title
    t3 = document.tables[-2]
    header_xml = "".join(row._tr.xml for row in t3.rows[:3])
    assert "w:gridSpan" in header_xml and "w:vMerge" in header_xml
    assert 'w:textDirection w:val="tbRlV"' in t3._tbl.xml
    assert t3.cell(0, 0).text.startswith("（本列数据的勾稽关系为")
    first = t3.rows[3].cells
    assert first[0].text == "一、本年新收政府信息公开申请数量"
    columns = [c.key for c in spec.definition.application_columns]
    assert [c.text for c in first[3:]] == [_cells(spec, "applications")["new_received"][c] for c in columns]
    assert len(docx.Document(io.BytesIO(render_docx(spec, one_table=True))).tables) == 3


def test_docx_without_merged_headers_has_no_merges() -> None:
    document = docx.Document(io.BytesIO(render_docx(_spec(20, "2021"), merged_headers=False)))
    xml = "".join(t._tbl.xml for t in document.tables)
    assert "w:gridSpan" not in xml and "w:vMerge" not in xml
    assert document.tables[-2].rows[0].cells[3].text == "申请人情况"
    assert document.tables[-2].rows[0].cells[4].text == ""


# --- PDF ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
def test_pdf_has_pages_labels_and_a_repeated_table_header(template: str) -> None:
    spec = _spec(21, template, size="large", dash_rate=0.3)
    pdf = pdfium.PdfDocument(render_pdf(spec))
    pages = [page.get_textpage().get_text_range() for page in pdf]
    assert len(pages) >= 2
    text = _squash("".join(pages))
    assert spec.title in text
    for label in _row_labels(template):
        assert _squash(label) in text, label
    assert sum("申请人情况" in page for page in pages) >= 2  # table 三 breaks, header repeated


def test_unruled_pdf_draws_no_lines() -> None:
    spec = _spec(22, "2021")
    ruled = pdfium.PdfDocument(render_pdf(spec))
    bare = pdfium.PdfDocument(render_pdf(spec, ruled=False))
    paths = [pdfium_raw.FPDF_PAGEOBJ_PATH]
    assert sum(len(list(p.get_objects(filter=paths))) for p in ruled) > 0
    assert sum(len(list(p.get_objects(filter=paths))) for p in bare) == 0
    assert "一、本年新收政府信息公开申请数量" in _squash("".join(p.get_textpage().get_text_range() for p in bare))


# --- text ---------------------------------------------------------------------------------------------


def test_text_dump_has_paragraph_lines_and_tab_separated_rows() -> None:
    spec = _spec(23, "2019", size="large", blank="some")
    lines = render_text(spec).split("\n")
    assert lines[0] == spec.title
    assert all(heading in lines for heading in _headings(spec))
    applications = _cells(spec, "applications")
    columns = [c.key for c in spec.definition.application_columns]
    row = "\t".join(["一、本年新收政府信息公开申请数量", "", "", *(applications["new_received"][c] for c in columns)])
    assert row in lines
    assert [line.count("\t") for line in lines].count(9) == 3 + 23  # table 三: 10 cells in each header and row
    text = _squash(render_text(spec))
    for label in _row_labels("2019"):
        assert _squash(label) in text, label
    assert "第二十条第（九）项\t\t\t" in lines
