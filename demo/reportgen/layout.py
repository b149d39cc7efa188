"""The document as format-independent blocks: paragraphs in reading order and the three tables as grids with spans."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date

from crawler.parsing.templates import TABLES, ColumnDef, RowDef, SubTable, section_defs
from demo.reportgen.prose import ordinal
from demo.reportgen.spec import ReportSpec

# Captions printed in the templates' tables that are neither row nor column labels.
ITEM_CAPTION = "第二十条第{item}项"
CONTENT_CAPTION = "信息内容"
APPLICANT_CAPTION = "申请人情况"
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# Cell kinds: renderers align, wrap and style by them.
HEAD, LABEL, VLABEL, VALUE, ITEM = "head", "label", "vlabel", "value", "item"
# Block kinds.
TITLE, HEADING, PARAGRAPH, TABLE, SIGNATURE = "title", "heading", "paragraph", "table", "signature"


@dataclass(frozen=True)
class Cell:
    text: str
    kind: str = VALUE
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Layout:
    """One printed table: rows list the cells that start in them, as HTML does."""

    table: str  # template table key
    rows: list[list[Cell]]
    width: int
    header_rows: int = 0  # rows to repeat when the table breaks
    label_cols: int = 0  # leading columns that hold row labels
    item: str = ""  # the sub-table of table 二 when laid out alone

    def placed(self) -> list[list[tuple[int, Cell]]]:
        """Each row's cells with the grid column they start in (columns under a rowspan are skipped)."""
        taken: set[tuple[int, int]] = set()
        out: list[list[tuple[int, Cell]]] = []
        for r, row in enumerate(self.rows):
            col, placed_row = 0, []
            for cell in row:
                while (r, col) in taken:
                    col += 1
                placed_row.append((col, cell))
                taken.update((r + dr, col + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
                col += cell.colspan
            out.append(placed_row)
        return out

    def matrix(self) -> list[list[str]]:
        """Every grid position; a merged cell's text sits in its first position, the ones it covers are ""."""
        grid = [[""] * self.width for _ in self.rows]
        for r, row in enumerate(self.placed()):
            for col, cell in row:
                grid[r][col] = cell.text
        return grid


@dataclass(frozen=True)
class Block:
    kind: str
    text: str = ""
    layout: Layout | None = field(default=None, compare=False)


def document_blocks(spec: ReportSpec, *, one_table: bool = True) -> list[Block]:
    """Title, preamble, each present section (heading, paragraphs, its table), then the signature."""
    blocks = [Block(TITLE, spec.title)]
    blocks += _paragraphs(spec.preamble)
    for number, section in enumerate(section_defs(), start=1):
        text = spec.sections.get(section.key)
        if text is not None:
            blocks.append(Block(HEADING, f"{ordinal(number)}、{spec.headings.get(section.key, section.title)}"))
            blocks += _paragraphs(text)
        if section.key in TABLES and spec.tables.get(section.key) is not None:
            blocks += [Block(TABLE, layout=layout) for layout in table_layouts(spec, section.key, one_table=one_table)]
    if spec.publish_date is not None:
        blocks += [Block(SIGNATURE, spec.body), Block(SIGNATURE, chinese_date(spec.publish_date))]
    return blocks


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _paragraphs(text: str) -> list[Block]:
    return [Block(PARAGRAPH, line.strip()) for line in text.split("\n") if line.strip()]


def table_layouts(spec: ReportSpec, table: str, *, one_table: bool = True) -> list[Layout]:
    """A table shaped as real reports print the template's: table 二 as stacked blocks headed 第二十条第（N）项,
    table 三 with the merged balance note, the applicant header over two rows and the result rows grouped
    under a vertical label, table 四 with three header rows over one row of numbers.
    """
    if table == "active_disclosure":
        return active_layouts(spec, one_table=one_table)
    if table == "applications":
        return [applications_layout(spec)]
    return [reviews_layout(spec)]


def row_label(spec: ReportSpec, table: str, row: RowDef) -> str:
    """The printed row label: the template's numbering and label, or the spec's override of the label."""
    return row.number + spec.label_overrides.get(f"{table}.{row.key}", row.label)


def column_label(spec: ReportSpec, table: str, column: ColumnDef) -> str:
    return spec.label_overrides.get(f"{table}.col:{column.key}", column.label)


def _values(spec: ReportSpec, table: str) -> dict[str, dict[str, str]]:
    return spec.tables.get(table) or {}


# --- table 二 -----------------------------------------------------------------------------------------


def active_layouts(spec: ReportSpec, *, one_table: bool) -> list[Layout]:
    """Table 二 as one table (narrower blocks' last column widened) or one table per sub-table."""
    values = _values(spec, "active_disclosure")
    subs = [s for s in spec.definition.subtables if any(r.key in values for r in s.rows)]
    if not subs:
        return []
    if one_table:
        width = 1 + max(len(s.columns) for s in subs)
        rows = [row for sub in subs for row in _sub_rows(spec, sub, width)]
        return [Layout("active_disclosure", rows, width, label_cols=1)]
    return [
        Layout("active_disclosure", _sub_rows(spec, s, 1 + len(s.columns)), 1 + len(s.columns), 0, 1, s.item)
        for s in subs
    ]


def _sub_rows(spec: ReportSpec, sub: SubTable, width: int) -> list[list[Cell]]:
    values = _values(spec, "active_disclosure")
    extra = width - 1 - len(sub.columns)
    rows = [[Cell(ITEM_CAPTION.format(item=sub.item), ITEM, colspan=width)]]
    heads = [Cell(column_label(spec, "active_disclosure", c), HEAD) for c in sub.columns]
    rows.append([Cell(CONTENT_CAPTION, HEAD), *_widen_last(heads, extra)])
    for row in sub.rows:
        if row.key in values:
            cells = [Cell(values[row.key].get(c.key, "")) for c in sub.columns]
            rows.append([Cell(row_label(spec, "active_disclosure", row), LABEL), *_widen_last(cells, extra)])
    return rows


def _widen_last(cells: list[Cell], extra: int) -> list[Cell]:
    if extra <= 0:
        return cells
    return [*cells[:-1], replace(cells[-1], colspan=cells[-1].colspan + extra)]


# --- table 三 -----------------------------------------------------------------------------------------


def applications_layout(spec: ReportSpec) -> Layout:
    """Table 三: rows without a parent span every label column; grouped rows sit under their group cells."""
    definition = spec.definition
    values = _values(spec, "applications")
    columns = definition.application_columns
    by_key = {r.key: r for r in definition.application_rows}
    leaves = [r for r in definition.application_rows if not r.group and r.key in values]
    chains = {leaf.key: _ancestors(leaf, by_key) for leaf in leaves}
    label_cols = 1 + max((len(chain) for chain in chains.values()), default=0)
    spans = Counter(group.key for chain in chains.values() for group in chain)

    rows = _applicant_header(spec, columns, label_cols)
    started: set[str] = set()
    for leaf in leaves:
        chain = chains[leaf.key]
        cells = []
        for depth, group in enumerate(chain):
            if group.key not in started:
                started.add(group.key)
                kind = VLABEL if depth == 0 else LABEL  # the outermost group prints vertically
                cells.append(Cell(row_label(spec, "applications", group), kind, rowspan=spans[group.key]))
        cells.append(Cell(row_label(spec, "applications", leaf), LABEL, colspan=label_cols - len(chain)))
        cells += [Cell(values[leaf.key].get(c.key, "")) for c in columns]
        rows.append(cells)
    return Layout("applications", rows, label_cols + len(columns), header_rows=3, label_cols=label_cols)


def _ancestors(row: RowDef, by_key: dict[str, RowDef]) -> list[RowDef]:
    """The groups a row sits in, outermost first."""
    chain = []
    parent = row.parent
    while parent is not None:
        chain.append(by_key[parent])
        parent = by_key[parent].parent
    return chain[::-1]


def _applicant_header(spec: ReportSpec, columns: tuple[ColumnDef, ...], label_cols: int) -> list[list[Cell]]:
    top = [Cell(BALANCE_NOTE, HEAD, colspan=label_cols, rowspan=3), Cell(APPLICANT_CAPTION, HEAD, colspan=len(columns))]
    middle: list[Cell] = []
    bottom: list[Cell] = []
    for group, members in _runs(columns):
        if group is None:
            middle += [Cell(column_label(spec, "applications", c), HEAD, rowspan=2) for c in members]
        else:
            middle.append(Cell(group, HEAD, colspan=len(members)))
            bottom += [Cell(column_label(spec, "applications", c), HEAD) for c in members]
    return [top, middle, bottom]


def _runs(columns: tuple[ColumnDef, ...]) -> list[tuple[str | None, list[ColumnDef]]]:
    """Consecutive columns sharing a group (ungrouped columns each form their own run)."""
    runs: list[tuple[str | None, list[ColumnDef]]] = []
    for column in columns:
        if column.group is not None and runs and runs[-1][0] == column.group:
            runs[-1][1].append(column)
        else:
            runs.append((column.group, [column]))
    return runs


# --- table 四 -----------------------------------------------------------------------------------------


def reviews_layout(spec: ReportSpec) -> Layout:
    """Table 四: row labels become column headers over their five result columns; one row of numbers."""
    definition = spec.definition
    values = _values(spec, "reviews_litigation")
    columns = definition.review_columns
    rows = [r for r in definition.review_rows if r.key in values]
    nested = any(r.group_label for r in rows)
    top: list[Cell] = []
    middle: list[Cell] = []
    bottom: list[Cell] = []
    for group, members in _row_runs(rows):
        heads = [Cell(column_label(spec, "reviews_litigation", c), HEAD) for c in columns]
        if group is None:
            for member in members:
                top.append(Cell(row_label(spec, "reviews_litigation", member), HEAD, colspan=len(columns)))
                middle += [replace(h, rowspan=2 if nested else 1) for h in heads]
        else:
            top.append(Cell(group, HEAD, colspan=len(columns) * len(members)))
            for member in members:
                middle.append(Cell(row_label(spec, "reviews_litigation", member), HEAD, colspan=len(columns)))
                bottom += heads
    numbers = [Cell(values[r.key].get(c.key, "")) for r in rows for c in columns]
    header = [top, middle, bottom] if nested else [top, middle]
    return Layout("reviews_litigation", [*header, numbers], len(numbers), header_rows=len(header))


def _row_runs(rows: list[RowDef]) -> list[tuple[str | None, list[RowDef]]]:
    runs: list[tuple[str | None, list[RowDef]]] = []
    for row in rows:
        if row.group_label is not None and runs and runs[-1][0] == row.group_label:
            runs[-1][1].append(row)
        else:
            runs.append((row.group_label, [row]))
    return runs


# --- transformations ----------------------------------------------------------------------------------


def split(layout: Layout, at: int) -> tuple[Layout, Layout]:
    """The table broken before row `at`, header repeated; a merged cell crossing the break continues empty."""
    if not layout.header_rows < at < len(layout.rows):
        raise ValueError(f"cannot split a table of {len(layout.rows)} rows before row {at}")
    placed = layout.placed()
    first = [[replace(c, rowspan=min(c.rowspan, at - r)) for _, c in row] for r, row in enumerate(placed[:at])]
    carried = [
        (col, Cell("", c.kind, c.colspan, r + c.rowspan - at))
        for r, row in enumerate(placed[:at])
        for col, c in row
        if r + c.rowspan > at
    ]
    opening = sorted([*carried, *placed[at]], key=lambda item: item[0])
    rest = [[c for _, c in opening]] + [[c for _, c in row] for row in placed[at + 1 :]]
    head = [list(row) for row in layout.rows[: layout.header_rows]]
    return replace(layout, rows=first), replace(layout, rows=head + rest)


def unmerge(layout: Layout) -> Layout:
    """No merged cells: each spanned area becomes separate cells, the text in the first of them."""
    grid: list[list[Cell]] = [[Cell("")] * layout.width for _ in layout.rows]
    for r, row in enumerate(layout.placed()):
        for col, cell in row:
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    text = cell.text if dr == dc == 0 else ""
                    grid[r + dr][col + dc] = Cell(text, cell.kind)
    return replace(layout, rows=grid)
