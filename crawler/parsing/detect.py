"""Which template a report is laid out in, from the markers each template alone prints."""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.parsing.blocks import ExtractedDocument, Paragraph
from crawler.parsing.normalize import label_key, squash
from crawler.parsing.templates import legacy_markers, templates

LEGACY_HEADING_MAX = 40


@dataclass
class TemplateGuess:
    template: str  # "2019" | "2021" | "legacy" | "unknown"
    markers: dict[str, list[str]] = field(default_factory=dict)  # template id -> markers found
    mixed: bool = False  # markers of both official templates
    legacy_outline: bool = False  # pre-2019 headings beside an official template


def detect_template(doc: ExtractedDocument) -> TemplateGuess:
    text = label_key(doc.text())
    found = {tid: [m for m in t.markers if label_key(m) in text] for tid, t in templates().items()}
    headings = [
        label_key(b.text)
        for b in doc.blocks
        if isinstance(b, Paragraph) and (len(b.text) <= LEGACY_HEADING_MAX or len(squash(b.text)) <= LEGACY_HEADING_MAX)
    ]
    # One search per marker: keys hold no whitespace, so a marker found in the lines is found in one heading.
    lines = "\n".join(headings)
    legacy = [m for m in legacy_markers() if headings and label_key(m) in lines]
    if legacy:
        found["legacy"] = legacy
    official = [tid for tid in ("2019", "2021") if found.get(tid)]
    guess = TemplateGuess("unknown", {k: v for k, v in found.items() if v})
    if len(official) == 2:
        guess.mixed = True
        # Table 二's sub-table (一) header decides: it is the part that differs most.
        guess.template = "2021" if label_key("本年制发件数") in text else "2019"
    elif official:
        guess.template = official[0]
    elif legacy:
        guess.template = "legacy"
    guess.legacy_outline = bool(legacy) and guess.template in ("2019", "2021")
    return guess
