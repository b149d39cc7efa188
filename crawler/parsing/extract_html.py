"""Turn the bytes of an HTML report page into its paragraphs and table grids in reading order, plus page metadata."""

from __future__ import annotations

import codecs
import re
import threading
from collections.abc import Iterable, Sequence

import charset_normalizer
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

__all__ = ["extract_html"]

# ---------------------------------------------------------------------------------------------- decoding

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# <meta charset=x>, <meta http-equiv=Content-Type content="text/html; charset=x"> and <?xml encoding="x"?>.
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([a-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_GB_LABELS = {"gb2312", "gbk", "gb18030", "x-gbk", "gb_2312", "gb_2312-80", "csgb2312", "iso-ir-58", "cp936", "ms936"}
# Charsets a web page can be in, by Python codec name (besides the iso8859-* and cp125x families).
_WEB_CODEC_NAMES = (
    "utf-8 utf-16 utf-16-le utf-16-be latin-1 ascii koi8-r koi8-u cp866 mac-roman gb2312 gbk gb18030 big5 big5hkscs "
    "cp950 cp874 tis-620 euc_jp shift_jis cp932 iso2022_jp euc_kr cp949"
)
_WEB_CODECS = frozenset(_WEB_CODEC_NAMES.split())
# Declarations of these mean little on Chinese pages: they are server defaults far more often than the truth.
_WEAK = {"cp1252"}
_TOLERATED_ERRORS = 8  # a few bad bytes (a truncated download, a pasted fragment) do not make the charset wrong
_DAMAGED_TEXT = 16  # this many U+FFFD already in the text: it was mangled before it reached us


def _codec(label: str | None, in_page: bool = False) -> str | None:
    """Python codec name for a charset label; GB2312/GBK widen to GB18030 (pages declare one, use the other)."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_LABELS:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name not in _WEB_CODECS and not name.startswith(("iso8859-", "cp125")):
        return None  # Python also knows zlib, rot13, punycode, unicode_escape...: no page is written in those
    if name in ("gb2312", "gbk", "gb18030"):
        return "gb18030"
    if name in ("latin-1", "iso8859-1", "ascii", "cp1252"):
        return "cp1252"  # as browsers read them
    if in_page and name.startswith(("utf-16", "utf-32")):
        return "utf-8"  # a declaration readable as ASCII is not in UTF-16: browsers take it as UTF-8 too
    return name


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _detect(data: bytes) -> str | None:
    best = charset_normalizer.from_bytes(data).best()
    return _codec(best.encoding) if best is not None else None


def _decode(data: bytes, http_charset: str | None) -> tuple[bytes, list[Problem]]:
    """The page as UTF-8 bytes for the parser, and what was doubtful about its decoding."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(codec, errors="replace")
            return text.encode("utf-8"), _damage(text, codec)
    if data.isascii():
        return data, []
    found = _DECLARED_CHARSET.search(data, 0, 8192)
    in_page = (found.group(1) or found.group(2)).decode("ascii") if found else None
    declared: list[tuple[str, str]] = []
    for codec, source in ((_codec(http_charset), "Content-Type"), (_codec(in_page, in_page=True), "the page")):
        if codec and all(codec != c for c, _ in declared):
            declared.append((codec, source))
    strong = [(c, s) for c, s in declared if c not in _WEAK]
    if strong:
        return _decode_declared(data, strong)
    return _decode_undeclared(data, declared[0] if declared else None)


def _decode_declared(data: bytes, declared: list[tuple[str, str]]) -> tuple[bytes, list[Problem]]:
    first, source = declared[0]
    text = _strict(data, "utf-8")
    if text is not None:
        # Non-ASCII bytes that form valid UTF-8 practically never come from a legacy encoding: it is UTF-8.
        problems = [] if first == "utf-8" else [_mismatch(first, source, "utf-8", "a strict UTF-8 check")]
        return data, problems + _damage(text, "utf-8")
    for codec, where in declared:
        text = _strict(data, codec) if codec != "utf-8" else None
        if text is not None:
            problems = [] if codec == first else [_mismatch(first, source, codec, f"the declaration in {where}")]
            return text.encode("utf-8"), problems + _damage(text, codec)
    text = data.decode(first, errors="replace")
    errors = text.count("\ufffd")
    if errors > _TOLERATED_ERRORS:
        guess = _detect(data)
        if guess and guess != first:
            other = data.decode(guess, errors="replace")
            if other.count("\ufffd") < errors:
                return other.encode("utf-8"), [_mismatch(first, source, guess, "charset detection")]
    problem = Problem("DECODE_ERRORS", f"{errors} byte sequences are not valid {first}; replaced", "encoding")
    return text.encode("utf-8"), [problem]


def _decode_undeclared(data: bytes, weak: tuple[str, str] | None) -> tuple[bytes, list[Problem]]:
    """No charset declared, or only a Latin-1 one (a server default, seldom the truth on these sites)."""
    text = _strict(data, "utf-8")
    if text is not None:
        codec, how, utf8 = "utf-8", "the bytes are valid UTF-8", data
    else:
        codec = _detect(data) or (weak[0] if weak else "utf-8")
        how = "charset detection"
        text = data.decode(codec, errors="replace")
        utf8 = text.encode("utf-8")
    if weak is None:
        problems = [Problem("ENCODING_GUESSED", f"no charset declared; decoded as {codec} ({how})", "encoding")]
    elif weak[0] != codec:
        problems = [_mismatch(weak[0], weak[1], codec, how)]
    else:
        problems = []
    return utf8, problems + _damage(text, codec)


def _mismatch(declared: str, source: str, used: str, how: str) -> Problem:
    message = f"{source} declares {declared}, but the bytes decode as {used} (found by {how})"
    return Problem("ENCODING_MISMATCH", message, "encoding")


def _damage(text: str, codec: str) -> list[Problem]:
    count = text.count("\ufffd")
    if count < _DAMAGED_TEXT:
        return []
    message = f"{count} U+FFFD replacement characters after decoding as {codec}"
    return [Problem("REPLACEMENT_CHARS", message, "encoding")]


# ---------------------------------------------------------------------------------------------- parsing

_local = threading.local()  # lxml parsers must not be shared between threads


def _parser() -> etree.HTMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        # Comments go at parse time, Word's <!--[if gte mso 9]>...<![endif]--> and downlevel <![if ...]> with them.
        parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, collect_ids=False
        )
        _local.parser = parser
    return parser


def _parse(utf8: bytes) -> etree._Element:
    try:
        root = etree.fromstring(utf8, _parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ExtractionError("CORRUPT_DOCUMENT", f"lxml could not parse the page: {exc}") from exc
    if root is None:
        raise ExtractionError("EMPTY_DOCUMENT", "the page has no elements and no text")
    return root


# ---------------------------------------------------------------------------------------------- the walk

# What a tag means to the walk, as bit flags; an element's flags wait on a stack for its end event.
_PLAIN = 1  # a block boundary and nothing else (p, li, ...): the common case, kept on the fast path
_BLOCK, _HEADING, _SKIP, _TABLE, _ROW, _CELL, _BR, _HEADTAG, _DESCEND, _NAVTAG, _ANCHOR = (1 << i for i in range(1, 12))
_LINK, _NAV, _RECORD, _OPENCELL = (1 << i for i in range(12, 16))


def _tag_flags() -> dict[object, int]:
    groups = {
        _SKIP: "script style noscript template select button textarea iframe object embed applet svg math xml "
        "noframes frameset canvas audio video datalist",
        _PLAIN: "p ul ol dl dt dd li blockquote pre address figure figcaption hr caption fieldset legend details "
        "summary dir option optgroup",
        _BLOCK | _DESCEND: "html body div section article main center form",
        _BLOCK: "thead tbody tfoot",
        _BLOCK | _NAVTAG: "nav header footer aside menu",
        _BLOCK | _HEADING: "h1 h2 h3 h4 h5 h6",
        _BLOCK | _DESCEND | _TABLE: "table",
        _BLOCK | _ROW: "tr",
        _BLOCK | _DESCEND | _CELL: "td th",
        _BR: "br",
        _HEADTAG: "head meta title",
        _ANCHOR: "a",
    }
    flags_of: dict[object, int] = {tag: flags for flags, tags in groups.items() for tag in tags.split()}
    # Comments and PIs are removed at parse time; should one remain, its "tag" is a factory function.
    flags_of.update({etree.Comment: _SKIP, etree.ProcessingInstruction: _SKIP, etree.Entity: _SKIP})
    return flags_of


_TAG_FLAGS = _tag_flags()

# Known article-body containers of Chinese government CMSs, best first: (selector, kind, lower-case name).
_KNOWN: tuple[tuple[str, str, str], ...] = (
    ("#zoom", "id", "zoom"),
    (".TRS_Editor", "class", "trs_editor"),
    (".trs_editor_view", "class", "trs_editor_view"),
    (".article-content", "class", "article-content"),
    (".zfxxgk_zw_content", "class", "zfxxgk_zw_content"),
    ("#UCAP-CONTENT", "id", "ucap-content"),
    (".view", "class", "view"),
    ("#content", "id", "content"),
    (".content", "class", "content"),
    ("article", "tag", "article"),
)
_KNOWN_IDS = {name: rank for rank, (_, kind, name) in enumerate(_KNOWN) if kind == "id"}
_KNOWN_CLASSES = {name: rank for rank, (_, kind, name) in enumerate(_KNOWN) if kind == "class"}
_ARTICLE_RANK = len(_KNOWN) - 1
_BROAD_RANK = 6  # from .view on the names are broad page wrappers: the body is searched for inside them
_NAV_NAME = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|submenu|header|footer|foot|breadcrumbs?|crumbs?|sidebar|share|copyright"
    r"|position|dqwz|topbar|toolbar)(?:$|[\s_-])",
    re.IGNORECASE,
)

# Stream markers. A block boundary is a string, so that runs of the stream join in one call: lxml never
# hands out NUL (libxml2 turns it into U+FFFD), so it cannot be confused with text.
_BREAK = "\x00"
_H_OPEN = object()  # around a heading's text
_H_CLOSE = object()

# Record fields (a list per candidate container, for speed): stream slice, text amounts, best child, naming.
_R_START, _R_END, _R_GOOD, _R_RAW, _R_BEST, _R_BEST_GOOD, _R_DESCEND, _R_RANK, _R_TAG, _R_ID, _R_CLASS = range(11)


class _Table:
    """A <table> being read: where its stream starts and the stream slice of each cell, row by row."""

    __slots__ = ("cell_start", "nested", "record_mark", "rows", "start")

    def __init__(self, start: int, record_mark: int) -> None:
        self.start = start
        self.record_mark = record_mark
        self.rows: list[list[tuple[int, int, str | None, str | None]]] = []
        self.nested = False
        self.cell_start = -1


class _Walk:
    """One pass over the parsed page.

    Text goes into `stream` as it is met, interleaved with markers: _BREAK (a block boundary), the heading
    markers, and Grid objects (a finished data table replaces its own stretch of the stream). Candidate
    containers are recorded with their stream slice and how much text they hold, so that the body can be
    chosen afterwards and cut out of the stream without walking the tree again.
    """

    def __init__(self) -> None:
        self.stream: list[object] = []
        self.records: list[list] = []
        self.open_records: list[list] = []
        self.known: list[list] = []
        self.tables: list[_Table] = []
        self.meta: dict[str, str] = {}
        self.title: str | None = None
        self.first_heading: str | None = None
        self.heading_start = -1

    def run(self, root: etree._Element) -> None:
        add = self.stream.append
        flags_stack: list[int] = []
        link = nav = good = raw = 0  # open links and navigation parts; readable and all text so far
        walker = etree.iterwalk(root, events=("start", "end"))
        for event, el in walker:
            if event == "start":
                tag = el.tag
                flags = _TAG_FLAGS.get(tag, 0)
                if flags == _PLAIN:
                    add(_BREAK)
                elif flags == _ANCHOR:
                    if el.get("href") is None:
                        flags = 0
                    else:
                        flags = _LINK
                        link += 1
                elif flags:
                    flags = self._open(walker, el, tag, flags, nav, good, raw)
                    if flags & _SKIP:
                        flags_stack.append(_SKIP)
                        continue
                    link += bool(flags & _LINK)
                    nav += bool(flags & _NAV)
                else:
                    eid = el.get("id")
                    if eid and eid.strip().lower() in _KNOWN_IDS:  # <span id="zoom">, <font id="Zoom">
                        flags = self._open(walker, el, tag, flags, nav, good, raw)
                flags_stack.append(flags)
                text = el.text
            else:
                flags = flags_stack.pop()
                if flags == _PLAIN:
                    add(_BREAK)
                elif flags == _LINK:
                    link -= 1
                elif flags and flags != _SKIP:
                    self._close(el, flags, good, raw)
                    link -= bool(flags & _LINK)
                    nav -= bool(flags & _NAV)
                text = el.tail
            if text:
                add(text)
                if not text.isspace():
                    raw += len(text)
                    if not link and not nav:
                        good += len(text)

    def _open(
        self, walker: etree.iterwalk, el: etree._Element, tag: str, flags: int, nav: int, good: int, raw: int
    ) -> int:
        """Start of an element that is more than a plain block; returns its flags for the end event."""
        stream = self.stream
        if flags & (_SKIP | _HEADTAG):
            walker.skip_subtree()
            if flags & _HEADTAG:
                self._read_head(el)
            return _SKIP
        if flags & _BR:
            stream.append(_BREAK)
            return 0
        cls = el.get("class")
        eid = el.get("id")
        rank, nav_name = _classify(tag, cls, eid) if cls or eid or tag == "article" else (-1, False)
        if flags & _NAVTAG or (nav_name and flags & _DESCEND):
            flags |= _NAV
            nav += 1
        tables = self.tables
        if flags & _TABLE:
            if tables:
                tables[-1].nested = True
            tables.append(_Table(len(stream), len(self.records)))
        elif flags & _ROW:
            if tables:
                tables[-1].rows.append([])
        elif flags & _CELL and tables and tables[-1].cell_start < 0:
            table = tables[-1]
            if not table.rows:
                table.rows.append([])
            table.cell_start = len(stream)
            flags |= _OPENCELL
        if flags & _DESCEND or rank >= 0:
            descend = bool(flags & _DESCEND) and not nav
            record = [len(stream), -1, good, raw, None, 0, descend, rank, tag, eid, cls]
            self.records.append(record)
            if rank >= 0:
                self.known.append(record)
            self.open_records.append(record)
            flags |= _RECORD
        if flags & _HEADING:
            stream.append(_H_OPEN)
            if self.first_heading is None:
                self.heading_start = len(stream)
        elif flags & _BLOCK:
            stream.append(_BREAK)
        return flags

    def _close(self, el: etree._Element, flags: int, good: int, raw: int) -> None:
        stream = self.stream
        if flags & _OPENCELL:
            table = self.tables[-1]
            table.rows[-1].append((table.cell_start, len(stream), el.get("colspan"), el.get("rowspan")))
            table.cell_start = -1
        if flags & _TABLE:
            self._finish_table(self.tables.pop())
        if flags & _HEADING:
            if self.heading_start >= 0:
                self.first_heading = " ".join(_paragraphs(_joined(stream[self.heading_start :]))) or None
                self.heading_start = -1
            stream.append(_H_CLOSE)
        elif flags & _BLOCK:
            stream.append(_BREAK)
        if flags & _RECORD:
            open_records = self.open_records
            record = open_records.pop()
            record[_R_END] = len(stream)
            record[_R_GOOD] = good - record[_R_GOOD]
            record[_R_RAW] = raw - record[_R_RAW]
            if open_records and record[_R_DESCEND]:
                parent = open_records[-1]
                if record[_R_GOOD] > parent[_R_BEST_GOOD]:
                    parent[_R_BEST] = record
                    parent[_R_BEST_GOOD] = record[_R_GOOD]

    def _read_head(self, el: etree._Element) -> None:
        """<head>, or a <meta>/<title> that strayed into the body: page metadata, never body text."""
        for node in el.iter("meta", "title") if el.tag == "head" else (el,):
            if node.tag == "title":
                if self.title is None and node.text and node.text.strip():
                    self.title = " ".join(node.text.split())
                continue
            name, content = node.get("name"), node.get("content")
            if name and content is not None and not self.meta.get(name):
                self.meta[name] = content.strip()

    def _finish_table(self, table: _Table) -> None:
        """Replace a data table's stretch of the stream by its Grid; a layout table's text stays as blocks."""
        if table.nested:
            return
        stream = self.stream
        cells = [cell for row in table.rows for cell in row]
        texts = [_cell_text(stream[a:b]) for a, b, _, _ in cells]
        if len(cells) < 2 or any(_is_prose(text) for text in texts):
            return
        loose: list[object] = []  # a caption, or text the markup left between cells
        position = table.start
        for a, b, _, _ in cells:
            loose.extend(stream[position:a])
            position = b
        loose.extend(stream[position:])
        if _joined(loose).replace(_BREAK, "").isspace():
            loose = []
        del stream[table.start :]
        stream.extend(loose)
        if any(texts):
            stream.append(_grid(table.rows, texts))
        for record in self.records[table.record_mark :]:
            record[_R_DESCEND] = False  # the stream slices recorded inside are gone, and data is no container
            record[_R_RANK] = -1


def _is_prose(cell: str) -> bool:
    """A cell holding a box of prose, which makes its table page layout rather than data."""
    return len(cell) >= 500 or (len(cell) >= 200 and cell.count("\n") >= 2)


_names: dict[tuple[str, str | None, str | None], tuple[int, bool]] = {}  # class/id strings repeat a lot


def _classify(tag: str, cls: str | None, eid: str | None) -> tuple[int, bool]:
    """Known-container rank (-1: none) and whether the class or id names navigation or page chrome."""
    key = (tag, cls, eid)
    found = _names.get(key)
    if found is None:
        if len(_names) > 20000:
            _names.clear()
        found = _names[key] = (_known_rank(tag, cls, eid), bool(_NAV_NAME.search(f"{cls or ''} {eid or ''}")))
    return found


def _known_rank(tag: str, cls: str | None, eid: str | None) -> int:
    ranks = [_ARTICLE_RANK] if tag == "article" else []
    if eid:
        ranks.append(_KNOWN_IDS.get(eid.strip().lower(), -1))
    if cls:
        ranks.extend(_KNOWN_CLASSES.get(token, -1) for token in cls.lower().split())
    return min((rank for rank in ranks if rank >= 0), default=-1)


# ---------------------------------------------------------------------------------------------- text

_CJK = r"\u2e80-\u303f\u3040-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"
# A source line break between two CJK characters is no space (CSS segment-break rules): Word wraps mid-word.
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_CJK}])")
_HTML_SPACES = " \t\n\r\f"  # what HTML collapses; \xa0 (&nbsp;) and \u3000 are text
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def _joined(items: Sequence[object]) -> str:
    """A stretch of the stream as one string, every non-text marker read as a block boundary."""
    try:
        return "".join(items)
    except TypeError:
        return "".join(item if item.__class__ is str else _BREAK for item in items)


def _paragraphs(text: str) -> list[str]:
    """Whitespace-collapsed lines between block boundaries, empty ones dropped."""
    lines: list[str] = []
    for part in text.split(_BREAK):
        if part and not part.isspace():
            part = part.strip()
            if "\n" in part:
                part = _CJK_BREAK.sub("", part)
            lines.append(" ".join(part.split()))
    return lines


def _cell_text(items: Sequence[object]) -> str:
    """A cell as written: inline pieces joined as they are, <br> and block children as "\\n", &nbsp; kept."""
    lines: list[str] = []
    for part in _joined(items).split(_BREAK):
        part = part.strip(_HTML_SPACES)
        if part:
            if "\n" in part:
                part = _CJK_BREAK.sub("", part)
            if " " in part or "\n" in part or "\t" in part or "\r" in part or "\f" in part:
                part = _HTML_SPACE.sub(" ", part)
            lines.append(part)
    return "\n".join(lines)


_MAX_SPAN = 200


def _span(value: str) -> int:
    """colspan/rowspan as browsers read them: leading digits, else 1; 0 is kept (rowspan=0 runs to the end)."""
    if value.isdigit() and len(value) < 4:
        return min(int(value), _MAX_SPAN)
    match = re.match(r"\s*(\d{1,6})", value)
    return min(int(match.group(1)), _MAX_SPAN) if match else 1


def _grid(rows: list[list[tuple[int, int, str | None, str | None]]], texts: list[str]) -> Grid:
    """Place cells on the true column grid: a column still covered by a rowspan from above is skipped."""
    covered: dict[int, set[int]] = {}  # row index -> columns taken by cells from rows above
    out: list[GridRow] = []
    index = 0
    for r, row in enumerate(rows):
        busy = covered.pop(r, None)
        col = 0
        cells: list[GridCell] = []
        for _, _, colspan_attr, rowspan_attr in row:
            if busy:
                while col in busy:
                    col += 1
            colspan = 1 if colspan_attr is None else max(_span(colspan_attr), 1)
            rowspan = 1 if rowspan_attr is None else _span(rowspan_attr)
            if rowspan == 0:
                rowspan = max(len(rows) - r, 1)
            cells.append(GridCell(texts[index], col, colspan, rowspan))
            index += 1
            for below in range(r + 1, min(r + rowspan, len(rows))):
                covered.setdefault(below, set()).update(range(col, col + colspan))
            col += colspan
        out.append(GridRow(cells))
    return Grid(out)


def _blocks(items: Sequence[object]) -> list[Block]:
    """Paragraphs (one per block or <br> line) and grids from a stretch of the stream."""
    blocks: list[Block] = []
    depth = 0
    start = 0
    for end in [i for i, item in enumerate(items) if item.__class__ is not str] + [len(items)]:
        if end > start:
            heading = depth > 0
            blocks.extend(Paragraph(text, heading=heading) for text in _paragraphs("".join(items[start:end])))
        if end < len(items):
            item = items[end]
            if item is _H_OPEN:
                depth += 1
            elif item is _H_CLOSE:
                depth = max(depth - 1, 0)
            else:
                blocks.append(item)
        start = end + 1
    return blocks


def _lines(blocks: Iterable[Block]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            out.extend(" ".join(c.text.split()) for row in block.rows for c in row.cells)
    return out


# ---------------------------------------------------------------------------------------------- the body

_DESCEND_SHARE = 0.75  # go down into a child while it holds this share of its parent's readable text


def _choose_container(walk: _Walk, fragment: bool) -> tuple[list | None, str]:
    """The record of the article body, and how it was found (for meta["_container"])."""
    top = _top_record(walk.records)
    if fragment or top is None:
        return top, "fragment" if fragment else "document"
    substantial = min(200, top[_R_RAW] // 2)
    for record in sorted(walk.known, key=lambda r: r[_R_RANK]):
        if record[_R_RANK] < 0 or record[_R_RAW] < max(substantial, 1):
            continue
        name = f"{record[_R_TAG]}{_KNOWN[record[_R_RANK]][0]}" if record[_R_RANK] < _ARTICLE_RANK else "article"
        if record[_R_RANK] < _BROAD_RANK:
            return record, name
        inner = _descend(record)
        return inner, name if inner is record else f"{name} > heuristic:{_describe(inner)}"
    inner = _descend(top)
    return inner, f"heuristic:{_describe(inner)}"


def _top_record(records: list[list]) -> list | None:
    for record in records:
        if record[_R_TAG] == "body":
            return record
    return records[0] if records else None


def _descend(record: list) -> list:
    while True:
        best = record[_R_BEST]
        if best is None or best[_R_GOOD] < _DESCEND_SHARE * record[_R_GOOD] or best[_R_GOOD] == 0:
            return record
        record = best


def _describe(record: list) -> str:
    name = record[_R_TAG]
    if record[_R_ID]:
        return f"{name}#{record[_R_ID].strip()}"
    if record[_R_CLASS] and record[_R_CLASS].split():
        return f"{name}.{record[_R_CLASS].split()[0]}"
    return name


# ---------------------------------------------------------------------------------------------- metadata

_CATALOGUE_LABELS = (
    "索引号",
    "信息索引号",
    "发布机构",
    "发文机关",
    "发文字号",
    "文号",
    "成文日期",
    "发布日期",
    "发布时间",
    "公开日期",
    "生成日期",
    "主题分类",
    "体裁分类",
    "组配分类",
    "公开方式",
    "公开范围",
    "有效性",
    "主题词",
)
_NO_CJK_BEFORE = r"(?<![\u4e00-\u9fff])"
_CATALOGUE = re.compile(
    _NO_CJK_BEFORE
    + "("
    + "|".join(r"\s*".join(label) for label in sorted(_CATALOGUE_LABELS, key=len, reverse=True))
    + r")\s*[:：]"
)
_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?)?"
_VISIBLE_DATE = re.compile(
    _NO_CJK_BEFORE + rf"(?:发布时间|发布日期|公开日期|更新时间|更新日期|时间|日期)\s*[:：]\s*({_DATE})"
)
_CATALOGUE_LINE = 200  # longer lines are report prose, not a catalogue entry
_NEXT_LABEL = re.compile(r"\s[\u4e00-\u9fff]{2,6}\s*[:：]")  # "… 来源：…" ends a value even when not a catalogue label


def _catalogue(lines: Sequence[str], meta: dict[str, str]) -> None:
    """Label/value pairs of the disclosure catalogue: "索引号：xxx 发布机构：yyy", or a label with its value next."""
    for index, line in enumerate(lines):
        if len(line) > _CATALOGUE_LINE or ("：" not in line and ":" not in line):
            continue
        matches = list(_CATALOGUE.finditer(line))
        for number, match in enumerate(matches):
            end = matches[number + 1].start() if number + 1 < len(matches) else len(line)
            value = line[match.end() : end]
            value = value[: cut.start()] if (cut := _NEXT_LABEL.search(value)) else value
            value = value.strip()
            if not value and number + 1 == len(matches) and index + 1 < len(lines):
                following = lines[index + 1]
                if len(following) <= _CATALOGUE_LINE and not _CATALOGUE.search(following):
                    value = following.strip()
            key = re.sub(r"\s+", "", match.group(1))
            if value and not meta.get(key):
                meta[key] = value


def _visible_date(lines: Iterable[str]) -> str | None:
    for line in lines:
        match = _VISIBLE_DATE.search(line)
        if match:
            return match.group(1).strip()
    return None


# ---------------------------------------------------------------------------------------------- entry point

_PAGE_TAG = re.compile(rb"<(?:html|head|body)[\s/>]", re.IGNORECASE)  # absent: a fragment, used whole


def extract_html(data: bytes, *, encoding: str | None = None) -> ExtractedDocument:
    """Read an HTML page. `encoding` is the charset of the HTTP Content-Type header, when the caller has one."""
    if not data or data.isspace():
        raise ExtractionError("EMPTY_DOCUMENT", "the page is empty")
    utf8, problems = _decode(data, encoding)
    walk = _Walk()
    walk.run(_parse(utf8))
    container, how = _choose_container(walk, fragment=not _PAGE_TAG.search(utf8))
    stream = walk.stream
    if container is None:
        start, end = 0, len(stream)
    else:
        start, end = container[_R_START], container[_R_END]
    blocks = _blocks(stream[start:end])
    before, after = _lines(_blocks(stream[:start])), _lines(_blocks(stream[end:]))
    meta = dict(walk.meta)
    _catalogue([*before, *_lines(blocks), *after], meta)
    date = _visible_date([*before, *after])
    if date:
        meta["visible_date"] = date
    meta["_container"] = how
    title = meta.get("ArticleTitle", "").strip() or walk.title or walk.first_heading
    if not blocks:
        problems.append(Problem("NO_TEXT", "no paragraph or table was found in the page body", how))
    return ExtractedDocument(format="html", blocks=blocks, title=title or None, meta=meta, problems=problems)
