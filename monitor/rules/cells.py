"""Reading a stored report's cells the way the rules need them: by template row and column."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from monitor.context import ReportFacts

TABLE_NAMES = {
    "active_disclosure": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "reviews_litigation": "四、政府信息公开行政复议、行政诉讼情况",
}


def cell(report: ReportFacts, table: str, row: str, col: str) -> dict[str, Any] | None:
    return ((report.table(table).get("cells") or {}).get(row) or {}).get(col)


def number(report: ReportFacts, table: str, row: str, col: str) -> float | None:
    """The cell's number, or None when it is blank, a dash, text or absent: unknown, never zero."""
    found = cell(report, table, row, col)
    if found is None or found.get("state") != "number":
        return None
    return found.get("value")


def expected(report: ReportFacts, table: str) -> Iterator[tuple[str, str]]:
    """(row, column) of every cell the report's template expects a number in."""
    for row, cols in report.layout().expected_cells(table).items():
        for col in cols:
            yield row, col


def usable(report: ReportFacts, table: str) -> bool:
    """The table is there and its cells could be located (an unreadable table's cells are unknown)."""
    data = report.table(table)
    return bool(data.get("present")) and not data.get("unreadable")


def describe(report: ReportFacts, table: str, row: str, col: str) -> str:
    """A cell as a person reads it: "三、（一）予以公开 / 自然人"."""
    template = report.layout()
    row_label = next((r.display for r in template.rows(table) if r.key == row), row)
    col_label = next((c.label for c in template.columns(table) if c.key == col), col)
    return f"{row_label} / {col_label}"


def where(report: ReportFacts, table: str, row: str, col: str) -> dict[str, Any]:
    """Evidence for one cell: its place in the template, what the document says, where it is."""
    found = cell(report, table, row, col) or {}
    return {
        "table": table,
        "row": row,
        "col": col,
        "label": describe(report, table, row, col),
        "raw": found.get("raw"),
        "state": found.get("state", "absent"),
        "value": found.get("value"),
        "src": found.get("src"),
    }
