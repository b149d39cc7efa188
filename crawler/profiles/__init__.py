"""CMS profiles: how the portal spider reads one family of government portal software.

Each profile is a YAML file in this folder: how to recognise the family (`detect`), how its lists
paginate (`pagination`, one of a few kinds the spider implements), and how its articles carry
their date and body (`article`). Profile `auto` picks one per page from the `detect` patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROFILE_DIR = Path(__file__).parent
PAGINATION_KINDS = ("create_page_html", "hanweb_dataproxy", "json_api", "page_param", "none")


@dataclass(frozen=True)
class Profile:
    name: str
    url_patterns: tuple[re.Pattern[str], ...] = ()
    body_patterns: tuple[re.Pattern[str], ...] = ()
    pagination: str = "page_param"
    options: dict[str, Any] = field(default_factory=dict)  # the pagination section, as written
    url_date: re.Pattern[str] | None = None
    body_selectors: tuple[str, ...] = ()

    def recognises(self, url: str, body: str = "") -> int:
        """How strongly a page looks like this family (0: not at all)."""
        score = sum(2 for p in self.url_patterns if p.search(url))
        if body:
            score += sum(1 for p in self.body_patterns if p.search(body))
        return score


def _load(path: Path) -> Profile:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    name = str(data.get("name", path.stem))
    pagination = dict(data.get("pagination") or {})
    kind = pagination.get("kind", "page_param")
    if kind not in PAGINATION_KINDS:
        raise ValueError(f"profile {name}: unknown pagination kind {kind!r} (known: {', '.join(PAGINATION_KINDS)})")
    detect = data.get("detect") or {}
    article = data.get("article") or {}
    return Profile(
        name=name,
        url_patterns=tuple(re.compile(p) for p in detect.get("url") or ()),
        body_patterns=tuple(re.compile(p) for p in detect.get("body") or ()),
        pagination=kind,
        options=pagination,
        url_date=re.compile(article["url_date"]) if article.get("url_date") else None,
        body_selectors=tuple(article.get("body") or ()),
    )


@cache
def profiles() -> dict[str, Profile]:
    return {p.name: p for p in (_load(path) for path in sorted(PROFILE_DIR.glob("*.yaml")))}


def known_profiles() -> list[str]:
    """Names a registry may use in `profile:`; `auto` recognises the family from the pages."""
    return ["auto", *profiles()]


def profile_for(name: str, url: str = "", body: str = "") -> Profile:
    """The named profile, or for `auto` the family the page looks most like (generic when none)."""
    if name != "auto":
        return profiles()[name]
    scored = sorted(((p.recognises(url, body), p.name) for p in profiles().values()), reverse=True)
    best_score, best = scored[0]
    return profiles()[best] if best_score > 0 else profiles()["generic"]
