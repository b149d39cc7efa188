"""Cell reading and label matching, as tables of input and expected output."""

from __future__ import annotations

import pytest

from crawler.parsing.cells import chinese_signed, read_cell
from crawler.parsing.normalize import LabelMatcher, LabelSpec, label_key

CELLS = [
    # raw, column kind, state, value, unit
    ("0", "count", "number", 0, None),
    (" 4", "count", "number", 4, None),
    ("4 ", "count", "number", 4, None),
    ("１２", "count", "number", 12, None),
    ("1,234", "count", "number", 1234, None),
    ("4件", "count", "number", 4, "件"),
    ("", "count", "blank", None, None),
    ("\xa0", "count", "blank", None, None),
    ("\u3000 ", "count", "blank", None, None),
    ("/", "count", "dash", None, None),
    ("／", "count", "dash", None, None),
    ("—", "count", "dash", None, None),
    ("-", "count", "dash", None, None),
    ("无", "count", "dash", None, None),
    ("+15", "signed", "number", 15, None),
    ("-1", "signed", "number", -1, None),
    ("−11", "signed", "number", -11, None),
    ("减12", "signed", "text", None, None),
    ("17.6753万元", "amount", "number", 17.6753, "万元"),
    ("72.8 万元", "amount", "number", 72.8, "万元"),
    ("251000元", "amount", "number", 25.1, "元"),
    ("38518699.09元", "amount", "number", 3851.869909, "元"),
    ("1.2亿元", "amount", "number", 12000.0, "亿元"),
    ("438754", "amount", "number", 438754, None),
    ("见附件", "count", "text", None, None),
]


@pytest.mark.parametrize(("raw", "kind", "state", "value", "unit"), CELLS)
def test_read_cell(raw: str, kind: str, state: str, value: float | None, unit: str | None) -> None:
    cell = read_cell(raw, kind)
    assert (cell.state, cell.value, cell.unit, cell.raw) == (state, value, unit, raw)


def test_conversions_are_noted() -> None:
    assert read_cell("251000元", "amount").note == "251000元 converted to 25.1万元"
    assert read_cell("17.6万元", "amount").note is None


@pytest.mark.parametrize(("raw", "meant"), [("减12", -12), ("增3", 3), ("增加5个", 5), ("12", None), ("减少", None)])
def test_chinese_signed(raw: str, meant: int | None) -> None:
    assert chinese_signed(raw) == meant


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("（一）予以公开", "(一)予以公开"),
        ("三、本 年 度 办 理 结 果", "本年度办理结果"),
        ("5. 属于三类 内部事务信 息", "属于三类内部事务信息"),
        ("3.危及“三安全一稳定”", '危及"三安全一稳定"'),
        ("商业\n企业", "商业企业"),
        ("本年增/减", "本年增减"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开区分处理的只计这一情形不计其他情形"),
    ],
)
def test_label_key_ignores_formatting(a: str, b: str) -> None:
    assert label_key(a) == label_key(b)


MATCHER = LabelMatcher(
    [
        LabelSpec("new_received", "本年新收政府信息公开申请数量", ("本年度新收政府信息公开申请数量",)),
        LabelSpec("rejected_petition", "信访举报投诉类申请"),
        LabelSpec("rejected_duplicate", "重复申请"),
        LabelSpec("legal_service", "法律服务机构"),
        LabelSpec("research", "科研机构"),
    ]
)


@pytest.mark.parametrize(
    ("text", "key", "exact"),
    [
        ("一、本年新收政府信息公开申请数量", "new_received", True),
        ("一、本年度新收政府信息公开申请数量", "new_received", True),  # an accepted variant
        ("1.住房举报投诉类申请", "rejected_petition", False),  # a deviation
        ("2.重复申请", "rejected_duplicate", True),
    ],
)
def test_label_matching(text: str, key: str, exact: bool) -> None:
    match = MATCHER.match(text)
    assert match is not None and (match.key, match.exact) == (key, exact)


def test_unrelated_text_matches_nothing_and_prefixes_only_when_unique() -> None:
    assert MATCHER.match("加强组织领导") is None
    assert MATCHER.match("法律服") is None
    prefix = MATCHER.match("法律服", allow_prefix=True)
    assert prefix is not None and (prefix.key, prefix.exact) == ("legal_service", False)
    assert MATCHER.match("机", allow_prefix=True) is None
