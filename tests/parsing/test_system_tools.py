"""Parsing that depends on what the machine has: LibreOffice for legacy Word files, a CJK font for PDFs
whose Chinese fonts are not embedded. `.ci/run` installs both; elsewhere these tests skip with the reason."""

from __future__ import annotations

import random
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from crawler.parsing.convert import soffice
from crawler.parsing.parser import parse_document
from demo.reportgen import expected_cells, random_spec, render_docx
from tests.conftest import need
from tests.parsing.test_roundtrip import cells_of


def _cjk_font_installed() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    result = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(result.stdout.strip())


def test_a_legacy_word_file_is_converted_and_parsed(tmp_path: Path) -> None:
    need(soffice() is not None, "LibreOffice (soffice) is not installed")
    spec = random_spec(random.Random(5), template="2021")
    (tmp_path / "report.docx").write_bytes(render_docx(spec))
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path / "doc"),
            str(tmp_path / "report.docx"),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    data = (tmp_path / "doc" / "report.doc").read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0")  # a real OLE .doc
    report = parse_document(data, filename="report.doc")
    assert report.state == "ok"
    assert "CONVERTED" in report.codes()
    wanted = expected_cells(spec)
    assert cells_of(report) == {name: wanted.get(name) for name in spec.tables}


def test_a_pdf_with_a_non_embedded_chinese_font_keeps_every_character() -> None:
    """Word and WPS PDFs often reference SimSun without embedding it; pdfium then needs a system CJK font,
    or it silently drops lone characters such as the last line of a wrapped label."""
    need(_cjk_font_installed(), "no CJK font is installed (fonts-wqy-zenhei)")
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("STSong-Light", 12)
    page.drawString(72, 700, "5.属于三类内部事务信")
    page.drawString(72, 686, "息")
    for i, ch in enumerate("申请数量"):  # one character per text object, as some producers write
        page.drawString(72 + 12 * i, 660, ch)
    page.save()
    report = parse_document(buffer.getvalue(), filename="nonembedded.pdf")
    assert "TEXT_DROPPED" not in report.codes()
    assert report.preamble.replace("\n", "") == "5.属于三类内部事务信息申请数量"
