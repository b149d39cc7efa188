"""What every format extractor produces: the document as paragraphs and table grids in reading order.

Extractors (HTML, DOCX, PDF, text) know file formats and nothing of the report templates; the
table reader knows the templates and nothing of file formats. This module is the contract between.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Problem:
    """Something the parser could not do, or did with a caveat. `where` names the cell, table or part."""

    code: str
    message: str
    where: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "where": self.where}


@dataclass(slots=True)
class GridCell:
    """One table cell, listed once in the row where it starts.

    `col` is the first grid column it occupies when the grid is aligned (HTML, DOCX); in a loose
    grid (plain text) it is merely the cell's index in its row. PDF cells carry page coordinates
    (`x0`, `x1`, points from the left edge) so the reader can match values to headers by geometry.
    """

    text: str  # as written, inner line breaks as "\n"; not stripped
    col: int
    colspan: int = 1
    rowspan: int = 1
    x0: float | None = None
    x1: float | None = None

    @property
    def x_center(self) -> float | None:
        if self.x0 is None or self.x1 is None:
            return None
        return (self.x0 + self.x1) / 2


@dataclass(slots=True)
class GridRow:
    cells: list[GridCell]
    page: int | None = None  # 1-based page of a PDF row
    y: float | None = None  # top of the row on its page (PDF), for ordering and diagnostics


@dataclass(slots=True)
class Grid:
    """A table as found in the document (one <table>, one Word table, one table region of a PDF page)."""

    rows: list[GridRow]
    aligned: bool = True  # cells' `col` index a true column grid
    index: int = -1  # position among the document's grids, set by ExtractedDocument
    page: int | None = None

    def width(self) -> int:
        return max((c.col + c.colspan for r in self.rows for c in r.cells), default=0)

    def matrix(self) -> list[list[GridCell | None]]:
        """Aligned grids as a full matrix: a spanning cell fills every position it covers."""
        width = self.width()
        out: list[list[GridCell | None]] = [[None] * width for _ in self.rows]
        for r, row in enumerate(self.rows):
            for cell in row.cells:
                for dr in range(cell.rowspan):
                    if r + dr >= len(out):
                        break
                    for dc in range(cell.colspan):
                        if cell.col + dc < width and out[r + dr][cell.col + dc] is None:
                            out[r + dr][cell.col + dc] = cell
        return out


@dataclass(slots=True)
class Paragraph:
    text: str
    page: int | None = None
    heading: bool = False  # the source marks it as a heading (<h1>..<h6>, a Word heading style)


Block = Paragraph | Grid


@dataclass
class ExtractedDocument:
    format: str  # html | docx | pdf | text
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None  # <title>, ArticleTitle meta, DOCX/PDF document title
    meta: dict[str, str] = field(default_factory=dict)  # page metadata: PubDate, ContentSource, ...
    problems: list[Problem] = field(default_factory=list)
    pages: int | None = None
    _text: str | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.number_grids()

    def number_grids(self) -> None:
        index = 0
        for block in self.blocks:
            if isinstance(block, Grid):
                block.index = index
                index += 1

    @property
    def grids(self) -> list[Grid]:
        return [b for b in self.blocks if isinstance(b, Grid)]

    def text(self) -> str:
        """Every paragraph and cell, one per line: what the section and metadata finders read."""
        if self._text is None:
            self._text = self._join()
        return self._text

    def _join(self) -> str:
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                for row in block.rows:
                    lines.append("\t".join([c.text for c in row.cells]).replace("\n", ""))
        return "\n".join(lines)


class ExtractionError(Exception):
    """A document that cannot be read at all; `code` is the problem code reported for it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
