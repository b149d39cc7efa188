"""Reading one table cell: blank, dash, number or text, with signed changes and amounts with units.

Blank (nothing written), dash ("/", "—", "无": explicitly nothing) and zero are different facts and
stay different: an all-blank table is a defect, an all-zero table is a normal small body's report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from crawler.parsing.normalize import nfkc

BLANK, DASH, NUMBER, TEXT = "blank", "dash", "number", "text"

_SPACE = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
_DASHES = {"/", "\\", "-", "—", "——", "–", "－", "─", "──", "无", "空", "--", "---", "/ /", "×", "x", "X", "—/"}
_NUMBER = re.compile(r"(?P<sign>[+-])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?")
# Units for amounts (converted to 万元) and for counts (just dropped).
_AMOUNT_UNITS = {"万元": 1.0, "亿元": 10000.0, "元": 0.0001, "千元": 0.1}
_COUNT_UNITS = ("件", "条", "项", "个", "次", "人", "宗", "份")


@dataclass(slots=True)
class Cell:
    value: float | int | None
    state: str  # blank | dash | number | text
    raw: str
    unit: str | None = None  # the unit written in the cell, when there was one
    note: str | None = None  # how the value was obtained when not read as written
    src: dict[str, Any] = field(default_factory=dict)  # table, row, col (and page) it came from

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "state": self.state, "raw": self.raw}
        if self.unit is not None:
            out["unit"] = self.unit
        if self.note is not None:
            out["note"] = self.note
        if self.src:
            out["src"] = self.src
        return out


def _as_number(digits: str) -> float | int:
    digits = digits.replace(",", "")
    if "." in digits:
        return float(digits)
    return int(digits)


def read_cell(raw: str, kind: str = "count") -> Cell:
    """Read a cell's text. `kind` is the column's: count, signed (本年增/减) or amount (采购总金额)."""
    value, state, unit, note = read_value(raw, kind)
    return Cell(value, state, raw, unit=unit, note=note)


@lru_cache(maxsize=1 << 14)
def read_value(raw: str, kind: str = "count") -> tuple[float | int | None, str, str | None, str | None]:
    """What read_cell reads, as (value, state, unit, note): cached, and no Cell built."""
    cell = _interpret(raw, kind)
    return cell.value, cell.state, cell.unit, cell.note


def _interpret(raw: str, kind: str) -> Cell:
    text = _SPACE.sub("", nfkc(raw)).replace("−", "-").replace("＋", "+")
    if not text:
        return Cell(None, BLANK, raw)
    if text in _DASHES or set(text) <= {"/", "-", "—", "－", "\\"}:
        return Cell(None, DASH, raw)
    if _NUMBER.fullmatch(text):
        return Cell(_as_number(text.lstrip("+")), NUMBER, raw)
    if kind == "amount":
        for unit, factor in _AMOUNT_UNITS.items():
            if text.endswith(unit):
                number = text[: -len(unit)]
                if _NUMBER.fullmatch(number) and not number.startswith(("+", "-")):
                    value = _as_number(number)
                    if unit == "万元":
                        return Cell(value, NUMBER, raw, unit=unit)
                    converted = round(value * factor, 6)
                    note = f"{number}{unit} converted to {converted:g}万元"
                    return Cell(converted, NUMBER, raw, unit=unit, note=note)
    for unit in _COUNT_UNITS:
        if text.endswith(unit) and _NUMBER.fullmatch(text[: -len(unit)]):
            return Cell(_as_number(text[: -len(unit)].lstrip("+")), NUMBER, raw, unit=unit)
    return Cell(None, TEXT, raw)


def chinese_signed(raw: str) -> int | float | None:
    """'减12' / '增3' / '增加5': the signed number a text cell probably means (reported, never used)."""
    text = _SPACE.sub("", nfkc(raw))
    match = re.fullmatch(r"(增加|增|减少|减)(\d+(?:\.\d+)?)[个项件]?", text)
    if not match:
        return None
    value = _as_number(match[2])
    return -value if match[1].startswith("减") else value
