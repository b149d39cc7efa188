"""Legacy Word and WPS files (.doc, .wps, .rtf) converted to DOCX by LibreOffice, when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from crawler.parsing.blocks import ExtractionError

TIMEOUT_SECONDS = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(data: bytes, suffix: str = ".doc") -> bytes:
    """Convert with `soffice --headless --convert-to docx` in a private folder and profile."""
    exe = soffice()
    if exe is None:
        raise ExtractionError(
            "UNSUPPORTED_FORMAT", "legacy Word/WPS file: install LibreOffice (soffice) to read it; the file is kept"
        )
    with tempfile.TemporaryDirectory(prefix="disclosure-convert-") as tmp:
        folder = Path(tmp)
        source = folder / f"input{suffix}"
        source.write_bytes(data)
        command = [
            exe,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise ExtractionError(
                "CORRUPT_DOCUMENT", f"LibreOffice did not convert the file in {TIMEOUT_SECONDS}s"
            ) from None
        produced = folder / "out" / "input.docx"
        if not produced.is_file():
            raise ExtractionError("CORRUPT_DOCUMENT", "LibreOffice could not convert the file")
        return produced.read_bytes()
