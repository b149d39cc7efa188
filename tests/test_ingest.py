"""`disclosure ingest` refuses what contradicts the document or would replace a good report with nothing:
another body, another year, an unreadable file, a year or publish date that cannot be; `--force` overrides
the contradictions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from db.models import Document, Report
from demo import SAMPLE_REGISTRY
from disclosure.app import app
from disclosure.context import open_database, settings
from tests.conftest import SEEDS

runner = CliRunner()
ANTAI = str(SEEDS / "antai-2020.txt")


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture(autouse=True)
def registered() -> None:
    assert run("db", "upgrade")[0] == 0
    assert run("registry", "import", str(SAMPLE_REGISTRY))[0] == 0


def stored() -> list[tuple[str, int, str | None, str | None]]:
    database = open_database(settings())
    with database.session() as session:
        rows = session.execute(
            select(Report.body_id, Report.year, Report.parse_state, Document.sha256).join(
                Document, Document.id == Report.document_id
            )
        )
        out = sorted(tuple(row) for row in rows)
        documents = session.scalar(select(func.count()).select_from(Document))
    database.dispose()
    return [*out, ("documents", documents, None, None)]  # type: ignore[list-item]


def refused(out: str, *words: str) -> None:
    assert "error:" in out and "Traceback" not in out, out
    assert len(out.strip().splitlines()) == 1, out
    for word in words:
        assert word in out, out


def test_a_document_of_another_body_is_refused_unless_forced() -> None:
    code, out = run("ingest", ANTAI, "--body", "nankou")
    assert code == 1
    refused(out, "antai", "nankou", "--force")
    assert stored() == [("documents", 0, None, None)]
    code, out = run("ingest", ANTAI, "--body", "nankou", "--force")
    assert code == 0, out
    assert [row[:2] for row in stored()] == [("nankou", 2020), ("documents", 1)]


def test_a_good_report_of_the_same_body_is_not_replaced_by_another_bodys() -> None:
    assert run("ingest", str(SEEDS / "nankou-2020.txt"), "--body", "nankou")[0] == 0
    before = stored()
    assert run("ingest", ANTAI, "--body", "nankou")[0] == 1
    assert stored() == before


def test_a_year_the_document_contradicts_is_refused_unless_forced() -> None:
    code, out = run("ingest", ANTAI, "--body", "antai", "--year", "2019")
    assert code == 1
    refused(out, "2020", "2019", "--force")
    assert stored() == [("documents", 0, None, None)]
    assert run("ingest", ANTAI, "--body", "antai", "--year", "2020")[0] == 0
    assert run("ingest", ANTAI, "--body", "antai", "--year", "2019", "--force")[0] == 0
    assert [row[:2] for row in stored()] == [("antai", 2019), ("antai", 2020), ("documents", 1)]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.txt", b""),
        ("trunc.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog"),
        ("garbage.bin", bytes(range(256)) * 8),
    ],
)
def test_an_unreadable_file_does_not_replace_a_readable_report(tmp_path: Path, name: str, data: bytes) -> None:
    assert run("ingest", ANTAI, "--body", "antai")[0] == 0
    good = stored()
    assert good[0][2] in ("ok", "partial")
    path = tmp_path / name
    path.write_bytes(data)
    code, out = run("ingest", str(path), "--body", "antai", "--year", "2020")
    assert code == 1
    refused(out, "readable", "--force")
    assert stored() == good
    code, out = run("ingest", str(path), "--body", "antai", "--year", "2020", "--force")
    assert code == 0, out
    assert stored()[0][2] not in ("ok", "partial")


def test_an_unreadable_file_is_stored_when_nothing_readable_is(tmp_path: Path) -> None:
    path = tmp_path / "trunc.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    code, out = run("ingest", str(path), "--body", "antai", "--year", "2020")
    assert code == 0, out
    assert [row[:2] for row in stored()] == [("antai", 2020), ("documents", 1)]


def test_years_outside_the_allowed_range_or_not_over_are_refused() -> None:
    this_year = datetime.now(UTC).year
    for year, words in (
        ("1990", ("1990", "2000")),
        ("2099", ("2099", "not over")),
        (str(this_year + 1), ("not over",)),
    ):
        code, out = run("ingest", ANTAI, "--body", "antai", "--year", year)
        assert code == 1, year
        refused(out, "--year", *words)
    assert stored() == [("documents", 0, None, None)]


def test_publish_dates_in_the_future_or_before_the_year_ends_are_refused() -> None:
    future = f"{datetime.now(UTC).year + 1}-01-01"
    for published, words in ((future, ("future",)), ("2020-12-31", ("before the end", "2020"))):
        code, out = run("ingest", ANTAI, "--body", "antai", "--published", published)
        assert code == 1, published
        refused(out, "--published", *words)
    assert stored() == [("documents", 0, None, None)]
    assert run("ingest", ANTAI, "--body", "antai", "--published", "2021-01-01")[0] == 0
