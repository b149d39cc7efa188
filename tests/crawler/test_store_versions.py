"""Versions of a stored report: the current one is the one seen last, an earlier content seen again is
current again (and a change), and re-storing the same content keeps an operator's publish date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from crawler.ingest import Ingested, ingest_file
from db.blobstore import FileBlobStore
from db.models import Document, Report
from db.session import Database
from demo import SAMPLE_REGISTRY
from disclosure.app import app
from disclosure.context import open_database, settings
from tests.conftest import SEEDS

T0 = datetime(2021, 3, 1, 2, 0, tzinfo=UTC)
ORIGINAL = (SEEDS / "antai-2020.txt").read_text(encoding="utf-8")
EDITED = ORIGINAL.replace("总公布了53条", "总公布了54条")


@pytest.fixture
def database() -> Database:
    runner = CliRunner()
    for args in (["db", "upgrade"], ["registry", "import", str(SAMPLE_REGISTRY)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return open_database(settings())


def ingest(database: Database, path: Path, at: datetime, **kwargs: object) -> Ingested:
    blobs = FileBlobStore(settings().effective_blob_dir)
    options: dict[str, object] = {"year": None, "published": None, "url": None, **kwargs}
    return ingest_file(database, blobs, path, body_id="antai", now=at, **options)  # type: ignore[arg-type]


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def current(database: Database) -> tuple[int | None, str | None, str | None, date | None, str | None, int]:
    with database.session() as session:
        report = session.scalars(select(Report).where(Report.body_id == "antai", Report.year == 2020)).one()
        document = session.get(Document, report.document_id)
        assert report.current_version is not None
        assert report.parsed == report.current_version.parsed
        assert report.template == report.current_version.template
        assert report.parse_state == report.current_version.parse_state
        assert document is not None and report.document_id == report.current_version.document_id
        sections = (report.parsed or {}).get("sections") or {}
        text = " ".join(v for v in sections.values() if v)
        edit = "54条" if "54条" in text else "53条" if "53条" in text else None
        return (
            report.current_version_id,
            edit,
            document.sha256,
            report.publish_date,
            report.publish_date_source,
            len(report.versions),
        )


def test_an_earlier_version_seen_again_is_current_again(database: Database, tmp_path: Path) -> None:
    original, edited = write(tmp_path, "original.txt", ORIGINAL), write(tmp_path, "edited.txt", EDITED)
    first = ingest(database, original, T0)
    v1 = current(database)[0]
    second = ingest(database, edited, T0 + timedelta(days=1))
    assert second.stored.new_version and not second.stored.reverted
    v2, edit, *_ = current(database)
    assert v2 != v1 and edit == "54条"
    again = ingest(database, original, T0 + timedelta(days=2))
    assert (again.stored.new_report, again.stored.new_version, again.stored.reverted) == (False, True, True)
    assert current(database)[:2] == (v1, "53条")
    assert current(database)[5] == 2
    same = ingest(database, original, T0 + timedelta(days=3))
    assert (same.stored.new_version, same.stored.reverted) == (False, False)
    assert first.stored.report_id == again.stored.report_id == same.stored.report_id


def test_a_sighting_older_than_the_current_one_does_not_take_its_place(database: Database, tmp_path: Path) -> None:
    original, edited = write(tmp_path, "original.txt", ORIGINAL), write(tmp_path, "edited.txt", EDITED)
    ingest(database, original, T0)
    ingest(database, edited, T0 + timedelta(days=2))
    late = ingest(database, original, T0 + timedelta(days=1))  # stored out of order
    assert (late.stored.new_version, late.stored.reverted) == (False, False)
    assert current(database)[1] == "54条"


def test_a_bad_forced_ingest_is_undone_by_seeing_the_good_version_again(database: Database, tmp_path: Path) -> None:
    original = write(tmp_path, "original.txt", ORIGINAL)
    ingest(database, original, T0)
    good = current(database)
    ingest(
        database, write(tmp_path, "trunc.pdf", b"%PDF-1.4\n1 0 obj <<"), T0 + timedelta(days=1), year=2020, force=True
    )
    assert current(database)[0] != good[0]
    again = ingest(database, original, T0 + timedelta(days=2))
    assert again.stored.new_version and again.stored.reverted
    assert current(database)[:3] == good[:3]


def test_two_unreadable_documents_are_two_versions(database: Database, tmp_path: Path) -> None:
    trunc = write(tmp_path, "trunc.pdf", b"%PDF-1.4\n1 0 obj <<")
    empty = write(tmp_path, "empty.txt", b"")
    ingest(database, trunc, T0, year=2020)
    second = ingest(database, empty, T0 + timedelta(days=1), year=2020)
    assert second.stored.new_version
    _, _, sha, *_ = current(database)
    assert sha == FileBlobStore(settings().effective_blob_dir).put(b"")  # the report is the file seen last
    assert current(database)[5] == 2


def test_the_same_content_without_published_keeps_the_user_date(database: Database, tmp_path: Path) -> None:
    original = write(tmp_path, "original.txt", ORIGINAL)
    ingest(database, original, T0, published=date(2021, 1, 20))
    assert current(database)[3:5] == (date(2021, 1, 20), "user")
    ingest(database, original, T0 + timedelta(days=1))
    assert current(database)[3:5] == (date(2021, 1, 20), "user")
    ingest(database, original, T0 + timedelta(days=2), published=date(2021, 1, 25))
    assert current(database)[3:5] == (date(2021, 1, 25), "user")
