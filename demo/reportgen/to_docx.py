"""DOCX rendering with python-docx: paragraphs as an office writes them, tables merged like the templates' tables."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell

from demo.reportgen.layout import (
    HEADING,
    LABEL,
    SIGNATURE,
    TITLE,
    VALUE,
    VLABEL,
    Block,
    Cell,
    Layout,
    document_blocks,
    unmerge,
)
from demo.reportgen.spec import ReportSpec

_BODY_FONT, _HEADING_FONT, _TITLE_FONT = "仿宋_GB2312", "黑体", "方正小标宋简体"


def render_docx(spec: ReportSpec, *, one_table: bool = False, merged_headers: bool = True) -> bytes:
    """The report as a Word file. Table 二 is one table per block unless `one_table`; with
    `merged_headers=False` no cell is merged (a spanned area is written as separate cells, text in the first).
    """
    document = Document()
    _base_style(document)
    document.core_properties.title = spec.title
    document.core_properties.author = spec.body
    for block in document_blocks(spec, one_table=one_table):
        if block.layout is None:
            _paragraph(document, block)
        else:
            _table(document, block.layout if merged_headers else unmerge(block.layout))
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _base_style(document: DocxDocument) -> None:
    normal = document.styles["Normal"]
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _BODY_FONT)


def _east_asian(run_element: OxmlElement, font: str) -> None:
    run_element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _paragraph(document: DocxDocument, block: Block) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(block.text)
    if block.kind == TITLE:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run.font.size = Pt(22)
        _east_asian(run._r, _TITLE_FONT)
    elif block.kind == SIGNATURE:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    else:
        paragraph.paragraph_format.first_line_indent = Pt(32)
        if block.kind == HEADING:
            _east_asian(run._r, _HEADING_FONT)


def _table(document: DocxDocument, layout: Layout) -> None:
    table = document.add_table(rows=len(layout.rows), cols=layout.width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Cells looked up once before merging: table.cell() rescans the whole table on every call, and
    # merging disjoint areas leaves the other cells' elements in place.
    grid = [list(row.cells) for row in table.rows]
    for r, row in enumerate(layout.placed()):
        for col, cell in row:
            target = grid[r][col]
            if cell.colspan > 1 or cell.rowspan > 1:
                target = target.merge(grid[r + cell.rowspan - 1][col + cell.colspan - 1])
            _write(target, cell)
    for row in table.rows[: layout.header_rows]:  # Word repeats these rows when the table breaks
        flag = OxmlElement("w:tblHeader")
        row._tr.get_or_add_trPr().append(flag)
    document.add_paragraph()


def _write(target: _Cell, cell: Cell) -> None:
    paragraph = target.paragraphs[0]
    run = paragraph.add_run(cell.text)
    run.font.size = Pt(10.5)
    if cell.kind != LABEL or len(cell.text) <= 8:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if cell.kind == VLABEL:
        _vertical(target)
    if cell.kind == VALUE:
        paragraph.paragraph_format.space_after = Pt(0)


def _vertical(target: _Cell) -> None:
    """Text running top to bottom, as the 三、本年度办理结果 cell is set in the templates."""
    tc_pr = target._tc.get_or_add_tcPr()
    direction = OxmlElement("w:textDirection")
    direction.set(qn("w:val"), "tbRlV")
    v_align = tc_pr.find(qn("w:vAlign"))
    if v_align is not None:  # the schema puts textDirection before vAlign
        v_align.addprevious(direction)
    else:
        tc_pr.append(direction)
