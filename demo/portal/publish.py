"""Publishing an article on a portal: its page and attachments as resources, with planted faults and edits."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from urllib.parse import urljoin

from demo.portal.build import HTML_UTF8, Edit, Placement, PortalBuild, ascending_ids
from demo.portal.content import DOCX_TYPE, attachment, changed_cells
from demo.portal.faults import BEHAVIOURS, mislabel_charset, oversize
from demo.portal.model import Filler, PlannedReport, Portal, Resource
from demo.portal.pages import Link, credit_code, filler_body, index_number, report_body

# (article body HTML, the article's meta PubDate) -> the whole page
PageRenderer = Callable[[str, datetime], str]
ATTACHMENT_TYPES = {"pdf": "application/pdf", "docx": DOCX_TYPE}


@dataclass
class Entry:
    """One item of a list column: a report or a filler, with the date the list shows."""

    title: str
    moment: datetime
    report: PlannedReport | None = None
    filler: Filler | None = None
    path: str = ""  # assigned by the style
    id: int = 0  # the CMS's article id, assigned by the style

    def source(self, portal: Portal) -> str:
        """The publisher an article names: the reporting body, else the filler's source, else the portal's owner."""
        if self.report is not None:
            return self.report.body.name
        return self.filler.source if self.filler else portal.owner

    def index_number(self, portal: Portal) -> str:
        """索引号: the reporting body's (else the portal's) credit code, the date and a serial."""
        body = self.report.body if self.report else None
        code = credit_code(body.id if body else portal.id, body.jurisdiction if body else "990000")
        return index_number(code, self.moment, self.id % 100000)


@dataclass(frozen=True)
class AttachmentSlot:
    key: str  # resource key (path, or path?param=value for download scripts)
    href: str  # as the article links it
    filename: str  # as the link text and the download name show it
    kind: str  # pdf | docx
    content_type: str = ""  # when not the format's own (download scripts answer application/octet-stream)
    headers: tuple[tuple[str, str], ...] = ()


def column_entries(
    keys: Iterable[str],
    reports: list[PlannedReport],
    fillers: dict[str, list[Filler]],
    column_of: Callable[[PlannedReport], str] = lambda report: "nb",
) -> dict[str, list[Entry]]:
    """Each list column's entries by column key: its reports (in plan order), then its fillers."""
    entries: dict[str, list[Entry]] = {key: [] for key in keys}
    for report in reports:
        entries[column_of(report)].append(Entry(report.title, report.published, report=report))
    for key, items in fillers.items():
        entries[key] += [Entry(f.title, f.published, filler=f) for f in items]
    return entries


def number_entries(entries: dict[str, list[Entry]], rng: random.Random, start: int, most_step: int) -> None:
    """Give every entry of the portal its CMS article id, growing with the publish time (see ascending_ids)."""
    every = [e for items in entries.values() for e in items]
    for entry, number in zip(every, ascending_ids(rng, [e.moment for e in every], start, most_step), strict=True):
        entry.id = number


def newest_first(entries: list[Entry]) -> list[Entry]:
    """A list column's order: newest first, ties broken by path."""
    return sorted(entries, key=lambda e: (e.moment, e.path), reverse=True)


def pages_listed(build: PortalBuild, entries: list[Entry]) -> int:
    """Article pages and attachments behind a list's entries."""
    return sum(1 + len(build.placements[e.report.key].attachments) if e.report else 1 for e in entries)


def encode(html: str, charset: str) -> bytes:
    return html.encode(charset, errors="xmlcharrefreplace")


def publish_report(
    build: PortalBuild,
    report: PlannedReport,
    *,
    page: str,
    column: str,
    slots: list[AttachmentSlot],
    render: PageRenderer,
    charset: str,
    content_type: str,
    oversize_bytes: int,
) -> None:
    site = build.portal.name
    links = [Link(slot.href, slot.filename) for slot in slots]
    html = render(report_body(report, site, links), report.meta_published)
    body, page_type = encode(html, charset), content_type
    if "wrong_charset" in report.faults:
        body, page_type = mislabel_charset(body, content_type)
        build.failures.append((page, "wrong_charset", report.key))
    build.add(page, Resource(body, page_type, report.published))
    placement = Placement(page, column)
    for slot in slots:
        linked = urljoin(page, slot.href)  # the URL a crawler sees, query included
        render_file = partial(_file, report, site, slot.kind, oversize_bytes if "oversize" in report.faults else 0)
        if "oversize" in report.faults:
            build.failures.append((linked, "oversize", report.key))
        build.add(slot.key, Resource(render_file, _attachment_type(slot), report.published, dict(slot.headers)))
        placement.attachments.append(linked)
    build.placements[report.key] = placement
    for mode in report.faults:
        if mode in BEHAVIOURS:
            build.faults[page] = mode
            build.failures.append((page, mode, report.key))
    if report.editable:
        edited_html = render(report_body(report, site, links, edited=True), report.meta_published)
        bodies = {page: (encode(edited_html, charset), page_type, {})}
        for slot in slots:
            render_file = partial(_file, report, site, slot.kind, 0, edited=True)
            bodies[slot.key] = (render_file, _attachment_type(slot), dict(slot.headers))
        build.edits[report.key] = Edit(bodies, changed_cells(report, site))


def publish_entry(
    build: PortalBuild,
    entry: Entry,
    render: PageRenderer,
    *,
    column: str,
    slots: Callable[[PlannedReport], list[AttachmentSlot]],
    oversize_bytes: int,
    charset: str = "utf-8",
    content_type: str = HTML_UTF8,
) -> None:
    """One article of a list column: a filler, or a report with the attachment slots the style gives it."""
    if entry.report is None:
        publish_filler(build, entry, render, charset, content_type)
        return
    publish_report(
        build,
        entry.report,
        page=entry.path,
        column=column,
        slots=slots(entry.report),
        render=render,
        charset=charset,
        content_type=content_type,
        oversize_bytes=oversize_bytes,
    )


def publish_filler(build: PortalBuild, entry: Entry, render: PageRenderer, charset: str, content_type: str) -> None:
    assert entry.filler is not None
    html = render(filler_body(entry.filler), entry.moment)
    build.add(entry.path, Resource(encode(html, charset), content_type, entry.moment))
    (build.decoys if entry.filler.decoy else build.fillers).append(entry.path)


def _file(report: PlannedReport, site: str, kind: str, grow_past: int, *, edited: bool = False) -> bytes:
    """An attachment's bytes, rendered when first asked for (reportlab and python-docx are the slow part)."""
    data = attachment(report, site, kind, edited=edited)
    return oversize(data, ATTACHMENT_TYPES[kind], grow_past) if grow_past else data


def _attachment_type(slot: AttachmentSlot) -> str:
    return slot.content_type or ATTACHMENT_TYPES[slot.kind]
