"""Reads a Word .docx report into paragraphs and table grids in reading order, refusing unsafe or unreadable files.

Only the parts needed are inflated (word/document.xml, word/styles.xml, docProps/core.xml), and only
after the zip directory has been checked for bombs; inflation is then capped again while streaming,
because a directory can lie. The XML is walked with lxml rather than python-docx, which sees neither
text boxes nor vertical merges the way the table reader needs them.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from datetime import datetime

from lxml import etree

from crawler.parsing.blocks import (
    Block,
    ExtractedDocument,
    ExtractionError,
    Grid,
    GridCell,
    GridRow,
    Paragraph,
    Problem,
)

MAX_TOTAL_BYTES = 200 * 2**20  # declared uncompressed size of all members together
MAX_RATIO = 200  # declared uncompressed / compressed size of one member ...
RATIO_FLOOR = 2**20  # ... once it is big enough to matter
MAX_PART_BYTES = 64 * 2**20  # bytes actually inflated for one part we parse
MAX_COLUMNS = 128  # width of a grid; Word itself stops at 63 columns

_CHUNK = 2**16
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_NON_ZIP_HINTS = ((b"%PDF", "a PDF"), (b"{\\rtf", "RTF"), (b"<", "HTML or XML text"))
_OTHER_OFFICE = (
    ("xl/workbook.xml", "an Excel workbook (.xlsx)"),
    ("ppt/presentation.xml", "a PowerPoint presentation (.pptx)"),
    ("content.xml", "an OpenDocument file (.odt)"),
)
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_STRICT = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


DOCUMENT, BODY, P, TBL, TR, TC, T = (_w(n) for n in ("document", "body", "p", "tbl", "tr", "tc", "t"))
PPR, TRPR, TCPR, VAL = (_w(n) for n in ("pPr", "trPr", "tcPr", "val"))
TXBX, ALTCHUNK, DEL = _w("txbxContent"), _w("altChunk"), _w("del")
GRID_SPAN, GRID_BEFORE, V_MERGE, H_MERGE = (_w(n) for n in ("gridSpan", "gridBefore", "vMerge", "hMerge"))
P_STYLE, OUTLINE_LEVEL = _w("pStyle"), _w("outlineLvl")
MC_ALTERNATE, MC_CHOICE, MC_FALLBACK = (f"{{{_MC}}}{n}" for n in ("AlternateContent", "Choice", "Fallback"))

# Run-level elements that stand for one character.
_INLINE_CHARS = {
    _w("tab"): "\t",
    _w("ptab"): "\t",
    _w("br"): "\n",
    _w("cr"): "\n",
    _w("noBreakHyphen"): "-",
}
# Inline wrappers whose visible text is the paragraph's; w:del, w:moveFrom, w:instrText, w:rPr and
# w:sdtPr are left out by not being listed.
_INLINE_CONTAINERS = frozenset(
    _w(n)
    for n in (
        "r",
        "hyperlink",
        "ins",
        "moveTo",
        "smartTag",
        "customXml",
        "fldSimple",
        "sdt",
        "sdtContent",
        "dir",
        "bdo",
        "ruby",
        "rubyBase",
    )
)
_OBJECTS = frozenset(_w(n) for n in ("drawing", "pict", "object"))
_BLOCK_CONTAINERS = frozenset(_w(n) for n in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag"))
_ROW_CONTAINERS = frozenset(_w(n) for n in ("sdt", "sdtContent", "customXml"))

_HEADING_NAME = re.compile(r"(?:heading|标题)\s*[1-9]|title|标题", re.IGNORECASE)
_BODY_LEVEL = 9  # w:outlineLvl 9 is body text; 0-8 are heading levels


def extract_docx(data: bytes) -> ExtractedDocument:
    """The paragraphs, tables and text boxes of a DOCX file; ExtractionError for anything unreadable."""
    try:
        return _extract(data)
    except ExtractionError:
        raise
    except RecursionError:
        raise ExtractionError("CORRUPT_DOCUMENT", "the document is nested too deeply to read") from None
    except Exception as exc:
        # Downloads are arbitrary bytes: one unreadable file must become a reported problem, never
        # a crashed crawl. The cause stays chained for the log.
        raise ExtractionError("CORRUPT_DOCUMENT", f"unreadable DOCX ({type(exc).__name__}: {exc})") from exc


def _extract(data: bytes) -> ExtractedDocument:
    if not data:
        raise ExtractionError("EMPTY_DOCUMENT", "the file is empty")
    if data[:8] == _OLE_MAGIC:
        raise _ole_error(data)
    package = _Package(data)
    root = _parse_xml(package.read("word/document.xml", required=True), "word/document.xml")
    body = root.find(BODY)
    if root.tag != DOCUMENT or body is None:
        raise ExtractionError("CORRUPT_DOCUMENT", "word/document.xml holds no w:document/w:body")
    problems: list[Problem] = []
    used_styles = {_val(element) for element in body.iter(P_STYLE)}
    walker = _Walker(_read_styles(package, problems) if used_styles else frozenset())
    blocks = walker.blocks(body)
    if not blocks:
        if images := package.count_under("word/media/"):
            raise ExtractionError("NO_TEXT_LAYER", f"no text, {images} images: a scanned report")
        raise ExtractionError("EMPTY_DOCUMENT", "the document holds no text")
    title, meta = _read_core(package, problems)
    return ExtractedDocument(format="docx", blocks=blocks, title=title, meta=meta, problems=problems + walker.problems)


# --- the container -------------------------------------------------------------------------------


def _ole_error(data: bytes) -> ExtractionError:
    if _has_ole_stream(data, "EncryptedPackage"):
        return ExtractionError("ENCRYPTED_DOCUMENT", "the DOCX is password-protected (OLE EncryptedPackage)")
    return ExtractionError("UNSUPPORTED_FORMAT", "legacy Word .doc/.wps (OLE compound file), not a DOCX")


def _has_ole_stream(data: bytes, name: str) -> bool:
    """Whether an OLE directory entry names this stream, without following the FAT chains.

    Directory sectors start at multiples of 512 bytes, so their 128-byte entries sit at multiples of
    128: a name found there, with the entry's name length and stream type, is an entry, not text.
    """
    raw = name.encode("utf-16-le")
    length = (len(raw) + 2).to_bytes(2, "little")
    pos = data.find(raw)
    while pos != -1:
        entry = data[pos : pos + 67]
        if pos % 128 == 0 and len(entry) == 67 and entry[64:66] == length and entry[66] == 2:
            return True
        pos = data.find(raw, pos + 1)
    return False


def _non_zip_hint(data: bytes) -> str:
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return next((f" (the bytes look like {what})" for magic, what in _NON_ZIP_HINTS if head.startswith(magic)), "")


class _Package:
    """The zip archive, its directory vetted for bombs, its parts inflated under a cap."""

    def __init__(self, data: bytes) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except _ZIP_ERRORS as exc:
            raise ExtractionError(
                "CORRUPT_DOCUMENT", f"not a readable zip archive{_non_zip_hint(data)}: {exc}"
            ) from None
        _check_directory(infos)
        self.parts = {info.filename.replace("\\", "/").lower(): info for info in infos}

    def count_under(self, prefix: str) -> int:
        return sum(1 for name in self.parts if name.startswith(prefix) and not name.endswith("/"))

    def read(self, name: str, required: bool = False) -> bytes | None:
        info = self.parts.get(name.lower())  # part names are case-insensitive (OPC)
        if info is None:
            if required:
                raise self._missing(name)
            return None
        if info.flag_bits & 0x1:
            raise ExtractionError("ENCRYPTED_DOCUMENT", f"{name} is encrypted inside the zip")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # bzip2 and LZMA inflate a whole input chunk at once, past any streaming cap; Word never uses them.
            raise ExtractionError("CORRUPT_DOCUMENT", f"{name} uses unsupported compression {info.compress_type}")
        try:
            return self._inflate(info)
        except _ZIP_ERRORS as exc:
            raise ExtractionError("CORRUPT_DOCUMENT", f"{name} cannot be inflated: {exc}") from None

    def _inflate(self, info: zipfile.ZipInfo) -> bytes:
        chunks: list[bytes] = []
        total = 0
        with self.zip.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                total += len(chunk)
                if total > MAX_PART_BYTES:
                    raise ExtractionError(
                        "CORRUPT_DOCUMENT", f"{info.filename} expands beyond {MAX_PART_BYTES} bytes (zip bomb?)"
                    )
                chunks.append(chunk)
        return b"".join(chunks)

    def _missing(self, name: str) -> ExtractionError:
        for marker, what in _OTHER_OFFICE:
            if marker in self.parts:
                return ExtractionError("UNSUPPORTED_FORMAT", f"{what}, not a Word document")
        return ExtractionError("CORRUPT_DOCUMENT", f"the archive has no {name}: not a Word document")


def _check_directory(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb from its directory alone, before anything is inflated."""
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise ExtractionError(
            "CORRUPT_DOCUMENT", f"the archive expands beyond {MAX_TOTAL_BYTES} bytes, {total} declared (zip bomb?)"
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise ExtractionError(
                "CORRUPT_DOCUMENT",
                f"{info.filename} expands beyond {MAX_RATIO}x its compressed size, {ratio:.0f}x declared (zip bomb?)",
            )


def _parse_xml(raw: bytes | None, part: str) -> etree._Element:
    # No entity expansion, no DTD, no network: the XML is as untrusted as the zip.
    parser = etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, remove_comments=True, remove_pis=True
    )
    # Strict OOXML differs from the transitional schema in the namespace only, as far as text goes.
    raw = (raw or b"").replace(_W_STRICT, _W.encode())
    try:
        return etree.fromstring(raw, parser)
    except (etree.LxmlError, ValueError) as exc:
        raise ExtractionError("CORRUPT_DOCUMENT", f"{part} is not well-formed XML: {exc}") from None


# --- styles and document properties --------------------------------------------------------------


def _read_styles(package: _Package, problems: list[Problem]) -> frozenset[str]:
    """The ids of the paragraph styles that are headings (read only when paragraphs name styles)."""
    raw = package.read("word/styles.xml")
    if raw is None:
        return frozenset()
    try:
        root = _parse_xml(raw, "word/styles.xml")
    except ExtractionError as exc:
        problems.append(Problem("DOCX_STYLES_UNREADABLE", exc.message, where="word/styles.xml"))
        return frozenset()
    styles: dict[str, tuple[str, int | None, str | None]] = {}  # id -> (name, outline level, based on)
    for style in root.iter(_w("style")):
        style_id = style.get(_w("styleId"))
        if style_id is not None and style.get(_w("type"), "paragraph") == "paragraph":
            name = _val(style.find(_w("name"))) or ""
            level = _int(_val(style.find(f"{PPR}/{OUTLINE_LEVEL}")))
            styles[style_id] = (name.strip(), level, _val(style.find(_w("basedOn"))))
    return frozenset(s for s in styles if _is_heading_style(s, styles))


def _is_heading_style(style_id: str, styles: dict[str, tuple[str, int | None, str | None]]) -> bool:
    """A heading by name, or by the outline level it defines or inherits (basedOn)."""
    seen: set[str] = set()
    current: str | None = style_id
    while current in styles and current not in seen:
        seen.add(current)
        name, level, based_on = styles[current]
        if _HEADING_NAME.fullmatch(name):
            return True
        if level is not None:
            return 0 <= level < _BODY_LEVEL
        current = based_on
    return False


def _read_core(package: _Package, problems: list[Problem]) -> tuple[str | None, dict[str, str]]:
    raw = package.read("docProps/core.xml")
    if raw is None:
        return None, {}
    try:
        root = _parse_xml(raw, "docProps/core.xml")
    except ExtractionError as exc:
        problems.append(Problem("DOCX_METADATA_UNREADABLE", exc.message, where="docProps/core.xml"))
        return None, {}
    title = _core_text(root, "dc:title") or None
    meta: dict[str, str] = {}
    for key, path in (("creator", "dc:creator"), ("lastModifiedBy", "cp:lastModifiedBy")):
        if value := _core_text(root, path):
            meta[f"docx:{key}"] = value
    for key in ("created", "modified"):
        if stamp := _iso(_core_text(root, f"dcterms:{key}")):
            meta[f"docx:{key}"] = stamp
    return title, meta


def _core_text(root: etree._Element, path: str) -> str:
    element = root.find(path, _CORE_NS)
    return (element.text or "").strip() if element is not None else ""


def _iso(value: str) -> str | None:
    try:
        return datetime.fromisoformat(value).isoformat() if value else None
    except ValueError:
        return None


# --- the body ------------------------------------------------------------------------------------


def _child(element: etree._Element | None, tag: str) -> etree._Element | None:
    """The first child with this tag; a plain scan, several times faster than lxml's find() on few children."""
    for child in element if element is not None else ():
        if child.tag == tag:
            return child
    return None


def _val(element: etree._Element | None) -> str | None:
    return element.get(VAL) if element is not None else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _branch(alternate: etree._Element) -> etree._Element | None:
    """The one branch of mc:AlternateContent to read: the first Choice, else the Fallback."""
    return next((child for child in alternate if child.tag in (MC_CHOICE, MC_FALLBACK)), None)


def _find_textboxes(element: etree._Element, found: list[etree._Element]) -> None:
    """The outermost w:txbxContent under a drawing, one branch of each mc:AlternateContent."""
    for child in element:
        if child.tag == TXBX:
            found.append(child)
        elif child.tag == MC_ALTERNATE:
            branch = _branch(child)
            if branch is not None:
                _find_textboxes(branch, found)
        elif len(child):
            _find_textboxes(child, found)


def _rows(table: etree._Element) -> Iterator[etree._Element]:
    """The table's rows, through content controls, without rows deleted as a tracked change."""
    for child in table:
        if child.tag == TR:
            if _child(_child(child, TRPR), DEL) is None:
                yield child
        elif child.tag in _ROW_CONTAINERS:
            yield from _rows(child)


def _cells(row: etree._Element) -> Iterator[etree._Element]:
    for child in row:
        if child.tag == TC:
            yield child
        elif child.tag in _ROW_CONTAINERS:
            yield from _cells(child)


def _bounded(value: str | None, least: int) -> int:
    number = _int(value)
    return least if number is None else min(max(number, least), MAX_COLUMNS)


def _grid_before(row: etree._Element) -> int:
    return _bounded(_val(_child(_child(row, TRPR), GRID_BEFORE)), 0)


def _cell_properties(cell: etree._Element) -> tuple[int, str | None, str | None]:
    """gridSpan, and restart | continue for a vertical (vMerge) and a legacy horizontal (hMerge) merge."""
    span, vmerge, hmerge = 1, None, None
    properties = _child(cell, TCPR)
    for child in properties if properties is not None else ():
        if child.tag == GRID_SPAN:
            span = _bounded(child.get(VAL), 1)
        elif child.tag == V_MERGE:
            vmerge = "restart" if child.get(VAL) == "restart" else "continue"
        elif child.tag == H_MERGE:
            hmerge = "restart" if child.get(VAL) == "restart" else "continue"
    return span, vmerge, hmerge


def _layout_wrapper(rows: list[etree._Element]) -> etree._Element | None:
    """The cell of a one-cell table that only frames a nested table: its content is read as blocks."""
    if len(rows) != 1:
        return None
    cells = list(_cells(rows[0]))
    if len(cells) == 1 and _child(cells[0], TBL) is not None:
        return cells[0]
    return None


class _Walker:
    """Turns body content into blocks; keeps the problems met on the way."""

    def __init__(self, heading_styles: frozenset[str]) -> None:
        self.heading_styles = heading_styles
        self.problems: list[Problem] = []
        self.tables = 0

    def blocks(self, container: etree._Element, in_cell: bool = False) -> list[Block]:
        out: list[Block] = []
        self._collect(container, out, in_cell)
        return out

    def _collect(self, container: etree._Element, out: list[Block], in_cell: bool) -> None:
        for child in container:
            tag = child.tag
            if tag == P:
                self._paragraph(child, out, in_cell)
            elif tag == TBL:
                self._table(child, out, in_cell)
            elif tag in _BLOCK_CONTAINERS:
                self._collect(child, out, in_cell)
            elif tag == MC_ALTERNATE:
                branch = _branch(child)
                if branch is not None:
                    self._collect(branch, out, in_cell)
            elif tag == ALTCHUNK:
                self.problems.append(
                    Problem("DOCX_ALTCHUNK", "content imported from another file (w:altChunk) was not read")
                )

    def _paragraph(self, paragraph: etree._Element, out: list[Block], in_cell: bool) -> None:
        parts: list[str] = []
        boxes: list[etree._Element] = []
        self._inline(paragraph, parts, boxes)
        text = "".join(parts)
        if text.strip():
            out.append(Paragraph(text=text, heading=not in_cell and self._is_heading(paragraph)))
        for box in boxes:  # a text box reads after the paragraph anchoring it
            self._collect(box, out, in_cell)

    def _inline(self, element: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
        for child in element:
            tag = child.tag
            char = _INLINE_CHARS.get(tag)
            if char is not None:
                parts.append(char)
            elif tag == T:
                parts.append(child.text or "")
            elif tag in _INLINE_CONTAINERS:
                self._inline(child, parts, boxes)
            elif tag in _OBJECTS:
                _find_textboxes(child, boxes)
            elif tag == MC_ALTERNATE:
                branch = _branch(child)
                if branch is not None:
                    self._inline(branch, parts, boxes)

    def _is_heading(self, paragraph: etree._Element) -> bool:
        properties = _child(paragraph, PPR)
        style = level = None
        for child in properties if properties is not None else ():
            if child.tag == P_STYLE:
                style = child.get(VAL)
            elif child.tag == OUTLINE_LEVEL:
                level = _int(child.get(VAL))
        if level is not None:  # set on the paragraph itself, it overrides the style's
            return 0 <= level < _BODY_LEVEL
        return style in self.heading_styles

    def _table(self, table: etree._Element, out: list[Block], in_cell: bool) -> None:
        rows = list(_rows(table))
        wrapped = _layout_wrapper(rows)
        if wrapped is not None:
            self._collect(wrapped, out, in_cell)
            return
        self.tables += 1
        grid = self._grid(rows)
        if grid.rows:
            out.append(grid)

    def _grid(self, rows: list[etree._Element]) -> Grid:
        merges: dict[int, tuple[GridCell, int]] = {}  # start column -> (cell, row it starts in)
        return Grid(rows=[self._grid_row(row, index, merges) for index, row in enumerate(rows)], aligned=True)

    def _grid_row(self, row: etree._Element, index: int, merges: dict[int, tuple[GridCell, int]]) -> GridRow:
        cells: list[GridCell] = []
        col = _grid_before(row)
        for cell in _cells(row):
            if col >= MAX_COLUMNS:  # keeps the grid's matrix a sane size whatever the file claims
                message = f"cells beyond column {MAX_COLUMNS} were dropped"
                self.problems.append(Problem("DOCX_TABLE_TOO_WIDE", message, self._where(index, col)))
                break
            span, vmerge, hmerge = _cell_properties(cell)
            span = min(span, MAX_COLUMNS - col)
            text = self._cell_text(cell)
            if vmerge == "continue" and col in merges:
                self._continue_down(merges[col], index, text, col)
            elif hmerge == "continue" and cells and cells[-1].col + cells[-1].colspan == col:
                cells[-1].colspan += span
            else:
                cells.append(self._start_cell(text, col, span, vmerge, index, merges))
            col += span
        return GridRow(cells=cells)

    def _where(self, row: int, col: int) -> str:
        return f"table {self.tables}, row {row + 1}, column {col + 1}"

    @staticmethod
    def _start_cell(
        text: str, col: int, span: int, vmerge: str | None, row: int, merges: dict[int, tuple[GridCell, int]]
    ) -> GridCell:
        cell = GridCell(text=text, col=col, colspan=span)
        for covered in range(col, col + span):
            merges.pop(covered, None)
        if vmerge is not None:  # a continuation with nothing above it starts the merge itself
            merges[col] = (cell, row)
        return cell

    def _continue_down(self, merge: tuple[GridCell, int], row: int, text: str, col: int) -> None:
        cell, first_row = merge
        cell.rowspan = row - first_row + 1
        if text.strip():
            # A merged cell is laid out from its first cell: text left in a continuation is not shown.
            message = f"text under a merged cell: {text!r}"
            self.problems.append(Problem("DOCX_MERGED_TEXT_HIDDEN", message, self._where(row, col)))

    def _cell_text(self, cell: etree._Element) -> str:
        lines: list[str] = []
        for block in self.blocks(cell, in_cell=True):
            if isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                lines.extend(c.text for r in block.rows for c in r.cells if c.text.strip())
        return "\n".join(lines)
