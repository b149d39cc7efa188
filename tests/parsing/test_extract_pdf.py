"""extract_pdf on PDFs generated here: ruled grids with merged cells, tables across pages, unruled tables, errors.

The CJK font is reportlab's STSong-Light, which is not embedded. Without an installed CJK font pdfium has
no glyph boxes for it and leaves out a text object holding a single CJK character (see TEXT_DROPPED), so
the tables here are sized to wrap no CJK character onto a line of its own.
"""

from __future__ import annotations

import random
from io import BytesIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from crawler.parsing import extract_pdf as extract_pdf_module
from crawler.parsing.blocks import ExtractionError, Grid, GridCell
from crawler.parsing.blocks import Paragraph as TextParagraph
from crawler.parsing.extract_pdf import extract_pdf
from demo.reportgen.spec import random_spec
from demo.reportgen.to_pdf import render_pdf

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=11)
VALUE_HEADERS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
ERROR_CODES = {"CORRUPT_DOCUMENT", "ENCRYPTED_DOCUMENT", "NO_TEXT_LAYER"}

Span = tuple[tuple[int, int], tuple[int, int]]


def _pdf(story: list, **doc_options: object) -> bytes:
    buf = BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=30, rightMargin=30, **doc_options).build(story)
    return buf.getvalue()


def _canvas_pdf(draw, pages: int = 1) -> bytes:
    buf = BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    for page in range(pages):
        draw(pdf, page)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _p(text: str) -> Paragraph:
    return Paragraph(text, CELL)


def _ruled(data: list[list], widths: list[float], spans: list[Span] | None = None, **options: object) -> Table:
    table = Table(data, colWidths=widths, **options)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
    ]
    table.setStyle(TableStyle(style + [("SPAN", a, b) for a, b in spans or []]))
    return table


def applications_table() -> Table:
    """The shape of the applications table: three label columns, merged headers, seven value columns."""
    note = _p("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    data = [
        [note, "", "", "申请人情况", "", "", "", "", "", ""],
        ["", "", "", _p("自然人"), _p("法人或其他组织"), "", "", "", "", _p("总计")],
        ["", "", "", "", *(_p(h) for h in VALUE_HEADERS[1:6]), ""],
        [_p("一、本年新收政府信息公开申请数量"), "", "", "3", "1", "0", "", "0", "0", "4"],
        [_p("二、上年结转政府信息公开申请数量"), "", "", "0", "0", "0", "0", "0", "0", "0"],
        [_p("三、本年度办理结果"), _p("（一）予以公开"), "", "2", "1", "", "", "", "", "3"],
        ["", _p("（三）不予公开"), _p("1. 属于国家秘密"), "0", "0", "0", "0", "0", "0", "0"],
        ["", "", _p("5. 属于三类内部事务信息"), "1", "", "0", "0", "0", "0", "1"],
        ["", _p("（六）其他处理"), "", "0", "0", "0", "0", "0", "0", "0"],
        [_p("四、结转下年度继续办理"), "", "", "0", "0", "0", "0", "0", "0", "0"],
    ]
    spans: list[Span] = [
        ((0, 0), (2, 2)),
        ((3, 0), (9, 0)),
        ((3, 1), (3, 2)),
        ((4, 1), (8, 1)),
        ((9, 1), (9, 2)),
        ((0, 3), (2, 3)),
        ((0, 4), (2, 4)),
        ((0, 5), (0, 8)),
        ((1, 5), (2, 5)),
        ((1, 6), (1, 7)),
        ((1, 8), (2, 8)),
        ((0, 9), (2, 9)),
    ]
    return _ruled(data, [40, 50, 75] + [50] * 7, spans)


def long_table(rows: int = 70) -> Table:
    data = [["事项", "数量", "金额"]] + [[f"{i}. 事项{i}", str(i), f"{i * 10}"] for i in range(1, rows + 1)]
    return _ruled(data, [200, 80, 80], repeatRows=1)


def _texts(grid: Grid) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in grid.rows]


def _spans(grid: Grid) -> list[list[tuple[str, int, int, int]]]:
    return [[(c.text.replace("\n", ""), c.col, c.colspan, c.rowspan) for c in row.cells] for row in grid.rows]


def _header_above(header: list[GridCell], cell: GridCell) -> str:
    (match,) = [h.text for h in header if min(h.x1, cell.x1) > max(h.x0, cell.x0)]
    return match


@pytest.fixture(scope="module")
def report() -> bytes:
    story = [
        Paragraph("驿马乡2020年政府信息公开工作年度报告", BODY),
        Paragraph("三、收到和处理政府信息公开申请情况", BODY),
        applications_table(),
        Paragraph("四、政府信息公开行政复议、行政诉讼情况", BODY),
    ]
    return _pdf(story, title="驿马乡2020年政府信息公开工作年度报告")


def test_paragraphs_and_grid_in_reading_order(report: bytes) -> None:
    doc = extract_pdf(report)
    assert (doc.format, doc.pages, doc.problems) == ("pdf", 1, [])
    assert doc.title == "驿马乡2020年政府信息公开工作年度报告"
    kinds = [(type(b).__name__, b.text if isinstance(b, TextParagraph) else b.index) for b in doc.blocks]
    assert kinds == [
        ("Paragraph", "驿马乡2020年政府信息公开工作年度报告"),
        ("Paragraph", "三、收到和处理政府信息公开申请情况"),
        ("Grid", 0),
        ("Paragraph", "四、政府信息公开行政复议、行政诉讼情况"),
    ]
    assert [b.page for b in doc.blocks] == [1, 1, 1, 1]


def test_merged_header_cells_keep_their_spans(report: bytes) -> None:
    grid = extract_pdf(report).grids[0]
    assert (grid.aligned, grid.width(), grid.page) == (True, 10, 1)
    assert _spans(grid)[:3] == [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 0, 3, 3), ("申请人情况", 3, 7, 1)],
        [("自然人", 3, 1, 2), ("法人或其他组织", 4, 5, 1), ("总计", 9, 1, 2)],
        [
            ("商业企业", 4, 1, 1),
            ("科研机构", 5, 1, 1),
            ("社会公益组织", 6, 1, 1),
            ("法律服务机构", 7, 1, 1),
            ("其他", 8, 1, 1),
        ],
    ]
    assert grid.rows[2].cells[2].text == "社会公益\n组织"
    assert [(c.x0, c.x1) for c in grid.rows[0].cells] == [(40.14, 205.14), (205.14, 555.14)]
    assert [(c.x0, c.x1) for c in grid.rows[2].cells[:2]] == [(255.14, 305.14), (305.14, 355.14)]


def test_values_land_in_their_columns_and_blanks_stay_empty(report: bytes) -> None:
    grid = extract_pdf(report).grids[0]
    assert _texts(grid)[3:] == [
        ["一、本年新收政府信息公开申请数量", "3", "1", "0", "", "0", "0", "4"],
        ["二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0"],
        ["三、本\n年度办\n理结果", "（一）予以公开", "2", "1", "", "", "", "", "3"],
        ["（三）不\n予公开", "1. 属于国家秘密", "0", "0", "0", "0", "0", "0", "0"],
        ["5. 属于三类内部\n事务信息", "1", "", "0", "0", "0", "0", "1"],
        ["（六）其他处理", "0", "0", "0", "0", "0", "0", "0"],
        ["四、结转下年度继续办理", "0", "0", "0", "0", "0", "0", "0"],
    ]
    matrix = grid.matrix()
    column = {h: [row[3 + i].text for row in matrix[3:]] for i, h in enumerate(VALUE_HEADERS)}
    assert column["社会公益组织"] == ["", "0", "", "0", "0", "0", "0"]
    assert column["商业企业"] == ["1", "0", "1", "0", "", "0", "0"]
    assert column["总计"] == ["4", "0", "3", "0", "1", "0", "0"]
    labels = {c.text.replace("\n", ""): (c.col, c.colspan, c.rowspan) for row in grid.rows[3:] for c in row.cells[:2]}
    assert labels["三、本年度办理结果"] == (0, 1, 4)
    assert labels["（三）不予公开"] == (1, 1, 2)
    assert labels["（一）予以公开"] == (1, 2, 1)
    assert labels["5. 属于三类内部事务信息"] == (2, 1, 1)
    assert all(c.x0 is not None and c.x1 is not None and c.x0 < c.x1 for row in grid.rows for c in row.cells)
    assert [row.page for row in grid.rows] == [1] * 10
    assert [row.y for row in grid.rows] == [106.0, 124.0, 142.0, 170.0, 188.0, 206.0, 224.0, 242.0, 270.0, 288.0]


def test_table_across_two_pages_gives_one_grid_per_page_with_the_header_repeated() -> None:
    doc = extract_pdf(_pdf([Paragraph("政府信息公开工作年度报告", BODY), long_table(70)]))
    assert doc.pages == 2
    first, second = doc.grids
    assert (first.page, second.page) == (1, 2)
    assert _texts(first)[0] == _texts(second)[0] == ["事项", "数量", "金额"]
    assert {row.page for row in first.rows} == {1}
    assert {row.page for row in second.rows} == {2}
    assert _texts(first)[1:] + _texts(second)[1:] == [[f"{i}. 事项{i}", str(i), f"{i * 10}"] for i in range(1, 71)]
    assert (len(first.rows), len(second.rows)) == (37, 35)


def test_tables_drawn_one_against_the_other_stay_apart() -> None:
    upper = _ruled([["行政复议", "行政诉讼"], ["维持", "纠正"], ["0", "1"]], [100, 100])
    lower = _ruled([["信息内容", "数量", "金额"], ["行政许可", "2", "3"]], [120, 60, 60])
    doc = extract_pdf(_pdf([Paragraph("两个表格紧挨着", BODY), upper, lower]))
    assert [_texts(g) for g in doc.grids] == [
        [["行政复议", "行政诉讼"], ["维持", "纠正"], ["0", "1"]],
        [["信息内容", "数量", "金额"], ["行政许可", "2", "3"]],
    ]
    assert doc.grids[0].rows[-1].y + 18 == doc.grids[1].rows[0].y  # they share the rule between them


def _unruled(data: list[list], widths: list[float], valign: str = "TOP") -> Table:
    table = Table(data, colWidths=widths)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), valign)]))
    return table


def test_unruled_table_gives_loose_rows_aligned_under_their_headers() -> None:
    data = [
        ["项目", "自然人", "商业企业", "科研机构"],
        ["一、本年新收申请", "3", "", "12"],
        ["二、上年结转申请", "0", "1", "0"],
        ["四、结转下年度", "", "", "7"],
    ]
    story = [Paragraph("表前说明", BODY), _unruled(data, [130, 80, 80, 80]), Paragraph("表后说明", BODY)]
    doc = extract_pdf(_pdf(story))
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Grid", "Paragraph"]
    assert (doc.blocks[0].text, doc.blocks[2].text) == ("表前说明", "表后说明")
    grid = doc.grids[0]
    assert grid.aligned is False
    assert _texts(grid) == [
        ["项目", "自然人", "商业企业", "科研机构"],
        ["一、本年新收申请", "3", "12"],
        ["二、上年结转申请", "0", "1", "0"],
        ["四、结转下年度", "7"],
    ]
    header = grid.rows[0].cells
    assert [c.col for c in header] == [0, 1, 2, 3]
    assert [(c.x0, c.x1) for c in header] == [(118.64, 138.64), (248.64, 278.64), (328.64, 368.64), (408.64, 448.64)]
    assert [_header_above(header, c) for c in grid.rows[1].cells[1:]] == ["自然人", "科研机构"]
    assert [_header_above(header, c) for c in grid.rows[2].cells[1:]] == ["自然人", "商业企业", "科研机构"]
    assert [_header_above(header, c) for c in grid.rows[3].cells[1:]] == ["科研机构"]


def test_unruled_table_keeps_a_wrapped_label_in_its_row() -> None:
    data = [
        ["项目", "自然人", "商业企业"],
        [_p("一、本年新收政府信息公开申请数量"), "3", "12"],
        [_p("二、上年结转政府信息公开申请数量"), "0", "1"],
        ["四、结转下年度", "5", "7"],
    ]
    grid = extract_pdf(_pdf([_unruled(data, [90, 80, 80], valign="MIDDLE")])).grids[0]
    assert _texts(grid) == [
        ["项目", "自然人", "商业企业"],
        ["一、本年新收政府\n信息公开申请数量", "3", "12"],
        ["二、上年结转政府\n信息公开申请数量", "0", "1"],
        ["四、结转下年度", "5", "7"],
    ]


def test_rules_drawn_as_thin_filled_rectangles_inside_a_form_xobject() -> None:
    """Word draws borders as filled rectangles; some producers put the whole table in a form XObject."""

    def draw(pdf: canvas.Canvas, _page: int) -> None:
        pdf.beginForm("table")
        for x in (0, 120, 200, 280):
            pdf.rect(x, 0, 0.6, 40, stroke=0, fill=1)
        for y in (0, 20, 40):
            pdf.rect(0, y, 280.6, 0.6, stroke=0, fill=1)
        pdf.endForm()
        pdf.saveState()
        pdf.translate(100, 600)
        pdf.doForm("table")
        pdf.restoreState()
        pdf.setFont(FONT, 10)
        for x, y, text in [(105, 626, "信息内容"), (225, 626, "数量"), (105, 606, "行政许可"), (305, 606, "12")]:
            pdf.drawString(x, y, text)

    grid = extract_pdf(_canvas_pdf(draw)).grids[0]
    assert grid.aligned is True
    assert _texts(grid) == [["信息内容", "数量", ""], ["行政许可", "", "12"]]
    assert [(c.x0, c.x1) for c in grid.rows[1].cells] == [(100.3, 220.3), (220.3, 300.3), (300.3, 380.3)]
    assert [row.y for row in grid.rows] == [201.59, 221.59]


def test_rotated_page_reads_upright() -> None:
    """A page with /Rotate 90 whose text runs up the paper reads left to right, top to bottom as displayed."""

    def draw(pdf: canvas.Canvas, _page: int) -> None:
        pdf.setPageRotation(90)
        pdf.setFont("Helvetica", 12)  # a standard font: pdfium knows its glyph boxes without any installed font
        pdf.rotate(90)
        pdf.drawString(100, -100, "First line")
        pdf.drawString(100, -130, "Second line")
        pdf.drawString(300, -130, "right")

    doc = extract_pdf(_canvas_pdf(draw))
    assert [b.text for b in doc.blocks] == ["First line", "Second line right"]


def test_document_info_goes_to_meta() -> None:
    doc = extract_pdf(_pdf([Paragraph("政府信息公开工作年度报告正文", BODY)], title="", author="驿马乡人民政府"))
    assert doc.title is None
    assert doc.meta["Author"] == "驿马乡人民政府"
    assert doc.meta["Producer"] == "ReportLab PDF Library - (opensource)"


def test_more_pages_than_the_limit_reads_the_first_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_pdf_module, "MAX_PAGES", 3)

    def draw(pdf: canvas.Canvas, page: int) -> None:
        pdf.setFont(FONT, 12)
        pdf.drawString(100, 700, f"第{page + 1}页的正文内容")

    doc = extract_pdf(_canvas_pdf(draw, pages=5))
    assert doc.pages == 5
    assert [(b.page, b.text) for b in doc.blocks] == [
        (1, "第1页的正文内容"),
        (2, "第2页的正文内容"),
        (3, "第3页的正文内容"),
    ]
    assert [(p.code, p.message) for p in doc.problems] == [("TOO_MANY_PAGES", "5 pages; only the first 3 were read")]


def test_a_scanned_page_among_text_pages_is_reported() -> None:
    def draw(pdf: canvas.Canvas, page: int) -> None:
        if page == 1:
            pdf.drawInlineImage(Image.new("L", (20, 20), 128), 100, 500, 300, 300)
            return
        pdf.setFont(FONT, 12)
        pdf.drawString(100, 700, "政府信息公开工作年度报告")

    doc = extract_pdf(_canvas_pdf(draw, pages=3))
    assert [(p.code, p.where) for p in doc.problems] == [("PAGES_WITHOUT_TEXT", "2")]
    assert [b.page for b in doc.blocks] == [1, 3]


def test_a_lone_character_pdfium_cannot_place_is_reported_or_read() -> None:
    def draw(pdf: canvas.Canvas, _page: int) -> None:
        pdf.setFont(FONT, 12)
        pdf.drawString(100, 700, "属于三类内部事务信")
        pdf.drawString(100, 686, "息")

    doc = extract_pdf(_canvas_pdf(draw))
    texts = [b.text for b in doc.blocks]
    # The probe tells the two machines apart: it must agree with what pdfium did to the lone character.
    if not extract_pdf_module.cjk_fallback():  # no CJK font: no glyph box for the lone character, skipped
        assert texts == ["属于三类内部事务信"]
        assert [(p.code, p.where) for p in doc.problems] == [("TEXT_DROPPED", "pages 1")]
    else:
        assert texts == ["属于三类内部事务信", "息"]
        assert doc.problems == []


def test_empty_text_objects_are_not_dropped_text_where_a_cjk_font_is_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """reportlab's tables write text objects with nothing in them; without extent they look like text
    pdfium could not place, which only a machine without a CJK font can have."""
    pdf = render_pdf(random_spec(random.Random(0), template="2021"))
    if extract_pdf_module.cjk_fallback():
        assert extract_pdf(pdf).problems == []
    monkeypatch.setattr(extract_pdf_module, "cjk_fallback", lambda: False)
    assert [p.code for p in extract_pdf(pdf).problems] == ["TEXT_DROPPED"]


def test_image_only_pdf_has_no_text_layer() -> None:
    def draw(pdf: canvas.Canvas, page: int) -> None:
        pdf.drawInlineImage(Image.new("RGB", (40, 40), (200, 200, 200 - page)), 100, 500, 300, 300)

    with pytest.raises(ExtractionError) as err:
        extract_pdf(_canvas_pdf(draw, pages=2))
    assert err.value.code == "NO_TEXT_LAYER"


def test_password_protected_pdf() -> None:
    buf = BytesIO()
    pdf = canvas.Canvas(buf, encrypt=pdfencrypt.StandardEncryption("user", "owner"))
    pdf.drawString(100, 700, "secret report text")
    pdf.save()
    with pytest.raises(ExtractionError) as err:
        extract_pdf(buf.getvalue())
    assert err.value.code == "ENCRYPTED_DOCUMENT"


def test_owner_password_only_still_reads() -> None:
    buf = BytesIO()
    pdf = canvas.Canvas(buf, encrypt=pdfencrypt.StandardEncryption("", "owner", canCopy=0))
    pdf.setFont(FONT, 12)
    pdf.drawString(100, 700, "公开的内容可以读取")
    pdf.save()
    assert [b.text for b in extract_pdf(buf.getvalue()).blocks] == ["公开的内容可以读取"]


@pytest.mark.parametrize("data", [b"", b"garbage", b"<html><body>not a pdf</body></html>", b"%PDF-1.7\n%%EOF"])
def test_not_a_pdf_is_corrupt(data: bytes) -> None:
    with pytest.raises(ExtractionError) as err:
        extract_pdf(data)
    assert err.value.code == "CORRUPT_DOCUMENT"


def test_truncated_pdf_is_corrupt(report: bytes) -> None:
    with pytest.raises(ExtractionError) as err:
        extract_pdf(report[:400])
    assert err.value.code == "CORRUPT_DOCUMENT"


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2000), header=st.booleans())
def test_arbitrary_bytes_raise_only_extraction_errors(data: bytes, header: bool) -> None:
    try:
        extract_pdf(b"%PDF-1.4\n" + data if header else data)
    except ExtractionError as err:
        assert err.code in ERROR_CODES


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0.0, 1.0), flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=20))
def test_damaged_pdfs_raise_only_extraction_errors(report: bytes, cut: float, flips: list[tuple[float, int]]) -> None:
    data = bytearray(report[: int(len(report) * cut)])
    for where, byte in flips:
        if data:
            data[int(where * (len(data) - 1))] = byte
    try:
        doc = extract_pdf(bytes(data))
    except ExtractionError as err:
        assert err.code in ERROR_CODES
    else:
        assert doc.format == "pdf"
        assert doc.pages is not None and doc.pages >= 1
