"""Plain text as a report format: the text dumps portals and archives give of DOCX and PDF reports.

Two table layouts occur. A dump of a Word document puts one cell per line, each starting with a
tab, a row ending at a blank line ("cells" layout); a cell's own line breaks continue on lines
without the tab. A dump of a PDF puts one row per line with tab-separated cells ("rows" layout).
Neither keeps true column positions, so the grids are loose (`aligned=False`).
"""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from crawler.parsing.blocks import ExtractedDocument, ExtractionError, Grid, GridCell, GridRow, Paragraph, Problem

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_CELL_LINE = re.compile(r"^ ?\t")
# A line opening a section or a numbered paragraph ("3、 收到…", "四、…") is prose, not a cell's tail.
_HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}\s*[、.．]\s*\S|[（(][一二三四五六七八九十\d]{1,3}[)）])"
)
_CONTINUATION_MAX = 25


def decode_text(data: bytes) -> tuple[str, list[Problem]]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), []
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), []
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        return data.decode("utf-8", errors="replace"), [Problem("ENCODING_GUESSED", "undetectable encoding")]
    return str(best), [Problem("ENCODING_GUESSED", f"text decoded as {best.encoding}")]


def _layout(lines: list[str]) -> str:
    inner_tab_rows = sum(1 for line in lines if "\t" in line.strip(" \t") or line.rstrip(" ").endswith("\t\t"))
    return "rows" if inner_tab_rows >= 5 else "cells"


def _is_continuation(line: str) -> bool:
    """A short line without the cell tab, not opening a numbered paragraph: the tail of a cell."""
    stripped = line.strip()
    return 0 < len(stripped) <= _CONTINUATION_MAX and not _CELL_LINE.match(line) and not _HEADING_START.match(line)


def _next_nonblank(lines: list[str], start: int) -> int:
    i = start
    while i < len(lines) and not lines[i].strip(" \u3000"):
        i += 1
    return i


def _cells_layout(lines: list[str]) -> list[Paragraph | Grid]:
    blocks: list[Paragraph | Grid] = []
    rows: list[GridRow] = []
    row: list[GridCell] = []

    def end_row() -> None:
        nonlocal row
        if row:
            rows.append(GridRow(cells=row))
            row = []

    def end_grid() -> None:
        nonlocal rows
        end_row()
        if rows:
            blocks.append(Grid(rows=rows, aligned=False))
            rows = []

    i = 0
    while i < len(lines):
        line = lines[i]
        if _CELL_LINE.match(line):
            if line.startswith(" "):
                end_row()  # a space before the tab marks a row the dump glued to the previous one
            row.append(GridCell(text=line.lstrip(" ")[1:], col=len(row)))
            i += 1
            continue
        if not line.strip(" \u3000"):
            nxt = _next_nonblank(lines, i)
            # A blank line inside a cell (an empty paragraph) is followed by the cell's tail and then
            # more cells of the same row; a blank line between rows is followed by a cell line.
            if row and nxt + 1 < len(lines) and _is_continuation(lines[nxt]) and _CELL_LINE.match(lines[nxt + 1]):
                row[-1].text += "\n" + lines[nxt].strip()
                i = nxt + 1
                continue
            end_row()
            if nxt < len(lines) and not _CELL_LINE.match(lines[nxt]):
                end_grid()
            i = nxt
            continue
        if row and _is_continuation(line):
            row[-1].text += "\n" + line.strip()
        else:
            end_grid()
            blocks.append(Paragraph(text=line.strip()))
        i += 1
    end_grid()
    return blocks


def _rows_layout(lines: list[str]) -> list[Paragraph | Grid]:
    blocks: list[Paragraph | Grid] = []
    rows: list[GridRow] = []
    for line in lines:
        if "\t" in line:
            cells = [GridCell(text=text, col=i) for i, text in enumerate(line.split("\t"))]
            rows.append(GridRow(cells=cells))
        elif line.strip(" \u3000"):
            if rows:
                blocks.append(Grid(rows=rows, aligned=False))
                rows = []
            blocks.append(Paragraph(text=line.strip()))
    if rows:
        blocks.append(Grid(rows=rows, aligned=False))
    return blocks


def extract_text(data: bytes) -> ExtractedDocument:
    if not data.strip():
        raise ExtractionError("EMPTY_DOCUMENT", "the file is empty")
    text, problems = decode_text(data)
    text = _BOOKMARK.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    layout = _layout(lines)
    blocks = _rows_layout(lines) if layout == "rows" else _cells_layout(lines)
    doc = ExtractedDocument(format="text", blocks=blocks, problems=problems, meta={"_layout": layout})
    if not any(isinstance(b, Paragraph) and b.text for b in blocks) and not doc.grids:
        raise ExtractionError("EMPTY_DOCUMENT", "the file holds no text")
    return doc
