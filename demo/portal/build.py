"""What building one portal yields: its resources, where each report landed, its faults, counts; shared helpers."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from demo.portal.model import Portal, Resource
from monitor.deadlines import CHINA_TZ

HTML = "text/html"
HTML_UTF8 = "text/html; charset=utf-8"
EMPTY_LIST_DATE = datetime(2019, 1, 1, tzinfo=CHINA_TZ)  # Last-Modified of a list with nothing in it


@dataclass
class Placement:
    """Where a report is published: its page, its attachments and the list column it is listed in."""

    page: str
    column: str
    attachments: list[str] = field(default_factory=list)  # as the page links them (path and query)


@dataclass
class Edit:
    """The edited version of a report: new bytes for some of its URLs."""

    bodies: dict[str, tuple[bytes | Callable[[], bytes], str, dict[str, str]]]  # key -> (bytes, type, headers)
    changed: list[str]  # table.row.col of every cell that reads differently


@dataclass
class PortalBuild:
    portal: Portal
    resources: dict[str, Resource] = field(default_factory=dict)
    placements: dict[str, Placement] = field(default_factory=dict)  # report key -> placement
    report_columns: list[str] = field(default_factory=list)  # column URLs as the registry names them
    faults: dict[str, str] = field(default_factory=dict)  # resource key -> behavioural fault mode
    failures: list[tuple[str, str, str | None]] = field(default_factory=list)  # (url path, mode, report key)
    decoys: list[str] = field(default_factory=list)
    fillers: list[str] = field(default_factory=list)
    robots_disallowed: list[str] = field(default_factory=list)
    edits: dict[str, Edit] = field(default_factory=dict)
    # path -> (query parameter naming the resource, its value when absent) for scripts serving many resources
    query_keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    list_pages: int = 0
    pages: int = 0  # distinct URLs a full crawl of the portal fetches
    report_column_pages: int = 0  # of those, the ones a crawl of the report columns alone fetches

    def add(self, key: str, resource: Resource, *, counted: bool = True) -> None:
        if key in self.resources:
            raise ValueError(f"two resources at {key}")
        self.resources[key] = resource
        self.pages += counted

    def alias(self, key: str, existing: str) -> None:
        """A second URL for a resource (a directory and its index.html), not counted again."""
        self.resources[key] = self.resources[existing]


def ascending_ids(rng: random.Random, moments: Sequence[datetime], start: int, most_step: int) -> list[int]:
    """Article ids growing with the publish time, as CMS sequences do, returned in the order of `moments`."""
    order = sorted(range(len(moments)), key=lambda i: moments[i])
    ids = [0] * len(moments)
    current = start
    for index in order:
        current += rng.randint(1, most_step)
        ids[index] = current
    return ids
