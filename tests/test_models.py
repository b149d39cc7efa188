"""The schema protects the data: constraints hold on SQLite and PostgreSQL alike, timestamps stay aware."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from db.models import (
    Body,
    BodyKind,
    Document,
    Flag,
    FlagEvent,
    FlagStatus,
    Jurisdiction,
    JurisdictionLevel,
    Portal,
    Report,
    ReportOrigin,
    ReportVersion,
    Severity,
)
from db.session import Database

CST = timezone(timedelta(hours=8))


def _registry(db: Database) -> None:
    with db.session() as s:
        s.add(Jurisdiction(code="610000", name="陕西省", level=JurisdictionLevel.PROVINCE))
        s.flush()
        s.add(Jurisdiction(code="610900", name="安康市", level=JurisdictionLevel.CITY, parent_code="610000"))
        s.add(Portal(id="langao", name="岚皋县人民政府网", base_url="http://127.0.0.1:8001/"))
        s.flush()
        s.add(
            Body(
                id="b1",
                name="某局",
                kind=BodyKind.DEPARTMENT,
                jurisdiction_code="610900",
                portal_id="langao",
                first_year=2019,
            )
        )


def _document(db: Database, sha: str) -> int:
    with db.session() as s:
        doc = Document(sha256=sha, media_type="text/html", size=10)
        s.add(doc)
        s.flush()
        return doc.id


def test_timestamps_are_aware_and_normalised_to_utc(any_database: Database) -> None:
    _registry(any_database)
    seen = datetime(2021, 1, 31, 23, 30, tzinfo=CST)
    with any_database.session() as s:
        s.add(Document(sha256="a" * 64, media_type="text/html", size=1, first_seen=seen, last_seen=seen))
    with any_database.session() as s:
        doc = s.scalars(select(Document)).one()
        assert doc.first_seen.tzinfo is not None
        assert doc.first_seen == seen
        assert doc.first_seen.utcoffset() == timedelta(0)
        assert doc.first_seen.hour == 15


def test_naive_timestamps_are_refused(any_database: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), any_database.session() as s:
        s.add(Document(sha256="b" * 64, media_type="text/html", size=1, first_seen=datetime(2021, 1, 1)))
        s.flush()


def test_one_report_per_body_and_year(any_database: Database) -> None:
    _registry(any_database)
    with any_database.session() as s:
        s.add(Report(body_id="b1", year=2020, origin=ReportOrigin.CRAWL))
    with pytest.raises(IntegrityError), any_database.session() as s:
        s.add(Report(body_id="b1", year=2020, origin=ReportOrigin.INGEST))
        s.flush()


def test_a_document_is_one_version_of_a_report_only_once(any_database: Database) -> None:
    _registry(any_database)
    doc = _document(any_database, "c" * 64)
    with any_database.session() as s:
        report = Report(body_id="b1", year=2020, origin=ReportOrigin.CRAWL)
        s.add(report)
        s.flush()
        s.add(ReportVersion(report_id=report.id, document_id=doc, content_sha256="1" * 64))
        report_id = report.id
    with pytest.raises(IntegrityError), any_database.session() as s:
        s.add(ReportVersion(report_id=report_id, document_id=doc, content_sha256="2" * 64))
        s.flush()


def test_current_version_points_at_a_version(any_database: Database) -> None:
    _registry(any_database)
    doc = _document(any_database, "d" * 64)
    with any_database.session() as s:
        report = Report(body_id="b1", year=2021, origin=ReportOrigin.CRAWL)
        version = ReportVersion(report=report, document_id=doc, content_sha256="3" * 64)
        report.current_version = version
        s.add(report)
    with any_database.session() as s:
        report = s.scalars(select(Report)).one()
        assert report.current_version is not None
        assert report.current_version.content_sha256 == "3" * 64
        assert [v.id for v in report.versions] == [report.current_version_id]


def test_foreign_keys_are_enforced(any_database: Database) -> None:
    with pytest.raises(IntegrityError), any_database.session() as s:
        s.add(Body(id="x", name="x", kind=BodyKind.TOWNSHIP, jurisdiction_code="999999", first_year=2019))
        s.flush()


def test_check_constraints(any_database: Database) -> None:
    _registry(any_database)
    with pytest.raises(IntegrityError), any_database.session() as s:
        s.add(
            Body(
                id="y",
                name="y",
                kind=BodyKind.TOWNSHIP,
                jurisdiction_code="610900",
                first_year=2019,
                deadline="02-20",
            )
        )  # a deadline without its source
        s.flush()
    with pytest.raises(IntegrityError), any_database.session() as s:
        s.add(Body(id="z", name="z", kind=BodyKind.TOWNSHIP, jurisdiction_code="610900", first_year=1990))
        s.flush()


def test_one_flag_per_rule_body_year_subject_and_events_cascade(any_database: Database) -> None:
    _registry(any_database)
    with any_database.session() as s:
        flag = Flag(
            rule="EMPTY_TABLE",
            body_id="b1",
            year=2019,
            subject="applications",
            severity=Severity.HIGH,
            rule_version=1,
            evidence={"blank_cells": 161},
        )
        flag.events.append(FlagEvent(actor="system", to_status=FlagStatus.OPEN, note="raised"))
        s.add(flag)
    with pytest.raises(IntegrityError), any_database.session() as s:
        s.add(
            Flag(
                rule="EMPTY_TABLE",
                body_id="b1",
                year=2019,
                subject="applications",
                severity=Severity.HIGH,
                rule_version=1,
            )
        )
        s.flush()
    with any_database.session() as s:
        flag = s.scalars(select(Flag)).one()
        assert flag.evidence == {"blank_cells": 161}
        assert flag.status is FlagStatus.OPEN
        assert flag.first_raised.tzinfo is UTC or flag.first_raised.utcoffset() == timedelta(0)
        s.delete(flag)
    with any_database.session() as s:
        assert s.scalars(select(FlagEvent)).all() == []


def test_enum_columns_refuse_unknown_values(any_database: Database) -> None:
    with pytest.raises((StatementError, LookupError)), any_database.session() as s:
        s.add(Jurisdiction(code="650000", name="x", level="galaxy"))
        s.flush()
