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
from functools import lru_cache

from crawler.parsing.blocks import ExtractedDocument, Grid, Paragraph
from crawler.parsing.normalize import is_blank, nfkc, nfkc_is_plain, squash, strip_numbering
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


def _weight(heading: bool, text: str) -> int:
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
    return 2 if (heading or len(squash(text)) <= 20) else 0


def _section_of(raw: str, heading: bool) -> tuple[str, int] | None:
    """The section a paragraph would head, and its weight; None when it heads none."""
    text = nfkc(raw).strip()
    if not text or len(squash(text)) > MAX_HEADING:
        return None
    key = _heading_key(text)
    if "年度报告" in key or "年报" in key:
        return None  # the title
    section = next((d for d in section_defs() if d.matches(key)), None)
    if section is not None and (weight := _weight(heading, text)):
        return section.key, weight
    return None


# Headings recur from report to report: short paragraphs are looked up once.
_short_section_of = lru_cache(maxsize=1 << 13)(_section_of)


def _candidates(blocks: list[Paragraph | Grid]) -> list[Heading]:
    out: list[Heading] = []
    for i, block in enumerate(blocks):
        if not isinstance(block, Paragraph):
            continue
        raw = block.text
        if len(raw) <= 4 * MAX_HEADING:
            found = _short_section_of(raw, block.heading)
        elif nfkc_is_plain(raw) and len(squash(raw)) > MAX_HEADING:
            continue  # too long for a heading, as seen without normalising it
        else:
            found = _section_of(raw, block.heading)
        if found is not None:
            out.append(Heading(i, found[0], raw.strip(), found[1]))
    return out


def _best_chain(blocks: list[Paragraph | Grid], candidates: list[Heading]) -> list[Heading]:
    """The highest-scoring sequence of headings in statutory order, each followed by some content
    before the next one (a longest path over the candidates).

    Linear in the candidates: a candidate can follow any earlier one of a lower section with content
    between them. Candidates come in document order, so those with content before a given candidate
    form a prefix of the list that only grows; the best chain ending in each of the six sections over
    that prefix is all that is kept. Ties go to the earliest candidate, as a scan of every pair would."""
    if not candidates:
        return []
    order = {key: n for n, key in enumerate(SECTION_KEYS)}
    # Blocks with content before each position, so "content between two headings" is one subtraction.
    filled = [0]
    for block in blocks:
        filled.append(filled[-1] + (isinstance(block, Grid) or not is_blank(block.text)))

    scores: list[int] = []
    chains: list[list[Heading]] = []
    # Per section, the best (score, chain) among the candidates usable as a predecessor so far; a later
    # candidate replaces it only with a higher score, so the earliest of equal scores is kept.
    usable: list[tuple[int, list[Heading]] | None] = [None] * len(SECTION_KEYS)
    ready = 0  # candidates[:ready] have content between them and the current candidate
    for cand in candidates:
        while ready < len(scores) and filled[candidates[ready].index + 1] < filled[cand.index]:
            section = order[candidates[ready].key]
            held = usable[section]
            if held is None or scores[ready] > held[0]:
                usable[section] = (scores[ready], chains[ready])
            ready += 1
        score, chain = cand.weight, [cand]
        best_prev: tuple[int, list[Heading]] | None = None
        for held in usable[: order[cand.key]]:
            if held is None:
                continue
            # Equal scores go to the earlier candidate: the last heading of its chain comes first.
            if (
                best_prev is None
                or held[0] > best_prev[0]
                or (held[0] == best_prev[0] and held[1][-1].index < best_prev[1][-1].index)
            ):
                best_prev = held
        if best_prev is not None:
            score, chain = best_prev[0] + cand.weight, [*best_prev[1], cand]
        scores.append(score)
        chains.append(chain)
    finished = [(s, c) for s, c in zip(scores, chains, strict=True) if filled[len(blocks)] > filled[c[-1].index + 1]]
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
    lines = []
    last = len(blocks) - 1
    for i in range(start, min(end, last + 1)):
        block = blocks[i]
        if isinstance(block, Paragraph) and (line := block.text.strip()):
            if i < last and isinstance(blocks[i + 1], Grid) and _is_caption(blocks, i):
                continue  # only a paragraph right above a table can be its caption
            lines.append(line)
    return "\n".join(lines)


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
