"""extract_docx: paragraphs, exact table grids and text boxes out of DOCX bytes; hostile files refused quickly."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import parse_xml
from docx.table import Table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.parsing import extract_docx as module
from crawler.parsing.blocks import ExtractedDocument, ExtractionError, Grid, GridCell, Paragraph
from crawler.parsing.extract_docx import extract_docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
MIB = 2**20


# --- building documents ---------------------------------------------------------------------------


def _save(doc: DocumentObject) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _package(parts: dict[str, str | bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        for name, content in parts.items():
            zf.writestr(name, content)
    return out.getvalue()


def _docx(body: str, compression: int = zipfile.ZIP_DEFLATED, **parts: str) -> bytes:
    """A minimal DOCX whose body is the given XML; extra parts by keyword (styles=..., core=...)."""
    files: dict[str, str | bytes] = {"word/document.xml": _document_xml(body)}
    if "styles" in parts:
        files["word/styles.xml"] = f'<w:styles xmlns:w="{W_NS}">{parts["styles"]}</w:styles>'
    if "core" in parts:
        files["docProps/core.xml"] = parts["core"]
    return _package(files, compression)


def _p(text: str, props: str = "") -> str:
    return f"<w:p>{props}<w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"


def _tc(text: str) -> str:
    return f"<w:tc>{_p(text) if text else '<w:p/>'}</w:tc>"


def _table(*rows: list[str]) -> str:
    """A plain table, one paragraph per cell ("" for an empty cell)."""
    return "<w:tbl>" + "".join("<w:tr>" + "".join(map(_tc, row)) + "</w:tr>" for row in rows) + "</w:tbl>"


def _texts(doc: ExtractedDocument) -> list[str | tuple[str, ...]]:
    """Paragraph texts, and each grid as the tuple of its cell texts."""
    return [b.text if isinstance(b, Paragraph) else tuple(c.text for r in b.rows for c in r.cells) for b in doc.blocks]


def _shape(cells: list[GridCell]) -> list[tuple[str, int, int, int]]:
    return [(c.text, c.col, c.colspan, c.rowspan) for c in cells]


def _raw_zip(members: list[tuple[str, bytes, int, int, int]], flags: int = 0) -> bytes:
    """A zip written by hand, so a test can declare any sizes: (name, stored bytes, method, crc, declared size)."""
    out = io.BytesIO()
    central = io.BytesIO()
    for name, payload, method, crc, size in members:
        offset = out.tell()
        raw_name = name.encode()
        fields = (20, flags, method, 0, 0x21, crc, len(payload), size, len(raw_name))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + raw_name + payload)
        central.write(struct.pack("<IH", 0x02014B50, 20))
        central.write(struct.pack("<HHHHHIIIHHHHHII", *fields, 0, 0, 0, 0, 0, offset) + raw_name)
    directory = central.getvalue()
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0))
    return out.getvalue()


def _zeros_deflated(mib: int) -> tuple[bytes, int]:
    """A raw deflate stream of `mib` MiB of zeros, and its CRC, without compressing all of it.

    A fresh compressor's output for one MiB, fully flushed, refers to nothing before it, so copies of
    it chain into a valid stream, closed by an empty final block.
    """
    chunk = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    return piece * mib + b"\x03\x00", crc


def _document_xml(body: str) -> bytes:
    return f"<w:document {NAMESPACES}><w:body>{body}</w:body></w:document>".encode()


def _ole(entries: list[tuple[str, int]]) -> bytes:
    """An OLE compound file header and one directory sector naming the given (name, object type) entries."""
    header = bytearray(512)
    header[:8] = bytes.fromhex("d0cf11e0a1b11ae1")
    header[30:32] = (9).to_bytes(2, "little")  # 512-byte sectors
    sector = bytearray()
    for name, kind in entries:
        raw = name.encode("utf-16-le")
        entry = bytearray(128)
        entry[: len(raw)] = raw
        entry[64:66] = (len(raw) + 2).to_bytes(2, "little")
        entry[66] = kind
        sector += entry
    return bytes(header + sector.ljust(512, b"\0"))


def _error(data: bytes) -> ExtractionError:
    with pytest.raises(ExtractionError) as caught:
        extract_docx(data)
    return caught.value


# --- table 三, as Word reports lay it out -------------------------------------------------------------

RESULT_GROUPS = (  # label in column 1, its sub-items in column 2 (none: the label spans both)
    ("（一）予以公开", ()),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ()),
    ("（三）不予公开", tuple(f"{i}．不予公开理由{i}" for i in range(1, 9))),
    ("（四）无法提供", ("1．本机关不掌握相关政府信息", "2．没有现成信息需要另行制作", "3．补正后申请内容仍不明确")),
    ("（五）不予处理", tuple(f"{i}．不予处理理由{i}" for i in range(1, 6))),
    ("（六）其他处理", ()),
    ("（七）总计", ()),
)


def _value(row: int, col: int) -> str:
    return "" if row == 4 else str(row * 10 + col)  # row 4 (上年结转) is left blank


def _t3_table(table: Table) -> None:
    cell = table.cell
    cell(0, 0).merge(cell(1, 2)).text = NOTE
    cell(0, 3).merge(cell(0, 9)).text = "申请人情况"
    cell(1, 3).merge(cell(2, 3)).text = "自然人"
    cell(1, 4).merge(cell(1, 8)).text = "法人或其他组织"
    cell(1, 9).merge(cell(2, 9)).text = "总计"
    cell(2, 0).merge(cell(2, 2))
    cell(2, 4).text = "商业"
    cell(2, 4).add_paragraph("企业")
    for col, name in zip(range(5, 9), ("科研机构", "社会公益组织", "法律服务机构", "其他"), strict=True):
        cell(2, col).text = name
    cell(3, 0).merge(cell(3, 2)).text = "一、本年新收政府信息公开申请数量"
    cell(4, 0).merge(cell(4, 2)).text = "二、上年结转政府信息公开申请数量"
    cell(5, 0).merge(cell(24, 0)).text = "三、本年度办理结果"
    row = 5
    for label, items in RESULT_GROUPS:
        if items:
            cell(row, 1).merge(cell(row + len(items) - 1, 1)).text = label
            for offset, item in enumerate(items):
                cell(row + offset, 2).text = item
        else:
            cell(row, 1).merge(cell(row, 2)).text = label
        row += max(len(items), 1)
    cell(25, 0).merge(cell(25, 2)).text = "四、结转下年度继续办理"
    for r in range(3, 26):
        for c in range(3, 10):
            cell(r, c).text = _value(r, c)


def _t3_document() -> bytes:
    doc = Document()
    doc.add_paragraph("三、收到和处理政府信息公开申请情况")
    _t3_table(doc.add_table(rows=26, cols=10))
    doc.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    return _save(doc)


@pytest.fixture(scope="module")
def t3() -> Grid:
    doc = extract_docx(_t3_document())
    assert [type(b) for b in doc.blocks] == [Paragraph, Grid, Paragraph]
    return doc.grids[0]


def _values(row: int, first: int = 3) -> list[tuple[str, int, int, int]]:
    return [(_value(row, c), c, 1, 1) for c in range(first, 10)]


def test_t3_header_spans(t3: Grid) -> None:
    assert len(t3.rows) == 26
    assert t3.width() == 10
    assert _shape(t3.rows[0].cells) == [(NOTE, 0, 3, 2), ("申请人情况", 3, 7, 1)]
    assert _shape(t3.rows[1].cells) == [("自然人", 3, 1, 2), ("法人或其他组织", 4, 5, 1), ("总计", 9, 1, 2)]
    assert _shape(t3.rows[2].cells) == [
        ("", 0, 3, 1),
        ("商业\n企业", 4, 1, 1),
        ("科研机构", 5, 1, 1),
        ("社会公益组织", 6, 1, 1),
        ("法律服务机构", 7, 1, 1),
        ("其他", 8, 1, 1),
    ]


def test_t3_blank_cells_are_kept(t3: Grid) -> None:
    assert _shape(t3.rows[4].cells) == [("二、上年结转政府信息公开申请数量", 0, 3, 1), *_values(4)]
    assert [c.text for c in t3.rows[4].cells[1:]] == [""] * 7


def test_t3_vertical_label_once_with_rows_under_it(t3: Grid) -> None:
    labels = [c for r in t3.rows for c in r.cells if c.text == "三、本年度办理结果"]
    assert _shape(labels) == [("三、本年度办理结果", 0, 1, 20)]
    assert _shape(t3.rows[5].cells) == [("三、本年度办理结果", 0, 1, 20), ("（一）予以公开", 1, 2, 1), *_values(5)]
    assert _shape(t3.rows[6].cells) == [
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2, 1),
        *_values(6),
    ]
    assert _shape(t3.rows[7].cells) == [("（三）不予公开", 1, 1, 8), ("1．不予公开理由1", 2, 1, 1), *_values(7)]
    assert _shape(t3.rows[8].cells) == [("2．不予公开理由2", 2, 1, 1), *_values(8)]
    assert _shape(t3.rows[15].cells) == [
        ("（四）无法提供", 1, 1, 3),
        ("1．本机关不掌握相关政府信息", 2, 1, 1),
        *_values(15),
    ]
    assert _shape(t3.rows[22].cells) == [("5．不予处理理由5", 2, 1, 1), *_values(22)]
    assert _shape(t3.rows[24].cells) == [("（七）总计", 1, 2, 1), *_values(24)]
    assert _shape(t3.rows[25].cells) == [("四、结转下年度继续办理", 0, 3, 1), *_values(25)]
    assert all(t3.matrix()[r][0] is labels[0] for r in range(5, 25))


def test_t3_matrix_has_no_holes(t3: Grid) -> None:
    assert all(cell is not None for row in t3.matrix() for cell in row)


# --- paragraphs and tables in order -------------------------------------------------------------------


def test_tables_in_order_among_paragraphs() -> None:
    doc = Document()
    doc.add_paragraph("一、总体情况")
    first = doc.add_table(rows=2, cols=2)
    for (r, c), text in zip(((0, 0), (0, 1), (1, 0), (1, 1)), "甲乙丙丁", strict=True):
        first.cell(r, c).text = text
    doc.add_paragraph("二、主动公开政府信息情况")
    doc.add_paragraph("   ")  # whitespace only: dropped
    doc.add_paragraph("")
    second = doc.add_table(rows=1, cols=3)
    second.cell(0, 0).text = "规章"
    second.cell(0, 2).text = "5"
    doc.add_paragraph("三、结尾")
    result = extract_docx(_save(doc))
    assert _texts(result) == [
        "一、总体情况",
        ("甲", "乙", "丙", "丁"),
        "二、主动公开政府信息情况",
        ("规章", "", "5"),
        "三、结尾",
    ]
    assert [g.index for g in result.grids] == [0, 1]
    assert result.format == "docx"
    assert result.problems == []


def test_one_big_table() -> None:
    doc = Document()
    table = doc.add_table(rows=400, cols=8)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"{r}-{c}"
    grid = extract_docx(_save(doc)).grids[0]
    assert len(grid.rows) == 400
    assert _shape(grid.rows[399].cells) == [(f"399-{c}", c, 1, 1) for c in range(8)]
    assert sum(len(r.cells) for r in grid.rows) == 3200


def test_paragraph_inline_elements() -> None:
    body = (
        "<w:p><w:pPr><w:tabs><w:tab w:val='left' w:pos='720'/></w:tabs></w:pPr>"
        "<w:r><w:rPr><w:b/></w:rPr><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t><w:cr/>"
        "<w:t>1</w:t><w:noBreakHyphen/><w:t>2</w:t></w:r></w:p>"
        "<w:p><w:hyperlink r:id='rId9'><w:r><w:t>链接</w:t></w:r></w:hyperlink>"
        "<w:fldSimple w:instr=' PAGE '><w:r><w:t>7</w:t></w:r></w:fldSimple>"
        "<w:r><w:fldChar w:fldCharType='begin'/></w:r><w:r><w:instrText> DATE </w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType='separate'/></w:r><w:r><w:t>2021年1月</w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType='end'/></w:r>"
        "<w:smartTag w:uri='u' w:element='date'><w:r><w:t>日</w:t></w:r></w:smartTag>"
        "<w:customXml w:element='x'><w:r><w:t>号</w:t></w:r></w:customXml></w:p>"
    )
    assert _texts(extract_docx(_docx(body))) == ["甲\t乙\n丙\n1-2", "链接72021年1月日号"]


def test_content_controls_are_read_without_their_properties() -> None:
    body = (
        "<w:sdt><w:sdtPr><w:alias w:val='标题'/><w:placeholder><w:docPart w:val='x'/></w:placeholder></w:sdtPr>"
        "<w:sdtContent>" + _p("控件中的段落") + "</w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t>前</w:t></w:r><w:sdt><w:sdtPr><w:text/></w:sdtPr><w:sdtContent><w:r><w:t>内</w:t></w:r>"
        "</w:sdtContent></w:sdt></w:p>"
        + _table(["格", "子"])
        .replace("<w:tr><w:tc>", "<w:tr><w:sdt><w:sdtContent><w:tc>")
        .replace("</w:tc><w:tc>", "</w:tc></w:sdtContent></w:sdt><w:tc>")
    )
    result = extract_docx(_docx(body))
    assert _texts(result) == ["控件中的段落", "前内", ("格", "子")]
    assert _shape(result.grids[0].rows[0].cells) == [("格", 0, 1, 1), ("子", 1, 1, 1)]


def test_tracked_changes_keep_insertions_and_drop_deletions() -> None:
    doc = Document()
    paragraph = doc.add_paragraph("保留")
    paragraph._p.append(parse_xml(f"<w:ins {NAMESPACES} w:id='1' w:author='a'><w:r><w:t>新增</w:t></w:r></w:ins>"))
    paragraph._p.append(
        parse_xml(f"<w:del {NAMESPACES} w:id='2' w:author='a'><w:r><w:delText>删除</w:delText></w:r></w:del>")
    )
    paragraph._p.append(
        parse_xml(f"<w:moveFrom {NAMESPACES} w:id='3' w:author='a'><w:r><w:t>移走</w:t></w:r></w:moveFrom>")
    )
    table = doc.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "留下的行"
    table.cell(1, 0).text = "删掉的行"
    table.rows[1]._tr.insert(0, parse_xml(f"<w:trPr {NAMESPACES}><w:del w:id='4' w:author='a'/></w:trPr>"))
    result = extract_docx(_save(doc))
    assert _texts(result) == ["保留新增", ("留下的行",)]


def test_grid_before_shifts_columns() -> None:
    row = "<w:tr><w:trPr><w:gridBefore w:val='{n}'/></w:trPr>{cells}</w:tr>"
    first = "<w:tr>" + _tc("A") + _tc("B") + _tc("C") + "</w:tr>"
    body = f"<w:tbl>{first}{row.format(n=1, cells=_tc('b') + _tc('c'))}{row.format(n=2, cells=_tc('z'))}</w:tbl>"
    grid = extract_docx(_docx(body)).grids[0]
    assert [_shape(r.cells) for r in grid.rows] == [
        [("A", 0, 1, 1), ("B", 1, 1, 1), ("C", 2, 1, 1)],
        [("b", 1, 1, 1), ("c", 2, 1, 1)],
        [("z", 2, 1, 1)],
    ]


def test_merges_written_by_other_tools() -> None:
    # vMerge without a restart above starts the merge; hMerge (older Word) widens the cell before it.
    def cell(text: str, props: str = "") -> str:
        return f"<w:tc><w:tcPr>{props}</w:tcPr>{_p(text) if text else '<w:p/>'}</w:tc>"

    restart, cont, bare = "<w:hMerge w:val='restart'/>", "<w:vMerge w:val='continue'/>", "<w:vMerge/>"
    body = (
        "<w:tbl>"
        f"<w:tr>{cell('左', bare)}{cell('宽', restart)}{cell('', '<w:hMerge/>')}</w:tr>"
        f"<w:tr>{cell('', cont)}{cell('x')}{cell('y')}</w:tr>"
        f"<w:tr>{cell('下')}{cell('', bare)}{cell('z')}</w:tr>"
        "</w:tbl>"
    )
    grid = extract_docx(_docx(body)).grids[0]
    assert [_shape(r.cells) for r in grid.rows] == [
        [("左", 0, 1, 2), ("宽", 1, 2, 1)],
        [("x", 1, 1, 1), ("y", 2, 1, 1)],
        [("下", 0, 1, 1), ("", 1, 1, 1), ("z", 2, 1, 1)],
    ]


def test_text_hidden_under_a_vertical_merge_is_reported() -> None:
    body = (
        "<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val='restart'/></w:tcPr>" + _p("合并") + "</w:tc></w:tr>"
        "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr>" + _p("藏起来") + "</w:tc></w:tr></w:tbl>"
    )
    result = extract_docx(_docx(body))
    assert [_shape(r.cells) for r in result.grids[0].rows] == [[("合并", 0, 1, 2)], []]
    assert [p.as_dict() for p in result.problems] == [
        {
            "code": "DOCX_MERGED_TEXT_HIDDEN",
            "message": "text under a merged cell: '藏起来'",
            "where": "table 1, row 2, column 1",
        }
    ]


def test_absurd_spans_are_capped() -> None:
    wide = "<w:tc><w:tcPr><w:gridSpan w:val='100000'/></w:tcPr>" + _p("宽") + "</w:tc>"
    skip = "<w:trPr><w:gridBefore w:val='999'/></w:trPr>"
    body = f"<w:tbl><w:tr>{_tc('a')}{wide}{_tc('b')}</w:tr><w:tr>{skip}{_tc('c')}</w:tr></w:tbl>"
    result = extract_docx(_docx(body))
    assert [_shape(r.cells) for r in result.grids[0].rows] == [[("a", 0, 1, 1), ("宽", 1, 127, 1)], []]
    assert result.grids[0].width() == 128
    assert [p.as_dict() for p in result.problems] == [
        {
            "code": "DOCX_TABLE_TOO_WIDE",
            "message": "cells beyond column 128 were dropped",
            "where": "table 1, row 1, column 129",
        },
        {
            "code": "DOCX_TABLE_TOO_WIDE",
            "message": "cells beyond column 128 were dropped",
            "where": "table 1, row 2, column 129",
        },
    ]


def test_nested_table_text_becomes_lines_of_its_cell() -> None:
    inner = _table(["内1", "", "内2"])
    body = f"<w:tbl><w:tr><w:tc>{_p('外')}{inner}<w:p/></w:tc><w:tc>{_p('旁')}</w:tc></w:tr></w:tbl>"
    grid = extract_docx(_docx(body)).grids[0]
    assert _shape(grid.rows[0].cells) == [("外\n内1\n内2", 0, 1, 1), ("旁", 1, 1, 1)]


def test_one_cell_frame_around_a_table_is_unwrapped() -> None:
    body = f"<w:tbl><w:tr><w:tc>{_p('表一')}{_table(['项目', '数量'])}<w:p/></w:tc></w:tr></w:tbl>"
    result = extract_docx(_docx(body))
    assert _texts(result) == ["表一", ("项目", "数量")]


# --- text boxes --------------------------------------------------------------------------------------


def _textbox_run(content: str) -> str:
    """A Word 2010+ text box: DrawingML in mc:Choice, the same text again as VML in mc:Fallback."""
    return (
        "<w:r><mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><wp:anchor><a:graphic>"
        "<a:graphicData uri='http://schemas.microsoft.com/office/word/2010/wordprocessingShape'>"
        f"<wps:wsp><wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:rect><v:textbox><w:txbxContent>{content}</w:txbxContent></v:textbox></v:rect>"
        "</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def test_text_box_appears_once_after_its_anchor() -> None:
    doc = Document()
    doc.add_paragraph("正文之前")
    anchor = doc.add_paragraph("锚定段落")
    run = _textbox_run(_p("框中第一段") + _p("框中第二段"))
    anchor._p.append(parse_xml(run.replace("<w:r>", f"<w:r {NAMESPACES}>", 1)))
    doc.add_paragraph("正文之后")
    assert _texts(extract_docx(_save(doc))) == ["正文之前", "锚定段落", "框中第一段", "框中第二段", "正文之后"]


def test_title_and_table_in_text_boxes() -> None:
    table = _table(["信息内容", "本年新制作数量"])
    title = _textbox_run(_p("某县2020年政府信息公开工作年度报告"))
    body = f"<w:p>{title}</w:p>{_p('一、总体情况')}<w:p>{_textbox_run(table + '<w:p/>')}</w:p>"
    result = extract_docx(_docx(body))
    assert _texts(result) == ["某县2020年政府信息公开工作年度报告", "一、总体情况", ("信息内容", "本年新制作数量")]


def test_vml_only_text_box_and_text_box_in_a_cell() -> None:
    vml = "<w:r><w:pict><v:shape><v:textbox><w:txbxContent>{}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    body = (
        "<w:p><w:r><w:t>旧式</w:t></w:r>"
        + vml.format(_p("VML文本框"))
        + "</w:p>"
        + _table(["格"], ["下"]).replace(
            "</w:t></w:r></w:p>", "</w:t></w:r>" + _textbox_run(_p("格中框")) + "</w:p>", 1
        )
    )
    assert _texts(extract_docx(_docx(body))) == ["旧式", "VML文本框", ("格\n格中框", "下")]


# --- headings, title and properties -------------------------------------------------------------------


def test_heading_from_python_docx_style() -> None:
    doc = Document()
    doc.add_heading("一、总体情况", level=1)
    doc.add_paragraph("正文")
    doc.add_heading("报告标题", level=0)  # the Title style
    result = extract_docx(_save(doc))
    assert [(b.text, b.heading) for b in result.blocks if isinstance(b, Paragraph)] == [
        ("一、总体情况", True),
        ("正文", False),
        ("报告标题", True),
    ]


def test_heading_resolved_through_styles_xml() -> None:
    styles = (
        "<w:style w:type='paragraph' w:default='1' w:styleId='a'><w:name w:val='Normal'/></w:style>"
        "<w:style w:type='paragraph' w:styleId='1'><w:name w:val='heading 1'/><w:basedOn w:val='a'/></w:style>"
        "<w:style w:type='paragraph' w:styleId='2'><w:name w:val='标题 2'/></w:style>"
        "<w:style w:type='paragraph' w:styleId='Mine'><w:name w:val='我的样式'/>"
        "<w:pPr><w:outlineLvl w:val='1'/></w:pPr></w:style>"
        "<w:style w:type='paragraph' w:styleId='Child'><w:name w:val='子样式'/><w:basedOn w:val='Mine'/></w:style>"
        "<w:style w:type='paragraph' w:styleId='Body'><w:name w:val='正文缩进'/><w:basedOn w:val='1'/>"
        "<w:pPr><w:outlineLvl w:val='9'/></w:pPr></w:style>"
        "<w:style w:type='paragraph' w:styleId='Loop'><w:name w:val='环'/><w:basedOn w:val='Loop'/></w:style>"
        "<w:style w:type='character' w:styleId='3'><w:name w:val='heading 3 Char'/></w:style>"
    )

    def styled(text: str, style: str) -> str:
        return _p(text, f"<w:pPr><w:pStyle w:val='{style}'/></w:pPr>")

    body = (
        styled("h1", "1")
        + styled("h2", "2")
        + styled("mine", "Mine")
        + styled("child", "Child")
        + styled("body", "Body")
        + styled("loop", "Loop")
        + styled("missing", "Nope")
        + _p("plain")
        + _p("direct", "<w:pPr><w:outlineLvl w:val='0'/></w:pPr>")
    )
    result = extract_docx(_docx(body, styles=styles))
    assert [(b.text, b.heading) for b in result.blocks if isinstance(b, Paragraph)] == [
        ("h1", True),
        ("h2", True),
        ("mine", True),
        ("child", True),
        ("body", False),
        ("loop", False),
        ("missing", False),
        ("plain", False),
        ("direct", True),
    ]


def test_title_and_meta_from_core_properties() -> None:
    from datetime import UTC, datetime

    doc = Document()
    doc.add_paragraph("正文")
    props = doc.core_properties
    props.title = "  某镇2020年政府信息公开工作年度报告 "
    props.author = "县政府办"
    props.last_modified_by = "张三"
    props.created = datetime(2021, 1, 20, 8, 15, tzinfo=UTC)
    props.modified = datetime(2021, 1, 25, 9, 30, tzinfo=UTC)
    result = extract_docx(_save(doc))
    assert result.title == "某镇2020年政府信息公开工作年度报告"
    assert result.meta == {
        "docx:creator": "县政府办",
        "docx:lastModifiedBy": "张三",
        "docx:created": "2021-01-20T08:15:00+00:00",
        "docx:modified": "2021-01-25T09:30:00+00:00",
    }


def test_empty_title_missing_core_and_broken_core() -> None:
    core = (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
        "<dc:title> </dc:title><dcterms:created>not a date</dcterms:created></cp:coreProperties>"
    )
    empty_title = extract_docx(_docx(_p("x"), core=core))
    assert (empty_title.title, empty_title.meta, empty_title.problems) == (None, {}, [])
    no_core = extract_docx(_docx(_p("x")))
    assert (no_core.title, no_core.meta) == (None, {})
    broken = extract_docx(_docx(_p("x"), core="<cp:coreProperties"))
    assert [(p.code, p.where) for p in broken.problems] == [("DOCX_METADATA_UNREADABLE", "docProps/core.xml")]
    assert _texts(broken) == ["x"]


def test_strict_ooxml_namespace() -> None:
    strict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    xml = f'<w:document xmlns:w="{strict}"><w:body><w:p><w:r><w:t>严格格式</w:t></w:r></w:p></w:body></w:document>'
    assert _texts(extract_docx(_package({"word/document.xml": xml}))) == ["严格格式"]


def test_alt_chunk_is_reported() -> None:
    result = extract_docx(_docx(_p("前") + "<w:altChunk r:id='rId5'/>"))
    assert _texts(result) == ["前"]
    assert [p.code for p in result.problems] == ["DOCX_ALTCHUNK"]


# --- refusals ----------------------------------------------------------------------------------------


def test_not_a_zip() -> None:
    assert _error(b"hello, not a zip").code == "CORRUPT_DOCUMENT"
    pdf = _error(b"%PDF-1.7\n1 0 obj")
    assert (pdf.code, "look like a PDF" in pdf.message) == ("CORRUPT_DOCUMENT", True)
    assert _error(b"").code == "EMPTY_DOCUMENT"


def test_truncated_zip() -> None:
    data = _t3_document()
    for cut in (len(data) // 2, len(data) - 30, 100):
        assert _error(data[:cut]).code == "CORRUPT_DOCUMENT"


def test_zip_without_document_xml() -> None:
    error = _error(_package({"word/styles.xml": "<x/>"}))
    assert (error.code, error.message) == (
        "CORRUPT_DOCUMENT",
        "the archive has no word/document.xml: not a Word document",
    )
    workbook = _error(_package({"xl/workbook.xml": "<workbook/>"}))
    assert (workbook.code, workbook.message) == ("UNSUPPORTED_FORMAT", "an Excel workbook (.xlsx), not a Word document")


def test_malformed_xml() -> None:
    error = _error(_package({"word/document.xml": f"<w:document {NAMESPACES}><w:body><w:p>"}))
    assert error.code == "CORRUPT_DOCUMENT"
    assert error.message.startswith("word/document.xml is not well-formed XML")
    no_body = _error(_package({"word/document.xml": f"<w:document {NAMESPACES}/>"}))
    assert (no_body.code, no_body.message) == ("CORRUPT_DOCUMENT", "word/document.xml holds no w:document/w:body")


def test_broken_styles_are_a_problem_not_a_failure() -> None:
    styled = _p("标题", "<w:pPr><w:pStyle w:val='1'/></w:pPr>")
    data = _package({"word/document.xml": _document_xml(styled + _p("正文")), "word/styles.xml": "<w:styles"})
    result = extract_docx(data)
    assert [(b.text, b.heading) for b in result.blocks if isinstance(b, Paragraph)] == [
        ("标题", False),
        ("正文", False),
    ]
    assert [(p.code, p.where) for p in result.problems] == [("DOCX_STYLES_UNREADABLE", "word/styles.xml")]
    # styles are read only for documents whose paragraphs name a style
    unstyled = _package({"word/document.xml": _document_xml(_p("正文")), "word/styles.xml": "<w:styles"})
    assert extract_docx(unstyled).problems == []


def test_document_without_text() -> None:
    images_only = _package({"word/document.xml": _document_xml("<w:p/><w:p/>"), "word/media/image1.png": b"\x89PNG"})
    error = _error(images_only)
    assert (error.code, error.message) == ("NO_TEXT_LAYER", "no text, 1 images: a scanned report")
    blank = _error(_docx("<w:p/><w:p><w:r><w:t>  </w:t></w:r></w:p>"))
    assert (blank.code, blank.message) == ("EMPTY_DOCUMENT", "the document holds no text")


def test_encrypted_docx() -> None:
    ole = _ole([("Root Entry", 5), ("EncryptionInfo", 2), ("EncryptedPackage", 2), ("\x06DataSpaces", 1)])
    error = _error(ole)
    assert (error.code, error.message) == (
        "ENCRYPTED_DOCUMENT",
        "the DOCX is password-protected (OLE EncryptedPackage)",
    )


def test_legacy_doc() -> None:
    doc = _ole([("Root Entry", 5), ("WordDocument", 2), ("1Table", 2)])
    # the stream name as body text, not at a directory entry, does not make it an encrypted file
    doc += b"\0\0" + "EncryptedPackage".encode("utf-16-le")
    error = _error(doc)
    assert (error.code, error.message) == (
        "UNSUPPORTED_FORMAT",
        "legacy Word .doc/.wps (OLE compound file), not a DOCX",
    )


def test_zip_level_encryption() -> None:
    xml = _document_xml(_p("x"))
    data = _raw_zip([("word/document.xml", xml, zipfile.ZIP_STORED, zlib.crc32(xml), len(xml))], flags=0x1)
    error = _error(data)
    assert (error.code, error.message) == ("ENCRYPTED_DOCUMENT", "word/document.xml is encrypted inside the zip")


def test_raw_zip_helper_writes_readable_docx() -> None:
    xml = _document_xml(_p("手写的压缩包"))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = compressor.compress(xml) + compressor.flush()
    data = _raw_zip([("word/document.xml", deflated, zipfile.ZIP_DEFLATED, zlib.crc32(xml), len(xml))])
    assert _texts(extract_docx(data)) == ["手写的压缩包"]
    stream, crc = _zeros_deflated(3)
    assert (zlib.decompress(stream, -15), crc) == (bytes(3 * MIB), zlib.crc32(bytes(3 * MIB)))


def test_zip_bomb_declared_honestly_is_refused_before_inflating() -> None:
    stream, crc = _zeros_deflated(1024)  # 1 GiB of zeros in about 1 MB
    data = _raw_zip([("word/document.xml", stream, zipfile.ZIP_DEFLATED, crc, 1024 * MIB)])
    assert len(data) < 2 * MIB
    error = _error(data)
    assert error.code == "CORRUPT_DOCUMENT"
    # Refused on the declared size, from the zip directory, before any byte is inflated.
    assert error.message == f"the archive expands beyond {200 * MIB} bytes, {1024 * MIB} declared (zip bomb?)"


def test_zip_bomb_by_ratio() -> None:
    stream, crc = _zeros_deflated(50)  # under the total limit, but 1000x its compressed size
    data = _raw_zip([("word/media/image1.png", stream, zipfile.ZIP_DEFLATED, crc, 50 * MIB)])
    error = _error(data)
    assert error.code == "CORRUPT_DOCUMENT"
    ratio = round(50 * MIB / len(stream))
    assert (
        error.message == f"word/media/image1.png expands beyond 200x its compressed size, {ratio}x declared (zip bomb?)"
    )


def test_zip_whose_directory_lies_about_the_size() -> None:
    stream, _ = _zeros_deflated(1024)
    declared = 4096
    data = _raw_zip([("word/document.xml", stream, zipfile.ZIP_DEFLATED, zlib.crc32(b"<"), declared)])
    error = _error(data)
    assert error.code == "CORRUPT_DOCUMENT"
    # Only the declared 4 KiB were inflated: a CRC error, not "expands beyond" after the whole GiB.
    assert error.message.startswith("word/document.xml cannot be inflated: Bad CRC-32")


def test_inflation_is_capped_while_streaming(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _docx("".join(_p(f"段落{i}") for i in range(5000)))
    monkeypatch.setattr(module, "MAX_PART_BYTES", 100_000)
    error = _error(data)
    assert (error.code, error.message) == (
        "CORRUPT_DOCUMENT",
        "word/document.xml expands beyond 100000 bytes (zip bomb?)",
    )


def test_unsupported_compression() -> None:
    data = _docx(_p("x"), compression=zipfile.ZIP_BZIP2)
    error = _error(data)
    assert (error.code, error.message) == ("CORRUPT_DOCUMENT", "word/document.xml uses unsupported compression 12")


def test_entity_bomb_is_refused_quickly() -> None:
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "lol">{laughs}]>'
        f"<w:document {NAMESPACES}><w:body>{_p('&l9;')}{_p('正文')}</w:body></w:document>"
    )
    try:
        texts = _texts(extract_docx(_package({"word/document.xml": xml})))
    except ExtractionError as exc:  # libxml2 refuses the amplification outright
        texts = [exc.code]
    assert texts in (["CORRUPT_DOCUMENT"], ["正文"])  # never a billion "lol"s


def test_external_entities_are_not_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        f"<w:document {NAMESPACES}><w:body>{_p('&x;')}{_p('正文')}</w:body></w:document>"
    )
    assert _texts(extract_docx(_package({"word/document.xml": xml}))) == ["正文"]


# --- a typical report ----------------------------------------------------------------------------------


def test_typical_report_has_its_paragraphs_and_tables() -> None:
    """Speed is measured by bench/parse.py, not here."""
    doc = Document()
    doc.add_heading("某县人民政府2020年政府信息公开工作年度报告", level=0)
    for i in range(60):
        doc.add_paragraph(f"（{i}）" + "本年度，我县认真贯彻落实《中华人民共和国政府信息公开条例》，" * 4)
    for _ in range(3):
        small = doc.add_table(rows=6, cols=4)
        for r, row in enumerate(small.rows):
            for c, cell in enumerate(row.cells):
                cell.text = str(r * c)
    _t3_table(doc.add_table(rows=26, cols=10))
    result = extract_docx(_save(doc))
    assert len(result.grids) == 4
    assert len(result.blocks) == 65


# --- never anything but ExtractionError --------------------------------------------------------------

SMALL_DOCX = _docx(_p("标题") + _table(["格", ""]), zipfile.ZIP_STORED)
SMALL_DEFLATED = _docx(_p("标题") + _table(["格", ""]))


def _only_extraction_errors(data: bytes) -> None:
    try:
        extract_docx(data)
    except ExtractionError as exc:
        assert exc.code in {
            "CORRUPT_DOCUMENT",
            "EMPTY_DOCUMENT",
            "ENCRYPTED_DOCUMENT",
            "UNSUPPORTED_FORMAT",
            "NO_TEXT_LAYER",
        }
        assert not exc.message.startswith("unreadable DOCX ("), exc.message  # no unforeseen exception


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4000))
def test_arbitrary_bytes(data: bytes) -> None:
    _only_extraction_errors(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([SMALL_DOCX, SMALL_DEFLATED]),
    st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), max_size=8),
    st.one_of(st.none(), st.integers(min_value=0)),
)
def test_mutated_docx(base: bytes, flips: list[tuple[int, int]], cut: int | None) -> None:
    data = bytearray(base)
    for position, value in flips:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % len(data)]
    _only_extraction_errors(bytes(data))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0), st.binary(min_size=1, max_size=3)), min_size=1, max_size=6))
def test_mutated_document_xml_in_an_intact_zip(edits: list[tuple[int, bytes]]) -> None:
    xml = bytearray(
        _document_xml(_p("标题") + _table(["甲", ""], ["乙", "丙"]) + f"<w:p>{_textbox_run(_p('框'))}</w:p>")
    )
    for position, replacement in edits:
        at = position % len(xml)
        xml[at : at + len(replacement)] = replacement
    _only_extraction_errors(_package({"word/document.xml": bytes(xml)}))


_TAGS = ("p", "r", "t", "tbl", "tr", "tc", "tcPr", "trPr", "sdt", "sdtContent", "ins", "del", "txbxContent", "tab")
_PROPS = ("vMerge", "gridSpan", "gridBefore", "hMerge")


def _wrap(tag: str, children: list[str]) -> str:
    return f"<w:{tag}>{''.join(children)}</w:{tag}>"


def _elements() -> st.SearchStrategy[str]:
    """Random nestings of the WordprocessingML elements the walker treats specially, with odd values."""
    values = st.sampled_from(["restart", "continue", "0", "-3", "2", "99999", "x", ""])
    leaf = st.one_of(
        st.builds(lambda text: f"<w:t>{text}</w:t>", st.sampled_from(["", "甲", " ", "1"])),
        st.builds(lambda tag, val: f"<w:{tag} w:val='{val}'/>", st.sampled_from(_PROPS), values),
        st.builds(lambda tag: f"<w:{tag}/>", st.sampled_from(_TAGS + _PROPS)),
    )
    return st.recursive(
        leaf,
        lambda children: st.builds(_wrap, st.sampled_from(_TAGS), st.lists(children, max_size=4)),
        max_leaves=40,
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(_elements(), max_size=5))
def test_any_arrangement_of_word_elements(elements: list[str]) -> None:
    try:
        result = extract_docx(_docx("".join(elements)))
    except ExtractionError as exc:
        assert exc.code == "EMPTY_DOCUMENT"
        return
    for grid in result.grids:
        for row in grid.rows:
            cols = [c.col for c in row.cells]
            assert cols == sorted(set(cols))
            assert all(
                c.col >= 0 and c.rowspan >= 1 and 1 <= c.colspan <= module.MAX_COLUMNS - c.col for c in row.cells
            )
