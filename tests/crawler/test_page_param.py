"""Lists paginated by a query parameter (the generic and Shandong profiles): which page comes next."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.listing import MAX_PAGES, page_param_next
from crawler.pages import links
from crawler.profiles import profile_for

LIST = "http://gov.test/site_lgx/channel_3a1f/index.html"


def _next(url: str, html: str, profile: str = "shandong") -> list[str]:
    page = links(Selector(text=f"<html><body>{html}</body></html>"), url)
    return page_param_next(url, page, profile_for(profile))


def test_shandong_urls_are_recognised() -> None:
    assert profile_for("auto", "http://gov.test/site_lgx/channel_3a1f/doc_5e8c0a9b.html").name == "shandong"
    assert profile_for("auto", "http://gov.test/news/list.html").name == "generic"


def test_the_next_page_link_is_followed_and_no_other() -> None:
    html = """
      <ul><li><a href="doc_1.html">2023年政府信息公开工作年度报告</a></li></ul>
      <div class="page"><a href="index.html?page=1">首页</a><a href="index.html?page=3">3</a>
      <a href="index.html?page=2">下一页</a><a href="index.html?page=9">尾页</a></div>"""
    assert _next(LIST, html) == [f"{LIST}?page=2"]


def test_a_numbered_link_one_past_the_current_page_is_followed() -> None:
    html = '<a href="index.html?page=1">1</a><a href="index.html?page=2">2</a><a href="index.html?page=4">4</a>'
    html += '<a href="index.html?page=3">3</a>'
    assert _next(f"{LIST}?page=2", html) == [f"{LIST}?page=3"]


def test_the_last_page_and_other_paths_lead_nowhere() -> None:
    last = '<a href="index.html?page=4">上一页</a><a href="/site_lgx/channel_77/index.html?page=6">6</a>'
    assert _next(f"{LIST}?page=5", last) == []


@pytest.mark.parametrize("param", ["page", "pageNo", "currentPage", "pageIndex"])
def test_the_generic_profile_knows_the_usual_parameter_names(param: str) -> None:
    url = f"http://gov.test/xxgk/nb/list.jsp?{param}=1&col=7"
    html = f'<a href="list.jsp?col=7&{param}=2">2</a>'
    assert _next(url, html, "generic") == [f"http://gov.test/xxgk/nb/list.jsp?col=7&{param}=2"]


def test_pagination_stops_at_the_page_limit() -> None:
    before = f'<a href="index.html?page={MAX_PAGES}">下一页</a>'
    assert _next(f"{LIST}?page={MAX_PAGES - 1}", before) == [f"{LIST}?page={MAX_PAGES}"]
    beyond = f'<a href="index.html?page={MAX_PAGES + 1}">下一页</a>'
    assert _next(f"{LIST}?page={MAX_PAGES}", beyond) == []
