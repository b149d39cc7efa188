"""A planned report's content: its ReportSpec, the HTML body a portal page carries, and its PDF/DOCX attachments."""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import replace
from functools import lru_cache

from crawler.parsing.templates import TABLES
from demo.portal.model import PlannedReport
from demo.reportgen import (
    ReportSpec,
    expected_cells,
    random_spec,
    render_docx,
    render_html,
    render_pdf,
    shift_years,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@lru_cache(maxsize=8192)
def report_spec(report: PlannedReport, site: str, *, edited: bool = False) -> ReportSpec:
    """The report's content; the edited version corrects the tables of an inconsistent original."""
    problems = None
    if report.problems_from is not None:
        source = report.problems_from
        text = report_spec(source, site).sections.get("problems") or ""
        for old, new in ((source.body.name, report.body.name), (source.body.short, report.body.short)):
            text = text.replace(old, new)
        problems = shift_years(text, report.year - source.year)
    spec = random_spec(
        random.Random(report.content_seed),
        template=report.template,
        year=report.year,
        body=report.body.name,
        blank=report.blank,
        consistent=report.consistent or edited,
        site=site,
        problems_text=problems,
        follows=report_spec(report.previous, site) if report.previous is not None else None,
    )
    return replace(spec, title=report.title, publish_date=report.published.date())


# Rendering is the slow part of building a site; these caches let a second build of the same seed reuse it.
@lru_cache(maxsize=8192)
def body_fragment(report: PlannedReport, site: str, *, edited: bool = False) -> str:
    spec = report_spec(report, site, edited=edited)
    raw = render_html(
        spec,
        style="fragment",
        word_pasted=report.word_pasted,
        split_tables=report.split_tables,
        one_table=report.one_table,
    )
    return raw.decode("utf-8")


@lru_cache(maxsize=2048)
def attachment(report: PlannedReport, site: str, kind: str, *, edited: bool = False) -> bytes:
    spec = report_spec(report, site, edited=edited)
    if kind == "pdf":
        return render_pdf(spec, one_table=report.one_table)
    if kind == "docx":
        return _fixed_zip_times(render_docx(spec, one_table=report.one_table), report)
    raise ValueError(f"unknown attachment kind {kind!r}")


def changed_cells(report: PlannedReport, site: str) -> list[str]:
    """table.row.col of every cell whose reading differs between the original and the edited report."""
    before = expected_cells(report_spec(report, site))
    after = expected_cells(report_spec(report, site, edited=True))
    out = []
    for table in TABLES:
        rows_before, rows_after = before.get(table, {}), after.get(table, {})
        for row in sorted(set(rows_before) | set(rows_after)):
            cols_before, cols_after = rows_before.get(row, {}), rows_after.get(row, {})
            for col in sorted(set(cols_before) | set(cols_after)):
                if cols_before.get(col) != cols_after.get(col):
                    out.append(f"{table}.{row}.{col}")
    return out


def pad(data: bytes, size: int) -> bytes:
    """`data` grown past `size` bytes with comment lines after its end (PDF readers ignore trailing comments)."""
    line = b"%" + b"0123456789abcdef" * 7 + b"\n"
    missing = size - len(data) + 1
    return data + b"\n" + line * (missing // len(line) + 1)


def _fixed_zip_times(data: bytes, report: PlannedReport) -> bytes:
    """The DOCX with every member dated the publish day: python-docx stamps members with the clock time,
    which would make two builds of one seed differ."""
    stamp = report.published.timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
