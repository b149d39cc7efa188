"""PDF rendering with reportlab: A4, the built-in Chinese CID font, ruled tables whose merged cells break on pages."""

from __future__ import annotations

import math
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from demo.reportgen.layout import HEADING, LABEL, SIGNATURE, TITLE, Block, Cell, Layout, document_blocks
from demo.reportgen.spec import ReportSpec

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

MARGIN = 2.2 * cm
FRAME_WIDTH = A4[0] - 2 * MARGIN
CELL_SIZE = 10.5
CELL_LEADING = 13.0
PAD_X, PAD_Y = 3.0, 5.0
_VALUE_WIDTH = 36.0  # one applicant column of table 三
_VERTICAL_WIDTH = 20.0  # one character wide: 三、本年度办理结果 stacks a character per line
_GROUP_WIDTH = 64.0
_CLOSING = set("，。、；：）》”！？")

_STYLES = {
    TITLE: ParagraphStyle("title", fontName=FONT, fontSize=20, leading=30, alignment=TA_CENTER, spaceAfter=12),
    HEADING: ParagraphStyle("heading", fontName=FONT, fontSize=14, leading=24, firstLineIndent=28, spaceBefore=6),
    SIGNATURE: ParagraphStyle("signature", fontName=FONT, fontSize=12, leading=22, alignment=TA_RIGHT),
    "body": ParagraphStyle(
        "body", fontName=FONT, fontSize=12, leading=22, firstLineIndent=24, alignment=TA_JUSTIFY, wordWrap="CJK"
    ),
}


class BreakableTable(Table):
    """A table that may break between rows inside a vertically merged cell, as Word does.

    reportlab keeps every row span on one page, and all of table 三's result rows sit under one merged
    label, so the table could only break around that block. Spans are ignored when choosing the break
    (reportlab then shortens a span crossing it and continues it empty after the repeated header); the
    NOSPLIT ranges set in `_table` keep the first rows of a merged label together so its text fits.
    """

    def _getFirstPossibleSplitRowPosition(self, availHeight: float, ignoreSpans: int = 0) -> int:
        return super()._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans=1)


def render_pdf(spec: ReportSpec, *, ruled: bool = True, one_table: bool = True) -> bytes:
    """The report as a printed-to-PDF document; `ruled=False` draws no table lines."""
    out = BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=spec.title,
        author=spec.body,
        invariant=1,
    )
    story: list[Flowable] = []
    for block in document_blocks(spec, one_table=one_table):
        if block.layout is None:
            story.append(_paragraph(block))
        else:
            story += [_table(block.layout, ruled=ruled), Spacer(1, 10)]
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return out.getvalue()


def _page_number(canvas: Canvas, document: SimpleDocTemplate) -> None:
    canvas.setFont(FONT, 10)
    canvas.drawCentredString(A4[0] / 2, MARGIN / 2, f"— {document.page} —")


def _paragraph(block: Block) -> Paragraph:
    # A trailing no-break space keeps a last line of one character from being a lone CJK glyph, which
    # pdfium's text extraction drops when the (non-embedded) font has no glyph box for it.
    text = escape(block.text) + "&nbsp;"
    return Paragraph(text, _STYLES.get(block.kind, _STYLES["body"]))


def _table(layout: Layout, *, ruled: bool) -> Table:
    widths = _widths(layout)
    data: list[list[str]] = [[""] * layout.width for _ in layout.rows]
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE, CELL_LEADING),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
    ]
    for r, row in enumerate(layout.placed()):
        for col, cell in row:
            lines = wrap(cell.text, sum(widths[col : col + cell.colspan]) - 2 * PAD_X)
            data[r][col] = "\n".join(lines)
            if cell.kind == LABEL and len(lines) > 1:
                commands.append(("ALIGN", (col, r), (col, r), "LEFT"))
            commands += _span_commands(cell, col, r, len(lines), layout.header_rows)
    if ruled:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    return BreakableTable(
        data, colWidths=widths, repeatRows=layout.header_rows, style=TableStyle(commands), hAlign="CENTER"
    )


def _span_commands(cell: Cell, col: int, row: int, lines: int, header_rows: int) -> list[tuple[object, ...]]:
    if cell.colspan == 1 and cell.rowspan == 1:
        return []
    last_col, last_row = col + cell.colspan - 1, row + cell.rowspan - 1
    commands: list[tuple[object, ...]] = [("SPAN", (col, row), (last_col, last_row))]
    if cell.rowspan > 1 and row >= header_rows:
        # Rows a break must not fall between, or the label would overflow its shortened cell.
        needed = math.ceil((lines * CELL_LEADING + 2 * PAD_Y) / (CELL_LEADING + 2 * PAD_Y))
        if needed > 1:
            commands.append(("NOSPLIT", (col, row), (last_col, min(last_row, row + needed - 1))))
    return commands


def wrap(text: str, width: float) -> list[str]:
    """Lines of `text` no wider than `width`, broken between any characters (CJK style).

    No line starts with closing punctuation, and no line is a lone non-ASCII character: it gets a
    trailing space, since pdfium drops a one-glyph text run of a font it has no glyph boxes for.
    """
    lines: list[str] = []
    current = ""
    for char in text:
        if current and pdfmetrics.stringWidth(current + char, FONT, CELL_SIZE) > width:
            if char in _CLOSING and len(current) > 1:
                lines.append(current[:-1])
                current = current[-1]
            else:
                lines.append(current)
                current = ""
        current += char
    lines.append(current)
    if len(lines) > 1 and len(lines[-1]) == 1 and len(lines[-2]) > 2:
        lines[-2], lines[-1] = lines[-2][:-1], lines[-2][-1] + lines[-1]
    return [line + " " if len(line) == 1 and not line.isascii() else line for line in lines]


def _widths(layout: Layout) -> list[float]:
    values = layout.width - layout.label_cols
    if layout.label_cols == 0:
        return [FRAME_WIDTH / layout.width] * layout.width
    if layout.label_cols == 1:
        first = FRAME_WIDTH * 0.3
        return [first] + [(FRAME_WIDTH - first) / values] * values
    groups = layout.label_cols - 2
    labels = FRAME_WIDTH - values * _VALUE_WIDTH - _VERTICAL_WIDTH - _GROUP_WIDTH * groups
    return [_VERTICAL_WIDTH] + [_GROUP_WIDTH] * groups + [labels] + [_VALUE_WIDTH] * values
