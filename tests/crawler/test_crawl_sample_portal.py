"""The harvest against the sample portal, compared with the manifest its generator wrote.

One crawl finds every report, a second one downloads nothing again, and after the portal edits a
report a third one adds exactly one version. The crawls run through the `disclosure` command in a
subprocess (the Twisted reactor runs once per process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from crawler.evidence import read_warc_urls
from db.models import CrawlRun, DiscoveredLink, Fetch, FetchOutcome, Portal, Report, ReportVersion
from db.session import Database
from demo.portal import SamplePortal, build_site
from demo.portal.content import DOCX_TYPE
from demo.portal.site import Site

CRAWL_SETTINGS = [
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=0",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "DOWNLOAD_TIMEOUT=4",
    "RETRY_TIMES=1",
    f"DOWNLOAD_MAXSIZE={2 * 1024 * 1024}",
    "LOG_LEVEL=WARNING",
]
# What each planted failure must be recorded as.
OUTCOMES = {
    "timeout": {"timeout"},
    "http_5xx": {"http_error"},
    "connection_reset": {"connection_error", "truncated"},
    "truncated": {"truncated"},
    "redirect_loop": {"redirect_loop"},
    "oversize": {"oversize"},
}


@dataclass
class Harvest:
    server: SamplePortal
    manifest: dict[str, Any]
    data_dir: Path
    env: dict[str, str]
    database: Database
    runs: dict[str, list[int]]  # stage -> crawl run ids
    snapshot: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)  # reports after the first crawl
    edited: dict[str, Any] = field(default_factory=dict)  # the manifest's edited report, once edited

    def crawl(self, stage: str) -> None:
        exe = str(Path(sys.executable).parent / "disclosure")
        args = [exe, "crawl", *[part for s in CRAWL_SETTINGS for part in ("--set", s)]]
        before = self._max_run()
        result = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert "Traceback" not in result.stderr
        assert " INFO: " not in result.stderr  # Scrapy's log goes to its file, named at the end
        log = Path(result.stdout.rsplit("Scrapy's log of this crawl: ", 1)[1].split()[0])
        assert log.parent == self.data_dir / "logs" and "Traceback" not in log.read_text(encoding="utf-8")
        with self.database.session() as s:
            self.runs[stage] = list(s.scalars(select(CrawlRun.id).where(CrawlRun.id > before)))

    def _max_run(self) -> int:
        with self.database.session() as s:
            return s.scalar(select(func.max(CrawlRun.id))) or 0


def serve_and_register(work: Path, site: Site) -> Harvest:
    """Serve `site`, register its portals in a fresh database under `work`: what an operator does."""
    site.render_all()
    server = SamplePortal(site, slow_seconds=8.0)
    base = server.start()
    (work / "registry.yaml").write_text(site.registry_yaml(base), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSURE_") or k.startswith("DISCLOSURE_TEST")}
    env["DISCLOSURE_DATA_DIR"] = str(work / "var")
    exe = str(Path(sys.executable).parent / "disclosure")
    for args in (["db", "upgrade"], ["registry", "import", str(work / "registry.yaml")]):
        subprocess.run([exe, *args], env=env, check=True, capture_output=True)
    database = Database(f"sqlite:///{work / 'var' / 'disclosure.db'}")
    return Harvest(server, site.manifest(base), work / "var", env, database, {})


@pytest.fixture(scope="module")
def harvest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harvest]:
    result = serve_and_register(tmp_path_factory.mktemp("harvest"), build_site(seed=1))
    result.crawl("first")
    result.snapshot = _reports(result.database)
    result.crawl("second")
    result.edited = result.manifest["edited"][0]
    result.server.edit(result.edited["key"])
    result.crawl("edited")
    yield result
    result.server.stop()
    result.database.dispose()


def _reports(database: Database) -> dict[tuple[str, int], dict[str, Any]]:
    with database.session() as s:
        return {
            (r.body_id, r.year): {
                "url": r.url,
                "publish_date": r.publish_date.isoformat() if r.publish_date else None,
                "source": r.publish_date_source,
                "candidates": r.publish_date_candidates,
                "versions": len(r.versions),
                "first_seen": r.first_seen,
                "sha": r.document.sha256 if r.document else None,
            }
            for r in s.scalars(select(Report))
        }


def _failed_reports(manifest: dict[str, Any]) -> set[str]:
    return {f["report"] for f in manifest["failures"] if f["mode"] != "wrong_charset"}


def test_every_report_is_found_once_with_body_year_and_date(harvest: Harvest) -> None:
    assert_found_as_in_manifest(harvest.snapshot, harvest.manifest)


def test_a_portal_never_seen_before_is_crawled_by_registering_it_alone(tmp_path: Path) -> None:
    """Another seed draws other bodies, names, columns, page numbers, formats and faults in the same
    documented styles; registering it is all it takes."""
    unseen = serve_and_register(tmp_path, build_site(seed=20261128, bodies=18, years=range(2020, 2025)))
    try:
        unseen.crawl("first")
        assert_found_as_in_manifest(_reports(unseen.database), unseen.manifest)
    finally:
        unseen.server.stop()
        unseen.database.dispose()


def assert_found_as_in_manifest(found: dict[tuple[str, int], dict[str, Any]], manifest: dict[str, Any]) -> None:
    failed = _failed_reports(manifest)
    conflicts = {c["key"]: c for c in manifest["date_conflicts"]}
    expected = {(r["body"], r["year"]): r for r in manifest["reports"] if r["body"] and r["key"] not in failed}
    assert set(found) == set(expected)
    for key, report in expected.items():
        got = found[key]
        assert got["url"] == report["url"], key
        assert got["versions"] == 1, key
        if report["key"] in conflicts:
            # The page's metadata and its visible date disagree: the metadata is trusted, both are kept.
            assert (got["publish_date"], got["source"]) == (report["meta_pubdate"][:10], "meta")
            assert report["publish_date"] in {c["date"] for c in got["candidates"]}
        else:
            assert got["publish_date"] == report["publish_date"], key


def test_the_shandong_report_column_is_read_page_by_page_through_its_page_parameter(harvest: Harvest) -> None:
    """The Shandong-style site lists its reports on index.html, index.html?page=2, …: the crawl (profile `auto`)
    reads every page of the column once and finds the reports listed on each."""
    manifest = harvest.manifest
    column = next(p for p in manifest["portals"] if p["id"] == "sd-xian")["report_columns"][0]
    listed = [r for r in manifest["reports"] if r["portal"] == "sd-xian"]
    decoys = [url for url in manifest["decoys"] if "/sd-xian/" in url]
    pages = -(-(len(listed) + len(decoys)) // 8)
    assert pages == 4
    with harvest.database.session() as s:
        fetched = list(
            s.scalars(
                select(Fetch.url).where(
                    Fetch.crawl_run_id.in_(harvest.runs["first"]), Fetch.kind == "list", Fetch.url.startswith(column)
                )
            )
        )
    assert sorted(fetched) == [column, *(f"{column}?page={n}" for n in range(2, pages + 1))]
    failed = _failed_reports(manifest)
    found = {key: report["url"] for key, report in harvest.snapshot.items()}
    expected = {(r["body"], r["year"]): r["url"] for r in listed if r["key"] not in failed}
    assert len(expected) == len(listed) - 1  # the redirect loop planted on it
    assert {key: url for key, url in found.items() if key in expected} == expected


def test_unattributed_links_are_kept_for_the_operator(harvest: Harvest) -> None:
    with harvest.database.session() as s:
        links = [(d.url, d.reason, d.body_id, d.year) for d in s.scalars(select(DiscoveredLink))]
    assert {(url, reason) for url, reason, _, _ in links if reason != "not_fetched"} == {
        (u["url"], "no_body") for u in harvest.manifest["unattributed"]
    }
    # A listed report that could not be fetched is kept with its body and year: "not fetched", not "missing".
    failed = _failed_reports(harvest.manifest)
    expected = {(r["url"], r["body"], r["year"]) for r in harvest.manifest["reports"] if r["key"] in failed}
    assert {(url, body, year) for url, reason, body, year in links if reason == "not_fetched"} == expected
    # The command filters them like reports.
    _, body, year = sorted(expected)[0]
    exe = str(Path(sys.executable).parent / "disclosure")
    for option, value in (("--body", body), ("--year", str(year))):
        args = [exe, "reports", "--unattributed", "--json", option, value]
        listed = json.loads(subprocess.run(args, env=harvest.env, capture_output=True, text=True, check=True).stdout)
        assert listed and {str(link[option[2:]]) for link in listed} == {value}


def test_every_failure_mode_ends_in_its_recorded_state(harvest: Harvest) -> None:
    first = harvest.runs["first"]
    with harvest.database.session() as s:
        for failure in harvest.manifest["failures"]:
            outcomes = set(
                s.scalars(
                    select(Fetch.outcome).where(Fetch.crawl_run_id.in_(first), Fetch.url.startswith(failure["url"]))
                )
            )
            if failure["mode"] == "wrong_charset":
                assert outcomes == {FetchOutcome.OK}
            else:
                assert {str(o) for o in outcomes} & OUTCOMES[failure["mode"]], failure


def test_runs_end_in_their_states_and_the_waf_portal_is_blocked(harvest: Harvest) -> None:
    blocked = {b["portal"] for b in harvest.manifest["blocked"]}
    with harvest.database.session() as s:
        runs = {
            r.portal_id: str(r.status)
            for r in s.scalars(select(CrawlRun).where(CrawlRun.id.in_(harvest.runs["first"])))
        }
    assert {p for p, status in runs.items() if status == "blocked"} == blocked
    assert all(status == "partial" for p, status in runs.items() if p not in blocked)  # each has planted failures


def test_robots_txt_is_obeyed(harvest: Harvest) -> None:
    for url in harvest.manifest["robots_disallowed"]:
        path = url.split("127.0.0.1", 1)[1].split("/", 1)[1]
        assert harvest.server.hits.get("/" + path, 0) == 0


def test_the_discovered_column_is_cached_on_the_portal(harvest: Harvest) -> None:
    discovered = [p for p in harvest.manifest["portals"] if not p["report_columns_in_registry"]]
    with harvest.database.session() as s:
        for portal in discovered:
            assert s.get(Portal, portal["id"]).discovered_columns == portal["report_columns"]


def test_every_response_is_in_the_warc_evidence(harvest: Harvest) -> None:
    warcs = list((harvest.data_dir / "warc").rglob("*.warc.gz"))
    archived = {uri for path in warcs for kind, uri in read_warc_urls(path) if kind == "response"}
    with harvest.database.session() as s:
        fetched = set(
            s.scalars(
                select(Fetch.url).where(Fetch.crawl_run_id.in_(harvest.runs["first"]), Fetch.status_code.is_not(None))
            )
        )
    assert fetched <= archived
    assert any(u.endswith(".pdf") for u in archived)


def test_a_recrawl_of_an_unchanged_portal_downloads_no_document(harvest: Harvest) -> None:
    second = harvest.runs["second"]
    with harvest.database.session() as s:
        downloads = s.scalar(
            select(func.count())
            .select_from(Fetch)
            .where(
                Fetch.crawl_run_id.in_(second),
                Fetch.outcome == FetchOutcome.OK,
                Fetch.kind.in_(["article", "attachment"]),
            )
        )
        not_modified = s.scalar(
            select(func.count())
            .select_from(Fetch)
            .where(Fetch.crawl_run_id.in_(second), Fetch.outcome == FetchOutcome.NOT_MODIFIED)
        )
        versions_after_second = s.scalar(
            select(func.count())
            .select_from(ReportVersion)
            .where(
                ReportVersion.first_seen
                < select(func.min(Fetch.fetched_at))
                .where(Fetch.crawl_run_id.in_(harvest.runs["edited"]))
                .scalar_subquery()
            )
        )
    assert downloads == 0
    assert not_modified > 200
    assert versions_after_second == len(harvest.snapshot)


def test_an_edited_report_gets_exactly_one_new_version_and_keeps_the_old(harvest: Harvest) -> None:
    edited = harvest.edited
    now = _reports(harvest.database)
    changed = {key for key, report in now.items() if report["versions"] > 1}
    body, year = edited["key"].split("/")
    assert changed == {(body, int(year))}
    with harvest.database.session() as s:
        report = s.scalar(select(Report).where(Report.body_id == body, Report.year == int(year)))
        assert report is not None
        first, second = report.versions
        assert first.first_seen < second.first_seen
        assert report.current_version_id == second.id
        assert first.content_sha256 != second.content_sha256
        assert first.parsed != second.parsed


def test_nothing_stored_before_is_lost_when_pages_fail_later(harvest: Harvest) -> None:
    before = harvest.snapshot
    after = _reports(harvest.database)
    assert set(before) <= set(after)
    for key, report in before.items():
        assert after[key]["first_seen"] == report["first_seen"]
        assert after[key]["url"] == report["url"]


def test_reports_command_lists_the_contract_fields(harvest: Harvest) -> None:
    exe = str(Path(sys.executable).parent / "disclosure")
    out = subprocess.run([exe, "reports", "--json"], env=harvest.env, capture_output=True, text=True, check=True).stdout
    rows = json.loads(out)
    assert len(rows) == len(_reports(harvest.database))
    contract = {
        "body",
        "year",
        "title",
        "url",
        "publish_date",
        "publish_date_source",
        "first_seen",
        "last_seen",
        "sha256",
        "media_type",
        "template",
        "problems",
    }
    assert all(contract <= set(row) for row in rows)
    assert {row["template"] for row in rows} == {"2019", "2021"}
    # A report's document has the type of what it is, though Hanweb serves its PDFs as octet-stream.
    formats = {"html": "text/html", "pdf": "application/pdf", "docx": DOCX_TYPE}
    expected = {(r["body"], r["year"]): r["format"] for r in harvest.manifest["reports"] if r["body"]}
    for row in rows:
        fmt = expected.get((row["body"], row["year"]))
        if fmt in formats:  # a page with an attachment stores the file holding the tables
            assert row["media_type"].split(";")[0] == formats[fmt], row


def test_a_portal_showing_the_earlier_content_again_makes_it_current_again(harvest: Harvest) -> None:
    """Last in this module: it changes the portal. The edit is undone on the portal; the next crawl
    makes the first version current again and counts the report as changed, keeping both versions."""
    body, year = harvest.edited["key"].split("/")
    harvest.server.revert(harvest.edited["key"])
    harvest.crawl("reverted")
    with harvest.database.session() as s:
        report = s.scalar(select(Report).where(Report.body_id == body, Report.year == int(year)))
        assert report is not None
        first, second = report.versions
        assert report.current_version_id == first.id and report.parsed == first.parsed
        assert second.last_seen < first.last_seen
        runs = s.scalars(select(CrawlRun).where(CrawlRun.id.in_(harvest.runs["reverted"]))).all()
        assert sum(r.stats.get("changed_reports", 0) for r in runs) == 1
    harvest.crawl("again")  # both contents are known, the portal shows the first: nothing changes
    with harvest.database.session() as s:
        runs = s.scalars(select(CrawlRun).where(CrawlRun.id.in_(harvest.runs["again"]))).all()
        assert sum(r.stats.get("changed_reports", 0) for r in runs) == 0
