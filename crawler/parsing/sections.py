"""The six sections of a report, found by what their headings mean rather than by exact titles.

A heading is a short paragraph whose wording matches a section ("1、2020年度政府信息公开工作的基本
情况" is the overview). Reports list their six parts in an introduction, and subsections reuse
section words ("（二）主动公开情况"), so every candidate is collected and the best sequence is
chosen: sections in their statutory order, each heading followed by content, top-level numbering
preferred over sub-numbering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.parsing.blocks import ExtractedDocument, Grid, Paragraph
from crawler.parsing.normalize import nfkc, squash, strip_numbering
from crawler.parsing.templates import SECTION_KEYS, section_defs

MAX_HEADING = 60
_TOP_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,2}\s*[、.．]|\d{1,2}\s*[、.．](?!\d))")
_SUB_NUMBER = re.compile(r"^\s*[（(]\s*[一二三四五六七八九十\d]{1,2}\s*[)）]")
_CAPTION = re.compile(r"(情况表|统计表|附表)$")
_PUNCTUATION_END = re.compile(r"[；;。.：:]+$")
_SENTENCE = re.compile(r"[，,。；;！!？?：:]")


@dataclass(frozen=True)
class Heading:
    index: int  # position among the document's blocks
    key: str
    text: str
    weight: int  # 3 top-level numbering, 2 unnumbered or styled heading, 1 sub-numbering


@dataclass
class SectionResult:
    texts: dict[str, str | None]
    headings: list[dict[str, object]]  # every heading chosen, for evidence
    preamble: str


def _heading_key(text: str) -> str:
    return _PUNCTUATION_END.sub("", strip_numbering(text))


def _weight(block: Paragraph, text: str) -> int:
    """How much a short paragraph looks like a section heading; 0 when it reads as a sentence."""
    body = _PUNCTUATION_END.sub("", squash(text))
    if _SENTENCE.search(body):
        return 0  # "（二）依申请公开情况。2020年度，我局…": a run-in heading of a paragraph
    if _TOP_NUMBER.match(text):
        return 3
    if _SUB_NUMBER.match(text):
        return 1
    if squash(text).endswith("。"):
        return 0  # "本年度无其他需要报告的事项。"
    return 2 if (block.heading or len(squash(text)) <= 20) else 0


def _candidates(blocks: list[Paragraph | Grid]) -> list[Heading]:
    defs = section_defs()
    out: list[Heading] = []
    for i, block in enumerate(blocks):
        if not isinstance(block, Paragraph):
            continue
        text = nfkc(block.text).strip()
        if not text or len(squash(text)) > MAX_HEADING:
            continue
        key = _heading_key(text)
        if "年度报告" in key or "年报" in key:
            continue  # the title
        section = next((d for d in defs if d.matches(key)), None)
        if section is not None and (weight := _weight(block, text)):
            out.append(Heading(i, section.key, block.text.strip(), weight))
    return out


def _has_content(blocks: list[Paragraph | Grid], start: int, end: int) -> bool:
    return any(isinstance(b, Grid) or (isinstance(b, Paragraph) and squash(b.text)) for b in blocks[start:end])


def _best_chain(blocks: list[Paragraph | Grid], candidates: list[Heading]) -> list[Heading]:
    """The highest-scoring sequence of headings in statutory order, each followed by some content
    before the next one (a longest path over the candidates)."""
    order = {key: n for n, key in enumerate(SECTION_KEYS)}
    best: list[tuple[int, list[Heading]]] = []
    for n, cand in enumerate(candidates):
        score, chain = cand.weight, [cand]
        for m in range(n):
            prev_score, prev_chain = best[m]
            prev = prev_chain[-1]
            if (
                order[prev.key] < order[cand.key]
                and prev_score + cand.weight > score
                and _has_content(blocks, prev.index + 1, cand.index)
            ):
                score, chain = prev_score + cand.weight, [*prev_chain, cand]
        best.append((score, chain))
    finished = [(s, c) for s, c in best if _has_content(blocks, c[-1].index + 1, len(blocks))]
    if not finished:
        return []
    return max(finished, key=lambda item: item[0])[1]


def _is_caption(blocks: list[Paragraph | Grid], i: int) -> bool:
    block = blocks[i]
    following = blocks[i + 1] if i + 1 < len(blocks) else None
    return (
        isinstance(block, Paragraph)
        and isinstance(following, Grid)
        and len(squash(block.text)) <= 40
        and bool(_CAPTION.search(squash(block.text)))
    )


def _text(blocks: list[Paragraph | Grid], start: int, end: int) -> str:
    return "\n".join(
        b.text.strip()
        for i, b in enumerate(blocks[start:end], start)
        if isinstance(b, Paragraph) and b.text.strip() and not _is_caption(blocks, i)
    )


def find_sections(doc: ExtractedDocument) -> SectionResult:
    blocks = doc.blocks
    chain = _best_chain(blocks, _candidates(blocks))
    texts: dict[str, str | None] = dict.fromkeys(SECTION_KEYS)
    for n, heading in enumerate(chain):
        end = chain[n + 1].index if n + 1 < len(chain) else len(blocks)
        texts[heading.key] = _text(blocks, heading.index + 1, end)
    preamble = _text(blocks, 0, chain[0].index if chain else len(blocks))
    headings = [{"section": h.key, "heading": h.text, "block": h.index} for h in chain]
    return SectionResult(texts, headings, preamble)
