"""A very large document (a seed report repeated to about 5 MB, within what the crawler accepts) is read
like one copy of it: the same six headings at the same blocks, the same section texts. Section finding
used to compare every heading candidate with every earlier one, which took minutes on such input."""

from __future__ import annotations

from crawler.parsing.parser import ParsedReport, parse_document
from crawler.parsing.templates import SECTION_KEYS
from tests.conftest import SEEDS

SEED = "antai-2020.txt"
SIZE = 5 * 1024 * 1024


def parse_seed(copies: int) -> ParsedReport:
    return parse_document((SEEDS / SEED).read_bytes() * copies, filename=SEED)


def test_a_seed_repeated_to_five_megabytes_has_the_sections_of_one_copy() -> None:
    one = parse_seed(1)
    copies = -(-SIZE // len((SEEDS / SEED).read_bytes()))
    big = parse_seed(copies)

    assert copies > 700
    assert big.state == one.state == "ok"
    assert [h["section"] for h in big.headings] == list(SECTION_KEYS)
    assert big.headings == one.headings  # the first copy's headings, at the same blocks
    assert big.headings[0] == {"section": "overview", "heading": "一、2020年度政府信息公开工作的基本情况；", "block": 2}
    assert big.headings[-1]["heading"] == "6、 其他需要报告的事项"
    assert {k for k, v in big.sections.items() if v} == set(SECTION_KEYS)
    assert big.sections["overview"] is not None
    assert big.sections["overview"].startswith("二、主动公开政府信息的情况；\n三、收到和处理政府信息公开申请情况；")
    assert big.sections["applications"] == "2020年，我乡未收到任何形式的申请政府信息公开信息要求."
    *leading, last = SECTION_KEYS
    assert {k: big.sections[k] for k in leading} == {k: one.sections[k] for k in leading}
    # The last section runs to the end of the document, so it holds the repeated copies after its own text.
    assert one.sections[last] == "无"
    assert big.sections[last] is not None and big.sections[last].startswith("无\n")
    assert big.preamble == one.preamble
