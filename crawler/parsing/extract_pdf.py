"""Turns a PDF report into paragraphs and table grids, rebuilding table cells from ruling lines and text positions.

Coordinates are page points with the origin at the top-left corner of the displayed page (rotation and
crop box applied), y growing downwards. pdfium is only touched while reading a page's characters and
path objects; the layout work (lines, runs, cells, rows) is plain Python over those numbers.
"""

from __future__ import annotations

import ctypes
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import TypeVar

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

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

MAX_PAGES = 500
_MIN_CHARS_PER_PAGE = 5  # fewer visible characters than this per page on average: a scan without text layer
_RUN_GAP = 1.0  # a horizontal gap wider than this many font sizes ends a run (cells have no spaces between them)
_SPACE_GAP = 0.2  # a gap this wide between Latin letters or digits is a word space
_DUPLICATE = 0.1  # the same character again within this share of the font size is drawn twice, not written twice
_LINE_TOL = 2.0  # points: ruling segments this close are the same line
_THIN = 3.0  # points: a filled rectangle this thin is a ruling line, not a shaded area
_COVER = 0.5  # share of a cell side a ruling line must cover to separate two cells
_MAX_FORM_DEPTH = 8
_MAX_SLOTS = 20_000  # rule positions beyond this (graph paper, hatching) are a drawing, not a table
_CJK = "\u2e80"  # from here on scripts are written without spaces between words
_FAR = float("inf")
_SPACES = frozenset("\t \xa0\u2002\u2003\u3000")
_INVISIBLE = frozenset("\x00\x02\n\r\u200b\ufeff\ufffe\uffff")
_META_KEYS = ("Author", "Subject", "Keywords", "Creator", "Producer", "CreationDate", "ModDate")

# pdfium keeps global state and is not thread-safe; a crawler may extract from worker threads.
_PDFIUM_LOCK = threading.Lock()

Affine = tuple[float, float, float, float, float, float]  # x' = a*x + c*y + e, y' = b*x + d*y + f
HRule = tuple[float, float, float]  # y, x0, x1
VRule = tuple[float, float, float]  # x, y0, y1
Char = tuple[str, float, float, float, float]  # text, x0, x1, top, bottom
T = TypeVar("T")
# Centres of characters on one line differ by glyph; beyond this share of their height it is another line.
_LINE_JITTER = 0.3


@dataclass(slots=True)
class _Run:
    """Characters on one baseline with no wide gap or ruling line between them."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def size(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class _Line:
    """Runs sharing a line of the page, left to right."""

    runs: list[_Run]

    @property
    def top(self) -> float:
        return min(r.top for r in self.runs)

    @property
    def bottom(self) -> float:
        return max(r.bottom for r in self.runs)

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class _PageContent:
    """What pdfium told us about one page."""

    chars: list[Char] = field(default_factory=list)
    visible: int = 0  # characters other than spaces
    unmapped: int = 0  # characters pdfium could not map to Unicode (private use area, U+FFFD)
    hrules: list[HRule] = field(default_factory=list)
    vrules: list[VRule] = field(default_factory=list)
    has_image: bool = False
    dropped: int = 0  # text objects pdfium could not place (font neither embedded nor installed)


@dataclass(slots=True)
class _FrameCell:
    r0: int
    r1: int
    c0: int
    c1: int
    runs: list[_Run] = field(default_factory=list)


@dataclass(slots=True)
class _Frame:
    """A ruled table on one page: column and row rule positions and the cells they enclose."""

    xs: list[float]
    ys: list[float]
    cells: list[_FrameCell]
    slot_cell: list[int]  # per (row band, column) slot: index into cells, or -1 outside every cell

    def cell_at(self, x: float, y: float) -> _FrameCell | None:
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return None
        col = min(bisect_right(self.xs, x) - 1, len(self.xs) - 2)
        row = min(bisect_right(self.ys, y) - 1, len(self.ys) - 2)
        index = self.slot_cell[row * (len(self.xs) - 1) + col]
        return self.cells[index] if index >= 0 else None


def extract_pdf(data: bytes) -> ExtractedDocument:
    """Read a PDF into paragraphs and grids; raise ExtractionError for anything unreadable."""
    try:
        with _PDFIUM_LOCK:
            return _extract(bytes(data))
    except ExtractionError:
        raise
    except Exception as exc:  # any input must end in an ExtractionError, whatever pdfium or the layout hit
        raise ExtractionError("CORRUPT_DOCUMENT", f"unreadable PDF ({type(exc).__name__}: {exc})") from exc


def _extract(data: bytes) -> ExtractedDocument:
    pdf = _open(data)
    try:
        total = len(pdf)
        if total == 0:
            raise ExtractionError("CORRUPT_DOCUMENT", "the PDF has no pages")
        problems: list[Problem] = []
        if total > MAX_PAGES:
            problems.append(Problem("TOO_MANY_PAGES", f"{total} pages; only the first {MAX_PAGES} were read"))
        blocks, read, visible = _read_pages(pdf, min(total, MAX_PAGES), problems)
        if read == 0:
            raise ExtractionError("CORRUPT_DOCUMENT", "no page of the PDF could be read")
        if visible < _MIN_CHARS_PER_PAGE * read:
            raise ExtractionError("NO_TEXT_LAYER", "the pages hold (almost) no text: a scan without a text layer")
        title, meta = _info(pdf)
    finally:
        pdf.close()
    return ExtractedDocument(format="pdf", blocks=blocks, title=title, meta=meta, problems=problems, pages=total)


def _open(data: bytes) -> pdfium.PdfDocument:
    if b"%PDF" not in data[:1024]:  # where pdfium itself looks for the header
        raise ExtractionError("CORRUPT_DOCUMENT", "not a PDF (no %PDF header)")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise ExtractionError("ENCRYPTED_DOCUMENT", "the PDF needs a password to open") from exc
        raise ExtractionError("CORRUPT_DOCUMENT", f"unreadable PDF: {exc}") from exc


def _info(pdf: pdfium.PdfDocument) -> tuple[str | None, dict[str, str]]:
    try:
        info = pdf.get_metadata_dict(skip_empty=True)
    except Exception:  # a damaged info dictionary costs the title, not the document
        return None, {}
    title = (info.get("Title") or "").strip() or None
    meta = {key: info[key].strip() for key in _META_KEYS if info.get(key, "").strip()}
    return title, meta


def _read_pages(pdf: pdfium.PdfDocument, count: int, problems: list[Problem]) -> tuple[list[Block], int, int]:
    """Blocks of the first `count` pages, how many pages could be read, and their visible characters."""
    blocks: list[Block] = []
    read = visible = unmapped = 0
    textless: list[int] = []
    dropped: dict[int, int] = {}
    for index in range(count):
        try:
            content = _read_page(pdf, index)
            page_blocks = _layout_page(index + 1, content)
        except Exception as exc:  # one broken page should not lose the rest of the report
            problems.append(Problem("PAGE_UNREADABLE", f"{type(exc).__name__}: {exc}", where=f"page {index + 1}"))
            continue
        read += 1
        visible += content.visible
        unmapped += content.unmapped
        if content.has_image and content.visible < _MIN_CHARS_PER_PAGE:
            textless.append(index + 1)
        if content.dropped:
            dropped[index + 1] = content.dropped
        blocks.extend(page_blocks)
    if textless and visible >= _MIN_CHARS_PER_PAGE * read:
        pages = ", ".join(map(str, textless))
        problems.append(Problem("PAGES_WITHOUT_TEXT", "pages that are images without a text layer", where=pages))
    if unmapped > 0.05 * max(visible, 1):
        problems.append(Problem("UNMAPPED_GLYPHS", f"{unmapped} of {visible} characters have no Unicode mapping"))
    if dropped:
        message = f"{sum(dropped.values())} pieces of text are missing: their font is neither embedded nor installed"
        problems.append(Problem("TEXT_DROPPED", message, where="pages " + ", ".join(map(str, dropped))))
    return blocks, read, visible


# ---------------------------------------------------------------- pdfium: characters and ruling lines


def _read_page(pdf: pdfium.PdfDocument, index: int) -> _PageContent:
    content = _PageContent()
    page = pdf[index]
    try:
        transform = _display_transform(page)
        textpage = page.get_textpage()
        try:
            _read_chars(textpage, transform, content)
        finally:
            textpage.close()
        _read_objects(page, transform, content)
    finally:
        page.close()
    return content


def _display_transform(page: pdfium.PdfPage) -> Affine:
    """PDF user space to top-down coordinates of the page as displayed (crop box, /Rotate)."""
    left, bottom, right, top = page.get_cropbox()
    rotation = page.get_rotation() % 360
    if rotation == 90:
        return (0.0, 1.0, 1.0, 0.0, -bottom, -left)
    if rotation == 180:
        return (-1.0, 0.0, 0.0, 1.0, right, -bottom)
    if rotation == 270:
        return (0.0, -1.0, -1.0, 0.0, top, right)
    return (1.0, 0.0, 0.0, -1.0, -left, top)


def _read_chars(textpage: pdfium.PdfTextPage, t: Affine, content: _PageContent) -> None:
    """Characters with their loose boxes (font ascent to descent) in display coordinates.

    Spaces written in the PDF come as " "; the ones pdfium invents between words and lines have no
    height and are dropped with the line breaks.
    """
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    if count <= 0:
        return
    text = _page_text(raw, count)
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    rect = pdfium_c.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    a, b, c, d, e, f = t
    chars: list[Char] = []
    append = chars.append
    for i, ch in enumerate(text):
        if ch in _INVISIBLE or not get_box(raw, i, rect_ref):
            continue
        left, right, upper, lower = rect.left, rect.right, rect.top, rect.bottom
        if upper <= lower:
            continue
        xa, xb = a * left + c * upper + e, a * right + c * lower + e
        ya, yb = b * left + d * upper + f, b * right + d * lower + f
        if xa > xb:
            xa, xb = xb, xa
        if ya > yb:
            ya, yb = yb, ya
        append((" " if ch in _SPACES else ch, xa, xb, ya, yb))
    content.chars = chars
    content.visible = sum(1 for ch in chars if ch[0] != " ")
    content.unmapped = sum(1 for ch in chars if "\ue000" <= ch[0] <= "\uf8ff" or ch[0] == "\ufffd")


def _page_text(raw: object, count: int) -> str:
    """One character per pdfium char index: the page text in one call when it lines up, else char by char."""
    buffer = (ctypes.c_ushort * (2 * count + 1))()  # room for a surrogate pair per character
    written = pdfium_c.FPDFText_GetText(raw, 0, count, buffer)
    text = bytes(buffer)[: max(written - 1, 0) * 2].decode("utf-16-le", errors="replace")
    if len(text) == count:
        return text
    get_unicode = pdfium_c.FPDFText_GetUnicode
    return "".join(_chr(get_unicode(raw, i)) for i in range(count))


def _chr(code: int) -> str:
    return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\x00"


def _probe_pdf() -> bytes:
    """One page with 息 in STSong-Light, not embedded: pdfium can place it only if a CJK font is installed."""
    content = b"BT /F1 12 Tf 10 50 Td <606F> Tj ET"  # U+606F in the UniGB-UCS2-H encoding
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0"
        b" /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@cache
def cjk_fallback() -> bool:
    """Whether pdfium places CJK text in a font the PDF does not embed (a CJK font is installed). Then a
    text object without extent is an empty one (reportlab writes them), not text that had to be dropped."""
    doc = pdfium.PdfDocument(_probe_pdf())
    try:
        page = doc[0]
        bounds = _Bounds()
        for obj, kind, _ in _walk_objects(page.raw, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)):
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT and pdfium_c.FPDFPageObj_GetBounds(obj, *bounds.refs):
                return bounds.right.value - bounds.left.value >= 0.01
        return False
    finally:
        doc.close()


def _read_objects(page: pdfium.PdfPage, t: Affine, content: _PageContent) -> None:
    """Ruling lines from path objects; whether there are images; text objects pdfium had to drop."""
    hrules: list[HRule] = []
    vrules: list[VRule] = []
    bounds = _Bounds()
    for obj, kind, matrix in _walk_objects(page.raw, t):
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            _path_rules(obj, matrix, hrules, vrules)
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            content.has_image = True
        elif kind == pdfium_c.FPDF_PAGEOBJ_TEXT and not cjk_fallback() and _unplaceable(obj, bounds):
            content.dropped += 1
    content.hrules, content.vrules = _merge_rules(hrules), _merge_rules(vrules)


def _unplaceable(obj: object, bounds: _Bounds) -> bool:
    """A text object with no extent: its font has no glyph boxes, so pdfium leaves it out of the text.

    That happens to text in a font that is neither embedded nor installed when the object holds one
    character (pdfium measures longer ones from the character origins).
    """
    if not pdfium_c.FPDFPageObj_GetBounds(obj, *bounds.refs) or bounds.right.value - bounds.left.value >= 0.01:
        return False
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    return bool(font) and not pdfium_c.FPDFFont_GetIsEmbedded(font)


class _Bounds:
    """Output floats for FPDFPageObj_GetBounds, allocated once per page."""

    def __init__(self) -> None:
        self.left, self.bottom, self.right, self.top = (ctypes.c_float() for _ in range(4))
        self.refs = tuple(ctypes.byref(v) for v in (self.left, self.bottom, self.right, self.top))


def _walk_objects(raw_page: object, base: Affine) -> Iterator[tuple[object, int, Affine]]:
    """Page objects, also those inside form XObjects, with their type and (for paths) their display matrix."""
    count = pdfium_c.FPDFPage_CountObjects(raw_page)
    stack = [(pdfium_c.FPDFPage_GetObject(raw_page, i), base, 0) for i in reversed(range(count))]
    fs_matrix = pdfium_c.FS_MATRIX()
    while stack:
        obj, outer, depth = stack.pop()
        if not obj:
            continue
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        matrix = outer
        placed = kind in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM)
        if placed and pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(fs_matrix)):
            own = (fs_matrix.a, fs_matrix.b, fs_matrix.c, fs_matrix.d, fs_matrix.e, fs_matrix.f)
            matrix = _compose(own, outer)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            if depth < _MAX_FORM_DEPTH:
                inner = pdfium_c.FPDFFormObj_CountObjects(obj)
                stack.extend(
                    (pdfium_c.FPDFFormObj_GetObject(obj, i), matrix, depth + 1) for i in reversed(range(inner))
                )
            continue
        yield obj, kind, matrix


def _compose(first: Affine, then: Affine) -> Affine:
    """The affine map applying `first`, then `then`."""
    a1, b1, c1, d1, e1, f1 = first
    a2, b2, c2, d2, e2, f2 = then
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _path_subpaths(obj: object, m: Affine) -> list[tuple[list[tuple[float, float]], list[bool]]]:
    """The path's subpaths as display points, each point flagged when a straight segment leads to it."""
    a, b, c, d, e, f = m
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[tuple[list[tuple[float, float]], list[bool]]] = []
    points: list[tuple[float, float]] = []
    straight: list[bool] = []
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        if not segment or not pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
            continue
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO and points:
            subpaths.append((points, straight))
            points, straight = [], []
        points.append(point)
        straight.append(kind == pdfium_c.FPDF_SEGMENT_LINETO)
        if pdfium_c.FPDFPathSegment_GetClose(segment) and len(points) > 1:
            points.append(points[0])
            straight.append(True)
            subpaths.append((points, straight))
            points, straight = [], []
    if points:
        subpaths.append((points, straight))
    return subpaths


def _path_rules(obj: object, m: Affine, hrules: list[HRule], vrules: list[VRule]) -> None:
    """Ruling lines drawn by a path: its straight axis-parallel strokes, or its thin filled rectangles."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke)):
        return
    if not stroke.value and not fill_mode.value:
        return
    for points, straight in _path_subpaths(obj, m):
        if stroke.value:
            _stroke_rules(points, straight, hrules, vrules)
        else:
            _fill_rule(points, hrules, vrules)


def _stroke_rules(
    points: list[tuple[float, float]], straight: list[bool], hrules: list[HRule], vrules: list[VRule]
) -> None:
    for k in range(1, len(points)):
        if not straight[k]:
            continue
        (xa, ya), (xb, yb) = points[k - 1], points[k]
        if abs(ya - yb) <= 1.0 and abs(xa - xb) > 1.0:
            hrules.append(((ya + yb) / 2, min(xa, xb), max(xa, xb)))
        elif abs(xa - xb) <= 1.0 and abs(ya - yb) > 1.0:
            vrules.append(((xa + xb) / 2, min(ya, yb), max(ya, yb)))


def _fill_rule(points: list[tuple[float, float]], hrules: list[HRule], vrules: list[VRule]) -> None:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    width, height = x1 - x0, y1 - y0
    if height <= _THIN and width > height and width > 1.0:
        hrules.append(((y0 + y1) / 2, x0, x1))
    elif width <= _THIN and height > width and height > 1.0:
        vrules.append(((x0 + x1) / 2, y0, y1))


def _merge_rules(rules: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Join collinear pieces (same position within tolerance, touching or overlapping) into one rule."""
    merged: list[tuple[float, float, float]] = []
    for group in _cluster_sorted(sorted(rules), key=lambda r: r[0]):
        position = sum(r[0] for r in group) / len(group)
        pieces = sorted((r[1], r[2]) for r in group)
        lo, hi = pieces[0]
        for start, end in pieces[1:]:
            if start <= hi + _LINE_TOL:
                hi = max(hi, end)
            else:
                merged.append((position, lo, hi))
                lo, hi = start, end
        merged.append((position, lo, hi))
    return merged


def _cluster_sorted(items: list[T], key: Callable[[T], float]) -> list[list[T]]:
    """Split items sorted by key wherever two neighbours are more than the line tolerance apart."""
    groups: list[list[T]] = []
    last: float | None = None
    for item in items:
        value = key(item)
        if last is None or value - last > _LINE_TOL:
            groups.append([])
        groups[-1].append(item)
        last = value
    return groups


# ---------------------------------------------------------------- layout: lines and runs


def _layout_page(page_no: int, content: _PageContent) -> list[Block]:
    """The page's blocks top to bottom: ruled tables as aligned grids, other text as loose grids or paragraphs."""
    lines = _text_lines(content.chars, content.vrules)
    frames = _table_frames(content.hrules, content.vrules)
    placed: list[tuple[float, int, Block]] = []
    leftover: list[_Line] = []
    for line in lines:
        free = [run for run in line.runs if not _place_in_frame(run, frames)]
        if free:
            leftover.append(_Line(free))
    for frame in frames:
        placed.append((frame.ys[0], len(placed), _frame_grid(frame, page_no)))
    for top, block in _loose_blocks(leftover, page_no):
        placed.append((top, len(placed), block))
    placed.sort(key=lambda item: (item[0], item[1]))
    return [block for _, _, block in placed]


def _text_lines(chars: list[Char], vrules: list[VRule]) -> list[_Line]:
    """Characters grouped into lines by vertical centre, each line cut into runs.

    A new line starts wherever consecutive centres jump by more than a fraction of the character
    height. Chaining neighbours (rather than measuring from the first character of a line) keeps a
    number centred between the two lines of a wrapped label from pulling half of each into its line:
    glyph boxes of a real font vary by a point or so from character to character.
    """
    lines: list[_Line] = []
    ordered = sorted(chars, key=lambda ch: ch[3] + ch[4])
    start = 0
    while start < len(ordered):
        end = start + 1
        previous = ordered[start]
        while end < len(ordered):
            current = ordered[end]
            height = max(previous[4] - previous[3], current[4] - current[3])
            if (current[3] + current[4]) - (previous[3] + previous[4]) > 2 * _LINE_JITTER * height:
                break
            previous = current
            end += 1
        line_chars = ordered[start:end]
        middle = sum(ch[3] + ch[4] for ch in line_chars) / (2 * len(line_chars))
        line_chars.sort(key=lambda ch: ch[1])
        walls = sorted(x for x, y0, y1 in vrules if y0 <= middle <= y1)
        lines.append(_Line(_split_runs(line_chars, walls)))
        start = end
    return lines


def _split_runs(chars: list[Char], walls: list[float]) -> list[_Run]:
    """Cut a line where the gap is wider than about a character, or where a vertical rule passes.

    Runs once per character of the document, hence the plain locals instead of helper calls.
    """
    runs: list[_Run] = []
    parts: list[str] = []
    ptext, px0, px1, ph = "", 0.0, 0.0, 0.0
    x0 = top = bottom = 0.0
    wall, next_wall = 0, walls[0] if walls else _FAR
    spaced = False
    for text, cx0, cx1, ctop, cbottom in chars:
        if text == " ":
            spaced = bool(parts)
            continue
        height = cbottom - ctop
        if parts:
            size = ph if ph > height else height
            if text == ptext and abs(cx0 - px0) < _DUPLICATE * size:
                continue  # the same glyph drawn twice (fake bold, shadow)
            gap = cx0 - px1
            cut = gap > _RUN_GAP * size
            if not cut and walls:
                while next_wall <= (px0 + px1) / 2:
                    wall += 1
                    next_wall = walls[wall] if wall < len(walls) else _FAR
                cut = next_wall < (cx0 + cx1) / 2
            if cut:
                runs.append(_Run("".join(parts), x0, px1, top, bottom))
                parts = []
            elif spaced or (gap > _SPACE_GAP * size and (text < _CJK or ptext < _CJK)):
                parts.append(" ")
        if parts:
            top = ctop if ctop < top else top
            bottom = cbottom if cbottom > bottom else bottom
        else:
            x0, top, bottom = cx0, ctop, cbottom
        parts.append(text)
        ptext, px0, px1, ph = text, cx0, cx1, height
        spaced = False
    if parts:
        runs.append(_Run("".join(parts), x0, px1, top, bottom))
    return runs


def _stack_lines(runs: list[_Run]) -> list[list[_Run]]:
    """Runs grouped into lines top to bottom, each line left to right."""
    lines: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: r.cy):
        if lines and run.cy - lines[-1][0].cy <= lines[-1][0].size / 2:
            lines[-1].append(run)
        else:
            lines.append([run])
    for line in lines:
        line.sort(key=lambda r: r.x0)
    return lines


def _runs_text(runs: list[_Run]) -> str:
    return "\n".join(" ".join(r.text for r in line) for line in _stack_lines(runs))


# ---------------------------------------------------------------- ruled tables


def _table_frames(hrules: list[HRule], vrules: list[VRule]) -> list[_Frame]:
    frames = []
    for group in _connected_rules(hrules, vrules):
        for hs, vs in _unstack(*group):
            frame = _build_frame(hs, vs) if len(hs) >= 2 and len(vs) >= 2 else None
            if frame is not None:
                frames.append(frame)
    return frames


def _unstack(hs: list[HRule], vs: list[VRule]) -> list[tuple[list[HRule], list[VRule]]]:
    """Separate tables drawn one right below the other, sharing a horizontal rule."""
    ys = _positions([h[0] for h in hs])
    bounds = [ys[0], *(y for y in ys[1:-1] if _seam(y, vs)), ys[-1]]
    if len(bounds) == 2:
        return [(hs, vs)]
    parts = []
    for top, bottom in pairwise(bounds):
        part_hs = [h for h in hs if top - _LINE_TOL <= h[0] <= bottom + _LINE_TOL]
        part_vs = [(x, max(y0, top), min(y1, bottom)) for x, y0, y1 in vs if min(y1, bottom) - max(y0, top) > _LINE_TOL]
        parts.append((part_hs, part_vs))
    return parts


def _seam(y: float, vs: list[VRule]) -> bool:
    """The outer vertical rules stop at the horizontal one at y, and the columns above and below it differ."""
    crossing = [x for x, y0, y1 in vs if y0 < y - _LINE_TOL and y1 > y + _LINE_TOL]
    above = _positions(crossing + [x for x, y0, y1 in vs if abs(y1 - y) <= _LINE_TOL and y0 < y - _LINE_TOL])
    below = _positions(crossing + [x for x, y0, y1 in vs if abs(y0 - y) <= _LINE_TOL and y1 > y + _LINE_TOL])
    if not above or not below:
        return False
    outer = (min(above[0], below[0]), max(above[-1], below[-1]))
    if any(abs(x - edge) <= _LINE_TOL for x in crossing for edge in outer):
        return False
    return len(above) != len(below) or any(abs(a - b) > _LINE_TOL for a, b in zip(above, below, strict=True))


def _connected_rules(hrules: list[HRule], vrules: list[VRule]) -> list[tuple[list[HRule], list[VRule]]]:
    """Groups of horizontal and vertical rules that touch or cross one another."""
    parent = list(range(len(hrules) + len(vrules)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_y = sorted(range(len(hrules)), key=lambda i: hrules[i][0])
    ys = [hrules[i][0] for i in by_y]
    for j, (x, y0, y1) in enumerate(vrules):
        for i in by_y[bisect_left(ys, y0 - _LINE_TOL) : bisect_right(ys, y1 + _LINE_TOL)]:
            _, x0, x1 = hrules[i]
            if x0 - _LINE_TOL <= x <= x1 + _LINE_TOL:
                parent[find(i)] = find(len(hrules) + j)
    groups: dict[int, tuple[list[HRule], list[VRule]]] = {}
    for i, rule in enumerate(hrules):
        groups.setdefault(find(i), ([], []))[0].append(rule)
    for j, rule in enumerate(vrules):
        groups.setdefault(find(len(hrules) + j), ([], []))[1].append(rule)
    return list(groups.values())


def _positions(values: list[float]) -> list[float]:
    return [sum(g) / len(g) for g in _cluster_sorted(sorted(values), key=lambda v: v)]


def _nearest(positions: list[float], value: float) -> int:
    i = bisect_left(positions, value)
    if i == len(positions) or (i > 0 and value - positions[i - 1] < positions[i] - value):
        return i - 1
    return i


def _covered(pieces: list[tuple[float, float]], lo: float, hi: float) -> bool:
    overlap = sum(max(0.0, min(end, hi) - max(start, lo)) for start, end in pieces)
    return overlap >= _COVER * (hi - lo)


def _build_frame(hs: list[HRule], vs: list[VRule]) -> _Frame | None:
    xs = _positions([v[0] for v in vs])
    ys = _positions([h[0] for h in hs])
    if len(xs) < 3 or len(ys) < 2 or len(xs) * len(ys) > _MAX_SLOTS:
        return None
    at_x: list[list[tuple[float, float]]] = [[] for _ in xs]
    at_y: list[list[tuple[float, float]]] = [[] for _ in ys]
    for x, y0, y1 in vs:
        at_x[_nearest(xs, x)].append((y0, y1))
    for y, x0, x1 in hs:
        at_y[_nearest(ys, y)].append((x0, x1))

    rows, cols = len(ys) - 1, len(xs) - 1
    # walls[j][i]: a vertical rule at xs[j] beside row band i; floors[i][j]: a horizontal rule at ys[i] over column j
    walls = [[_covered(at_x[j], ys[i], ys[i + 1]) for i in range(rows)] for j in range(cols + 1)]
    floors = [[_covered(at_y[i], xs[j], xs[j + 1]) for j in range(cols)] for i in range(rows + 1)]
    boxes = [box for box in _merged_slots(walls, floors) if _enclosed(box, walls, floors)]
    return _frame_from_boxes(xs, ys, boxes)


def _merged_slots(walls: list[list[bool]], floors: list[list[bool]]) -> list[tuple[int, int, int, int]]:
    """Row band x column slots joined wherever no rule separates them, as (r0, r1, c0, c1) boxes."""
    rows, cols = len(floors) - 1, len(walls) - 1
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(rows):
        for j in range(cols):
            if j + 1 < cols and not walls[j + 1][i]:
                parent[find(i * cols + j)] = find(i * cols + j + 1)
            if i + 1 < rows and not floors[i + 1][j]:
                parent[find(i * cols + j)] = find((i + 1) * cols + j)
    boxes: dict[int, list[int]] = {}
    for slot in range(rows * cols):
        i, j = divmod(slot, cols)
        box = boxes.setdefault(find(slot), [i, i, j, j])
        box[0], box[1], box[2], box[3] = min(box[0], i), max(box[1], i), min(box[2], j), max(box[3], j)
    return [(b[0], b[1], b[2], b[3]) for b in boxes.values()]


def _enclosed(box: tuple[int, int, int, int], walls: list[list[bool]], floors: list[list[bool]]) -> bool:
    """A cell has rules on (most of) all four sides; a region open to the outside lies beside the table."""
    r0, r1, c0, c1 = box
    sides = (floors[r0][c0 : c1 + 1], floors[r1 + 1][c0 : c1 + 1], walls[c0][r0 : r1 + 1], walls[c1 + 1][r0 : r1 + 1])
    return all(sum(side) * 2 >= len(side) for side in sides)


def _frame_from_boxes(xs: list[float], ys: list[float], boxes: list[tuple[int, int, int, int]]) -> _Frame | None:
    """A table needs two cells side by side; one box or one column is a frame around text."""
    if len(boxes) < 2 or len({b[2] for b in boxes}) < 2:
        return None
    cols = len(xs) - 1
    slot_cell = [-1] * ((len(ys) - 1) * cols)
    cells: list[_FrameCell] = []
    for r0, r1, c0, c1 in sorted(boxes):
        for i in range(r0, r1 + 1):
            for j in range(c0, c1 + 1):
                slot_cell[i * cols + j] = len(cells)
        cells.append(_FrameCell(r0, r1, c0, c1))
    return _Frame(xs=xs, ys=ys, cells=cells, slot_cell=slot_cell)


def _place_in_frame(run: _Run, frames: list[_Frame]) -> bool:
    for frame in frames:
        cell = frame.cell_at(run.cx, run.cy)
        if cell is not None:
            cell.runs.append(run)
            return True
    return False


def _frame_grid(frame: _Frame, page_no: int) -> Grid:
    """Rows and columns are the rule positions some cell starts at, so stray short rules add no empty ones."""
    row_starts = sorted({c.r0 for c in frame.cells})
    col_starts = sorted({c.c0 for c in frame.cells})
    rows = [GridRow(cells=[], page=page_no, y=round(frame.ys[r], 2)) for r in row_starts]
    for cell in frame.cells:
        row = bisect_left(row_starts, cell.r0)
        col = bisect_left(col_starts, cell.c0)
        rows[row].cells.append(
            GridCell(
                text=_runs_text(cell.runs),
                col=col,
                colspan=bisect_right(col_starts, cell.c1) - col,
                rowspan=bisect_right(row_starts, cell.r1) - row,
                x0=round(frame.xs[cell.c0], 2),
                x1=round(frame.xs[cell.c1 + 1], 2),
            )
        )
    for row in rows:
        row.cells.sort(key=lambda c: c.col)
    return Grid(rows=rows, aligned=True, page=page_no)


# ---------------------------------------------------------------- text outside ruled tables


def _loose_blocks(lines: list[_Line], page_no: int) -> list[tuple[float, Block]]:
    """Lines outside ruled tables: column-aligned stretches become loose grids, the rest paragraphs."""
    lines = sorted(lines, key=lambda line: line.top)
    out: list[tuple[float, Block]] = []
    i = 0
    while i < len(lines):
        end = _tabular_stretch(lines, i)
        if end > i:
            out.append((lines[i].top, _loose_grid(lines[i:end], page_no)))
            i = end
            continue
        text = " ".join(run.text for run in sorted(lines[i].runs, key=lambda r: r.x0))
        out.append((lines[i].top, Paragraph(text=text, page=page_no)))
        i += 1
    return out


def _overlaps(a: _Run, b: _Run) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0


def _close_below(upper: _Line, lower: _Line) -> bool:
    size = max(r.size for r in upper.runs)
    return lower.top - upper.bottom <= 2.0 * size


def _tabular_stretch(lines: list[_Line], start: int) -> int:
    """End (exclusive) of a table-like stretch starting at `start`, or `start` when there is none.

    A stretch is at least three lines of two or more runs whose runs line up with the previous such
    line; up to two single-run lines in between (a wrapped label) belong to it.
    """
    if len(lines[start].runs) < 2:
        return start
    multi = [start]
    aligned = 0
    k = start + 1
    while k < len(lines) and _close_below(lines[k - 1], lines[k]):
        line = lines[k]
        if len(line.runs) >= 2:
            previous = lines[multi[-1]].runs
            if sum(1 for run in line.runs if any(_overlaps(run, p) for p in previous)) >= 2:
                aligned += 1
            multi.append(k)
        elif k - multi[-1] > 2:
            break
        k += 1
    if len(multi) < 3 or aligned < 0.6 * (len(multi) - 1):
        return start
    return multi[-1] + 1


def _loose_grid(lines: list[_Line], page_no: int) -> Grid:
    """Each multi-run line a row; single-run lines join the nearest row, inside the cell they overlap."""
    row_lines = [line for line in lines if len(line.runs) >= 2]
    members: list[list[_Run]] = [list(line.runs) for line in row_lines]
    for line in lines:
        if len(line.runs) == 1:
            members[_nearest_row(row_lines, line.cy)].append(line.runs[0])
    return Grid(rows=[_loose_row(runs, page_no) for runs in members], aligned=False, page=page_no)


def _nearest_row(row_lines: list[_Line], cy: float) -> int:
    """Ties go to the row above: a label's continuation follows the line holding its values."""
    return min(range(len(row_lines)), key=lambda r: (round(abs(row_lines[r].cy - cy), 1), row_lines[r].cy > cy))


def _loose_row(runs: list[_Run], page_no: int) -> GridRow:
    cells: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: r.x0):
        target = next((cell for cell in cells if any(_overlaps(run, other) for other in cell)), None)
        if target is None:
            cells.append([run])
        else:
            target.append(run)
    grid_cells = [
        GridCell(
            text=_runs_text(cell),
            col=col,
            x0=round(min(r.x0 for r in cell), 2),
            x1=round(max(r.x1 for r in cell), 2),
        )
        for col, cell in enumerate(cells)
    ]
    return GridRow(cells=grid_cells, page=page_no, y=round(min(r.top for r in runs), 2))
