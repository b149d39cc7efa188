"""Tiny worlds for rule tests: a registry, and reports made the real way (rendered, then parsed)."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from crawler.parsing.parser import parse_document
from crawler.store import FoundReport, store_report
from db.models import (
    Body,
    BodyKind,
    CrawlRun,
    Document,
    Jurisdiction,
    JurisdictionLevel,
    Portal,
    ReportOrigin,
    RunStatus,
)
from db.session import Database
from demo.reportgen import ReportSpec, random_spec, render_text

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def registry(database: Database, bodies: dict[str, str], *, first_year: int = 2019) -> None:
    """Bodies (id -> kind) of one county, all publishing on one portal."""
    with database.session() as s:
        s.add(Jurisdiction(code="990000", name="某省", level=JurisdictionLevel.PROVINCE))
        s.flush()
        s.add(Jurisdiction(code="990100", name="某市", level=JurisdictionLevel.CITY, parent_code="990000"))
        s.flush()
        s.add(Jurisdiction(code="990122", name="某县", level=JurisdictionLevel.COUNTY, parent_code="990100"))
        s.add(Portal(id="p", name="某县人民政府网", base_url="http://127.0.0.1:9/"))
        s.flush()
        for body_id, kind in bodies.items():
            s.add(
                Body(
                    id=body_id,
                    name=f"{body_id}局",
                    aliases=[],
                    kind=BodyKind(kind),
                    jurisdiction_code="990122",
                    portal_id="p",
                    first_year=first_year,
                )
            )


def spec(seed: int, year: int, **options: Any) -> ReportSpec:
    template = "2021" if year >= 2021 else "2019"
    made = random_spec(random.Random(seed), template=template, year=year, **options)
    return made


def add_report(
    database: Database,
    body_id: str,
    report: ReportSpec | str,
    *,
    published: date | None = None,
    seen: datetime = NOW,
    url: str | None = None,
    year: int | None = None,
    also_dated: list[dict[str, str]] | None = None,
) -> int:
    """Store a report as the crawler would: parse its text rendering, keep it as a version."""
    text = render_text(report) if isinstance(report, ReportSpec) else report
    data = text.encode("utf-8")
    parsed = parse_document(data, filename=f"{body_id}.txt").as_json()
    year = report.year if isinstance(report, ReportSpec) else (year or parsed["year"])
    sha = hashlib.sha256(data).hexdigest()
    with database.session() as s:
        if s.scalar(select(Document).where(Document.sha256 == sha)) is None:
            s.add(Document(sha256=sha, media_type="text/plain", size=len(data), first_seen=seen, last_seen=seen))
            s.flush()
        candidates = (
            [{"date": published.isoformat(), "source": "meta", "raw": published.isoformat()}] if published else []
        ) + (also_dated or [])
        stored = store_report(
            s,
            FoundReport(
                body_id=body_id,
                year=year,
                origin=ReportOrigin.CRAWL,
                url=url or f"http://127.0.0.1:9/{sha[:8]}",
                title=parsed.get("title"),
                document_sha=sha,
                parsed=parsed,
                seen_at=seen,
                date_candidates=candidates,
            ),
        )
        return stored.report_id


def crawled(database: Database, status: RunStatus, at: datetime, portal: str = "p") -> int:
    with database.session() as s:
        run = CrawlRun(portal_id=portal, status=status, started_at=at, finished_at=at)
        s.add(run)
        s.flush()
        return run.id


def edit_tables(report: ReportSpec, table: str, row: str, col: str, raw: str) -> ReportSpec:
    tables = {
        name: ({r: dict(c) for r, c in rows.items()} if rows is not None else None)
        for name, rows in report.tables.items()
    }
    tables[table][row][col] = raw  # type: ignore[index]
    return ReportSpec(**{**report.__dict__, "tables": tables})
