"""The official report templates as data (templates/*.yaml), loaded once into typed definitions.

The parser reads tables with these, the rules check equations and expected cells with these, and
the dashboard lays out grids with these: nothing else in the code base lists rows or columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from crawler.parsing.normalize import LabelSpec, label_key

TEMPLATE_DIR = Path(__file__).parent / "templates"
TABLES = ("active_disclosure", "applications", "reviews_litigation")
SECTION_KEYS = ("overview", "active_disclosure", "applications", "reviews_litigation", "problems", "other")


@dataclass(frozen=True)
class ColumnDef:
    key: str
    label: str
    variants: tuple[str, ...] = ()
    group: str | None = None
    kind: str = "count"  # count | signed | amount
    unit: str | None = None  # the unit the template fixes in its header (amount columns)

    @property
    def spec(self) -> LabelSpec:
        return LabelSpec(self.key, self.label, self.variants)


@dataclass(frozen=True)
class RowDef:
    key: str
    label: str
    variants: tuple[str, ...] = ()
    parent: str | None = None
    group: bool = False  # a heading row that holds no numbers of its own (e.g. （三）不予公开)
    group_label: str | None = None
    number: str = ""  # the numbering printed before the label: "一、", "（三）", "1."

    @property
    def display(self) -> str:
        return f"{self.number}{self.label}"

    @property
    def spec(self) -> LabelSpec:
        return LabelSpec(self.key, self.label, self.variants)


@dataclass(frozen=True)
class SubTable:
    """One stacked block of table 二, headed 第二十条第（N）项."""

    item: str
    columns: tuple[ColumnDef, ...]
    rows: tuple[RowDef, ...]


@dataclass(frozen=True)
class Equation:
    id: str
    table: str
    per: str  # column: holds in every column; row: holds in every row
    description: str
    left: tuple[str, ...]
    right: tuple[str, ...]


@dataclass(frozen=True)
class SectionDef:
    key: str
    title: str
    pattern: re.Pattern[str]  # the section's heading patterns as one alternation

    def matches(self, heading_key: str) -> bool:
        return self.pattern.search(heading_key) is not None


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    first_year: int
    last_year: int | None
    markers: tuple[str, ...]
    subtables: tuple[SubTable, ...]
    application_rows: tuple[RowDef, ...]
    application_columns: tuple[ColumnDef, ...]
    review_rows: tuple[RowDef, ...]
    review_columns: tuple[ColumnDef, ...]
    outcomes: tuple[str, ...]
    equations: tuple[Equation, ...]
    _expected: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict, compare=False, repr=False)
    _subtable_of: dict[str, SubTable] = field(default_factory=dict, compare=False, repr=False)

    def fits_year(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    def rows(self, table: str) -> tuple[RowDef, ...]:
        if table == "active_disclosure":
            return tuple(r for s in self.subtables for r in s.rows)
        if table == "applications":
            return self.application_rows
        return self.review_rows

    def columns(self, table: str) -> tuple[ColumnDef, ...]:
        if table == "active_disclosure":
            seen: dict[str, ColumnDef] = {}
            for sub in self.subtables:
                for col in sub.columns:
                    seen.setdefault(col.key, col)
            return tuple(seen.values())
        if table == "applications":
            return self.application_columns
        return self.review_columns

    def subtable_of(self, row_key: str) -> SubTable | None:
        return self._subtable_of.get(row_key)

    def expected_cells(self, table: str) -> dict[str, tuple[str, ...]]:
        """Row key -> the column keys the template expects a number in (group rows excluded)."""
        return self._expected[table]

    def column(self, table: str, row: str, col: str) -> ColumnDef | None:
        if table == "active_disclosure":
            sub = self.subtable_of(row)
            return next((c for c in sub.columns if c.key == col), None) if sub else None
        return next((c for c in self.columns(table) if c.key == col), None)


def _rows(items: list[dict[str, Any]]) -> tuple[RowDef, ...]:
    return tuple(
        RowDef(
            key=i["key"],
            label=i["label"],
            variants=tuple(i.get("variants", ())),
            parent=i.get("parent"),
            group=bool(i.get("group", False)),
            group_label=i.get("group_label"),
            number=str(i.get("number", "")),
        )
        for i in items
    )


def _columns(items: list[dict[str, Any]]) -> tuple[ColumnDef, ...]:
    return tuple(
        ColumnDef(
            key=i["key"],
            label=i["label"],
            variants=tuple(i.get("variants", ())),
            group=i.get("group"),
            kind=i.get("kind", "count"),
            unit=i.get("unit"),
        )
        for i in items
    )


def _load(name: str) -> dict[str, Any]:
    return yaml.safe_load((TEMPLATE_DIR / name).read_text(encoding="utf-8"))


def _build(data: dict[str, Any], common: dict[str, Any]) -> Template:
    subtables = tuple(
        SubTable(item=s["item"], columns=_columns(s["columns"]), rows=_rows(s["rows"]))
        for s in data["active_disclosure"]["subtables"]
    )
    app_rows = _rows(
        common["applications_rows_head"] + data["applications_rows_other"] + common["applications_rows_tail"]
    )
    outcomes = tuple(data["outcomes"])
    equations = []
    for eq in common["equations"]:
        right = outcomes if eq["right"] == "outcomes" else tuple(eq["right"])
        equations.append(Equation(eq["id"], eq["table"], eq["per"], eq["description"], tuple(eq["left"]), right))
    review = common["reviews_litigation"]
    template = Template(
        id=str(data["id"]),
        name=data["name"],
        first_year=data["years"]["first"],
        last_year=data["years"]["last"],
        markers=tuple(data["markers"]),
        subtables=subtables,
        application_rows=app_rows,
        application_columns=_columns(common["applications_columns"]),
        review_rows=_rows(review["rows"]),
        review_columns=_columns(review["columns"]),
        outcomes=outcomes,
        equations=tuple(equations),
    )
    expected = {
        "active_disclosure": {r.key: tuple(c.key for c in s.columns) for s in subtables for r in s.rows},
        "applications": {r.key: tuple(c.key for c in template.application_columns) for r in app_rows if not r.group},
        "reviews_litigation": {r.key: tuple(c.key for c in template.review_columns) for r in template.review_rows},
    }
    template._expected.update(expected)
    template._subtable_of.update({r.key: sub for sub in subtables for r in sub.rows})
    return template


@cache
def templates() -> dict[str, Template]:
    common = _load("common.yaml")
    out = {}
    for name in ("template_2019.yaml", "template_2021.yaml"):
        template = _build(_load(name), common)
        out[template.id] = template
    return out


@cache
def legacy_markers() -> tuple[str, ...]:
    return tuple(_load("legacy.yaml")["markers"])


@cache
def section_defs() -> tuple[SectionDef, ...]:
    return tuple(
        SectionDef(s["key"], s["title"], re.compile("|".join(f"(?:{p})" for p in s["patterns"])))
        for s in _load("common.yaml")["sections"]
    )


def template_for_year(year: int) -> Template:
    """The template a report for `year` must follow (2019 for 2019–2020, 2021 afterwards)."""
    for template in templates().values():
        if template.fits_year(year):
            return template
    raise LookupError(f"no official template for report year {year}")


def marker_keys(markers: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(label_key(m) for m in markers)
