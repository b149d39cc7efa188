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
    elif (text := _chinese_gb18030(data)) is not None:
        # The encoding of nearly every undeclared Chinese page that is not UTF-8; checking it first
        # spares a statistical detection that costs ten times the parse.
        codec, how, utf8 = "gb18030", "the bytes are valid GB18030 Chinese text", text.encode("utf-8")
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


def _chinese_gb18030(data: bytes) -> str | None:
    """The text if the bytes decode strictly as GB18030 and the non-ASCII part is mostly CJK."""
    text = _strict(data, "gb18030")
    if text is None:
        return None
    wide = len(text) - len(text.encode("ascii", "ignore"))
    cjk = wide - len(_ASCII_OR_CJK.sub("", text))  # what is left is the wide characters that are not CJK
    return text if wide and cjk >= 0.8 * wide else None


_ASCII_OR_CJK = re.compile("[\x00-\x7f\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]+")


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
        # The ids collected tell the walk whether any element can be a known container by its id.
        parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, collect_ids=True
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
_CELLTAG = _BLOCK | _DESCEND | _CELL  # td, th: handled in the walk's own loop, as are their common ends
_CELL_OPENED = _CELLTAG | _RECORD | _OPENCELL
_ROWTAG = _BLOCK | _ROW


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

    __slots__ = ("cell_start", "grid", "known_mark", "nested", "record_mark", "rows", "start", "whole")

    def __init__(self, start: int, record_mark: int, known_mark: int) -> None:
        self.start = start
        self.record_mark = record_mark  # the table's own record is the next one
        self.known_mark = known_mark
        self.rows: list[list[tuple[int, int, str | None, str | None]]] = []
        self.nested = False
        self.cell_start = -1
        self.whole = False  # read in one go by _read_table, which left its Grid (None: all cells empty)
        self.grid: Grid | None = None


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
        self.grid_lines: dict[int, list[str]] = {}  # id of a Grid -> its lines for the metadata finders

    def run(self, root: etree._Element) -> None:
        stream = self.stream
        add = stream.append
        tables = self.tables
        records = self.records
        open_records = self.open_records
        flags_of = _TAG_FLAGS.get
        known_ids = _KNOWN_IDS
        check_ids = _may_have_known_ids(root)
        flags_stack: list[int] = []
        link = nav = good = raw = 0  # open links and navigation parts; readable and all text so far
        walker = etree.iterwalk(root, events=("start", "end"))
        for event, el in walker:
            if event == "start":
                tag = el.tag
                flags = flags_of(tag, 0)
                if flags == _PLAIN:
                    add(_BREAK)
                elif not flags:
                    if check_ids:
                        eid = el.get("id")
                        if eid and eid.strip().lower() in known_ids:  # <span id="zoom">, <font id="Zoom">
                            flags = self._open(el, tag, flags, nav, good, raw)
                elif flags == _CELLTAG:
                    cls = el.get("class")
                    eid = el.get("id")
                    rank = -1
                    if cls or eid:
                        rank, nav_name = _classify(tag, cls, eid)
                        if nav_name:
                            flags |= _NAV
                            nav += 1
                    if tables and tables[-1].cell_start < 0:
                        table = tables[-1]
                        if not table.rows:
                            table.rows.append([])
                        table.cell_start = len(stream)
                        flags |= _OPENCELL
                    record = [len(stream), -1, good, raw, None, 0, not nav, rank, tag, eid, cls]
                    records.append(record)
                    if rank >= 0:
                        self.known.append(record)
                    open_records.append(record)
                    flags |= _RECORD
                    add(_BREAK)
                elif flags == _ANCHOR:
                    if el.get("href") is None:
                        flags = 0
                    else:
                        flags = _LINK
                        link += 1
                else:
                    flags = self._open(el, tag, flags, nav, good, raw)
                    if flags == _SKIP:
                        walker.skip_subtree()
                        flags_stack.append(_SKIP)
                        continue
                    nav += bool(flags & _NAV)
                    if flags & _TABLE:
                        read = _read_table(el, check_ids)
                        if read is not None:
                            # A plain data table, read whole: its Grid waits for the table's end.
                            walker.skip_subtree()
                            table = tables[-1]
                            table.grid, amount, lines = read
                            table.whole = True
                            if table.grid is not None:
                                self.grid_lines[id(table.grid)] = lines
                            raw += amount
                            if not link and not nav:
                                good += amount
                flags_stack.append(flags)
                text = el.text
            else:
                flags = flags_stack.pop()
                if not flags:
                    pass
                elif flags == _PLAIN:
                    add(_BREAK)
                elif flags == _CELL_OPENED:
                    table = tables[-1]
                    table.rows[-1].append((table.cell_start, len(stream), el.get("colspan"), el.get("rowspan")))
                    table.cell_start = -1
                    add(_BREAK)
                    record = open_records.pop()
                    record[_R_END] = len(stream)
                    record_good = record[_R_GOOD] = good - record[_R_GOOD]
                    record[_R_RAW] = raw - record[_R_RAW]
                    if open_records and record[_R_DESCEND]:
                        parent = open_records[-1]
                        if record_good > parent[_R_BEST_GOOD]:
                            parent[_R_BEST] = record
                            parent[_R_BEST_GOOD] = record_good
                elif flags == _LINK:
                    link -= 1
                elif flags != _SKIP:
                    self._close(el, flags, good, raw)
                    nav -= bool(flags & _NAV)
                text = el.tail
            if text:
                add(text)
                if not text.isspace():
                    raw += len(text)
                    if not link and not nav:
                        good += len(text)

    def _open(self, el: etree._Element, tag: str, flags: int, nav: int, good: int, raw: int) -> int:
        """Start of an element that is more than a plain block; returns its flags for its end (_SKIP: drop it)."""
        stream = self.stream
        if flags & (_SKIP | _HEADTAG):
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
            tables.append(_Table(len(stream), len(self.records), len(self.known)))
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
        stream = self.stream
        if table.whole:
            del stream[table.start :]
            if table.grid is not None:
                stream.append(table.grid)
            self._not_a_container(table)
            return
        if table.nested:
            return
        cells = [cell for row in table.rows for cell in row]
        if len(cells) < 2:
            return
        texts = [_cell_text(stream[a:b]) for a, b, _, _ in cells]
        if max(map(len, texts)) >= 200 and any(_is_prose(text) for text in texts):
            return
        loose: list[object] = []  # a caption, or text the markup left between cells
        position = table.start
        for a, b, _, _ in cells:
            loose += stream[position:a]
            position = b
        loose += stream[position:]
        if _joined(loose).replace(_BREAK, "").isspace():
            loose = []
        del stream[table.start :]
        stream += loose
        if any(texts):
            stream.append(_grid([[(c, r) for _, _, c, r in row] for row in table.rows], texts))
        self._not_a_container(table)

    def _not_a_container(self, table: _Table) -> None:
        """The stream slices recorded inside a data table are gone, and data is no container.

        Records inside that are closed already are reachable only through `known`; the table's own is still open.
        """
        own = self.records[table.record_mark]
        own[_R_DESCEND] = False
        own[_R_RANK] = -1
        for record in self.known[table.known_mark :]:
            record[_R_RANK] = -1


def _read_table(table: etree._Element, check_ids: bool) -> tuple[Grid | None, int, list[str]] | None:
    """A data table whose cells hold only inline text, paragraphs and line breaks, read in one go.

    Returns what the walk would have made of it: its Grid (None when every cell is empty) and the amount of
    readable text in it; and its lines for the metadata finders (see `_catalogue_lines`). None for any other
    table (nested tables, links or blocks in cells, text between cells, a prose cell, fewer than two cells,
    a cell that is a container or navigation...), which the walk then reads element by element. `check_ids`:
    some element of the page may carry a known container id. Cells are placed as `_grid` places them.
    """
    flags_of = _TAG_FLAGS.get
    rows: list[GridRow] = []
    covered: dict[int, set[int]] = {}  # row index -> columns taken by cells from rows above
    to_end: set[int] = set()  # columns taken by rowspan="0" cells, down to the last row
    open_ended: list[tuple[GridCell, int]] = []  # those cells, whose rowspan is known at the end
    texts: list[str] = []
    amount = 0
    filled = False
    if not _blank(table.text):
        return None
    for part in table:
        flags = flags_of(part.tag, 0)
        if flags == _ROWTAG:
            group: Iterable[etree._Element] = (part,)
        elif flags == _BLOCK and not _ranked(part) and _blank(part.text):  # thead, tbody, tfoot
            group = part
        else:
            return None
        for row in group:
            if flags_of(row.tag, 0) != _ROWTAG or _ranked(row) or not _blank(row.text) or not _blank(row.tail):
                return None
            r = len(rows)
            busy = covered.pop(r, None) if covered else None
            if to_end:
                busy = busy | to_end if busy else to_end
            col = 0
            cells: list[GridCell] = []
            for cell in row:
                if cell.tag not in _CELL_TAGS:
                    return None
                text = cell.tail
                if text and not text.isspace():
                    return None
                colspan = rowspan = 1
                names = cell.keys()  # one call, and no lookups for the attributes a cell has not got
                if names:
                    if "class" in names or "id" in names:
                        cls = cell.get("class")
                        eid = cell.get("id")
                        if (cls or eid) and _classify(cell.tag, cls, eid) != (-1, False):
                            return None
                    if "colspan" in names:
                        colspan = max(_span(cell.get("colspan")), 1)
                    if "rowspan" in names:
                        rowspan = _span(cell.get("rowspan"))
                text = cell.text
                children = len(cell)
                read = None
                if children == 1:
                    # The Word cell, <td><p><span>..</span><o:p></o:p></p></td>. Source whitespace around the
                    # paragraph makes no line and counts for nothing, so it can be left out.
                    block = cell[0]
                    if flags_of(block.tag) == _PLAIN and not (text and text.strip(_HTML_SPACES)):
                        tail = block.tail
                        if not (tail and tail.strip(_HTML_SPACES)):
                            read = _paragraph_pieces(block, check_ids)
                if read is None and children:
                    pieces = [_BREAK, text] if text else [_BREAK]
                    inner = _inline_pieces(cell, pieces, check_ids)
                    if inner is None:
                        return None
                    pieces.append(_BREAK)
                    read = pieces, inner + (len(text) if text and not text.isspace() else 0)
                if read is not None:
                    pieces, inner = read
                    amount += inner
                    line = "".join(pieces).strip(_CELL_EDGES)
                    if _CELL_WORK.search(line) is not None:
                        line = _cell_text(pieces)
                elif text:
                    if not text.isspace():
                        amount += len(text)
                    line = text.strip(_CELL_EDGES)
                    if _CELL_WORK.search(line) is not None:
                        line = _cell_text((text,))
                else:
                    line = ""
                if line:
                    filled = True
                    if len(line) >= 200 and _is_prose(line):
                        return None
                if busy:
                    while col in busy:
                        col += 1
                grid_cell = GridCell(line, col, colspan, rowspan)
                cells.append(grid_cell)
                texts.append(line)
                if rowspan == 0:
                    open_ended.append((grid_cell, r))
                    to_end.update(range(col, col + colspan))
                elif rowspan > 1:
                    for below in range(r + 1, r + rowspan):
                        covered.setdefault(below, set()).update(range(col, col + colspan))
                col += colspan
            rows.append(GridRow(cells))
        if not _blank(part.tail):
            return None
    if len(texts) < 2:
        return None
    for grid_cell, r in open_ended:
        grid_cell.rowspan = max(len(rows) - r, 1)
    return (Grid(rows) if filled else None), amount, _catalogue_lines(texts)


_CELL_TAGS = frozenset(("td", "th"))


def _blank(text: str | None) -> bool:
    """Text between table parts that the walk would drop: none, or whitespace only (which counts for nothing)."""
    return not text or text.isspace()


def _ranked(el: etree._Element) -> bool:
    cls = el.get("class")
    eid = el.get("id")
    return bool(cls or eid) and _classify(el.tag, cls, eid)[0] >= 0


def _known_id(el: etree._Element) -> bool:
    eid = el.get("id")
    return bool(eid) and eid.strip().lower() in _KNOWN_IDS


def _paragraph_pieces(block: etree._Element, check_ids: bool) -> tuple[list[str], int] | None:
    """The stream of a paragraph of text-only inline elements and line breaks, and its readable amount.

    A flatter `_inline_pieces` for the common case; None for anything else inside.
    """
    text = block.text
    pieces = [text] if text else []
    amount = len(text) if text and not text.isspace() else 0
    for el in block:
        tag = el.tag
        if len(el) or (check_ids and _known_id(el)):
            return None
        if tag in _TAG_FLAGS:
            if _TAG_FLAGS[tag] != _BR:
                return None
            pieces.append(_BREAK)
        text = el.text
        if text:
            pieces.append(text)
            if not text.isspace():
                amount += len(text)
        text = el.tail
        if text:
            pieces.append(text)
            if not text.isspace():
                amount += len(text)
    return pieces, amount


def _inline_pieces(parent: etree._Element, pieces: list[str], check_ids: bool) -> int | None:
    """Add the stream of a cell's children to `pieces`, as the walk would; returns their readable amount.

    None if anything but inline elements, paragraphs and line breaks is inside (the walk has more to do).
    """
    add = pieces.append
    flags_of = _TAG_FLAGS.get
    amount = 0
    for el in parent:
        flags = flags_of(el.tag, 0)
        if flags:
            if flags == _PLAIN:
                add(_BREAK)
            elif flags == _BR:
                add(_BREAK)
                flags = 0
            else:
                return None
        elif check_ids and _known_id(el):
            return None
        text = el.text
        if text:
            add(text)
            if not text.isspace():
                amount += len(text)
        if len(el):
            inner = _inline_pieces(el, pieces, check_ids)
            if inner is None:
                return None
            amount += inner
        if flags:
            add(_BREAK)
        text = el.tail
        if text:
            add(text)
            if not text.isspace():
                amount += len(text)
    return amount


def _is_prose(cell: str) -> bool:
    """A cell holding a box of prose, which makes its table page layout rather than data."""
    return len(cell) >= 500 or (len(cell) >= 200 and cell.count("\n") >= 2)


_names: dict[tuple[str, str | None, str | None], tuple[int, bool]] = {}  # class/id strings repeat a lot


_IDDict = getattr(etree, "_IDDict", None)  # the ids the parser collected: lxml's, not public


def _may_have_known_ids(root: etree._Element) -> bool:
    """Whether some element may carry a known container id, so that inline elements need their id read."""
    if _IDDict is None:
        return True
    try:
        ids = _IDDict(root)
    except ValueError:  # no id at all in the page
        return False
    return any(name.strip().lower() in _KNOWN_IDS for name in ids)


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


_CELL_EDGES = _BREAK + _HTML_SPACES
_CELL_WORK = re.compile("[\x00 \t\n\r\f]")  # absent from a trimmed cell: it is one line and final


def _cell_text(items: Sequence[object]) -> str:
    """A cell as written: inline pieces joined as they are, <br> and block children as "\\n", &nbsp; kept."""
    text = _joined(items).strip(_CELL_EDGES)  # what the per-line trimming below would drop at the edges anyway
    if _CELL_WORK.search(text) is None:
        return text
    lines: list[str] = []
    for part in text.split(_BREAK):
        part = part.strip(_HTML_SPACES)
        if part:
            if "\n" in part:
                part = _CJK_BREAK.sub("", part)
            if " " in part or "\n" in part or "\t" in part or "\r" in part or "\f" in part:
                part = _HTML_SPACE.sub(" ", part)
            lines.append(part)
    return "\n".join(lines)


_MAX_SPAN = 200


_SPANS = {str(n): min(n, _MAX_SPAN) for n in range(1000)}


def _span(value: str) -> int:
    """colspan/rowspan as browsers read them: leading digits, else 1; 0 is kept (rowspan=0 runs to the end)."""
    span = _SPANS.get(value)
    if span is not None:
        return span
    if value.isdigit() and len(value) < 4:
        return min(int(value), _MAX_SPAN)
    match = re.match(r"\s*(\d{1,6})", value)
    return min(int(match.group(1)), _MAX_SPAN) if match else 1


def _grid(rows: list[list[tuple[str | None, str | None]]], texts: list[str]) -> Grid:
    """Place cells on the true column grid: a column still covered by a rowspan from above is skipped."""
    covered: dict[int, set[int]] = {}  # row index -> columns taken by cells from rows above
    out: list[GridRow] = []
    index = 0
    for r, row in enumerate(rows):
        busy = covered.pop(r, None)
        col = 0
        cells: list[GridCell] = []
        for colspan_attr, rowspan_attr in row:
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
    for end in [*_marks(items), len(items)]:
        if end > start:
            heading = depth > 0
            blocks.extend(Paragraph(text, None, heading) for text in _paragraphs("".join(items[start:end])))
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


def _marks(items: Sequence[object]) -> list[int]:
    """Positions of the stream's non-text items (grids, heading markers): few, so found by C-level scans."""
    kinds = list(map(type, items))
    marks: list[int] = []
    for kind in set(kinds):
        if kind is not str:
            position = -1
            for _ in range(kinds.count(kind)):
                position = kinds.index(kind, position + 1)
                marks.append(position)
    marks.sort()
    return marks


def _lines(blocks: Iterable[Block], grid_lines: dict[int, list[str]]) -> list[str]:
    """Paragraphs and cells, one per line, for the metadata finders; they collapse a cell's whitespace.

    `grid_lines` has the lines of the grids read whole, by the id of their Grid.
    """
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            lines = grid_lines.get(id(block))
            out += _catalogue_lines([c.text for row in block.rows for c in row.cells]) if lines is None else lines
    return out


def _catalogue_lines(cells: list[str]) -> list[str]:
    """The cells of a grid that the metadata finders need, in order.

    They read lines with a colon, and the line after a label with nothing after its colon: of a grid without
    any colon only its first cell can matter, as the value of a label just above the grid.
    """
    joined = "".join(cells)
    return cells if "：" in joined or ":" in joined else cells[:1]


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
        if "：" not in line and ":" not in line:
            continue
        line = " ".join(line.split())
        if len(line) > _CATALOGUE_LINE:
            continue
        matches = list(_CATALOGUE.finditer(line))
        for number, match in enumerate(matches):
            end = matches[number + 1].start() if number + 1 < len(matches) else len(line)
            value = line[match.end() : end]
            value = value[: cut.start()] if (cut := _NEXT_LABEL.search(value)) else value
            value = value.strip()
            if not value and number + 1 == len(matches) and index + 1 < len(lines):
                following = " ".join(lines[index + 1].split())
                if len(following) <= _CATALOGUE_LINE and not _CATALOGUE.search(following):
                    value = following.strip()
            key = re.sub(r"\s+", "", match.group(1))
            if value and not meta.get(key):
                meta[key] = value


def _visible_date(lines: Iterable[str]) -> str | None:
    for line in lines:
        if "：" in line or ":" in line:  # the label's colon; only then is the whitespace worth collapsing
            match = _VISIBLE_DATE.search(" ".join(line.split()))
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
    grid_lines = walk.grid_lines
    before, after = _lines(_blocks(stream[:start]), grid_lines), _lines(_blocks(stream[end:]), grid_lines)
    meta = dict(walk.meta)
    _catalogue([*before, *_lines(blocks, grid_lines), *after], meta)
    date = _visible_date([*before, *after])
    if date:
        meta["visible_date"] = date
    meta["_container"] = how
    title = meta.get("ArticleTitle", "").strip() or walk.title or walk.first_heading
    if not blocks:
        problems.append(Problem("NO_TEXT", "no paragraph or table was found in the page body", how))
    return ExtractedDocument(format="html", blocks=blocks, title=title or None, meta=meta, problems=problems)
