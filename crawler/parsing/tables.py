"""The table reader: finds the three statutory tables in a document's grids, by their labels.

Each table is recognised by its header cells, each row by its label, each column by its header;
a value is read where a row and a column meet. Positions come from the grid (true columns in
HTML and DOCX), from geometry (x ranges in PDF) or, for plain text that kept neither, from the
order of cells, and then only when the number of cells matches exactly. A value is never taken
from a neighbouring cell: a missing cell stays missing and is reported.

Rows of all grids are read in document order as one stream, because real tables are split over
several <table> elements or pages, with or without repeated headers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from crawler.parsing.blocks import Grid, GridCell, Problem
from crawler.parsing.cells import NUMBER, TEXT, Cell, chinese_signed, read_value
from crawler.parsing.normalize import LabelMatcher, Match, label_key, squash
from crawler.parsing.templates import ColumnDef, RowDef, Template

TABLE_NAMES = ("active_disclosure", "applications", "reviews_litigation")

_CJK = re.compile(r"[\u4e00-\u9fff]")
_INNER_NUMBERING = re.compile(r"(?:[（(][一二三四五六七八九十]{1,3}[)）]|(?<![\d.])\d{1,2}[.．、](?!\d))")
_T2_ITEM = re.compile(r"第二十条第([一二三四五六七八九十]+)项")
_INFO = label_key("信息内容")
# Header words of table 三 that are not leaf columns (group headings, the printed R1 rule).
_T3_HEADINGS = {label_key(w) for w in ("申请人情况", "法人或其他组织")}
_T3_MARKERS = _T3_HEADINGS | {label_key(w) for w in ("自然人", "商业企业", "科研机构")}
_T4_GROUPS = {
    label_key("行政复议"): "review",
    label_key("未经复议直接起诉"): "litigation_direct",
    label_key("复议后起诉"): "litigation_after_review",
}
_T4_MARKERS = {label_key("行政诉讼"), *_T4_GROUPS}
_SUBTOTAL = {label_key("小计")}


@dataclass
class TableResult:
    """One statutory table as read: cells by row and column key, and the label seen for each row."""

    present: bool = False
    cells: dict[str, dict[str, Cell]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    # Printed, but not as a grid the reader could locate cells in: its cells are unknown, not empty.
    unreadable: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "present": self.present,
            "unreadable": self.unreadable,
            "cells": {row: {col: c.as_dict() for col, c in cols.items()} for row, cols in self.cells.items()},
            "labels": dict(self.labels),
        }


@dataclass
class Slot:
    """Where one column's values lie in the current grid: a column range (aligned) or an x range (PDF)."""

    key: str
    lo: float
    hi: float

    def overlap(self, lo: float, hi: float) -> float:
        return max(0.0, min(self.hi, hi) - max(self.lo, lo))


@dataclass(slots=True)
class RowView:
    grid: Grid
    index: int
    cells: list[GridCell]  # the distinct cells covering this row, left to right

    @property
    def page(self) -> int | None:
        return self.grid.rows[self.index].page


_ORG_SUBTOTAL = ColumnDef("org_subtotal", "小计")


# How to read a row's cells: per column, the ColumnDef, the key its cell is assigned under, its key in the
# row, its kind, and whether a number read in it stands without a check (all but amounts of open unit).
Plan = tuple[tuple[ColumnDef, str, str, str, bool], ...]
_PLANS: dict[tuple[int, str], tuple[tuple[ColumnDef, ...], Plan]] = {}


def _column_plan(columns: tuple[ColumnDef, ...], prefix: str = "") -> Plan:
    """The plan for a row of these columns, assigned under `prefix` + key (table 四: "review." …).
    Kept by identity: the tuples are the templates' own."""
    hit = _PLANS.get((id(columns), prefix))
    if hit is not None and hit[0] is columns:
        return hit[1]
    plan = tuple((c, prefix + c.key, c.key, c.kind, c.kind != "amount" or c.unit is not None) for c in columns)
    if len(_PLANS) >= 256:
        _PLANS.clear()
    _PLANS[(id(columns), prefix)] = (columns, plan)
    return plan


def _src(view: RowView, cell: GridCell) -> dict[str, int]:
    """Where a cell's value was read: grid, row, column (and page)."""
    page = view.page
    if page is None:
        return {"table": view.grid.index, "row": view.index, "col": cell.col}
    return {"table": view.grid.index, "row": view.index, "col": cell.col, "page": page}


@dataclass
class Pending:
    """A data row whose label matched nothing yet: its label may continue on the next row."""

    table: str
    label: str
    view: RowView
    values: list[GridCell]


def _span(grid: Grid, cell: GridCell) -> tuple[float, float] | None:
    if grid.aligned:
        return float(cell.col), float(cell.col + cell.colspan)
    if cell.x0 is not None and cell.x1 is not None:
        return cell.x0, cell.x1
    return None


@lru_cache(maxsize=1 << 14)
def _is_value_text(text: str) -> bool:
    """Blank, dash, number (with a unit) or a short text like 减12: something in a value column."""
    return read_value(text, "amount")[1] != TEXT or len(_CJK.findall(text)) < 2


_squash_label = lru_cache(maxsize=4096)(squash)  # labels recur from row to row and report to report


@lru_cache(maxsize=4096)
def _label_candidates(text: str) -> tuple[str, ...]:
    """A label cell may hold a group and an item ("（三）不予公开 1.属于国家秘密"): try the item alone too."""
    parts = [p for p in _INNER_NUMBERING.split(squash(text)) if label_key(p)]
    return (text, parts[-1]) if len(parts) > 1 else (text,)


def _rows(grids: list[Grid]) -> Iterator[RowView]:
    for grid in grids:
        if not grid.aligned:
            for r, row in enumerate(grid.rows):
                yield RowView(grid, r, list(row.cells))
            continue
        # Cells spanning rows are carried down: a row is its own cells plus those reaching into it.
        carried: dict[int, tuple[GridCell, int]] = {}  # start column -> (cell, rows still covered)
        for r, row in enumerate(grid.rows):
            own = row.cells
            if not carried and _strictly_by_column(own):
                listed = list(own)  # nothing carried, already in column order without repeats: as is
            else:
                cells = {cell.col: cell for cell in own}
                for col, (cell, left) in list(carried.items()):
                    if col not in cells:
                        cells[col] = cell
                    if left <= 1:
                        del carried[col]
                    else:
                        carried[col] = (cell, left - 1)
                listed = [cells[col] for col in sorted(cells)]
            for cell in own:
                if cell.rowspan > 1:
                    carried[cell.col] = (cell, cell.rowspan - 1)
            yield RowView(grid, r, listed)


def _strictly_by_column(cells: list[GridCell]) -> bool:
    previous = -1
    for cell in cells:
        if cell.col <= previous:
            return False
        previous = cell.col
    return True


@dataclass(frozen=True)
class _Lookups:
    """What the reader derives from a template: built once per template, shared by every reader."""

    row_matchers: dict[str, LabelMatcher]
    column_matchers: dict[str, LabelMatcher]
    group_rows: frozenset[str]
    t4_leaves: frozenset[str]  # leaf headers of table 四 (结果维持 …), which alone can make up a header row
    t2_rows: tuple[RowDef, ...]
    t2_column_keys: dict[str, frozenset[str]]  # table 二 row key -> the column keys of its sub-table
    # Columns read from a header, by what the header holds: reports of a template repeat the same headers.
    columns_of_header: dict[tuple[object, ...], _HeaderColumns] = field(default_factory=dict)


@dataclass(frozen=True)
class _HeaderColumns:
    """What _build_columns made of one header: its state changes and the problems it reported, in order."""

    slots: tuple[Slot, ...]
    order: tuple[str, ...]
    column_slots: dict[int, list[Slot]]
    header_index: dict[str, int] | None  # table 二 only
    header_width: int
    problems: tuple[tuple[str, str, str], ...]


_LOOKUPS: dict[int, tuple[Template, _Lookups]] = {}


def _lookups(template: Template) -> _Lookups:
    # Keyed by identity: templates are few and long-lived, and hashing one would walk all its rows.
    hit = _LOOKUPS.get(id(template))
    if hit is not None and hit[0] is template:
        return hit[1]
    t2_rows = template.rows("active_disclosure")
    built = _Lookups(
        row_matchers={
            "active_disclosure": LabelMatcher([r.spec for r in t2_rows]),
            "applications": LabelMatcher([r.spec for r in template.application_rows]),
        },
        column_matchers={
            "active_disclosure": LabelMatcher([c.spec for c in template.columns("active_disclosure")]),
            "applications": LabelMatcher([c.spec for c in template.application_columns]),
            "reviews_litigation": LabelMatcher([c.spec for c in template.review_columns]),
        },
        group_rows=frozenset(r.key for r in template.application_rows if r.group),
        t4_leaves=frozenset(key for c in template.review_columns for key in c.spec.forms()),
        t2_rows=t2_rows,
        t2_column_keys={r.key: frozenset(c.key for c in sub.columns) for sub in template.subtables for r in sub.rows},
    )
    if len(_LOOKUPS) >= 16:
        _LOOKUPS.clear()
    _LOOKUPS[id(template)] = (template, built)
    return built


class TableReader:
    """Reads table 二 (active disclosure), 三 (applications) and 四 (reviews and litigation)."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.results = {name: TableResult() for name in TABLE_NAMES}
        self.problems: list[Problem] = []
        self._seen_problems: set[tuple[str, str, str]] = set()
        lookups = self._lookups = _lookups(template)
        self.row_matchers = lookups.row_matchers
        self.column_matchers = lookups.column_matchers
        self.group_rows = lookups.group_rows
        self.t4_leaves = lookups.t4_leaves
        self._widths: dict[int, int] = {}  # id(grid) -> its width, for grids continuing a table
        self._recording: list[tuple[str, str, str]] | None = None  # problems reported while building columns
        # Reading state.
        self.table: str | None = None
        self.header: list[RowView] = []
        self.slots: list[Slot] | None = None  # None: to be built from `header` at the next data row
        self.slot_grid: Grid | None = None
        self.column_slots: dict[int, list[Slot]] = {}  # aligned grids: grid column -> the slots covering it
        self.slot_start = 0.0  # where the first column slot begins: cells left of it are labels
        self.slot_keys = 0  # how many distinct columns the slots are for
        self.order: list[str] = []  # column keys in order, for grids without positions
        self.header_index: dict[str, int] = {}  # table 二 in plain text: column key -> cell index in its header
        self.header_width = 0
        self.t2_item: str | None = None
        self.pending: Pending | None = None
        self.last_row: RowView | None = None

    # ------------------------------------------------------------------ entry

    def read(self, grids: list[Grid]) -> dict[str, TableResult]:
        for view in _rows(grids):
            self._row(view)
            self.last_row = view
        self._flush_pending()
        self._finish()
        return self.results

    def problem(self, code: str, message: str, where: str) -> None:
        if self._recording is not None:
            self._recording.append((code, message, where))
        key = (code, where, message)
        if key not in self._seen_problems:
            self._seen_problems.add(key)
            self.problems.append(Problem(code, message, where))

    def _enter(self, table: str) -> None:
        if self.table != table:
            self._flush_pending()
            self.table = table
            self.header = []
            self.slots = None
            self.order = []
        self.results[table].present = True

    def _set_header(self, view: RowView, append: bool) -> None:
        if append and self.header and self.header[-1].grid is view.grid:
            self.header.append(view)
        else:
            self.header = [view]
        self.slots = None

    # ------------------------------------------------------------------ one row

    def _row(self, view: RowView) -> None:
        keys = [label_key(c.text) for c in view.cells]
        if not any(keys):
            if self.table == "reviews_litigation" and self.header and not self.results[self.table].cells:
                self._read_t4(view, view.cells)
            return
        keyset = set(keys)
        joined = "".join(keys)
        item = _T2_ITEM.search(joined) if "第二十条" in joined else None
        if item is not None:
            self._enter("active_disclosure")
            self.t2_item = f"（{item.group(1)}）"
            self.header = []
            return
        if _INFO in keyset:
            self._enter("active_disclosure")
            previous = "".join(label_key(c.text) for c in self.last_row.cells) if self.last_row else ""
            if not _T2_ITEM.search(previous):
                self.t2_item = None  # a sub-table whose 第二十条第（N）项 heading is missing
            self._set_header(view, append=False)
            return
        if self.table == "active_disclosure" and self._header_continues(view):
            return
        if not keyset.isdisjoint(_T3_MARKERS) or "勾稽关系" in joined:
            self._enter("applications")
            self._set_header(view, append=True)
            return
        if not keyset.isdisjoint(_T4_MARKERS) or (
            not keyset.isdisjoint(self.t4_leaves) and len(keyset & self.t4_leaves) >= 3
        ):
            self._enter("reviews_litigation")
            self._set_header(view, append=True)
            return
        if self.table == "applications" and self.header and self.slots is None and self._only_t3_columns(view):
            self._set_header(view, append=True)
            return
        self._data_row(view)

    def _only_t3_columns(self, view: RowView) -> bool:
        """A further header row of table 三 (its cells are column labels, possibly cut short)."""
        texts = [c.text for c in view.cells if label_key(c.text)]
        columns, rows = self.column_matchers["applications"], self.row_matchers["applications"]
        return all(
            rows.exact(t) is None and columns.match(t, allow_prefix=True, fuzzy=False) is not None for t in texts
        )

    def _header_continues(self, view: RowView) -> bool:
        """Header text wrapped onto a row of its own ("上一年项目" / "数量"): join it to the header row."""
        if not self.header or self.last_row is not self.header[-1] or view.grid is not self.header[-1].grid:
            return False
        texts = [c.text for c in view.cells]
        if any(label_key(t) and (_is_value_text(t) or self.row_matchers["active_disclosure"].match(t)) for t in texts):
            return False
        head = self.header[-1]
        merged = list(head.cells)
        for i, cell in enumerate(view.cells):
            if label_key(cell.text) and i < len(merged):
                old = merged[i]
                merged[i] = GridCell(old.text + cell.text, old.col, old.colspan, old.rowspan, old.x0, old.x1)
        self.header[-1] = RowView(head.grid, head.index, merged)
        self.slots = None
        return True

    # ------------------------------------------------------------------ columns

    def _build_columns(self) -> None:
        """Column slots (positions) and order from the header rows above the data."""
        table = self.table
        assert table is not None
        if not self.header:
            self._build_columns_anew(table)
            return
        grid = self.header[-1].grid
        # Everything the columns are built from: the header cells, and which rows lie in the last one's grid.
        key = (
            table,
            *(
                (view.grid is grid, view.grid.aligned, *((c.text, c.col, c.colspan, c.x0, c.x1) for c in view.cells))
                for view in self.header
            ),
        )
        memo = self._lookups.columns_of_header
        built = memo.get(key)
        if built is None:
            self._recording = []
            try:
                self._build_columns_anew(table)
            finally:
                recorded, self._recording = self._recording, None
            assert self.slots is not None
            built = _HeaderColumns(
                tuple(self.slots),
                tuple(self.order),
                self.column_slots,
                dict(self.header_index) if table == "active_disclosure" else None,
                self.header_width,
                tuple(recorded),
            )
            if len(memo) >= 1024:
                memo.clear()
            memo[key] = built
            return
        self.slot_grid = grid
        self.slots, self.order = list(built.slots), list(built.order)
        for problem in built.problems:
            self.problem(*problem)
        if built.header_index is not None:
            self.header_index, self.header_width = dict(built.header_index), built.header_width
        self.column_slots = built.column_slots
        if built.slots:
            self.slot_start = min(s.lo for s in built.slots)
            self.slot_keys = len({s.key for s in built.slots})

    def _build_columns_anew(self, table: str) -> None:
        self.slots, self.order = [], []
        self.slot_grid = self.header[-1].grid if self.header else None
        if table == "active_disclosure":
            self._t2_columns()
        else:
            self._stacked_columns(table)
        self._index_slots()

    def _t2_columns(self) -> None:
        head = self.header[-1] if self.header else None
        if head is None:
            return
        self.header_index, self.header_width = {}, len(head.cells)
        cells = [(i, c) for i, c in enumerate(head.cells) if label_key(c.text)]
        if cells and label_key(cells[0][1].text) == _INFO:
            cells = cells[1:]
        for index, cell in cells:
            match = self.column_matchers["active_disclosure"].match(cell.text, allow_prefix=True)
            if match is None:
                self.problem(
                    "UNKNOWN_COLUMN", f"column {squash(cell.text)!r} is not in the template", "active_disclosure"
                )
                continue
            self._deviation(match, cell.text, f"active_disclosure.column.{match.key}")
            self.order.append(match.key)
            self.header_index[match.key] = index
            span = _span(head.grid, cell)
            if span is not None and self.slots is not None:
                self.slots.append(Slot(match.key, *span))

    def _stacked_columns(self, table: str) -> None:
        """Tables 三 and 四: leaf columns come from several header rows; 四 also has column groups."""
        matcher = self.column_matchers[table]
        grid = self.slot_grid
        groups: list[Slot] = []
        leaves: list[Slot] = []
        seen: list[str] = []
        for view in self.header:
            for cell in view.cells:
                key = label_key(cell.text)
                if not key or "勾稽关系" in key or key in _T3_HEADINGS or key == label_key("行政诉讼"):
                    continue
                span = _span(view.grid, cell) if view.grid is grid else None
                if table == "reviews_litigation" and key in _T4_GROUPS:
                    if span is not None:
                        groups.append(Slot(_T4_GROUPS[key], *span))
                    continue
                if table == "applications" and key in _SUBTOTAL:
                    seen.append("org_subtotal")
                    if span is not None:
                        leaves.append(Slot("org_subtotal", *span))
                    continue
                match = matcher.match(cell.text, allow_prefix=True)
                if match is None:
                    continue
                if not match.exact and label_key(match.expected).startswith(key):
                    self.problem(
                        "HEADER_TRUNCATED",
                        f"column header {squash(cell.text)!r} read as {match.expected}",
                        f"{table}.column.{match.key}",
                    )
                else:
                    self._deviation(match, cell.text, f"{table}.column.{match.key}")
                seen.append(match.key)
                if span is not None:
                    leaves.append(Slot(match.key, *span))
        if table == "reviews_litigation":
            for leaf in leaves:
                owner = self._group_of(leaf, groups, grid is not None and grid.aligned)
                if owner is not None:
                    assert self.slots is not None
                    self.slots.append(Slot(f"{owner.key}.{leaf.key}", leaf.lo, leaf.hi))
        else:
            self.slots = leaves
        self.order = self._order(table, seen)

    @staticmethod
    def _group_of(leaf: Slot, groups: list[Slot], aligned: bool) -> Slot | None:
        """The group heading a leaf column sits under: the one spanning it; when group headings are not
        merged across their columns, the nearest one to its left (grid) or the nearest centre (PDF text)."""
        middle = (leaf.lo + leaf.hi) / 2
        spanning = [g for g in groups if g.lo <= middle <= g.hi]
        if spanning:
            return spanning[0]
        if aligned:
            left = [g for g in groups if g.lo <= middle]
            return max(left, key=lambda g: g.lo) if left else None
        return min(groups, key=lambda g: abs((g.lo + g.hi) / 2 - middle), default=None)

    def _order(self, table: str, seen: list[str]) -> list[str]:
        """Column order for grids without positions: the template's, checked against the header."""
        if table == "applications":
            keys = [c.key for c in self.template.application_columns]
            found = set(seen)
            missing = [c.label for c in self.template.application_columns if c.key not in found]
            if missing and found:
                self.problem(
                    "HEADER_INCOMPLETE",
                    f"the header lacks {'、'.join(missing)}; their columns are taken in template order",
                    "applications",
                )
            if "org_subtotal" in found:
                keys.insert(keys.index("other_org") + 1, "org_subtotal")
            return keys
        keys = [c.key for c in self.template.review_columns]
        leaves = [k for k in seen if k in keys][:5]
        if sorted(leaves) == sorted(keys) and leaves != keys:
            self.problem("COLUMN_ORDER", f"reconsideration columns are in the order {leaves}", "reviews_litigation")
            keys = leaves
        return [f"{g}.{k}" for g in ("review", "litigation_direct", "litigation_after_review") for k in keys]

    def _index_slots(self) -> None:
        self.column_slots = {}
        if self.slots:
            self.slot_start = min(s.lo for s in self.slots)
            self.slot_keys = len({s.key for s in self.slots})
        if self.slot_grid is not None and self.slot_grid.aligned and self.slots:
            for slot in self.slots:
                for column in range(int(slot.lo), int(slot.hi)):
                    self.column_slots.setdefault(column, []).append(slot)

    def _slots_near(self, view: RowView, cell: GridCell) -> list[Slot]:
        assert self.slots is not None
        if view.grid.aligned and self.column_slots:
            if cell.colspan == 1:
                return self.column_slots.get(cell.col, [])
            near: list[Slot] = []
            for column in range(cell.col, cell.col + cell.colspan):
                near.extend(s for s in self.column_slots.get(column, ()) if s not in near)
            return near
        return self.slots

    def _positions_usable(self, view: RowView, values: list[GridCell]) -> bool:
        if not self.slots:
            return False
        if view.grid.aligned:
            if view.grid is self.slot_grid:
                return True
            # A table continued in another <table> without its header: same columns if same width.
            return (
                self.slot_grid is not None
                and self.slot_grid.aligned
                and self._width(view.grid) == self._width(self.slot_grid)
            )
        return bool(values) and all(c.x0 is not None for c in values)

    def _width(self, grid: Grid) -> int:
        width = self._widths.get(id(grid))
        if width is None:
            width = self._widths[id(grid)] = grid.width()
        return width

    # ------------------------------------------------------------------ data rows

    def _split(self, view: RowView) -> tuple[list[GridCell], list[GridCell]]:
        """A row's label cells (left) and value cells (right)."""
        if self.slots and (
            (view.grid is self.slot_grid and view.grid.aligned) or self._positions_usable(view, view.cells)
        ):
            start = self.slot_start
            labels, values = [], []
            aligned = view.grid.aligned
            cells = view.cells
            for i, cell in enumerate(cells):
                if aligned:
                    lo, hi = cell.col, cell.col + cell.colspan
                    if lo >= start and hi > start + 1e-6:
                        # Aligned cells come in strictly increasing whole columns, as do the slots: every
                        # cell from here on starts right of the first slot's start, so it is a value.
                        values.extend(cells[i:])
                        break
                elif cell.x0 is not None and cell.x1 is not None:
                    lo, hi = cell.x0, cell.x1
                else:
                    values.append(cell)
                    continue
                if hi <= start + 1e-6 or (lo < start and not _is_value_text(cell.text)):
                    labels.append(cell)
                else:
                    values.append(cell)
            return labels, values
        last = -1
        for i, cell in enumerate(view.cells):
            if label_key(cell.text) and not _is_value_text(cell.text):
                last = i
        return view.cells[: last + 1], view.cells[last + 1 :]

    def _match(self, table: str, labels: list[GridCell]) -> tuple[Match | None, str]:
        """The row's own label is its rightmost label cell; the cells left of it are its groups."""
        texts = [c.text for c in labels if label_key(c.text)]
        if not texts:
            return None, ""
        matcher = self.row_matchers[table]
        match = matcher.match(texts[-1])  # the whole text: the first candidate, and usually the match
        if match is not None:
            return match, texts[-1]
        for candidate in _label_candidates(texts[-1])[1:]:
            match = matcher.match(candidate)
            if match is not None:
                return match, texts[-1]
        return None, texts[-1]

    def _data_row(self, view: RowView) -> None:
        if self.table is None:
            self._enter_by_label(view)
            if self.table is None:
                return
        if self.slots is None:
            self._build_columns()
        labels, values = self._split(view)
        if self.table == "reviews_litigation":
            if not any(label_key(c.text) for c in labels):
                self._read_t4(view, values)
            return
        table = self.table
        match, seen = self._match(table, labels)
        if self.pending is not None:
            if self._resolve_pending(view, labels, values):
                return
            self._flush_pending()
        if match is None:
            other = next(
                (t for t in self.row_matchers if t != table and (m := self._match(t, labels)[0]) and m.exact), None
            )
            if other is not None:
                # A row of the other table: its header was not recognised (printed outside any grid).
                self._enter(other)
                self._data_row(view)
            elif seen:
                self.pending = Pending(table, seen, view, values)
            return
        self._store(table, match, seen, view, values)

    def _enter_by_label(self, view: RowView) -> None:
        """A row outside any recognised table whose label belongs to table 二 or 三."""
        for table in ("applications", "active_disclosure"):
            labels, _ = self._split(view)
            texts = [c.text for c in labels if label_key(c.text)]
            if texts and (m := self.row_matchers[table].match(texts[-1])) is not None and m.exact:
                self._enter(table)
                return

    def _resolve_pending(self, view: RowView, labels: list[GridCell], values: list[GridCell]) -> bool:
        """Join a wrapped label ("4. 保护第三" + "方合法权益") when the second row holds no values."""
        pending = self.pending
        assert pending is not None
        if any(label_key(c.text) for c in values):
            return False
        tail = "".join(squash(c.text) for c in labels if label_key(c.text))
        if not tail:
            return False
        combined = squash(pending.label) + tail
        match, _ = self._match(pending.table, [GridCell(combined, 0)])
        if match is None:
            return False
        self.pending = None
        self._store(pending.table, match, combined, pending.view, pending.values)
        return True

    def _flush_pending(self) -> None:
        if self.pending is not None:
            p = self.pending
            self.problem("UNKNOWN_ROW", f"row {squash(p.label)!r} matches no row of the template", f"{p.table}.row")
            self.pending = None

    def _store(self, table: str, match: Match, seen: str, view: RowView, values: list[GridCell]) -> None:
        result = self.results[table]
        row = match.key
        if not match.exact:
            self._deviation(match, seen, f"{table}.{row}")
        if row in result.labels:
            self.problem(
                "DUPLICATE_ROW", f"row {squash(seen)!r} appears twice; the first one is kept", f"{table}.{row}"
            )
            return
        result.labels[row] = _squash_label(seen)
        columns = self._t2_row_columns(row) if table == "active_disclosure" else self.template.application_columns
        if not values:
            if row not in self.group_rows:
                self.problem(
                    "ROW_WITHOUT_CELLS", f"row {squash(seen)!r} has no cells (table cut short?)", f"{table}.{row}"
                )
            return
        assigned = (
            self._by_position(table, row, view, values)
            if (view.grid is self.slot_grid and view.grid.aligned and self.slots)
            or self._positions_usable(view, values)
            else self._by_order(table, row, values, [c.key for c in columns], view)
        )
        if row in self.group_rows and not any(label_key(c.text) for c in assigned.values()):
            return  # a group heading with empty cells, not a subtotal row
        cells = self._cells(table, row, _column_plan(columns), assigned, view)
        if "org_subtotal" in assigned:
            cells["org_subtotal"] = self._cell(
                table, row, _ORG_SUBTOTAL, assigned["org_subtotal"], _src(view, assigned["org_subtotal"])
            )
        result.cells[row] = cells

    def _t2_row_columns(self, row: str) -> tuple[ColumnDef, ...]:
        """A table 二 row's columns: its sub-table's; header columns of another sub-table are reported."""
        sub = self.template.subtable_of(row)
        if sub is None:
            own: tuple[ColumnDef, ...] = ()
            foreign = list(self.order)
        else:
            own = sub.columns
            keys = self._lookups.t2_column_keys[row]
            foreign = [k for k in self.order if k not in keys]
        if foreign:
            self.problem(
                "COLUMN_MISMATCH",
                f"header columns {foreign} do not belong to this row's sub-table",
                f"active_disclosure.{row}",
            )
        if sub is not None and self.t2_item is not None and self.t2_item != sub.item:
            self.problem(
                "SUBTABLE_MISMATCH", f"a {sub.item} row under 第二十条第{self.t2_item}项", f"active_disclosure.{row}"
            )
        return own

    def _by_position(self, table: str, row: str, view: RowView, values: list[GridCell]) -> dict[str, GridCell]:
        assert self.slots is not None
        out: dict[str, GridCell] = {}
        best: dict[str, float] = {}
        by_column = self.column_slots if view.grid.aligned else None
        for cell in values:
            if by_column and cell.colspan == 1 and (near := by_column.get(cell.col)):
                # One grid column: every slot indexed under it covers it whole (aligned slots span whole
                # columns), so the first one wins at full overlap, as the general search below would find.
                slot, overlap = near[0], 1.0
                if slot.key not in out:
                    out[slot.key] = cell
                    best[slot.key] = overlap
                    continue
            else:
                span = _span(view.grid, cell)
                if span is None:
                    continue
                near = self._slots_near(view, cell)
                if len(near) == 1:
                    slot, overlap = near[0], near[0].overlap(*span)
                else:
                    overlap, slot = max(
                        ((s.overlap(*span), s) for s in near), key=lambda item: item[0], default=(0.0, None)
                    )
                if overlap <= 0 or slot is None:
                    if label_key(cell.text):
                        self.problem(
                            "CELL_OUTSIDE_COLUMNS", f"{squash(cell.text)!r} lies under no column", f"{table}.{row}"
                        )
                    continue
            if slot.key in out:
                if label_key(cell.text) and label_key(out[slot.key].text):
                    self.problem("CELL_AMBIGUOUS", f"two values under {slot.key}", f"{table}.{row}.{slot.key}")
                if overlap <= best[slot.key] and not (label_key(cell.text) and not label_key(out[slot.key].text)):
                    continue
            out[slot.key] = cell
            best[slot.key] = overlap
        if len(out) == self.slot_keys:
            return out  # a cell under every column
        missing = [s for s in self.slots if s.key not in out]
        if view.grid.aligned:
            if missing and table == "applications":
                keys = ", ".join(s.key for s in missing)
                self.problem("CELL_MISSING", f"no cell under {keys}", f"{table}.{row}")
        else:
            # A PDF without ruling lines prints nothing for a blank cell: no text under a header is blank.
            for slot in missing:
                out[slot.key] = GridCell("", -1, x0=slot.lo, x1=slot.hi)
        return out

    def _by_order(
        self, table: str, row: str, values: list[GridCell], own: list[str], view: RowView | None = None
    ) -> dict[str, GridCell]:
        if table == "active_disclosure":
            order = [k for k in self.order if k in own] or own
            aligned = self._by_header_index(order, values, view)
            if aligned is not None:
                return aligned
        else:
            order = self.order or own
        cells = list(values)
        # Surplus empty cells at the ends are spans of the label or dump artefacts, never values.
        while len(cells) > len(order) and not label_key(cells[0].text):
            cells.pop(0)
        while len(cells) > len(order) and not label_key(cells[-1].text):
            cells.pop()
        if len(cells) != len(order):
            texts = [squash(c.text) for c in values]
            self.problem(
                "CELLS_UNREADABLE",
                f"{len(values)} cells {texts} for {len(order)} columns: cannot tell which is which",
                f"{table}.{row}" if row else table,
            )
            return {}
        return dict(zip(order, cells, strict=True))

    def _by_header_index(
        self, order: list[str], values: list[GridCell], view: RowView | None
    ) -> dict[str, GridCell] | None:
        """A plain-text row with as many cells as its header row, labels left of the first header column:
        the dump kept the columns, so a value is read at its header's index (blank cells stay in place)."""
        if view is None or len(view.cells) != self.header_width or not all(k in self.header_index for k in order):
            return None
        first = min(self.header_index[k] for k in order)
        if any(label_key(c.text) and not _is_value_text(c.text) for c in view.cells[first:]):
            return None
        return {k: view.cells[self.header_index[k]] for k in order}

    def _read_t4(self, view: RowView, values: list[GridCell]) -> None:
        result = self.results["reviews_litigation"]
        if self.slots is None:
            self._build_columns()
        if not values:
            return
        if result.cells:
            self.problem("DUPLICATE_ROW", "a second data row under the reconsideration header", "reviews_litigation")
            return
        if self._positions_usable(view, values):
            assigned = self._by_position("reviews_litigation", "", view, values)
        else:
            if not self.order:
                self.order = self._order("reviews_litigation", [])
            assigned = self._by_order("reviews_litigation", "", values, self.order)
        if not assigned:
            result.unreadable = True  # its row is there, but which number is which cannot be told
            return
        for row in self.template.review_rows:
            plan = _column_plan(self.template.review_columns, f"{row.key}.")
            cells = self._cells("reviews_litigation", row.key, plan, assigned, view)
            if cells:
                result.cells[row.key] = cells
                result.labels[row.key] = row.label

    # ------------------------------------------------------------------ cells and checks

    def _cells(self, table: str, row: str, plan: Plan, assigned: dict[str, GridCell], view: RowView) -> dict[str, Cell]:
        """The row's cells, read in column order from the grid cells assigned to its columns."""
        grid = view.grid
        row_index = view.index
        page = grid.rows[row_index].page
        cells = {}
        for column, assigned_key, key, kind, number_will_do in plan:
            source = assigned.get(assigned_key)
            if source is None:
                continue
            text = source.text
            src = {"table": grid.index, "row": row_index, "col": source.col}
            if page is not None:
                src["page"] = page
            # _cell inlined for the common case, a number where one belongs (most cells of a report).
            value, state, unit, note = read_value(text, kind)
            if state == NUMBER and number_will_do:
                cells[key] = Cell(value, state, text, unit, note, src)
            else:
                cells[key] = self._cell(table, row, column, source, src)
        return cells

    def _cell(self, table: str, row: str, defined: ColumnDef, source: GridCell, src: dict[str, int]) -> Cell:
        value, state, unit, note = read_value(source.text, defined.kind)
        cell = Cell(value, state, source.text, unit, note, src)
        if state == NUMBER and (defined.kind != "amount" or defined.unit is not None):
            return cell
        where = f"{table}.{row}.{defined.key}"
        if cell.state == TEXT:
            meant = chinese_signed(source.text)
            hint = f" (probably {meant:+g})" if meant is not None else ""
            self.problem("CELL_NOT_NUMERIC", f"{squash(source.text)!r} where a number belongs{hint}", where)
        elif cell.state == NUMBER and defined.kind == "amount" and defined.unit is None:
            if cell.unit is None and cell.value != 0:
                self.problem("UNIT_MISSING", f"amount {squash(source.text)!r} has no unit (万元 or 元?)", where)
            elif cell.note:
                self.problem("UNIT_CONVERTED", cell.note, where)
        return cell

    def _deviation(self, match: Match, seen: str, where: str) -> None:
        if not match.exact:
            self.problem("LABEL_DEVIATION", f"{squash(seen)!r} where the template has {match.expected!r}", where)

    def _finish(self) -> None:
        t2 = self.results["active_disclosure"]
        if t2.labels:
            absent = [r.label for r in self._lookups.t2_rows if r.key not in t2.labels]
            if absent:
                self.problem("ROWS_ABSENT", f"table 二 lacks the rows {'、'.join(absent)}", "active_disclosure")
        t3 = self.results["applications"]
        if t3.present:
            absent = [r.display for r in self.template.application_rows if not r.group and r.key not in t3.labels]
            if absent:
                self.problem("ROWS_ABSENT", f"table 三 lacks the rows {'、'.join(absent)}", "applications")
