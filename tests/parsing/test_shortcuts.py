"""The parser's shortcuts and caches give exactly what the long way gives.

Reading a report skips work where the answer is known without it (a paragraph too long for a heading
needs no NFKC, a header seen before needs no matching, a wording seen before needs no fuzzy scoring):
each shortcut is checked here against the computation it stands in for.
"""

from __future__ import annotations

import random
import re
import sys
import unicodedata

import pytest

from crawler.parsing import normalize, sections, tables
from crawler.parsing.blocks import Grid, GridCell, GridRow, Paragraph
from crawler.parsing.normalize import LabelMatcher, LabelSpec, is_blank, label_key, nfkc, nfkc_is_plain, squash
from crawler.parsing.parser import parse_document
from crawler.parsing.tables import TableReader
from crawler.parsing.templates import templates
from demo.reportgen import random_spec, render_html, render_text

_SQUASHED = re.compile(r"[\s\u3000\xa0\u200b\ufeff]")


def _plain_chars() -> list[str]:
    """Every character the plain class admits."""
    return [chr(code) for code in range(sys.maxunicode + 1) if nfkc_is_plain(chr(code))]


def test_plain_characters_normalise_one_to_one_and_never_compose() -> None:
    plain = _plain_chars()
    assert len(plain) > 20_000 and all(nfkc_is_plain(c) for c in plain)
    # Second halves of canonical pairs: a character that can compose with the one before it.
    seconds = set()
    for code in range(sys.maxunicode + 1):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and not decomposition.startswith("<") and len(parts := decomposition.split()) == 2:
            seconds.add(chr(int(parts[1], 16)))
    for char in plain:
        mapped = unicodedata.normalize("NFKD", char)
        assert len(mapped) == 1 and mapped == nfkc(char), repr(char)
        assert unicodedata.combining(char) == 0 and unicodedata.combining(mapped) == 0, repr(char)
        assert mapped not in seconds, repr(char)
        assert bool(_SQUASHED.fullmatch(char)) == bool(_SQUASHED.fullmatch(mapped)), repr(char)


def test_plain_text_keeps_its_squashed_length_under_nfkc() -> None:
    rng = random.Random(5)
    plain = _plain_chars()
    for _ in range(300):
        text = "".join(rng.choice(plain) for _ in range(rng.randint(0, 80)))
        assert nfkc_is_plain(text)
        assert len(squash(nfkc(text))) == len(squash(text))
    assert not nfkc_is_plain("café\u0301") and not nfkc_is_plain("㈠") and not nfkc_is_plain("…")


@pytest.mark.parametrize("text", ["", " ", "\u3000\xa0\u200b\ufeff\t\n", " a ", "\u200b一", "　。"])
def test_is_blank_is_squash_to_nothing(text: str) -> None:
    assert is_blank(text) == (squash(text) == "")


def test_label_key_reads_fullwidth_digits_as_digits() -> None:
    assert label_key("（１２）第二十条第（九）项") == label_key("(12)第二十条第(九)项")
    assert label_key("本年新收１２件") == "本年新收12件"


def test_matcher_memo_answers_as_the_first_time() -> None:
    specs = [LabelSpec("a", "本年新收政府信息公开申请数量"), LabelSpec("b", "上年结转政府信息公开申请数量")]
    wordings = ["本年新收政府信息公开申请量", "上年结转信息公开申请数量", "法律服", "无关的文字"]
    fresh = [LabelMatcher(specs).match(w, allow_prefix=True) for w in wordings]
    shared = LabelMatcher(specs)
    for _ in range(2):
        assert [shared.match(w, allow_prefix=True) for w in wordings] == fresh
    assert shared.match("本年新收政府信息公开申请量", fuzzy=False) is None  # the memo keeps the flags apart


def test_long_paragraphs_are_no_headings_with_or_without_normalising() -> None:
    heading = "二、主动公开政府信息情况"
    long_plain = heading + "，" * 300
    long_other = heading + "é" * 10 + "，" * 300  # not plain: normalised the long way
    spaced = "二、 主动公开政府信息情况" + "\u3000" * 300  # long only because of its spaces: still a heading
    for text in (heading, long_plain, long_other, spaced):
        expected = sections._section_of(text, False)
        found = sections._candidates([Paragraph(text), Paragraph("正文")])
        assert [(h.key, h.weight) for h in found] == ([expected] if expected else [])
    assert sections._section_of(spaced, False) == ("active_disclosure", 3)
    assert sections._section_of(long_plain, False) is None


def test_a_header_read_again_reports_the_same_columns_and_problems() -> None:
    """Columns built from a header are kept by its cells; a second reader replays them and their problems."""
    template = templates()["2021"]
    header = GridRow(
        [GridCell("信息内容", 0), GridCell("本年制发件数", 1), GridCell("本年废止数", 2), GridCell("某某", 3)]
    )
    grid = Grid(
        [
            GridRow([GridCell("第二十条第（一）项", 0, 4)]),
            header,
            GridRow([GridCell("规章", 0)] + [GridCell("1", c) for c in (1, 2, 3)]),
        ]
    )
    tables._lookups(template).columns_of_header.clear()
    first = TableReader(template)
    first_tables = first.read([grid])
    second = TableReader(template)
    second_tables = second.read([grid])
    assert [p.as_dict() for p in second.problems] == [p.as_dict() for p in first.problems]
    assert {"LABEL_DEVIATION", "UNKNOWN_COLUMN"} <= {p.code for p in first.problems}
    assert {k: t.as_dict() for k, t in second_tables.items()} == {k: t.as_dict() for k, t in first_tables.items()}


@pytest.mark.parametrize("seed", range(6))
def test_reports_parse_the_same_with_warm_and_cold_caches(seed: int) -> None:
    spec = random_spec(random.Random(seed), template=("2019", "2021")[seed % 2], blank="some", dash_rate=0.1)
    documents = [render_html(spec, split_tables=seed % 3 == 0), render_text(spec).encode()]
    for data in documents:
        normalize.label_key.cache_clear()
        sections._short_section_of.cache_clear()
        tables._LOOKUPS.clear()
        cold = parse_document(data).as_json()
        assert parse_document(data).as_json() == cold
