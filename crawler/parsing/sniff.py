"""What kind of file some bytes are, from their first bytes (names and Content-Types lie)."""

from __future__ import annotations

import io
import zipfile

IMAGE_MAGIC = {
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF8": "image/gif",
    b"BM": "image/bmp",
    b"II*\x00": "image/tiff",
    b"MM\x00*": "image/tiff",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HTML_HINTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<table", b"<div", b"<p>", b"<p ", b"<meta", b"<span")


# The media type of each sniffed kind a report can come in; others are stored as the server said.
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ole": "application/msword",
    "rtf": "application/rtf",
    "html": "text/html",
    "text": "text/plain",
}
# What servers send for a download whose type they do not know (Hanweb's downfile.jsp, for one).
GENERIC_TYPES = frozenset(
    {"application/octet-stream", "application/x-download", "application/force-download", "binary/octet-stream"}
)


def media_type_of(data: bytes, declared: str | None) -> str | None:
    """The document's media type: the declared one, unless it is missing or generic and the bytes tell."""
    if declared and declared.lower() not in GENERIC_TYPES:
        return declared
    return MEDIA_TYPES.get(sniff(data), declared)


def sniff(data: bytes, filename: str | None = None) -> str:
    """One of: pdf, docx, xlsx, ole (legacy .doc/.wps/.xls), rtf, image, html, text, zip, binary, empty."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        return "empty"
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if head.startswith(b"{\\rtf"):
        return "rtf"
    for magic in IMAGE_MAGIC:
        if data.startswith(magic):
            return "image"
    if data[:12].startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image"
    lowered = head[:1024].lower()
    if any(h in lowered for h in HTML_HINTS):
        return "html"
    sample = data[:4096]
    if b"\x00" in sample and not (sample.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return "binary"
    return "text"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "docx"  # a damaged Word file is the likeliest; its extractor reports the damage
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    return "zip"
