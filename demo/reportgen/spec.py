"""What a synthetic report says (ReportSpec), drawn at random from a seed, and the cells a parser must read back."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from crawler.parsing.cells import read_cell
from crawler.parsing.templates import SECTION_KEYS, ColumnDef, Equation, Template, templates
from demo.reportgen import prose
from demo.reportgen.names import Body, body_from_name, index_number, phone, random_body

BLANK_MODES = ("none", "some", "all")
SIZES = ("zero", "small", "large")
DASHES = ("/", "—", "无")
LAST_YEAR = 2025  # the latest report year generated when a template has no last year

Value = int | str  # counts and signed changes as ints; amounts already written out


@dataclass
class ReportSpec:
    body: str
    year: int
    template: str  # "2019" | "2021": the layout used in the document (may differ from the year's)
    title: str
    publish_date: date | None
    sections: dict[str, str | None]  # section key -> text, paragraphs split by "\n" (None: section absent)
    tables: dict[str, dict[str, dict[str, str]] | None]  # table -> row -> col -> raw cell text (None: absent)
    # "applications.rejected_petition" -> label printed instead of the template's (its numbering is kept);
    # "applications.col:total" does the same for a column.
    label_overrides: dict[str, str] = field(default_factory=dict)
    headings: dict[str, str] = field(default_factory=dict)  # section key -> printed title when not the template's
    preamble: str = ""  # the paragraph(s) before section 一
    site: str = ""  # the portal's name, for page chrome
    index_no: str = ""  # 索引号 in the disclosure catalogue

    @property
    def definition(self) -> Template:
        return templates()[self.template]


def random_spec(
    rng: random.Random,
    *,
    template: str = "2021",
    year: int | None = None,
    body: str | None = None,
    blank: str = "none",
    dash_rate: float = 0.0,
    consistent: bool = True,
    problems_text: str | None = None,
    size: str | None = None,
    blank_table: str | None = None,
    site: str | None = None,
    follows: ReportSpec | None = None,
) -> ReportSpec:
    """A plausible report: prose from phrase banks, tables that satisfy R1–R4 unless `consistent` is False.

    `follows`: the same body's report of the year before; applications carried over (R5) and documents in
    force (R6) continue from what it printed.

    `blank`: "some" leaves some zero cells empty, "all" leaves one whole table empty (`blank_table`, or one
    drawn at random). `dash_rate`: share of zero cells written as a dash instead. `size`: zero (every count
    0, as for most small bodies), small or large; drawn when None.
    """
    if blank not in BLANK_MODES:
        raise ValueError(f"blank must be one of {BLANK_MODES}")
    definition = templates()[template]
    if year is None:
        year = rng.randint(definition.first_year, definition.last_year or LAST_YEAR)
    who = random_body(rng) if body is None else body_from_name(body, site)
    if site is not None:
        who = Body(who.name, who.short, who.self_ref, site, who.office)
    size = size or rng.choices(SIZES, weights=(4, 4, 2))[0]
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}")

    before = _printed_numbers(follows)
    values = {
        "active_disclosure": _active_values(rng, definition, size),
        "applications": _application_values(rng, definition, size, before.get("applications", {})),
        "reviews_litigation": _review_values(rng, definition, size),
    }
    _continue_stock(values["active_disclosure"], before.get("active_disclosure", {}))
    facts = _facts(rng, definition, values, who, year)
    if blank == "all":
        blank_table = blank_table or rng.choice(tuple(values))
        if blank_table not in values:
            raise ValueError(f"blank_table must be one of {tuple(values)}")
    if not consistent:
        _break_consistency(rng, definition, values, avoid=blank_table if blank == "all" else None)

    dash = rng.choice(DASHES)
    blank_rate = rng.uniform(0.2, 0.6) if blank == "some" else 0.0
    tables: dict[str, dict[str, dict[str, str]] | None] = {
        name: _write_table(rng, definition, name, rows, blank_rate, dash, dash_rate) for name, rows in values.items()
    }
    if blank == "all" and blank_table is not None:
        tables[blank_table] = {row: dict.fromkeys(cols, "") for row, cols in tables[blank_table].items()}

    sections = _sections(rng, definition, facts, problems_text)
    headings = {key: rng.choice(variants) for key, variants in prose.HEADING_VARIANTS.items() if rng.random() < 0.25}
    return ReportSpec(
        body=who.name,
        year=year,
        template=template,
        title=_title(rng, who.name, year),
        publish_date=_publish_date(rng, year),
        sections=sections,
        tables=tables,
        headings=headings,
        preamble=prose.preamble(rng, facts),
        site=who.site,
        index_no=index_number(rng, year + 1),
    )


def expected_cells(spec: ReportSpec) -> dict[str, dict[str, dict[str, tuple[str, float | int | None]]]]:
    """table -> row -> col -> (state, value) as `read_cell` reads the generated text, for tables present."""
    definition = spec.definition
    out: dict[str, dict[str, dict[str, tuple[str, float | int | None]]]] = {}
    for table, rows in spec.tables.items():
        if rows is None:
            continue
        out[table] = {}
        for row, cols in rows.items():
            out[table][row] = {}
            for col, raw in cols.items():
                column = definition.column(table, row, col)
                cell = read_cell(raw, column.kind if column else "count")
                out[table][row][col] = (cell.state, cell.value)
    return out


def shift_years(text: str, delta: int) -> str:
    """Every year 1990–2099 in `text` moved by `delta` (last year's problems section reused as this year's)."""
    return re.sub(r"(?<!\d)(199\d|20\d\d)(?!\d)", lambda m: str(int(m.group()) + delta), text)


# --- table values -------------------------------------------------------------------------------------


def _equation(definition: Template, equation_id: str) -> Equation:
    return next(e for e in definition.equations if e.id == equation_id)


# How strongly each applicant column and handling outcome attracts requests (keys from the templates).
_APPLICANT_WEIGHTS = {"natural_person": 1.0, "commercial": 0.15, "legal_service": 0.05, "other_org": 0.04}
_OUTCOME_WEIGHTS = {
    "granted": 1.0,
    "partially_granted": 0.15,
    "unable_not_held": 0.6,
    "unable_needs_creation": 0.1,
    "unable_unclear": 0.05,
    "rejected_petition": 0.1,
    "rejected_duplicate": 0.08,
    "other": 0.1,
    "other_no_correction": 0.08,
    "other_misc": 0.08,
}


def _spread(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """`total` split at random over slots in proportion to `weights`."""
    out = [0] * len(weights)
    for index in rng.choices(range(len(weights)), weights=weights, k=total):
        out[index] += 1
    return out


def _printed_numbers(spec: ReportSpec | None) -> dict[str, dict[str, dict[str, int]]]:
    """table -> row -> col -> the whole number a report printed (blanks, dashes and text left out)."""
    if spec is None:
        return {}
    out: dict[str, dict[str, dict[str, int]]] = {}
    for table, rows in expected_cells(spec).items():
        for row, cols in rows.items():
            for col, (state, value) in cols.items():
                if state == "number" and value is not None and float(value).is_integer():
                    out.setdefault(table, {}).setdefault(row, {})[col] = int(value)
    return out


def _continue_stock(rows: dict[str, dict[str, Value]], before: dict[str, dict[str, int]]) -> None:
    """R6: documents in force = last year's in force + issued − repealed (2021 format, where it has them)."""
    for row, cells in rows.items():
        last = before.get(row, {}).get("in_force")
        if last is None or not {"issued", "repealed", "in_force"} <= set(cells):
            continue
        issued = int(cells["issued"])
        repealed = min(int(cells["repealed"]), last + issued)
        cells["repealed"], cells["in_force"] = repealed, last + issued - repealed


def _application_values(
    rng: random.Random, definition: Template, size: str, before: dict[str, dict[str, int]] | None = None
) -> dict[str, dict[str, Value]]:
    """Table 三 built so that R1 (per column), R2 (per row) and R3 (per column) hold; the applications
    carried over are what `before` (last year's table) carried forward, where it printed a number."""
    r1, r2, r3 = (_equation(definition, i) for i in ("R1", "R2", "R3"))
    new_key, carried_key = r1.left
    total_row = r3.left[0]
    forward_key = next(k for k in r1.right if k != total_row)
    total_col, parts = r2.left[0], r2.right
    outcomes = list(r3.right)

    received = {"zero": 0, "small": rng.choice((0, 0, 1, 1, 2, 3, 5, 8)), "large": rng.randint(10, 400)}[size]
    part_weights = [_APPLICANT_WEIGHTS.get(p, 0.02) for p in parts]
    outcome_weights = [_OUTCOME_WEIGHTS.get(o, 0.02) * rng.uniform(0.3, 1.7) for o in outcomes]
    new = _spread(rng, received, part_weights)
    rows: dict[str, dict[str, Value]] = {key: {} for key in definition.expected_cells("applications")}
    for col, fresh in zip(parts, new, strict=True):
        carried = rng.randint(0, max(1, fresh // 10)) if size == "large" and rng.random() < 0.3 else 0
        carried = (before or {}).get(forward_key, {}).get(col, carried)
        forward = rng.randint(0, max(1, (fresh + carried) // 10)) if fresh and rng.random() < 0.3 else 0
        handled = _spread(rng, fresh + carried - forward, outcome_weights)
        rows[new_key][col], rows[carried_key][col], rows[forward_key][col] = fresh, carried, forward
        for outcome, count in zip(outcomes, handled, strict=True):
            rows[outcome][col] = count
        rows[total_row][col] = sum(handled)
    for cells in rows.values():
        cells[total_col] = sum(int(cells.get(p, 0)) for p in parts)
    return rows


def _review_values(rng: random.Random, definition: Template, size: str) -> dict[str, dict[str, Value]]:
    """Table 四 with R4 (total = 维持 + 纠正 + 其他 + 尚未审结, per row)."""
    r4 = _equation(definition, "R4")
    rows: dict[str, dict[str, Value]] = {}
    for row in definition.expected_cells("reviews_litigation"):
        busy = size == "large" and rng.random() < 0.5
        cells: dict[str, Value] = {p: (rng.choice((0, 0, 1, 2, 3)) if busy else 0) for p in r4.right}
        cells[r4.left[0]] = sum(int(v) for v in cells.values())
        rows[row] = cells
    return rows


# Typical scale of each item of table 二 for a busy body (row keys from the templates).
_ACTIVE_SCALE = {
    "rules": 2,
    "normative_docs": 15,
    "licensing": 300,
    "other_services": 150,
    "penalties": 120,
    "enforcement": 10,
    "fees": 8,
    "procurement": 30,
}


def _active_values(rng: random.Random, definition: Template, size: str) -> dict[str, dict[str, Value]]:
    rows: dict[str, dict[str, Value]] = {}
    for sub in definition.subtables:
        for row in sub.rows:
            scale = _ACTIVE_SCALE.get(row.key, 10)
            scale = {"zero": 0, "small": max(1, scale // 10), "large": scale}[size]
            active = size != "zero" and rng.random() < (0.2 if row.key == "rules" else 0.75)
            rows[row.key] = _active_row(rng, sub.columns, scale if active else 0)
    return rows


def _active_row(rng: random.Random, columns: tuple[ColumnDef, ...], scale: int) -> dict[str, Value]:
    """One row of table 二: counts near `scale`, a signed change against the previous count, amounts."""
    cells: dict[str, Value] = {}
    previous = 0
    for column in columns:
        key = column.key
        if column.kind == "amount":
            cells[key] = _amount(rng, column.unit, scale)
        elif column.kind == "signed":
            cells[key] = rng.randint(-min(previous, max(1, scale // 5)), max(0, scale // 5)) if scale else 0
        elif key in ("total_public", "in_force"):  # cumulative counts: at least what the year added
            cells[key] = previous + (rng.randint(0, scale * 5) if scale else 0)
        elif key in ("published", "repealed"):
            cells[key] = rng.randint(0, previous) if previous else 0
        else:
            cells[key] = rng.randint(0, scale * 2) if scale else 0
        if column.kind == "count" and key not in ("published", "repealed"):
            previous = int(cells[key])
    return cells


def _amount(rng: random.Random, unit: str | None, scale: int) -> str:
    """An amount as reports write it; with no unit in the header, 万元, 元 or bare numbers all occur."""
    if not scale:
        return "0"
    wan = round(rng.uniform(0.1, 10.0) * scale, 4)
    if unit == "万元":
        return rng.choice((f"{wan:.2f}", f"{wan:.4f}", f"{wan:.2f}万元"))
    form = rng.randrange(4)
    if form == 0:
        return f"{wan:.4f}万元"
    if form == 1:
        return f"{round(wan * 10000)}元"
    if form == 2:
        return f"{wan * 10000:.2f}元"
    return f"{wan:.2f}"


def _break_consistency(
    rng: random.Random, definition: Template, values: dict[str, dict[str, dict[str, Value]]], avoid: str | None
) -> None:
    """Raise one or two totals so that at least one of R1–R4 fails (in a table that is not left blank)."""
    candidates = [e for e in definition.equations if e.table != avoid]
    for _ in range(rng.randint(1, 2)):
        equation = rng.choice(candidates)
        rows = values[equation.table]
        left = equation.left[0]  # raising a left-hand cell breaks the equation, whatever the other side
        if equation.per == "row":
            row = rng.choice(list(rows))
            rows[row][left] = int(rows[row][left]) + rng.randint(1, 3)
        else:
            col = rng.choice(list(rows[left]))
            rows[left][col] = int(rows[left][col]) + rng.randint(1, 3)


def _write_table(
    rng: random.Random,
    definition: Template,
    table: str,
    rows: dict[str, dict[str, Value]],
    blank_rate: float,
    dash: str,
    dash_rate: float,
) -> dict[str, dict[str, str]]:
    """Values as printed: signed changes with their sign, zeros sometimes blank or dashed."""
    out: dict[str, dict[str, str]] = {}
    for row, cells in rows.items():
        out[row] = {}
        for col, value in cells.items():
            column = definition.column(table, row, col)
            text = _format(value, column.kind if column else "count", rng)
            blank_draw, dash_draw = rng.random(), rng.random()
            if text == "0":
                if blank_draw < blank_rate:
                    text = ""
                elif dash_draw < dash_rate:
                    text = dash
            out[row][col] = text
    return out


def _format(value: Value, kind: str, rng: random.Random) -> str:
    if isinstance(value, str):
        return value
    plain = rng.random() < 0.1
    if kind == "signed" and value > 0 and not plain:
        return f"+{value}"
    return str(value)


# --- prose --------------------------------------------------------------------------------------------


def _facts(
    rng: random.Random,
    definition: Template,
    values: dict[str, dict[str, dict[str, Value]]],
    who: Body,
    year: int,
) -> dict[str, object]:
    """The numbers the prose quotes, taken from the generated tables so that text and tables agree."""
    r1, r2, r3 = (_equation(definition, i) for i in ("R1", "R2", "R3"))
    apps = values["applications"]
    total_col = r2.left[0]
    new_key, carried_key = r1.left
    forward_key = next(k for k in r1.right if k != r3.left[0])
    first_part = r2.right[0]
    reviews = values["reviews_litigation"]
    review_total = _equation(definition, "R4").left[0]
    review_rows = list(reviews)
    normative = values["active_disclosure"].get("normative_docs", {})
    facts: dict[str, object] = {
        "year": year,
        "next": year + 1,
        "self": who.self_ref,
        "body": who.name,
        "short": who.short,
        "site": who.site,
        "office": who.office,
        "phone": phone(rng),
        "wechat": f"{who.short}发布",
        "new": apps[new_key][total_col],
        "np": apps[new_key][first_part],
        "org": int(apps[new_key][total_col]) - int(apps[new_key][first_part]),
        "co": apps[carried_key][total_col],
        "done": apps[r3.left[0]][total_col],
        "fw": apps[forward_key][total_col],
        "reviews": reviews[review_rows[0]][review_total],
        "suits": sum(int(reviews[r][review_total]) for r in review_rows[1:]),
        "norm": next(iter(normative.values()), 0),
    }
    facts.update(prose.random_extras(rng))
    facts["channel"] = str(facts["channel"]).format_map(facts)
    return facts


def _sections(
    rng: random.Random, definition: Template, facts: dict[str, object], problems_text: str | None
) -> dict[str, str | None]:
    builders = {
        "overview": lambda: prose.overview(rng, facts, template=definition.id),
        "active_disclosure": lambda: prose.active_intro(rng, facts),
        "applications": lambda: prose.applications_intro(rng, facts),
        "reviews_litigation": lambda: prose.reviews_intro(rng, facts),
        "problems": lambda: prose.problems(rng, facts),
        "other": lambda: prose.other(rng, facts, template=definition.id),
    }
    sections: dict[str, str | None] = {key: builders[key]() for key in SECTION_KEYS}
    if problems_text is not None:
        sections["problems"] = problems_text
    return sections


def _title(rng: random.Random, body: str, year: int) -> str:
    pattern = rng.choices(("{b}{y}年政府信息公开工作年度报告", "{b}{y}年度政府信息公开工作年度报告"), weights=(4, 1))[0]
    return pattern.format(b=body, y=year)


def _publish_date(rng: random.Random, year: int) -> date:
    """Mostly in January of the next year (the deadline is 31 January); one in ten later."""
    if rng.random() < 0.1:
        return date(year + 1, 2, 1) + timedelta(days=rng.randint(0, 80))
    return date(year + 1, 1, 1) + timedelta(days=rng.randint(4, 30))
