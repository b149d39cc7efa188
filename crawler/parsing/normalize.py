"""Label normalisation and fuzzy matching: the same label written with other widths, spaces,
brackets, numbering or quotes compares equal; a different wording compares close but not equal."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

# Numbering in front of a label: 一、 （一） (1) 1. 1、 ①; possibly several ("三、（一）").
_NUMBERING = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十]{1,3}[)）]?[、.．,，]?|[（(]\d{1,2}[)）]|\d{1,2}[.．、,，](?!\d)|[①-⑳])"
)
_NOISE = re.compile(r"[\s\u3000\xa0\u200b\ufeff“”\"'‘’「」『』《》〈〉()（）【】\[\]、，,。.．：:；;/／\\—\-－_·•]+")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


_WHITESPACE = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")


def squash(text: str) -> str:
    """Remove every kind of whitespace (PDF and Word text is full of spaces inside words)."""
    return _WHITESPACE.sub("", text)


_BLANK = re.compile(r"[\s\u3000\xa0\u200b\ufeff]*")


def is_blank(text: str) -> bool:
    """`squash(text) == ""`, without building the squashed text."""
    return _BLANK.fullmatch(text) is not None


# Characters that NFKC maps one to one, each to a character of its own kind (whitespace or not), and that
# never compose with a neighbour: ASCII, CJK ideographs, CJK and fullwidth punctuation (tests check this).
_NFKC_PLAIN = re.compile(
    r"[\t-\r -~\u00b7\u2010-\u2016\u2018-\u2024\u2027\u3000-\u3029\u3030-\u303f\u4e00-\u9fff\uff01-\uff5e]*"
)


def nfkc_is_plain(text: str) -> bool:
    """NFKC changes `text` at most character by character and keeps which characters are whitespace, so
    `len(squash(nfkc(text)))` is `len(squash(text))`: a length known without normalising."""
    return _NFKC_PLAIN.fullmatch(text) is not None


def strip_numbering(text: str) -> str:
    text = squash(nfkc(text))
    while True:
        stripped = _NUMBERING.sub("", text, count=1)
        if stripped == text or not stripped:
            return text
        text = stripped


@lru_cache(maxsize=1 << 16)
def label_key(text: str) -> str:
    """The comparable form of a label: no numbering, spaces, punctuation, brackets or quotes (and, by NFKC,
    no fullwidth digits)."""
    return _NOISE.sub("", strip_numbering(text))


def similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(frozen=True)
class Match:
    key: str
    exact: bool  # equal to the label or an accepted variant after normalisation
    score: float
    expected: str  # the template's label


@dataclass(frozen=True)
class LabelSpec:
    key: str
    label: str
    variants: tuple[str, ...] = ()

    def forms(self) -> Iterable[str]:
        yield label_key(self.label)
        for variant in self.variants:
            yield label_key(variant)


_UNKNOWN = Match("", False, 0.0, "")  # not in the memo (None there is an answer: no match)


class LabelMatcher:
    """Finds which of a fixed set of labels a piece of text is."""

    def __init__(self, specs: Sequence[LabelSpec], threshold: float = 0.72, margin: float = 0.08) -> None:
        self.specs = list(specs)
        self.threshold = threshold
        self.margin = margin
        self._forms = [(spec, tuple(spec.forms())) for spec in self.specs]
        self._exact: dict[str, LabelSpec] = {}
        for spec, forms in self._forms:
            for key in forms:
                self._exact.setdefault(key, spec)
        self._exact_matches = {key: Match(spec.key, True, 1.0, spec.label) for key, spec in self._exact.items()}
        # Inexact answers by (key, allow_prefix, fuzzy): fuzzy scoring is costly and the same wording recurs.
        self._inexact: dict[tuple[str, bool, bool], Match | None] = {}

    def exact(self, text: str) -> LabelSpec | None:
        """The label the text is, ignoring formatting only (a dictionary lookup: cheap)."""
        return self._exact.get(label_key(text))

    def match(self, text: str, allow_prefix: bool = False, fuzzy: bool = True) -> Match | None:
        key = label_key(text)
        if not key:
            return None
        found = self._exact_matches.get(key)
        if found is not None:
            return found
        memo = (key, allow_prefix, fuzzy)
        known = self._inexact.get(memo, _UNKNOWN)
        if known is not _UNKNOWN:
            return known
        if len(self._inexact) >= 4096:
            self._inexact.clear()
        found = self._inexact[memo] = self._inexact_match(key, allow_prefix, fuzzy)
        return found

    def _inexact_match(self, key: str, allow_prefix: bool, fuzzy: bool) -> Match | None:
        scored = (
            []
            if not fuzzy
            else sorted(((self._score(key, forms), spec) for spec, forms in self._forms), key=lambda item: -item[0])
        )
        if scored:
            best, spec = scored[0]
            second = scored[1][0] if len(scored) > 1 else 0.0
            if best >= self.threshold and best - second >= self.margin:
                return Match(spec.key, False, best, spec.label)
        if allow_prefix and len(key) >= 2:
            # A label cut short (a truncated header cell such as "法律服"): unique prefix only.
            hits = [s for s, forms in self._forms if any(k.startswith(key) for k in forms)]
            if len(hits) == 1:
                return Match(hits[0].key, False, len(key) / len(label_key(hits[0].label)), hits[0].label)
        return None

    def _score(self, key: str, forms: tuple[str, ...]) -> float:
        best = 0.0
        for form in forms:
            # Length alone bounds the ratio: skip the costly comparison when it cannot reach the threshold.
            if 2 * min(len(key), len(form)) / (len(key) + len(form)) < self.threshold - self.margin:
                continue
            best = max(best, similarity(key, form))
        return best
