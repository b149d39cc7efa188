"""parse_document on anything: unreadable input becomes a state and problem codes, never an exception."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.parsing import convert
from crawler.parsing.parser import PARSER_VERSION, parse_document
from demo.reportgen import random_spec, render_docx, render_html, render_pdf

SPEC = random_spec(random.Random(3), template="2021")
SAMPLES = {
    "html": render_html(SPEC),
    "docx": render_docx(SPEC),
    "pdf": render_pdf(SPEC),
}


@pytest.mark.parametrize(
    ("data", "state", "code"),
    [
        (b"", "empty", "EMPTY_DOCUMENT"),
        (b"   \n\t ", "empty", "EMPTY_DOCUMENT"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "no_text", "NO_TEXT_LAYER"),
        (b"\xff\xd8\xff\xe0" + bytes(200), "no_text", "NO_TEXT_LAYER"),
        (b"%PDF-1.7\n%garbage that is not a pdf", "corrupt", "CORRUPT_DOCUMENT"),
        (b"PK\x03\x04broken zip", "corrupt", "CORRUPT_DOCUMENT"),
        (bytes(range(256)) * 20, "unsupported", "UNSUPPORTED_FORMAT"),
    ],
)
def test_unreadable_inputs_get_a_state_and_a_code(data: bytes, state: str, code: str) -> None:
    report = parse_document(data, filename="x")
    assert report.state == state
    assert code in report.codes()
    assert report.parser_version == PARSER_VERSION
    assert report.as_json()["tables"]["applications"]["present"] is False


def test_a_zip_bomb_disguised_as_docx_is_refused_quickly() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MiB of zeros, a few hundred KiB compressed
                member.write(chunk)
    report = parse_document(buffer.getvalue(), filename="report.docx")
    assert report.state == "corrupt"
    assert any("zip bomb" in p.message for p in report.problems)


def test_legacy_word_without_libreoffice_is_unsupported_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert, "soffice", lambda: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)
    report = parse_document(ole, filename="report.doc")
    assert report.state == "unsupported"
    assert "LibreOffice" in " ".join(p.message for p in report.problems)


def test_a_page_that_is_not_a_report() -> None:
    html = "<html><body><div class='content'><p>通知公告</p><p>关于开展春季植树活动的通知</p></div></body></html>"
    report = parse_document(html.encode(), filename="notice.html")
    assert report.state == "not_a_report"
    assert "NOT_A_REPORT" in report.codes()


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9])
def test_truncated_documents_never_raise(fmt: str, cut: float) -> None:
    data = SAMPLES[fmt]
    report = parse_document(data[: int(len(data) * cut)], filename=f"cut.{fmt}")
    assert report.state in {"ok", "partial", "not_a_report", "corrupt"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    report = parse_document(data, filename="fuzz")
    assert report.state != "failed", report.problems


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(sorted(SAMPLES)), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=20)
)
def test_mangled_documents_never_raise(fmt: str, flips: list[tuple[float, int]]) -> None:
    data = bytearray(SAMPLES[fmt])
    for where, value in flips:
        data[min(int(where * len(data)), len(data) - 1)] = value
    report = parse_document(bytes(data), filename=f"mangled.{fmt}")
    assert report.state != "failed", report.problems
