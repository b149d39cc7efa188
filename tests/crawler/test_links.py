"""Link classification and attribution, as tables of input and expected output."""

from __future__ import annotations

import pytest

from crawler.links import BodyMatcher, is_attachment, is_disclosure_link, is_report_column, is_report_title, report_year

BODIES = BodyMatcher(
    [
        ("county", "岚皋县人民政府", ["岚皋县"]),
        ("office", "岚皋县人民政府办公室", ["县政府办"]),
        ("edu", "岚皋县教育体育和科技局", ["县教体科局"]),
        ("antai", "安太乡人民政府", ["安太乡"]),
    ]
)


@pytest.mark.parametrize(
    ("text", "report", "column"),
    [
        ("岚皋县2020年度政府信息公开工作年度报告", True, False),
        ("驿马乡 2020 年政府信息公开 工作年度报告", True, False),
        ("2021年政府信息公开工作年度报告", True, False),
        ("关于公布2019年政府信息公开年报的通知", True, False),
        ("政府信息公开年报", False, True),
        ("年度报告", False, True),
        ("政府信息公开工作年度报告", False, True),
        ("关于开展春季植树活动的通知", False, False),
        ("2020年财政预算公开", False, False),
    ],
)
def test_report_and_column_links(text: str, report: bool, column: bool) -> None:
    assert (is_report_title(text), is_report_column(text)) == (report, column)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("政府信息公开", True),
        ("政府信息公开专栏", True),
        ("法定主动公开内容", True),
        ("首页", False),
        ("新闻中心", False),
    ],
)
def test_disclosure_links(text: str, expected: bool) -> None:
    assert is_disclosure_link(text) is expected


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("岚皋县2020年度政府信息公开工作年度报告", "county"),
        ("岚皋县人民政府2020年政府信息公开工作年度报告", "county"),
        ("岚皋县人民政府办公室2020年政府信息公开工作年度报告", "office"),
        ("岚皋县教育体育和科技局2021年政府信息公开工作年度报告", "edu"),
        ("2020年安太乡政府信息公开工作年度报告", "antai"),
        # A body the registry does not know is never given to the county that names it.
        ("岚皋县卫生健康局2020年政府信息公开工作年度报告", None),
        ("2021年政府信息公开工作年度报告", None),
    ],
)
def test_attribution_by_name_or_alias(title: str, body: str | None) -> None:
    assert BODIES.match(title) == body


def test_unit_links_and_years_and_attachments() -> None:
    assert BODIES.named_in_link("安太乡") == "antai"
    assert BODIES.named_in_link("安太乡人民政府") == "antai"
    assert BODIES.named_in_link("安太乡政务公开") == "antai"
    assert BODIES.named_in_link("安太乡村振兴规划") is None
    assert report_year("驿马乡 2020 年政府信息公开") == 2020
    assert report_year("政府信息公开年报") is None
    assert is_attachment("https://x.gov.cn/a/P020240130354773692775.pdf")
    assert is_attachment("https://x.gov.cn/a/report.DOCX")
    assert not is_attachment("https://x.gov.cn/a/t20240130_1.html")
