"""HTML extraction: real report pages from a TRS portal, handmade pages for each rule, and arbitrary bytes."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.parsing.blocks import ExtractedDocument, ExtractionError, Grid, GridCell, GridRow, Paragraph
from crawler.parsing.extract_html import extract_html

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"


@cache
def _real(name: str) -> ExtractedDocument:
    return extract_html((REAL / f"{name}.html").read_bytes())


def _paragraphs(doc: ExtractedDocument) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


def _cells(grid: Grid) -> list[list[tuple[str, int, int, int]]]:
    return [[(c.text, c.col, c.colspan, c.rowspan) for c in row.cells] for row in grid.rows]


def _row(doc: ExtractedDocument, first_cell_prefix: str) -> GridRow:
    """The first grid row whose first cell starts with the prefix."""
    return next(
        r for g in doc.grids for r in g.rows if r.cells and r.cells[0].text.strip().startswith(first_cell_prefix)
    )


def _archive(name: str) -> tuple[dict[str, str], str]:
    """The archive's rendering beside each fixture: header fields, and the page text without whitespace."""
    head, body = (
        (REAL / f"{name}.txt").read_text(encoding="utf-8").split("==================== 正文 ====================")
    )
    fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
    return fields, re.sub(r"\s", "", body)


# ------------------------------------------------------------------------------------------ real pages

REAL_PAGES = {
    "hzs_2022": ("平潭综合实验区行政审批局2022年政府信息公开工作年度报告", "2023-01-09 16:22"),
    "jjf_2023": ("平潭综合实验区经济发展局2023年度政府信息公开工作年度报告", "2024-01-30 09:47"),
    "nyn_2019": ("平潭综合实验区农业农村局2019年政府信息公开工作年度报告", "2020-01-03 12:01"),
    "nyn_2023": ("平潭综合实验区农业农村局2023年政府信息公开工作年度报告", "2024-01-31 18:05"),
}


@pytest.mark.parametrize("name", sorted(REAL_PAGES))
def test_real_page_title_and_dates(name: str) -> None:
    title, published = REAL_PAGES[name]
    doc = _real(name)
    fields, _ = _archive(name)
    assert (fields["标题"], fields["发布时间"]) == (title, published)
    assert doc.format == "html"
    assert doc.title == title
    assert doc.meta["ArticleTitle"] == title
    assert doc.meta["PubDate"] == published
    assert doc.meta["visible_date"] == published  # "时间：2023-01-09 16:22" above the article
    assert doc.meta["SiteName"] == "平潭综合实验区党工委管委会"
    assert doc.meta["ColumnName"] == "政府信息公开年报"
    assert doc.meta["ContentSource"] == ""  # declared empty, kept as written
    assert doc.meta["Url"].startswith("https://www.pingtan.gov.cn/zwgk/zfxxgk/")
    assert doc.meta["Url"] == fields["原文链接"]
    assert doc.problems == []


@pytest.mark.parametrize("name", sorted(REAL_PAGES))
def test_real_page_body_is_the_report_in_reading_order(name: str) -> None:
    doc = _real(name)
    _, archive = _archive(name)
    texts = [
        b.text if isinstance(b, Paragraph) else "".join(c.text for r in b.rows for c in r.cells) for b in doc.blocks
    ]
    position = 0
    for text in texts:  # every block is in the archive's rendering, and in the same order
        found = archive.find(re.sub(r"\s", "", text), position)
        assert found >= 0, text
        position = found
    assert len(doc.grids) == 3
    assert [g.index for g in doc.grids] == [0, 1, 2]
    assert _paragraphs(doc)[0].startswith("根据《中华人民共和国政府信息公开条例》")
    assert "一、总体情况" in _paragraphs(doc)
    blocks = doc.blocks
    heading = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text == "二、主动公开政府信息情况")
    assert not any(isinstance(b, Grid) for b in blocks[:heading])  # the tables come after their section heading


@pytest.mark.parametrize("name", sorted(REAL_PAGES))
def test_real_page_has_no_navigation_or_footer(name: str) -> None:
    text = _real(name).text()
    chrome_words = (
        "当前位置",
        "首页",
        "网站标识码",
        "主办单位",
        "友情链接",
        "相关链接",
        "长者模式",
        "QQ空间",
        "文字解读",
    )
    for chrome in chrome_words:
        assert chrome not in text, chrome
    assert _real(name).meta["ArticleTitle"] not in _paragraphs(_real(name))  # the title block sits outside the body


def test_hzs_2022_has_no_editor_container_and_is_found_by_text_density() -> None:
    doc = _real("hzs_2022")
    assert doc.meta["_container"] == "div.content > heuristic:div.article_content"
    assert _real("jjf_2023").meta["_container"] == "div.TRS_Editor"
    header = _row(doc, "信息内容")
    assert [c.text.strip() for c in header.cells] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert [c.col for c in header.cells] == [0, 1, 2, 3]
    received = _row(doc, "一、本年新收")
    assert received.cells[0].text == "一、本年新收政府信息公开申请数量"
    assert (received.cells[0].col, received.cells[0].colspan) == (0, 3)
    assert [c.text for c in received.cells[1:]] == ["4", "0", "0", "0", "0", "0", "4"]
    assert [c.col for c in received.cells[1:]] == [3, 4, 5, 6, 7, 8, 9]


def test_hzs_2022_applicant_header_rows_honour_rowspans() -> None:
    grid = _real("hzs_2022").grids[1]
    assert _cells(grid)[:3] == [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 0, 3, 3), ("申请人情况", 3, 7, 1)],
        [("自然人", 3, 1, 2), ("法人或其他组织", 4, 5, 1), ("总计", 9, 1, 2)],
        [
            ("商业\n企业", 4, 1, 1),
            ("科研\n机构", 5, 1, 1),
            ("社会公益组织", 6, 1, 1),
            ("法律服务机构", 7, 1, 1),
            ("其他", 8, 1, 1),
        ],
    ]
    assert grid.width() == 10


def test_nyn_2019_line_break_in_header_and_amount_cell() -> None:
    doc = _real("nyn_2019")
    header = _row(doc, "信息内容")
    # "本年新<br/>\n &nbsp;制作数量": the break is kept, the source indentation is not, the &nbsp; is.
    assert header.cells[1].text == "本年新\n\xa0制作数量"
    assert re.fullmatch(r"本年新\n\s*制作数量", header.cells[1].text)
    procurement = _row(doc, "政府集中采购")
    assert [(c.text, c.col, c.colspan) for c in procurement.cells] == [
        ("政府集中采购\xa0", 0, 1),
        ("48", 1, 1),
        ("38518699.09元", 2, 2),
    ]
    received = _row(doc, "一、本年新收")
    assert [c.text for c in received.cells[1:]] == ["\xa00"] * 7  # written as "&nbsp;0"


def test_jjf_2023_section_heading_paragraph() -> None:
    paragraphs = _paragraphs(_real("jjf_2023"))
    assert "四、政府信息公开行政复议与行政诉讼情况" in paragraphs
    assert paragraphs[-2:] == ["平潭综合实验区经济发展局", "2024年1月29日"]


def test_nyn_2023_trailing_nbsp_kept_in_cells() -> None:
    header = _row(_real("nyn_2023"), "信息内容")
    assert [c.text for c in header.cells] == [
        "信息内容\xa0",
        "本年制发件数\xa0",
        "本年废止件数\xa0",
        "现行有效件数\xa0",
    ]
    assert [c.text for c in _row(_real("nyn_2023"), "一、本年新收").cells[1:]] == ["6", "1", "0", "0", "0", "0", "0"]


# ------------------------------------------------------------------------------------------ handmade pages


def _page(body: str, head: str = '<meta charset="utf-8">') -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def test_rowspan_and_colspan_give_true_columns() -> None:
    doc = extract_html(
        _page(
            "<table>"
            '<tr><td rowspan="2" colspan="2">A</td><td>B</td><td rowspan="3">C</td></tr>'
            "<tr><td>D</td></tr>"
            '<tr><td>E</td><td colspan="2">F</td></tr>'
            '<tr><th colspan="0">G</th><td rowspan="abc">H</td><td colspan=" 2px">I</td></tr>'
            "</table>"
        )
    )
    assert len(doc.blocks) == 1
    assert _cells(doc.grids[0]) == [
        [("A", 0, 2, 2), ("B", 2, 1, 1), ("C", 3, 1, 3)],
        [("D", 2, 1, 1)],
        [("E", 0, 1, 1), ("F", 1, 2, 1)],
        [("G", 0, 1, 1), ("H", 1, 1, 1), ("I", 2, 2, 1)],
    ]


def test_rowspan_zero_runs_to_the_last_row_and_silly_spans_are_capped() -> None:
    doc = extract_html(
        _page(
            '<table><tr><td rowspan="0">L</td><td colspan="100000">wide</td></tr>'
            "<tr><td>x</td></tr><tr><td>y</td></tr></table>"
        )
    )
    assert _cells(doc.grids[0]) == [[("L", 0, 1, 3), ("wide", 1, 200, 1)], [("x", 1, 1, 1)], [("y", 1, 1, 1)]]


def test_cell_text_joins_spans_keeps_nbsp_and_breaks_lines() -> None:
    doc = extract_html(
        _page(
            "<table>"
            '<tr><td><span lang="EN">本年</span><span>制</span><b><span style="x">发件数</span></b></td>'
            "<td>&nbsp;</td>"
            "<td>本年新<br>\n    制作数量</td>"
            "<td><p>第一段</p><p>第二段</p></td>"
            "<td><div>甲</div>乙<br/><br/>丙</td></tr>"
            "<tr><td> 1 </td><td>2 件</td><td>&nbsp;3</td><td>\n</td><td><o:p></o:p></td></tr>"
            "</table>"
        )
    )
    assert _cells(doc.grids[0]) == [
        [
            ("本年制发件数", 0, 1, 1),
            ("\xa0", 1, 1, 1),
            ("本年新\n制作数量", 2, 1, 1),
            ("第一段\n第二段", 3, 1, 1),
            ("甲\n乙\n丙", 4, 1, 1),
        ],
        [("1", 0, 1, 1), ("2 件", 1, 1, 1), ("\xa03", 2, 1, 1), ("", 3, 1, 1), ("", 4, 1, 1)],
    ]


def test_source_line_breaks_inside_chinese_words_are_no_spaces() -> None:
    # Word wraps its HTML source at ~80 columns, in the middle of words.
    doc = extract_html(
        _page("<table><tr><td>本年制\n  发件数</td><td>Total\nnumber</td></tr></table><p>主动\n公开 情况</p>")
    )
    assert [c.text for c in doc.grids[0].rows[0].cells] == ["本年制发件数", "Total number"]
    assert _paragraphs(doc) == ["主动公开 情况"]


def test_paragraphs_blocks_and_br_lines() -> None:
    doc = extract_html(
        _page(
            "<div>一、总体情况<p>第一段 <span>正文</span>。</p>尾巴<br>第二行<br>  <br>第三行</div>"
            "<ul><li>条目一</li><li><a href='/x'>条目二</a></li></ul><h2> 二、主动公开 </h2>"
            "<p>&nbsp;&nbsp;\u3000缩进的段落&nbsp;</p><p> \n </p>"
        )
    )
    assert [(b.text, b.heading) for b in doc.blocks] == [
        ("一、总体情况", False),
        ("第一段 正文。", False),
        ("尾巴", False),
        ("第二行", False),
        ("第三行", False),
        ("条目一", False),
        ("条目二", False),
        ("二、主动公开", True),
        ("缩进的段落", False),
    ]


def test_script_style_noscript_template_and_word_comments_are_dropped() -> None:
    doc = extract_html(
        _page(
            "<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]-->"
            "<style>p { color: red }</style><script>document.write('脚本')</script>"
            "<noscript>请启用脚本</noscript><template><p>模板</p></template>"
            "<p><!--[if !supportLists]-->一、<!--[endif]-->总体情况</p>"
            "<p><![if !supportLists]>（一）<![endif]>主动公开</p><!-- 普通注释 -->",
            head='<meta charset="utf-8"><style>body{}</style><script>var x = "<p>头部</p>";</script>',
        )
    )
    assert _paragraphs(doc) == ["一、总体情况", "（一）主动公开"]


def test_gb2312_declaration_is_read_as_gb18030() -> None:
    # 镕 is GBK but not GB2312, 䶮 and 𠀀 are GB18030 only: real pages declare gb2312 and use all of them.
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>报告</title></head><body><p>朱镕基 䶮 𠀀 中文</p></body></html>"
    )
    data = html.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")
    doc = extract_html(data)
    assert _paragraphs(doc) == ["朱镕基 䶮 𠀀 中文"]
    assert doc.title == "报告"
    assert doc.problems == []
    assert _paragraphs(extract_html(data, encoding="GBK")) == ["朱镕基 䶮 𠀀 中文"]


def test_utf8_page_without_declaration() -> None:
    doc = extract_html("<html><body><p>没有声明字符集的页面</p></body></html>".encode())
    assert _paragraphs(doc) == ["没有声明字符集的页面"]
    assert [p.code for p in doc.problems] == ["ENCODING_GUESSED"]
    assert "utf-8" in doc.problems[0].message


def test_gbk_page_without_declaration_is_detected() -> None:
    text = "本机关依照条例规定，认真做好政府信息公开工作，主动公开政府信息，依法办理公开申请。"
    doc = extract_html(f"<html><body><p>{text}</p></body></html>".encode("gbk"))
    assert _paragraphs(doc) == [text]
    assert [p.code for p in doc.problems] == ["ENCODING_GUESSED"]
    assert "gb18030" in doc.problems[0].message


def test_undeclared_gbk_needs_four_fifths_of_its_wide_characters_chinese() -> None:
    def guessed(text: str) -> str:
        problems = extract_html(f"<html><body><p>{text}</p></body></html>".encode("gbk")).problems
        return problems[0].message

    assert "valid GB18030 Chinese text" in guessed("公开" * 16 + "αβγδεζηθ")  # 32 of 40
    assert "charset detection" in guessed("公开" * 15 + "公" + "αβγδεζηθ")  # 31 of 39


def test_wrong_http_charset_is_overruled_by_the_page() -> None:
    data = '<html><head><meta charset="gbk"></head><body><p>依申请公开</p></body></html>'.encode("gbk")
    doc = extract_html(data, encoding="utf-8")
    assert _paragraphs(doc) == ["依申请公开"]
    assert [p.code for p in doc.problems] == ["ENCODING_MISMATCH"]
    latin = extract_html(data, encoding="ISO-8859-1")  # a server default, not a statement about the page
    assert _paragraphs(latin) == ["依申请公开"]
    assert latin.problems == []


def test_declared_charset_contradicted_by_the_bytes() -> None:
    text = "依申请公开情况说明，本年度共收到申请若干件，均已按时答复。"
    said_utf8 = extract_html(
        f'<html><head><meta charset="utf-8"></head><body><p>{text}</p></body></html>'.encode("gbk")
    )
    assert _paragraphs(said_utf8) == [text]
    assert [p.code for p in said_utf8.problems] == ["ENCODING_MISMATCH"]
    said_gbk = extract_html(f'<html><head><meta charset="gb2312"></head><body><p>{text}</p></body></html>'.encode())
    assert _paragraphs(said_gbk) == [text]
    assert [p.code for p in said_gbk.problems] == ["ENCODING_MISMATCH"]


def test_a_few_bad_bytes_keep_the_declared_charset() -> None:
    data = '<html><head><meta charset="utf-8"></head><body><p>正文</p><p>末尾'.encode() + b"\xe5\x85"
    doc = extract_html(data)
    assert _paragraphs(doc) == ["正文", "末尾\ufffd"]
    assert [p.code for p in doc.problems] == ["DECODE_ERRORS"]


def test_byte_order_mark_wins() -> None:
    html = '<html><head><meta charset="gbk"></head><body><p>带BOM的页面</p></body></html>'
    assert _paragraphs(extract_html(b"\xef\xbb\xbf" + html.encode())) == ["带BOM的页面"]
    assert _paragraphs(extract_html(b"\xff\xfe" + html.encode("utf-16-le"))) == ["带BOM的页面"]


def test_layout_table_is_walked_into_and_nested_data_table_kept() -> None:
    prose = "本机关按照条例要求认真做好政府信息公开工作，主动公开各类信息，依法办理公开申请。" * 8
    doc = extract_html(
        _page(
            '<div id="zoom"><table width="100%"><tr><td><p>开头</p>'
            "<table border=1><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>0</td></tr></table>"
            f"<p>中间</p></td></tr><tr><td>{prose}</td><td>旁注</td></tr></table></div>"
        )
    )
    assert [b.text if isinstance(b, Paragraph) else "grid" for b in doc.blocks] == [
        "开头",
        "grid",
        "中间",
        prose,
        "旁注",
    ]
    assert _cells(doc.grids[0]) == [
        [("信息内容", 0, 1, 1), ("本年制发件数", 1, 1, 1)],
        [("规章", 0, 1, 1), ("0", 1, 1, 1)],
    ]


def test_table_of_prose_paragraphs_is_layout() -> None:
    para = "这是一段较长的正文内容，用来说明本机关政府信息公开工作的总体情况和主要做法。" * 2
    cells = f"<td><p>{para}</p><p>{para}</p><p>{para}</p></td><td>右栏</td>"
    doc = extract_html(_page(f'<div class="TRS_Editor"><table><tr>{cells}</tr></table></div>'))
    assert doc.grids == []
    assert _paragraphs(doc) == [para, para, para, "右栏"]


def test_split_table_stays_two_grids_and_repeated_header_rows_stay() -> None:
    doc = extract_html(
        _page(
            "<p>三、收到和处理政府信息公开申请情况</p>"
            "<table><thead><tr><th>项目</th><th>数量</th></tr></thead>"
            "<tbody><tr><td>一、本年新收</td><td>4</td></tr></tbody></table>"
            "<table><tr><th>项目</th><th>数量</th></tr><tr><td>二、上年结转</td><td>0</td></tr>"
            "<tfoot><tr><td>合计</td><td>4</td></tr></tfoot></table>"
        )
    )
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Grid", "Grid"]
    assert [g.index for g in doc.grids] == [0, 1]
    assert [[c.text for c in r.cells] for r in doc.grids[0].rows] == [["项目", "数量"], ["一、本年新收", "4"]]
    assert [[c.text for c in r.cells] for r in doc.grids[1].rows] == [
        ["项目", "数量"],
        ["二、上年结转", "0"],
        ["合计", "4"],
    ]


def test_empty_tables_are_dropped_and_blank_forms_kept() -> None:
    doc = extract_html(
        _page(
            "<table></table><table><tr><td> </td><td>\n</td></tr></table><table><tr><td>&nbsp;</td></tr></table>"
            "<table><caption>表一</caption><tr><td>&nbsp;</td><td>&nbsp;</td></tr></table>"
        )
    )
    assert len(doc.blocks) == 2
    assert doc.blocks[0] == Paragraph("表一")
    assert _cells(doc.grids[0]) == [[("\xa0", 0, 1, 1), ("\xa0", 1, 1, 1)]]


def test_word_pasted_table_cells() -> None:
    # Word's markup: a paragraph per cell, the text split over <span>s, an empty <o:p>, <br> inside the paragraph.
    p = "<p class=MsoNormal align=center>"
    doc = extract_html(
        _page(
            "<table class=MsoNormalTable border=1><tbody>"
            f"<tr><td colspan=2 rowspan=0>{p}<span>信息</span><br><span lang=EN-US>内容</span><o:p></o:p></p></td>"
            f"<td>{p}<span>本年</span><span>制发</span><b><span>件数</span></b><o:p></o:p></p></td></tr>"
            f"<tr><td>\n  {p}<span>&nbsp;</span><o:p></o:p></p>\n</td></tr>"
            f"<tr><td>{p}<span>2</span> <span>件</span><o:p>&nbsp;</o:p></p></td>"
            f"<td rowspan=2>{p}<span>Total\nnumber</span></p></td></tr>"
            f"<tr><td>&nbsp;{p}x</p></td></tr>"
            "</tbody></table>"
        )
    )
    assert _cells(doc.grids[0]) == [
        [("信息\n内容", 0, 2, 4), ("本年制发件数", 2, 1, 1)],
        [("\xa0", 2, 1, 1)],
        [("2 件\xa0", 2, 1, 1), ("Total number", 3, 1, 2)],
        [("\xa0\nx", 2, 1, 1)],
    ]


def test_text_of_a_navigation_table_is_not_body_text() -> None:
    doc = extract_html(
        _page(
            f'<div class="a"><table class="nav"><tr><td>{"导航" * 50}</td><td>首页</td></tr></table></div>'
            f'<div class="b"><p>{"正文" * 30}</p></div>'
        )
    )
    assert doc.meta["_container"] == "heuristic:div.b"
    assert _paragraphs(doc) == ["正文" * 30]


def test_known_container_id_inside_a_data_table_is_no_container() -> None:
    text = "正文内容" * 60
    doc = extract_html(
        _page(f'<div class="content"><table><tr><td><span id="zoom">{text}</span></td><td>1</td></tr></table></div>')
    )
    assert doc.meta["_container"] == "div.content"
    assert _cells(doc.grids[0]) == [[(text, 0, 1, 1), ("1", 1, 1, 1)]]


def test_text_between_table_rows_is_kept() -> None:
    doc = extract_html(
        _page("<table><tr><td>项目</td><td>数量</td></tr>说明文字<tr><td>规章</td><td>0</td></tr></table>")
    )
    assert [b.text if isinstance(b, Paragraph) else _cells(b) for b in doc.blocks] == [
        "说明文字",
        [[("项目", 0, 1, 1), ("数量", 1, 1, 1)], [("规章", 0, 1, 1), ("0", 1, 1, 1)]],
    ]


NAV_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="PubDate" content="2021-01-28 10:00"><meta name="ContentSource" content="某某县农业农村局">
<title>某某县农业农村局2020年政府信息公开工作年度报告_年报_某某县人民政府</title></head><body>
<div class="top-header"><a href="/">首页</a><a href="/zwgk">政务公开</a><span>欢迎访问某某县人民政府网站</span></div>
<nav><ul><li><a href="/1">机构概况</a></li><li><a href="/2">政策文件</a></li></ul></nav>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/nb">年报</a></div>
<div class="xxgk-info"><ul>
  <li><span>索 引 号：</span>11350000MB0000000X/2021-00012</li>
  <li><span>发布机构：</span><span>某某县农业农村局</span></li>
  <li><label>成文日期：</label>2021-01-27</li><li><label>发布日期：</label>2021-01-28</li>
  <li>文　　号：</li><li>主题分类：综合政务/其他</li>
</ul></div>
<div class="main"><div class="article">
  <h1>某某县农业农村局2020年政府信息公开工作年度报告</h1>
  <div class="meta">发布时间：2021-01-28 10:00　来源：本站</div>
  <div class="text">
    <p>根据《中华人民共和国政府信息公开条例》规定，编制本报告。本报告所列数据的统计期限为2020年1月1日至2020年12月31日。</p>
    <p>一、总体情况</p><p>2020年，我局认真贯彻落实条例要求，主动公开政府信息，依法办理政府信息公开申请，不断提升公开质量。</p>
    <p>（一）主动公开情况。全年通过政府网站主动公开政府信息，及时发布政策文件、通知公告、工作动态等信息。</p>
    <p>（二）依申请公开情况。全年共收到政府信息公开申请两件，均在法定期限内答复，没有发生行政复议或诉讼。</p>
    <p>（三）政府信息管理情况。严格落实信息发布保密审查制度，规范信息发布流程，确保公开信息准确规范。</p>
    <table><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>0</td></tr></table>
    <p>二、主动公开政府信息情况</p><p>本年度共主动公开政府信息三百余条，涵盖机构职能、政策文件、财政预决算等内容。</p>
  </div>
</div>
<div class="related"><h3>相关文章</h3><ul>
  <li><a href="/a">某某县2019年报告</a></li><li><a href="/b">某某县2018年报告</a></li></ul></div>
</div>
<div id="footer"><p>主办单位：某某县人民政府办公室　地址：某某路1号　电话：0591-12345678</p>
<p>网站标识码：3501000001　闽ICP备12345678号</p></div>
</body></html>"""


def test_heuristic_body_excludes_navigation_and_footer() -> None:
    doc = extract_html(NAV_PAGE.encode())
    # The title and the date line sit beside the text, as on the TRS pages: the body is the text block itself.
    assert doc.meta["_container"] == "heuristic:div.text"
    paragraphs = _paragraphs(doc)
    assert paragraphs[0].startswith("根据《中华人民共和国政府信息公开条例》规定，编制本报告。")
    assert paragraphs[-1] == "本年度共主动公开政府信息三百余条，涵盖机构职能、政策文件、财政预决算等内容。"
    assert len(paragraphs) == 8
    assert len(doc.grids) == 1
    text = doc.text()
    for chrome in ("首页", "欢迎访问", "机构概况", "当前位置", "索引号", "相关文章", "主办单位", "网站标识码", "来源"):
        assert chrome not in text, chrome


def test_page_metadata_catalogue_and_visible_date() -> None:
    doc = extract_html(NAV_PAGE.encode())
    assert doc.title == "某某县农业农村局2020年政府信息公开工作年度报告_年报_某某县人民政府"
    meta = {key: value for key, value in doc.meta.items() if key != "_container"}
    assert meta == {
        "PubDate": "2021-01-28 10:00",
        "ContentSource": "某某县农业农村局",
        "索引号": "11350000MB0000000X/2021-00012",
        "发布机构": "某某县农业农村局",
        "成文日期": "2021-01-27",
        "发布日期": "2021-01-28",
        "主题分类": "综合政务/其他",
        "发布时间": "2021-01-28 10:00",  # from "发布时间：2021-01-28 10:00　来源：本站" above the text
        "visible_date": "2021-01-28",  # the catalogue's 发布日期 comes first, outside the body
    }


def test_catalogue_in_a_table_and_in_one_line_and_visible_date_label_variants() -> None:
    body = (
        "<table><tr><td>索引号：</td><td>000014349/2021-00001</td><td>发布机构：</td><td>某局</td></tr>"
        "<tr><td>发文字号：</td><td>某政办〔2021〕1号</td><td>生成日期：</td><td>2021年01月15日</td></tr></table>"
        "<div>文号：某政〔2021〕2号 主题分类：政务公开 有效性：有效</div>"
        "<div>统计时间：2019-12-31</div><div>更新时间： 2021/1/15 09:30:05 浏览次数：10</div>"
        f'<div class="TRS_Editor"><p>{"报告正文。" * 30}</p><p>时间：2020-01-01</p></div>'
    )
    doc = extract_html(_page(body))
    assert doc.meta["_container"] == "div.TRS_Editor"
    assert [doc.meta[k] for k in ("索引号", "发布机构", "发文字号", "生成日期", "文号", "主题分类", "有效性")] == [
        "000014349/2021-00001",
        "某局",
        "某政办〔2021〕1号",
        "2021年01月15日",
        "某政〔2021〕2号",
        "政务公开",
        "有效",
    ]
    assert doc.meta["visible_date"] == "2021/1/15 09:30:05"  # "统计时间" is no publish-date label
    assert _paragraphs(doc) == ["报告正文。" * 30, "时间：2020-01-01"]


def test_known_containers_are_preferred_in_their_order() -> None:
    filler = "正文内容" * 60
    body = f'<div class="content"><div id="zoom"><p>{filler}</p></div><div class="share">分享到微信</div></div>'
    doc = extract_html(_page(body))
    assert doc.meta["_container"] == "div#zoom"
    assert _paragraphs(doc) == [filler]
    small = extract_html(_page(f'<div class="TRS_Editor">详见附件</div><div class="view"><p>{filler}</p></div>'))
    assert small.meta["_container"] == "div.view"  # the editor holds too little text to be the body
    assert _paragraphs(small) == [filler]
    inline = extract_html(_page(f'<div>栏目</div><font id="Zoom"><p>{filler}</p></font>'))
    assert inline.meta["_container"] == "font#zoom"
    assert _paragraphs(inline) == [filler]


def test_title_falls_back_to_title_tag_then_first_heading() -> None:
    with_meta = _page("<h1>标题三</h1>", head='<meta name="ArticleTitle" content=" 标题一 "><title>标题二</title>')
    assert extract_html(with_meta).title == "标题一"
    assert extract_html(_page("<h1>标题三</h1>", head="<title>\n  标题\n  二 </title>")).title == "标题 二"
    assert extract_html(_page("<p>前言</p><h2>  标题<br>三 </h2><h1>别的</h1>")).title == "标题 三"
    assert extract_html(_page("<p>没有标题</p>")).title is None


def test_fragment_is_used_whole() -> None:
    doc = extract_html(
        "<div class='nav'>导航</div><p>片段正文</p><table><tr><td>a</td><td>1</td></tr></table>".encode()
    )
    assert doc.meta["_container"] == "fragment"
    assert _paragraphs(doc) == ["导航", "片段正文"]
    assert _cells(doc.grids[0]) == [[("a", 0, 1, 1), ("1", 1, 1, 1)]]


def test_empty_input_raises() -> None:
    for data in (b"", b"  \r\n\t ", b"\xef\xbb\xbf", b"<!-- nothing -->"):
        with pytest.raises(ExtractionError) as caught:
            extract_html(data)
        assert caught.value.code == "EMPTY_DOCUMENT"


def test_page_without_text_is_reported() -> None:
    doc = extract_html(_page("<div><img src='a.png'></div>"))
    assert doc.blocks == []
    assert [p.code for p in doc.problems] == ["NO_TEXT"]


def test_not_html_still_gives_its_text() -> None:
    doc = extract_html("政府信息公开工作年度报告\n一、总体情况\nAnnual report".encode())
    # Read as HTML: a line break is a space, and none at all between Chinese characters.
    assert _paragraphs(doc) == ["政府信息公开工作年度报告一、总体情况 Annual report"]
    assert doc.grids == []


def test_grid_cells_are_the_contract_types() -> None:
    grid = extract_html(_page("<table><tr><td>甲</td><td>乙</td></tr></table>")).grids[0]
    assert grid.rows == [GridRow([GridCell("甲", 0), GridCell("乙", 1)])]
    assert grid.aligned is True


# ------------------------------------------------------------------------------------------ robustness

TAGS = ["p", "div", "td", "tr", "table", "span", "br", "li", "h2", "th", "a href=x", "script", "tbody", "html", "body"]
html_pieces = st.one_of(
    st.sampled_from([f"<{t}>" for t in TAGS] + [f"</{t.split()[0]}>" for t in TAGS]),
    st.sampled_from(['<td rowspan="3">', '<td colspan="0">', '<td rowspan="-1" colspan="999999999">', "&nbsp;"]),
    st.sampled_from(["<!--", "-->", "<![if x]>", '<meta charset="gb2312">', "<title>", "<?xml ?>", "\n"]),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from([None, "utf-8", "gbk", "latin-1", "bogus", "utf-16", "zlib"]))
def test_arbitrary_bytes_raise_nothing_but_extraction_error(data: bytes, encoding: str | None) -> None:
    try:
        doc = extract_html(data, encoding=encoding)
    except ExtractionError as exc:
        assert exc.code in {"EMPTY_DOCUMENT", "CORRUPT_DOCUMENT"}
    else:
        assert doc.format == "html"
        assert all(isinstance(b, Paragraph | Grid) for b in doc.blocks)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(html_pieces, max_size=60), st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_arbitrary_markup_gives_consistent_grids(pieces: list[str], codec: str) -> None:
    try:
        doc = extract_html("".join(pieces).encode(codec, errors="replace"))
    except ExtractionError as exc:
        assert exc.code == "EMPTY_DOCUMENT"
        return
    for grid in doc.grids:
        for row in grid.rows:
            cols = [c.col for c in row.cells]
            assert cols == sorted(set(cols))  # cells of a row never share a column
            assert all(1 <= c.colspan <= 200 and 1 <= c.rowspan <= 200 for c in row.cells)
        assert any(c.text for row in grid.rows for c in row.cells)
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            assert block.text == block.text.strip() and block.text
