"""The sample portal's data: jurisdictions, portals, bodies, planned reports and the cached HTTP resources."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime

# Report formats: where the statutory tables are printed.
FORMATS = ("html", "pdf", "docx", "html+pdf", "html+docx")


@dataclass(frozen=True)
class Jurisdiction:
    code: str  # GB/T 2260 shaped, under the unused province prefix 99
    name: str
    level: str  # province | city | county | township
    parent: str | None = None


@dataclass(frozen=True)
class Portal:
    id: str  # also its path prefix: /<id>/
    name: str  # the site's name, as its pages print it
    style: str  # trs | hanweb | gkmlpt | shandong | waf
    owner: str  # the government running it
    jurisdiction: str
    columns_in_registry: bool  # False: the spider must discover the report column from the home page

    @property
    def prefix(self) -> str:
        return f"/{self.id}/"


@dataclass(frozen=True)
class Body:
    id: str
    name: str  # 青溪县农业农村局
    short: str  # the alias people use: 青溪乡, 县农业农村局
    kind: str  # government | department | township | subdistrict
    jurisdiction: str
    portal: str
    registered: bool = True  # False: publishes on a portal but is not in the registry

    @property
    def aliases(self) -> tuple[str, ...]:
        return (self.short,) if self.short != self.name else ()


@dataclass(frozen=True)
class PlannedReport:
    """One report as the portal publishes it: what it contains, when and how it appears, what goes wrong."""

    key: str  # "<body id>/<year>"
    body: Body
    year: int
    template: str  # "2019" | "2021"
    fmt: str  # one of FORMATS
    published: datetime  # as the page shows it (visible 发布时间 and catalogue 发布日期), China time
    meta_published: datetime  # the PubDate meta; differs from `published` only on the date-conflict page
    deadline: date
    title: str
    title_names_body: bool
    blank: str  # none | some | all (reportgen blank modes)
    consistent: bool
    faults: tuple[str, ...] = ()
    editable: bool = False  # has an edited version (server.edit switches to it)
    word_pasted: bool = True
    split_tables: bool = False
    one_table: bool = True
    # Section 五 reused from another report (the same body's earlier year, or another body's same year),
    # with its years shifted and the other body's name replaced: the copying the similarity rules find.
    problems_from: PlannedReport | None = None
    # The same body's report of the year before: its carried-forward applications and documents in force
    # are where this report's tables start (R5, R6).
    previous: PlannedReport | None = None

    @property
    def late(self) -> bool:
        return self.published.date() > self.deadline

    @property
    def content_seed(self) -> str:
        return f"report/{self.key}/{self.body.name}"


@dataclass(frozen=True)
class Filler:
    """A page in a list column that is not an annual report (notices, guides, report interpretations)."""

    title: str
    published: datetime
    paragraphs: tuple[str, ...]
    source: str
    decoy: bool = False  # its title looks like an annual report's


class Resource:
    """One URL's answer: bytes (rendered at build time, or on first use for slow attachments), type, validators."""

    def __init__(
        self,
        body: bytes | Callable[[], bytes],
        content_type: str,
        last_modified: datetime,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.content_type = content_type
        self.last_modified = last_modified.astimezone(UTC).replace(microsecond=0)
        self.last_modified_http = format_datetime(self.last_modified, usegmt=True)
        self.headers = headers or {}
        self._body = body if isinstance(body, bytes) else None
        self._render = None if isinstance(body, bytes) else body
        self._etag = _etag(self._body) if self._body is not None else ""
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        return self._body is not None

    @property
    def body(self) -> bytes:
        if self._body is None:
            with self._lock:
                if self._body is None:
                    assert self._render is not None
                    data = self._render()
                    self._etag = _etag(data)
                    self._body = data
        return self._body

    @property
    def etag(self) -> str:
        return self._etag if self._body is not None else _etag(self.body)


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
