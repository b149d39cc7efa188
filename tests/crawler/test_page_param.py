"""Lists paginated by a query parameter (the generic and Shandong profiles): which page comes next."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.listing import MAX_PAGES, page_param_next
from crawler.pages import links
from crawler.profiles import profile_for
from demo.portal import build_site

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


def test_the_sample_portals_shandong_site_is_recognised_and_paged_to_its_last_page() -> None:
    """The sample portal's Shandong-style site (demo/portal/shandong.py), read offline: `auto` picks the
    shandong profile for its URLs, and page_param_next walks its report column from index.html to the end."""
    site = build_site(seed=1)
    base = "http://127.0.0.1:1"
    column = base + site.builds["sd-xian"].report_columns[0]
    report = next(r for r in site.manifest(base)["reports"] if r["portal"] == "sd-xian")
    for url in (column, f"{column}?page=2", report["url"]):
        assert profile_for("auto", url).name == "shandong", url
    assert profile_for("auto", f"{base}/sd-xian/index.html").name == "generic"
    visited, url = [column], column
    while True:
        page = site.resource(site.key_for(url))
        assert page is not None
        text = page.body.decode("utf-8")
        profile = profile_for("auto", url, text)  # as the spider reads a list page
        assert profile.name == "shandong"
        following = page_param_next(url, links(Selector(text=text), url), profile)
        if not following:
            break
        visited += following
        url = following[0]
    assert visited == [column, f"{column}?page=2", f"{column}?page=3", f"{column}?page=4"]
