"""The sample portal server: URL shapes of each CMS style, encodings, validators, challenges, faults, edits, and a
manifest and registry that agree with what is served."""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from math import ceil
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import pytest
from lxml import etree, html

from db.session import Database
from demo.portal import SamplePortal, Site, build_site
from demo.portal.content import DOCX_TYPE, attachment, report_spec
from demo.reportgen import expected_cells
from monitor.registry import apply_registry, check_references, load_registry

SLOW = 0.4  # seconds a `timeout` URL waits in these tests


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(url: str, *, headers: dict[str, str] | None = None, data: bytes | None = None, timeout: float = 5) -> Answer:
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


def raw(base: str, method: str, target: str) -> http.client.HTTPResponse:
    """One request without redirects or retries; the caller reads the response."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=5)
    connection.request(method, target)
    return connection.getresponse()


def links(page: bytes, encoding: str) -> dict[str, str]:
    """Link text (or title attribute) -> href."""
    tree = html.fromstring(page.decode(encoding))
    return {(a.get("title") or a.text_content()).strip(): a.get("href") for a in tree.iter("a")}


def metas(page: str) -> dict[str, str]:
    return dict(re.findall(r'<meta name="([^"]+)" content="([^"]*)">', page))


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site(seed=1)


@pytest.fixture(scope="module")
def served(site: Site) -> Iterator[tuple[SamplePortal, str]]:
    server = SamplePortal(site, slow_seconds=SLOW)
    base = server.start()
    yield server, base
    server.stop()


@pytest.fixture(scope="module")
def base(served: tuple[SamplePortal, str]) -> str:
    return served[1]


@pytest.fixture
def server(served: tuple[SamplePortal, str]) -> Iterator[SamplePortal]:
    yield served[0]
    served[0].clear_faults()


@pytest.fixture(scope="module")
def manifest(site: Site, base: str) -> dict[str, Any]:
    return site.manifest(base)


def portal(manifest: dict[str, Any], portal_id: str) -> dict[str, Any]:
    return next(p for p in manifest["portals"] if p["id"] == portal_id)


def reports_of(manifest: dict[str, Any], portal_id: str, *, healthy: bool = False) -> list[dict[str, Any]]:
    return [r for r in manifest["reports"] if r["portal"] == portal_id and not (healthy and r["faults"])]


def failure(manifest: dict[str, Any], mode: str) -> dict[str, Any]:
    return next(f for f in manifest["failures"] if f["mode"] == mode)


# --- TRS: GBK, createPageHTML, dated article paths -----------------------------------------------------


def test_trs_home_leads_to_the_report_column_through_the_disclosure_page(base: str, manifest: dict[str, Any]) -> None:
    home = fetch(f"{base}/trs-xian/")
    assert home.status == 200
    assert home.headers["Content-Type"] == "text/html"  # no charset: only the meta says it
    assert b'<meta charset="gb2312">' in home.body
    with pytest.raises(UnicodeDecodeError):
        home.body.decode("utf-8")
    disclosure_url = urljoin(f"{base}/trs-xian/", links(home.body, "gbk")["政府信息公开"])
    disclosure = fetch(disclosure_url)
    column_url = urljoin(disclosure_url, links(disclosure.body, "gbk")["政府信息公开年报"])
    assert column_url == f"{base}/trs-xian/zwgk/zfxxgk/zfxxgknb/index.html"
    assert portal(manifest, "trs-xian")["report_columns"] == [column_url]
    assert portal(manifest, "trs-xian")["report_columns_in_registry"] is False


def _trs_list(base: str) -> dict[str, str]:
    """URL -> title of everything in the TRS report column, page by page as createPageHTML counts them."""
    column = f"{base}/trs-xian/zwgk/zfxxgk/zfxxgknb/"
    first = fetch(column + "index.html")
    total, current = map(int, re.search(rb'createPageHTML\((\d+), (\d+), "index", "html"\);', first.body).groups())
    assert current == 0
    listed: dict[str, str] = {}
    for number in range(total):
        page = fetch(column + ("index.html" if number == 0 else f"index_{number}.html"))
        assert page.status == 200
        assert re.search(rf'createPageHTML\({total}, {number}, "index", "html"\);'.encode(), page.body)
        items = re.findall(r'<li><a href="(\./\d{6}/t\d{8}_\d+\.html)" title="([^"]+)">', page.body.decode("gbk"))
        assert 0 < len(items) <= 15
        listed.update({urljoin(column, href): title for href, title in items})
    assert fetch(column + f"index_{total}.html").status == 404
    return listed


def test_trs_list_pages_are_counted_only_by_create_page_html(base: str, manifest: dict[str, Any]) -> None:
    listed = _trs_list(base)
    total = int(re.search(rb"createPageHTML\((\d+),", fetch(f"{base}/trs-xian/zwgk/zfxxgk/zfxxgknb/").body).group(1))
    trs = reports_of(manifest, "trs-xian")
    decoys = [url for url in manifest["decoys"] if "/trs-xian/" in url]
    assert total == ceil((len(trs) + len(decoys)) / 15)  # at pages_scale 1 the column holds reports and decoys
    for report in trs:
        assert listed[report["url"]] == report["title"]
        assert re.search(r"/zfxxgknb/\d{6}/t\d{8}_\d+\.html$", report["url"])
    # long titles are cut in the link text; only the title attribute has them whole
    first_page = fetch(f"{base}/trs-xian/zwgk/zfxxgk/zfxxgknb/index.html").body.decode("gbk")
    assert re.search(r'title="[^"]{25,}">[^<]{23}…</a>', first_page)


def test_trs_article_carries_metas_catalogue_and_trs_editor(base: str, manifest: dict[str, Any]) -> None:
    report = next(r for r in reports_of(manifest, "trs-xian", healthy=True) if r["format"] == "html")
    answer = fetch(report["url"])
    page = answer.body.decode("gbk")
    found = metas(page)
    assert found["ArticleTitle"] == report["title"]
    assert found["PubDate"] == report["meta_pubdate"] == report["publish_time"]
    assert found["ContentSource"] == report["body_name"]
    assert found["ColumnName"] == "政府信息公开年报"
    assert found["SiteName"] == portal(manifest, "trs-xian")["name"]
    assert f"发布时间：{report['publish_time']}" in page
    assert f"<th>发布日期：</th><td>{report['publish_date']}</td>" in page
    assert "<th>索引号：</th>" in page and f"<th>发布机构：</th><td>{report['body_name']}</td>" in page
    editor = html.fromstring(page).xpath('//div[@class="TRS_Editor"]')[0]
    assert len(editor.xpath(".//table")) >= 3


def test_trs_attachment_only_report_links_a_p0_file(base: str, manifest: dict[str, Any]) -> None:
    report = next(r for r in reports_of(manifest, "trs-xian", healthy=True) if r["format"] == "pdf")
    page = fetch(report["url"]).body.decode("gbk")
    href = re.search(r'附件：<a href="(\./P0\d{20}\.pdf)"', page).group(1)
    assert urljoin(report["url"], href) == report["attachments"][0]
    assert "<table" not in page.split('class="TRS_Editor"')[1]
    pdf = fetch(report["attachments"][0])
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.body.startswith(b"%PDF-")


# --- Hanweb: dataproxy.jsp XML, per-unit columns -------------------------------------------------------


def _jpage_url(base: str, column_url: str) -> str:
    page = fetch(column_url).body.decode("utf-8")
    assert "/art/" not in page  # the list is not in the page
    return base + re.search(r'var jpageUrl = "([^"]+)"', page).group(1)


def _records(xml: bytes) -> tuple[int, list[tuple[str, str]]]:
    root = etree.fromstring(xml)
    items = [re.search(r'href="([^"]+)" title="([^"]+)"', r.text).groups() for r in root.iter("record")]
    return int(root.findtext("totalrecord")), items


def test_hanweb_column_lists_come_from_dataproxy_in_record_ranges(base: str, manifest: dict[str, Any]) -> None:
    main_column = portal(manifest, "hanweb-shi")["report_columns"][0]
    url = _jpage_url(base, main_column)
    assert re.search(r"/hanweb-shi/module/web/jpage/dataproxy\.jsp\?startrecord=1&endrecord=45&perpage=15&", url)
    assert "columnid=" + re.search(r"/col/col(\d+)/", main_column).group(1) in url
    answer = fetch(url)
    assert answer.headers["Content-Type"].startswith("text/xml")
    total, everything = _records(answer.body)
    assert total == len(everything) > 15
    head = fetch(url.replace("endrecord=45", "endrecord=5"))
    tail = fetch(url.replace("startrecord=1", "startrecord=6").replace("endrecord=45", "endrecord=999"))
    assert _records(head.body) == (total, everything[:5])
    assert _records(tail.body) == (total, everything[5:])
    path, query = url.removeprefix(base).split("?", 1)
    posted = fetch(base + path, data=query.replace("endrecord=45", "endrecord=5").encode())
    assert _records(posted.body) == (total, everything[:5])
    for href, _ in everything:
        assert re.fullmatch(r"/hanweb-shi/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html", href)


def test_hanweb_units_have_their_own_columns_and_untitled_reports(base: str, manifest: dict[str, Any]) -> None:
    home = fetch(f"{base}/hanweb-shi/")
    disclosure_url = urljoin(base, links(home.body, "utf-8")["政府信息公开"])
    unit_links = links(fetch(disclosure_url).body, "utf-8")
    bodies = {b["id"]: b for b in manifest["bodies"]}
    townships = [r for r in reports_of(manifest, "hanweb-shi") if bodies[r["body"]]["kind"] == "township"]
    assert townships and manifest["title_lacks_body"]
    for report in townships:
        short = bodies[report["body"]]["name"].removesuffix("人民政府")
        column = urljoin(base, unit_links[short])
        assert column == report["column"] and column in portal(manifest, "hanweb-shi")["report_columns"]
        assert f"<title>政府信息公开年报_{short}_" in fetch(column).body.decode("utf-8")
        _, listed = _records(fetch(_jpage_url(base, column)).body)
        assert (report["url"].removeprefix(base), report["title"]) in listed
    untitled = [r for r in townships if r["key"] in manifest["title_lacks_body"]]
    assert untitled
    for report in untitled:
        assert re.fullmatch(r"\d{4}年政府信息公开工作年度报告", report["title"])
        page = fetch(report["url"]).body.decode("utf-8")
        assert metas(page)["ContentSource"] != report["body_name"]
        assert 'id="zoom"' in page


def test_hanweb_attachments_come_from_the_download_script(base: str, manifest: dict[str, Any]) -> None:
    report = next(r for r in reports_of(manifest, "hanweb-shi", healthy=True) if r["format"] == "docx")
    linked = report["attachments"][0]
    assert re.search(r"/module/download/downfile\.jsp\?classid=0&showname=[^&]+&filename=[0-9a-f]{32}\.docx$", linked)
    page = fetch(report["url"]).body.decode("utf-8")
    assert urljoin(base, html.fromstring(page).xpath('//p[@class="attachment"]/a/@href')[0]) == linked
    answer = fetch(linked)
    assert answer.headers["Content-Type"] == "application/octet-stream"
    assert answer.headers["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert answer.body.startswith(b"PK")
    assert zipfile.ZipFile(BytesIO(answer.body)).namelist()


# --- gkmlpt: JSON API -----------------------------------------------------------------------------------


def test_gkmlpt_columns_list_through_the_json_api(base: str, manifest: dict[str, Any]) -> None:
    column = portal(manifest, "gd-qu")["report_columns"][0]
    shell_url, column_id = column.split("#")
    shell = fetch(shell_url).body.decode("utf-8")
    config = json.loads(re.search(r"window\.GKMLPT_CONFIG = (\{.*?\});</script>", shell).group(1))
    assert {"id": int(column_id), "name": "政府信息公开年报", "parent": 0} in config["classify"]
    api = f"{base}{config['api']}{column_id}"
    first = json.loads(fetch(api).body)  # no page: the first
    assert first["page"] == 1 and first["pages"] == ceil(first["total"] / first["page_size"])
    urls = {}
    for number in range(1, first["pages"] + 1):
        answer = fetch(f"{api}?page={number}")
        assert answer.headers["Content-Type"].startswith("application/json")
        urls.update({base + a["url"]: a for a in json.loads(answer.body)["articles"]})
    assert len(urls) == first["total"]
    past = json.loads(fetch(f"{api}?page={first['pages'] + 3}").body)
    assert past["articles"] == [] and past["total"] == first["total"]
    for report in reports_of(manifest, "gd-qu"):
        article = urls[report["url"]]
        assert (article["title"], article["date"]) == (report["title"], report["publish_date"])
        a, b, post = map(int, re.search(r"/gd-qu/gkmlpt/content/(\d+)/(\d+)/post_(\d+)\.html$", report["url"]).groups())
        assert (a, b, post) == (post // 1000000, post // 1000, article["id"])


# --- Shandong: site_/channel_ paths, ?page=N list pages -----------------------------------------------------

_SD_CHANNEL = r"/sd-xian/site_[a-z]{4}/channel_[0-9a-f]{4}/"


def _pager(page: str) -> dict[str, str]:
    """The pager's live links, text -> href (links that lead nowhere are plain text)."""
    block = re.search(r'<div class="pagination">(.*?)</div>', page).group(1)
    return {text: href for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', block)}


def _sd_list(base: str, column: str) -> tuple[int, dict[str, str]]:
    """(pages, URL -> title) of a Shandong list channel, read by following 下一页 from index.html."""
    first = fetch(column)
    assert first.status == 200 and first.headers["Content-Type"] == "text/html; charset=utf-8"
    pages = int(re.search(r'<span class="total">共(\d+)页</span>', first.body.decode("utf-8")).group(1))
    listed: dict[str, str] = {}
    url, number = column, 1
    while True:
        page = fetch(url).body.decode("utf-8")
        assert f'<span class="current">{number}</span>' in page
        items = re.findall(r'<li><a href="(\./doc_[0-9a-f]{16}\.html)" title="([^"]+)" target="_blank">', page)
        assert len(items) == 8 or (number == pages and 0 < len(items) <= 8)
        listed.update({urljoin(url, href): title for href, title in items})
        pager = _pager(page)
        if number == pages:
            assert "下一页" not in pager and "尾页" not in pager
            break
        assert pager["下一页"] == f"index.html?page={number + 1}" and pager["尾页"] == f"index.html?page={pages}"
        url, number = urljoin(url, pager["下一页"]), number + 1
    return pages, listed


def test_shandong_home_leads_to_the_report_column_through_the_disclosure_channel(
    base: str, manifest: dict[str, Any]
) -> None:
    entry = portal(manifest, "sd-xian")
    assert (entry["style"], entry["encoding"], entry["report_columns_in_registry"]) == ("shandong", "utf-8", True)
    home = fetch(f"{base}/sd-xian/")
    assert home.status == 200 and home.headers["Content-Type"] == "text/html; charset=utf-8"
    disclosure_url = urljoin(base, links(home.body, "utf-8")["政府信息公开"])
    assert re.fullmatch(rf"{re.escape(base)}{_SD_CHANNEL}index\.html", disclosure_url)
    tree = links(fetch(disclosure_url).body, "utf-8")
    column_url = urljoin(disclosure_url, tree["政府信息公开年报"])
    assert re.fullmatch(rf"{re.escape(base)}{_SD_CHANNEL}index\.html", column_url)
    assert entry["report_columns"] == [column_url] != [disclosure_url]
    assert {"政府信息公开指南", "政府信息公开制度", "通知公告"} <= set(tree)


def test_shandong_list_pages_turn_by_a_page_parameter(base: str, manifest: dict[str, Any]) -> None:
    column = portal(manifest, "sd-xian")["report_columns"][0]
    pages, listed = _sd_list(base, column)
    reports = reports_of(manifest, "sd-xian")
    decoys = [url for url in manifest["decoys"] if "/sd-xian/" in url]
    assert len(decoys) == 2
    assert pages == ceil((len(reports) + len(decoys)) / 8) >= 3  # reports and decoys, 8 a page
    assert set(listed) == {r["url"] for r in reports} | set(decoys)
    for report in reports:
        assert listed[report["url"]] == report["title"] and report["column"] == column
        assert re.fullmatch(rf"{re.escape(base)}{_SD_CHANNEL}doc_[0-9a-f]{{16}}\.html", report["url"])
        assert report["url"].rsplit("/", 1)[0] == column.rsplit("/", 1)[0]  # in the channel's own folder
    first = fetch(column).body
    assert fetch(f"{column}?page=1").body == fetch(column.removesuffix("index.html")).body == first
    assert _pager(first.decode("utf-8")) == {
        **{str(n): f"index.html?page={n}" for n in range(2, min(pages, 5) + 1)},
        "下一页": "index.html?page=2",
        "尾页": f"index.html?page={pages}",
    }
    assert '<span class="disabled">首页</span><span class="disabled">上一页</span>' in first.decode("utf-8")
    second = _pager(fetch(f"{column}?page=2").body.decode("utf-8"))
    assert (second["首页"], second["上一页"], second["1"], second["下一页"]) == (
        "index.html",
        "index.html",
        "index.html",
        "index.html?page=3",
    )
    last = fetch(f"{column}?page={pages}").body
    assert fetch(f"{column.removesuffix('index.html')}?page={pages}").body == last
    for beyond in (pages + 1, 0, "x"):
        assert fetch(f"{column}?page={beyond}").status == 404
    # long titles are cut in the link text; only the title attribute has them whole
    everything = "".join(fetch(f"{column}?page={n}").body.decode("utf-8") for n in range(1, pages + 1))
    assert re.search(r'title="[^"]{29,}" target="_blank">[^<]{27}…</a>', everything)


def test_shandong_article_carries_metas_catalogue_and_article_content(base: str, manifest: dict[str, Any]) -> None:
    report = next(r for r in reports_of(manifest, "sd-xian", healthy=True) if r["format"] == "html")
    page = fetch(report["url"]).body.decode("utf-8")
    found = metas(page)
    assert found["ArticleTitle"] == report["title"]
    assert found["PubDate"] == report["meta_pubdate"] == report["publish_time"]
    assert found["ContentSource"] == report["body_name"]
    assert found["ColumnName"] == "政府信息公开年报"
    assert found["SiteName"] == portal(manifest, "sd-xian")["name"]
    assert f"<span>发布日期：{report['publish_time']}</span>" in page
    assert f"<th>发布日期：</th><td>{report['publish_date']}</td>" in page
    assert f"<th>发布机构：</th><td>{report['body_name']}</td>" in page
    content = html.fromstring(page).xpath('//div[@class="article-content"]')[0]
    assert len(content.xpath(".//table")) >= 3


def test_shandong_attachments_sit_in_the_upload_folder(base: str, manifest: dict[str, Any]) -> None:
    healthy = reports_of(manifest, "sd-xian", healthy=True)
    for fmt, kind, magic in (("pdf", "application/pdf", b"%PDF-"), ("docx", DOCX_TYPE, b"PK")):
        report = next(r for r in healthy if r["format"].endswith(fmt))
        page = fetch(report["url"]).body.decode("utf-8")
        content = html.fromstring(page).xpath('//div[@class="article-content"]')[0]
        hrefs = content.xpath('.//p[@class="attachment"]/a/@href')
        assert [urljoin(base, h) for h in hrefs] == report["attachments"]
        month = report["publish_date"][:7].replace("-", "")
        assert re.fullmatch(rf"/sd-xian/site_[a-z]{{4}}/upload/{month}/[0-9a-f]{{16}}\.{fmt}", hrefs[-1])
        answer = fetch(report["attachments"][-1])
        assert answer.headers["Content-Type"] == kind and answer.body.startswith(magic)


# --- validators ------------------------------------------------------------------------------------------


def test_every_kind_of_answer_honours_conditional_requests(base: str, manifest: dict[str, Any]) -> None:
    healthy = [r for r in manifest["reports"] if not r["faults"]]
    gkmlpt_api = f"{base}/gd-qu/gkmlpt/api/all/{portal(manifest, 'gd-qu')['report_columns'][0].split('#')[1]}?page=2"
    targets = [
        f"{base}/trs-xian/zwgk/zfxxgk/zfxxgknb/index_1.html",
        healthy[0]["url"],
        next(r for r in healthy if r["attachments"])["attachments"][0],
        _jpage_url(base, portal(manifest, "hanweb-shi")["report_columns"][0]),
        gkmlpt_api,
        portal(manifest, "sd-xian")["report_columns"][0] + "?page=2",
    ]
    for url in targets:
        first = fetch(url)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert first.status == 200 and etag.startswith('"')
        again = fetch(url)
        assert again.headers["ETag"] == etag and again.body == first.body
        assert fetch(url, headers={"If-None-Match": etag}).status == 304
        assert fetch(url, headers={"If-None-Match": f'"other", {etag}'}).status == 304
        assert fetch(url, headers={"If-Modified-Since": modified}).status == 304
        assert fetch(url, headers={"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"}).status == 200
        # If-None-Match decides when both are sent
        assert fetch(url, headers={"If-None-Match": '"other"', "If-Modified-Since": modified}).status == 200
        assert fetch(url, headers={"If-None-Match": etag}).body == b""


# --- protection, robots ----------------------------------------------------------------------------------


def test_waf_portal_never_serves_content(base: str, manifest: dict[str, Any]) -> None:
    waf = portal(manifest, "waf")
    assert waf["blocked"] == "waf_412"
    assert manifest["blocked"][0]["portal"] == "waf" and manifest["blocked"][0]["bodies"]
    for url in [waf["base_url"], *waf["report_columns"], f"{base}/waf/robots.txt"]:
        answer = fetch(url)
        assert answer.status == 412
        assert re.search(
            rb"<script[^>]*>\$_ts=window\['\$_ts'\];if\(!\$_ts\)\$_ts=window\['\$_ts'\]=\{\};", answer.body
        )
        assert "Set-Cookie" in answer.headers
    challenges = {c["mode"]: c for c in manifest["challenges"]}
    cookie = fetch(challenges["waf_521"]["url"] + "col/col1/index.html")
    assert cookie.status == 521 and b"document.cookie=" in cookie.body
    script_only = fetch(challenges["js_challenge"]["url"])
    assert script_only.status == 200
    tree = html.fromstring(script_only.body)
    for script in tree.xpath("//script"):
        script.drop_tree()
    assert tree.text_content().strip() == ""


def test_robots_disallows_the_private_path_linked_from_the_disclosure_page(base: str, manifest: dict[str, Any]) -> None:
    robots = RobotFileParser()
    robots.parse(fetch(f"{base}/robots.txt").body.decode("ascii").splitlines())
    private = manifest["robots_disallowed"]
    assert private == [f"{base}/trs-xian/private/index.html"]
    assert not robots.can_fetch("disclosure-monitor", private[0])
    disclosure = fetch(f"{base}/trs-xian/zwgk/zfxxgk/index.html").body
    assert urljoin(base, links(disclosure, "gbk")["内部工作资料（仅限内网）"]) == private[0]
    for report in manifest["reports"]:
        assert robots.can_fetch("disclosure-monitor", report["url"])


# --- failure modes ---------------------------------------------------------------------------------------


def test_manifest_names_one_url_for_each_failure_mode(manifest: dict[str, Any]) -> None:
    modes = sorted(f["mode"] for f in manifest["failures"])
    assert modes == sorted(
        ["timeout", "http_5xx", "connection_reset", "truncated", "wrong_charset", "redirect_loop", "oversize"]
    )
    by_key = {r["key"]: r for r in manifest["reports"]}
    for entry in manifest["failures"]:
        report = by_key[entry["report"]]
        assert report["faults"] == [entry["mode"]]
        assert entry["url"] in [report["url"], *report["attachments"]]


def test_timeout_url_answers_only_after_the_configured_delay(base: str, manifest: dict[str, Any]) -> None:
    url = failure(manifest, "timeout")["url"]
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        fetch(url, timeout=SLOW / 4)
    started = time.monotonic()
    answer = fetch(url, timeout=5)
    assert answer.status == 200 and time.monotonic() - started >= SLOW


def test_http_5xx_is_persistent(base: str, manifest: dict[str, Any]) -> None:
    url = failure(manifest, "http_5xx")["url"]
    assert [fetch(url).status for _ in range(3)] == [500, 500, 500]


def test_connection_reset_mid_response(base: str, manifest: dict[str, Any]) -> None:
    response = raw(base, "GET", urlsplit(failure(manifest, "connection_reset")["url"]).path)
    assert response.status == 200
    with pytest.raises((ConnectionResetError, http.client.IncompleteRead)):
        response.read()


def test_truncated_body_is_shorter_than_its_content_length(base: str, manifest: dict[str, Any]) -> None:
    response = raw(base, "GET", urlsplit(failure(manifest, "truncated")["url"]).path)
    promised = int(response.headers["Content-Length"])
    with pytest.raises(http.client.IncompleteRead) as caught:
        response.read()
    assert 0 < len(caught.value.partial) < promised


def test_wrong_charset_page_sends_gbk_declared_as_utf8_and_stays_findable(base: str, manifest: dict[str, Any]) -> None:
    entry = failure(manifest, "wrong_charset")
    report = next(r for r in manifest["reports"] if r["key"] == entry["report"])
    answer = fetch(entry["url"])
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'<meta charset="utf-8">' in answer.body
    with pytest.raises(UnicodeDecodeError):
        answer.body.decode("utf-8")
    assert report["title"] in answer.body.decode("gbk")
    assert _trs_list(base)[report["url"]] == report["title"]  # the list, in its own charset, links it


def test_redirect_loop_alternates_between_two_urls(base: str, manifest: dict[str, Any]) -> None:
    first, second = failure(manifest, "redirect_loop")["loop"]
    hops = [urlsplit(first).path]
    for _ in range(4):
        response = raw(base, "GET", hops[-1])
        assert response.status == 302
        hops.append(response.headers["Location"])
    assert hops == [urlsplit(first).path, second.removeprefix(base)] * 2 + [urlsplit(first).path]


def test_oversize_attachment_exceeds_the_size_cap(base: str, site: Site, manifest: dict[str, Any]) -> None:
    url = failure(manifest, "oversize")["url"]
    response = raw(base, "HEAD", urlsplit(url).path)
    assert response.status == 200
    assert int(response.headers["Content-Length"]) > site.size_cap == manifest["size_cap"] == 2 * 1024 * 1024
    assert fetch(url).body.startswith(b"%PDF-")


def test_faults_set_at_run_time_and_cleared(base: str, server: SamplePortal, manifest: dict[str, Any]) -> None:
    report = next(r for r in manifest["reports"] if not r["faults"])
    server.set_fault(report["key"], "http_5xx")
    assert fetch(report["url"]).status == 500
    server.set_fault(report["url"], "waf_412")
    assert fetch(report["url"]).status == 412
    server.set_fault(report["url"], None)
    assert fetch(report["url"]).status == 200
    utf8 = next(r for r in manifest["reports"] if r["portal"] == "gd-qu" and not r["faults"])
    server.set_fault(utf8["url"], "wrong_charset")
    mislabelled = fetch(utf8["url"])
    assert mislabelled.headers["Content-Type"] == "text/html; charset=utf-8"
    assert utf8["title"] in mislabelled.body.decode("gbk")
    server.clear_faults()
    assert fetch(utf8["url"]).body.decode("utf-8")
    assert fetch(failure(manifest, "http_5xx")["url"]).status == 500  # planted faults stay
    server.clear_faults(builtin=True)
    assert fetch(failure(manifest, "http_5xx")["url"]).status == 200
    with pytest.raises(ValueError, match="unknown fault mode"):
        server.set_fault(report["url"], "slow")
    with pytest.raises(ValueError, match="nothing is served"):
        server.set_fault(f"{base}/trs-xian/no/such/page.html", "http_5xx")


# --- edits -----------------------------------------------------------------------------------------------


def test_edit_changes_tables_and_etag_but_keeps_pubdate(
    site: Site, server: SamplePortal, manifest: dict[str, Any]
) -> None:
    edited = manifest["edited"][0]
    before = fetch(edited["url"])
    server.edit(edited["key"])
    try:
        after = fetch(edited["url"])
        assert after.headers["ETag"] != before.headers["ETag"] and after.body != before.body
        assert metas(after.body.decode("utf-8"))["PubDate"] == metas(before.body.decode("utf-8"))["PubDate"]
        assert fetch(edited["url"], headers={"If-None-Match": before.headers["ETag"]}).status == 200
        assert fetch(edited["url"], headers={"If-Modified-Since": before.headers["Last-Modified"]}).status == 200
    finally:
        server.revert(edited["key"])
    assert fetch(edited["url"]).headers["ETag"] == before.headers["ETag"]
    original, corrected = (
        expected_cells(site.spec(edited["key"])),
        expected_cells(site.spec(edited["key"], edited=True)),
    )
    differing = [
        f"{table}.{row}.{col}"
        for table, rows in original.items()
        for row, cols in rows.items()
        for col, cell in cols.items()
        if corrected[table][row][col] != cell
    ]
    assert differing and sorted(differing) == sorted(edited["cells"])
    assert edited["changed"] == ["tables"]
    with pytest.raises(ValueError, match="no edited version"):
        server.edit(manifest["reports"][0]["key"])


# --- ground truth ----------------------------------------------------------------------------------------


def test_registry_validates_and_matches_the_manifest(
    site: Site, base: str, manifest: dict[str, Any], database: Database
) -> None:
    registry = load_registry(site.registry_yaml(base), "sample-portal.yaml")
    assert registry.problems == []
    with database.session() as session:
        check_references(registry, session, "sample-portal.yaml")
        added = apply_registry(registry, session)
    assert added.has_changes
    registered = {body.id: body for _, body in registry.bodies}
    assert len(registered) == 30
    portals = {p.id: p for _, p in registry.portals}
    for entry in manifest["portals"]:
        given = portals[entry["id"]].report_columns
        assert given == (entry["report_columns"] if entry["report_columns_in_registry"] else [])
        assert portals[entry["id"]].base_url == entry["base_url"]
    assert portals["trs-xian"].report_columns == []
    unattributed = {u["url"] for u in manifest["unattributed"]}
    assert len(unattributed) == 1
    for report in manifest["reports"]:
        if report["url"] in unattributed:
            assert report["body"] is None
            assert all(report["body_name"] != b.name for b in registered.values())
        else:
            assert registered[report["body"]].portal == report["portal"]
            assert registered[report["body"]].first_year == 2019
    for body in registered.values():
        assert body.jurisdiction.startswith("99")


def test_manifest_records_the_planted_cases(base: str, manifest: dict[str, Any]) -> None:
    assert json.loads(json.dumps(manifest)) == manifest
    reports = {(r["body"], r["year"]): r for r in manifest["reports"]}
    for gap in manifest["missing"]:
        assert (gap["body"], gap["year"]) not in reports
    assert len(manifest["missing"]) == 2
    for report in manifest["reports"]:
        assert report["late"] == (report["publish_date"] > report["deadline"])
        assert report["template"] == ("2019" if report["year"] <= 2020 else "2021")
    assert len(manifest["late"]) == 3  # planted; every other report is on time
    government = next(r for r in manifest["reports"] if r["key"] in manifest["late"] and r["body"] == "qu-gov")
    assert government["deadline"].endswith("-03-31")
    formats = {r["format"] for r in manifest["reports"]}
    assert formats == {"html", "pdf", "docx", "html+pdf", "html+docx"}
    conflict = manifest["date_conflicts"][0]
    page = fetch(conflict["url"]).body.decode("gbk")
    assert metas(page)["PubDate"] == conflict["meta_pubdate"] != conflict["visible"]
    assert f"发布时间：{conflict['visible']}" in page
    decoy = fetch(manifest["decoys"][0])
    assert decoy.status == 200 and "年度报告" in metas(decoy.body.decode("gbk"))["ArticleTitle"]


def test_served_reports_answer_with_their_titles(base: str, server: SamplePortal, manifest: dict[str, Any]) -> None:
    before = sum(server.hits.values())
    for report in manifest["reports"]:
        if report["faults"]:
            continue
        answer = fetch(report["url"])
        encoding = "gbk" if report["portal"] == "trs-xian" else "utf-8"
        assert answer.status == 200 and report["title"] in answer.body.decode(encoding)
    assert sum(server.hits.values()) - before == sum(1 for r in manifest["reports"] if not r["faults"])
    assert server.hits["/trs-xian/private/index.html"] == 0


_ATTACHMENT = re.compile(r"/P0\d+\.(pdf|docx)$|downfile\.jsp|/attachment/0/|/upload/\d{6}/[0-9a-f]{16}\.")


def _walk(base: str, start: str, skip: set[str]) -> set[str]:
    """Every URL reachable from `start` inside its portal, the way a thorough crawler finds them: links, TRS page
    counts, Hanweb record ranges and gkmlpt API pages. Attachments and fault URLs are counted, not fetched."""
    prefix = urlsplit(start).path
    seen: set[str] = set()
    queue = [start]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        if url in skip or _ATTACHMENT.search(url):
            continue
        answer = fetch(url)
        assert answer.status == 200, url
        kind = answer.headers["Content-Type"]
        found: list[str] = []
        if kind.startswith("text/xml"):
            total, records = _records(answer.body)
            found += [href for href, _ in records]
            found += [
                re.sub(r"startrecord=1&endrecord=45", f"startrecord={s}&endrecord={s + 44}", url)
                for s in range(46, total + 1, 45)
                if "startrecord=1&" in url
            ]
        elif kind.startswith("application/json"):
            answer_json = json.loads(answer.body)
            found += [a["url"] for a in answer_json["articles"]]
            found += [f"{url.split('?')[0]}?page={n}" for n in range(2, answer_json["pages"] + 1)]
        else:
            page = answer.body.decode("gbk" if b'charset="gb2312"' in answer.body else "utf-8")
            found += re.findall(r'<a href="([^"]+)"', page)
            pages = re.search(r'createPageHTML\((\d+), 0, "index", "html"\)', page)
            found += [f"index_{n}.html" for n in range(1, int(pages.group(1)))] if pages else []
            found += [m.replace("&amp;", "&") for m in re.findall(r'var jpageUrl = "([^"]+)"', page)]
            config = re.search(r"window\.GKMLPT_CONFIG = (\{.*?\});</script>", page)
            if config:
                api = json.loads(config.group(1))
                found += [f"{api['api']}{c['id']}?page=1" for c in api["classify"]]
        for href in found:
            target = urljoin(url, href.replace("&amp;", "&")).split("#")[0]
            if urlsplit(target).path.startswith(prefix):
                queue.append(target)
    return seen


def test_page_counts_match_a_walk_of_every_portal(base: str, manifest: dict[str, Any]) -> None:
    skip = {f["url"] for f in manifest["failures"]} | set(manifest["robots_disallowed"])
    for entry in manifest["portals"]:
        if entry["blocked"]:
            continue
        walked = _walk(base, entry["base_url"], skip)
        assert len(walked - set(manifest["robots_disallowed"])) == manifest["counts"]["by_portal"][entry["id"]]["pages"]
        reports = {r["url"] for r in manifest["reports"] if r["portal"] == entry["id"]}
        attachments = {a for r in manifest["reports"] if r["portal"] == entry["id"] for a in r["attachments"]}
        assert reports | attachments <= walked


def test_docx_bytes_do_not_depend_on_the_clock(site: Site) -> None:
    report = next(r for r in site.plan.reports if r.fmt.endswith("docx"))
    data = attachment(report, site.tree.portal(report.body.portal).name, "docx")
    stamps = {info.date_time for info in zipfile.ZipFile(BytesIO(data)).infolist()}
    assert stamps == {report.published.timetuple()[:6]}


def test_same_seed_same_site_other_seed_other_site() -> None:
    first = build_site(seed=7, bodies=14, years=range(2022, 2025))
    second = build_site(seed=7, bodies=14, years=range(2022, 2025))
    other = build_site(seed=8, bodies=14, years=range(2022, 2025))
    base = "http://127.0.0.1:1"
    assert first.manifest(base) == second.manifest(base)
    assert first.registry_yaml(base) == second.registry_yaml(base)
    html_keys = [k for k, r in first.resources.items() if r.ready]
    assert html_keys and all(first.resources[k].etag == second.resources[k].etag for k in html_keys)
    assert other.manifest(base)["reports"] != first.manifest(base)["reports"]
    assert report_spec(first.plan.reports[0], "x") == report_spec(second.plan.reports[0], "x")


def test_pages_scale_grows_the_site_past_two_thousand_pages(manifest: dict[str, Any]) -> None:
    assert 250 <= manifest["counts"]["pages"] < 600  # a full crawl at scale 1 stays a few hundred requests
    scaled = build_site(seed=1, pages_scale=8).manifest("http://127.0.0.1:1")
    assert scaled["counts"]["pages"] >= 2000
    same = ("key", "title", "publish_time", "format", "faults")
    plain = build_site(seed=1).manifest("http://127.0.0.1:1")["reports"]
    assert [[r[k] for k in same] for r in scaled["reports"]] == [[r[k] for k in same] for r in plain]


def test_started_server_answers_on_a_free_port_and_stops(site: Site) -> None:
    server = SamplePortal(site)
    base = server.start()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base)
    assert fetch(f"{base}/robots.txt").status == 200
    server.stop()
    with pytest.raises(urllib.error.URLError):
        fetch(f"{base}/robots.txt", timeout=1)


def test_unknown_paths_and_columns_answer_404(base: str) -> None:
    assert fetch(f"{base}/trs-xian/no/such/page.html").status == 404
    assert fetch(f"{base}/hanweb-shi/module/web/jpage/dataproxy.jsp?{urlencode({'columnid': 1})}").status == 404
