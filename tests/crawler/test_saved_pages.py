"""Spider helpers on saved real pages, City Bureau style: load the page once, one assertion per field."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.pages import attachments, links, title, url_date
from crawler.profiles import profile_for
from crawler.waf import challenge
from tests.conftest import FIXTURES

URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/ptzhsyqjjfzj/zfxxgknb/202401/t20240130_123.htm"


@pytest.fixture(scope="module")
def page() -> Selector:
    return Selector(text=(FIXTURES / "real" / "jjf_2023.html").read_text(encoding="utf-8"))


def test_title(page: Selector) -> None:
    assert title(page) == "平潭综合实验区经济发展局2023年度政府信息公开工作年度报告"


def test_attachment(page: Selector) -> None:
    found = attachments(page, URL)
    assert [a.url.rsplit("/", 1)[1] for a in found] == ["P020240130354773692775.pdf"]


def test_url_date() -> None:
    assert url_date(URL, profile_for("trs").url_date) == "2024-01-30"


def test_profile_recognised_from_the_url() -> None:
    assert profile_for("auto", URL).name == "trs"


def test_links_are_absolute(page: Selector) -> None:
    assert all(link.url.startswith("http") for link in links(page, URL))


def test_a_real_report_page_is_no_challenge() -> None:
    body = (FIXTURES / "real" / "jjf_2023.html").read_bytes()
    assert challenge(200, body) is None


@pytest.mark.parametrize(
    ("status", "body", "blocked"),
    [
        (412, b"<html><script>$_ts=window['$_ts'];if(!$_ts)$_ts=window['$_ts']={};$_ts.nsd=1;</script></html>", True),
        (521, b"<script>document.cookie='__jsl_clearance=1';location.href=location.pathname</script>", True),
        (200, b"<html><head><script>var $_ts={};$_ts.cd='x';</script></head><body></body></html>", True),
        (412, b"<html><body>Precondition failed</body></html>", False),
        (
            200,
            b"<html><body><p>" + "政府信息公开".encode() * 20 + b"</p><script>var a=1;</script></body></html>",
            False,
        ),
    ],
)
def test_challenges(status: int, body: bytes, blocked: bool) -> None:
    assert (challenge(status, body) is not None) is blocked
