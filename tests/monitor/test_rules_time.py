"""Rules about time: missing and late reports, backdating, edits after publication."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from db.models import CrawlRun, DiscoveredLink, Fetch, FetchOutcome, Flag, RunStatus
from db.session import Database
from monitor.checks import run_checks
from monitor.context import CheckSettings
from monitor.deadlines import CHINA_TZ
from monitor.rules.edited_after_publication import EditedAfterPublication
from monitor.rules.late_report import LateReport
from monitor.rules.missing_report import MissingReport
from monitor.rules.report_not_fetched import ReportNotFetched
from monitor.rules.unreachable_portal import UnreachablePortal
from tests.monitor.builders import NOW, add_report, crawled, edit_tables, registry, spec


@pytest.fixture
def world(database: Database) -> Database:
    registry(database, {"dept": "department", "gov": "government"}, first_year=2023)
    return database


def open_flags(
    database: Database, *rules: object, now: datetime = NOW, settings: CheckSettings | None = None
) -> set[tuple[str, str, int, str]]:
    run_checks(database, now=now, rules=list(rules), settings=settings)  # type: ignore[arg-type]
    codes = [r.code for r in rules]  # type: ignore[attr-defined]
    with database.session() as s:
        found = s.scalars(select(Flag).where(Flag.rule.in_(codes), Flag.status == "open"))
        return {(f.rule, f.body_id, f.year, f.subject) for f in found}


def test_the_deadline_day_is_on_time_the_next_day_is_late(world: Database) -> None:
    add_report(world, "dept", spec(1, 2024), published=date(2025, 1, 31))  # department: 31 January
    add_report(world, "gov", spec(2, 2024), published=date(2025, 4, 1))  # government: 31 March
    add_report(world, "dept", spec(3, 2023), published=date(2024, 2, 1))
    add_report(world, "gov", spec(4, 2023), published=date(2024, 3, 31))
    assert open_flags(world, LateReport()) == {("LATE_REPORT", "gov", 2024, ""), ("LATE_REPORT", "dept", 2023, "")}
    with world.session() as s:
        flag = s.scalars(select(Flag).where(Flag.body_id == "gov")).one()
    assert flag.evidence["days_late"] == 1
    assert flag.evidence["deadline"]["due"] == "2025-03-31"
    assert "第四十九条" in flag.evidence["deadline"]["source"]


def test_a_late_date_contradicted_by_an_on_time_date_is_flagged_for_a_person_to_decide(world: Database) -> None:
    visible = {"date": "2025-01-22", "source": "catalogue", "raw": "2025-01-22"}
    add_report(world, "dept", spec(1, 2024), published=date(2025, 7, 19), also_dated=[visible])
    assert open_flags(world, LateReport()) == {("LATE_REPORT", "dept", 2024, "")}
    with world.session() as s:
        flag = s.scalars(select(Flag)).one()
    assert (str(flag.severity), flag.evidence["date_conflict"], flag.evidence["days_late"]) == ("medium", True, 169)
    assert "catalogue says 2025-01-22" in flag.message


def test_a_report_dated_on_time_but_first_seen_after_earlier_crawls_missed_it(world: Database) -> None:
    deadline_passed = datetime(2025, 2, 1, 0, 0, tzinfo=CHINA_TZ)
    run = crawled(world, RunStatus.OK, deadline_passed + timedelta(days=3))
    with world.session() as s:
        s.add(
            Fetch(
                crawl_run_id=run,
                portal_id="p",
                url="http://127.0.0.1:9/nb/index.html",
                outcome=FetchOutcome.OK,
                fetched_at=deadline_passed + timedelta(days=3),
                kind="list",
                sha256="0" * 64,
                status_code=200,
            )
        )
    add_report(world, "dept", spec(5, 2024), published=date(2025, 1, 20), seen=deadline_passed + timedelta(days=40))
    # Same dates, but nobody looked before it appeared: nothing proves it was absent.
    add_report(world, "gov", spec(6, 2024), published=date(2025, 1, 20), seen=deadline_passed + timedelta(days=40))
    world_flags = open_flags(world, LateReport())
    assert ("LATE_REPORT", "dept", 2024, "backdated") in world_flags
    with world.session() as s:
        flag = s.scalars(select(Flag).where(Flag.subject == "backdated", Flag.body_id == "dept")).one()
    assert flag.evidence["absent_in"][0]["url"] == "http://127.0.0.1:9/nb/index.html"
    assert flag.evidence["publish_date"] == "2025-01-20"


def test_the_crawl_that_first_finds_a_report_is_no_proof_of_its_absence(world: Database) -> None:
    """A first crawl long after the deadline fetches the list page, then stores the report it lists."""
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    with world.session() as s:
        run = CrawlRun(portal_id="p", status=RunStatus.OK, started_at=start, finished_at=start + timedelta(minutes=5))
        s.add(run)
        s.flush()
        s.add(
            Fetch(
                crawl_run_id=run.id,
                portal_id="p",
                url="http://127.0.0.1:9/nb/index.html",
                outcome=FetchOutcome.OK,
                fetched_at=start + timedelta(seconds=10),
                kind="list",
                sha256="0" * 64,
                status_code=200,
            )
        )
    add_report(world, "dept", spec(5, 2024), published=date(2025, 1, 20), seen=start + timedelta(minutes=1))
    assert open_flags(world, LateReport(), now=datetime(2026, 11, 2, tzinfo=UTC)) == set()


def test_missing_report_needs_a_crawl_after_the_deadline(world: Database) -> None:
    add_report(world, "dept", spec(7, 2023), published=date(2024, 1, 10))
    now = datetime(2025, 6, 1, tzinfo=UTC)
    assert open_flags(world, MissingReport(), now=now) == set()  # never looked
    crawled(world, RunStatus.PARTIAL, datetime(2025, 5, 1, tzinfo=UTC))
    assert open_flags(world, MissingReport(), now=now) == {
        ("MISSING_REPORT", "dept", 2024, ""),
        ("MISSING_REPORT", "gov", 2023, ""),
        ("MISSING_REPORT", "gov", 2024, ""),
    }


def test_grace_days_delay_a_missing_report_flag(world: Database) -> None:
    crawled(world, RunStatus.OK, datetime(2025, 2, 20, tzinfo=UTC))
    now = datetime(2025, 2, 21, tzinfo=UTC)
    assert ("MISSING_REPORT", "dept", 2024, "") in open_flags(world, MissingReport(), now=now)
    assert ("MISSING_REPORT", "dept", 2024, "") not in open_flags(
        world, MissingReport(), now=now, settings=CheckSettings(missing_grace_days=30)
    )


def test_a_blocked_portal_is_unreachable_not_a_missing_report(world: Database) -> None:
    now = datetime(2025, 6, 1, tzinfo=UTC)
    crawled(world, RunStatus.OK, datetime(2025, 5, 1, tzinfo=UTC))
    crawled(world, RunStatus.BLOCKED, datetime(2025, 5, 20, tzinfo=UTC))
    assert open_flags(world, MissingReport(), UnreachablePortal(), now=now) == {
        ("UNREACHABLE_PORTAL", "dept", 2023, ""),
        ("UNREACHABLE_PORTAL", "dept", 2024, ""),
        ("UNREACHABLE_PORTAL", "gov", 2023, ""),
        ("UNREACHABLE_PORTAL", "gov", 2024, ""),
    }


@pytest.mark.parametrize("unfinished", [RunStatus.CANCELLED, RunStatus.FAILED, RunStatus.RUNNING])
def test_a_run_that_did_not_finish_changes_neither_verdict(world: Database, unfinished: RunStatus) -> None:
    """An interrupted crawl after a blocked one: the portal is still unreachable, nothing is missing."""
    now = datetime(2025, 6, 1, tzinfo=UTC)
    crawled(world, RunStatus.OK, datetime(2025, 5, 1, tzinfo=UTC))
    crawled(world, RunStatus.BLOCKED, datetime(2025, 5, 20, tzinfo=UTC))
    crawled(world, unfinished, datetime(2025, 5, 25, tzinfo=UTC))
    assert open_flags(world, MissingReport(), UnreachablePortal(), now=now) == {
        ("UNREACHABLE_PORTAL", body, year, "") for body in ("dept", "gov") for year in (2023, 2024)
    }


def test_a_missing_report_stands_while_the_portal_cannot_be_looked_at(world: Database) -> None:
    """Blocked after a look that found nothing: the MISSING_REPORT flags are neither resolved nor reopened
    (the audit trail shows no resolution the portal did not earn); UNREACHABLE_PORTAL joins them."""
    missing = {("MISSING_REPORT", body, year, "") for body in ("dept", "gov") for year in (2023, 2024)}
    crawled(world, RunStatus.OK, datetime(2025, 5, 1, tzinfo=UTC))
    assert open_flags(world, MissingReport(), UnreachablePortal(), now=datetime(2025, 5, 2, tzinfo=UTC)) == missing
    crawled(world, RunStatus.BLOCKED, datetime(2025, 5, 20, tzinfo=UTC))
    unreachable = {("UNREACHABLE_PORTAL", b, y, "") for _, b, y, _ in missing}
    assert open_flags(world, MissingReport(), UnreachablePortal(), now=datetime(2025, 5, 21, tzinfo=UTC)) == (
        missing | unreachable
    )
    crawled(world, RunStatus.OK, datetime(2025, 6, 1, tzinfo=UTC))
    assert open_flags(world, MissingReport(), UnreachablePortal(), now=datetime(2025, 6, 2, tzinfo=UTC)) == missing
    with world.session() as s:
        flags = s.scalars(select(Flag).where(Flag.rule == "MISSING_REPORT")).all()
        assert {tuple(e.to_status for e in f.events) for f in flags} == {("open",)}


def test_a_listed_report_that_could_not_be_fetched_is_not_called_missing(world: Database) -> None:
    now = datetime(2025, 6, 1, tzinfo=UTC)
    run = crawled(world, RunStatus.PARTIAL, datetime(2025, 5, 1, tzinfo=UTC))
    add_report(world, "gov", spec(5, 2023), published=date(2024, 3, 1))
    with world.session() as s:
        for body, year in (("dept", 2024), ("gov", 2023)):  # gov 2023 was fetched before: no flag
            s.add(
                DiscoveredLink(
                    portal_id="p",
                    url=f"http://127.0.0.1:9/{body}/{year}.html",
                    title=f"{body}局{year}年政府信息公开工作年度报告",
                    reason="not_fetched",
                    body_id=body,
                    year=year,
                    first_seen=now,
                    last_seen=now,
                    crawl_run_id=run,
                )
            )
    assert open_flags(world, MissingReport(), ReportNotFetched(), UnreachablePortal(), now=now) == {
        ("REPORT_NOT_FETCHED", "dept", 2024, ""),
        ("MISSING_REPORT", "dept", 2023, ""),
        ("MISSING_REPORT", "gov", 2024, ""),
    }
    with world.session() as s:
        flag = s.scalars(select(Flag).where(Flag.rule == "REPORT_NOT_FETCHED")).one()
    assert flag.evidence["links"][0]["url"] == "http://127.0.0.1:9/dept/2024.html"


def test_an_edit_after_publication_and_deadline(world: Database) -> None:
    original = spec(8, 2024, size="small")
    add_report(world, "dept", original, published=date(2025, 1, 15), seen=datetime(2025, 1, 16, tzinfo=UTC))
    edited = edit_tables(original, "applications", "granted", "natural_person", "99")
    add_report(world, "dept", edited, published=date(2025, 1, 15), seen=datetime(2025, 3, 2, tzinfo=UTC))
    # An edit before the deadline is the body's right.
    early = spec(9, 2024, size="small")
    add_report(world, "gov", early, published=date(2025, 1, 15), seen=datetime(2025, 1, 16, tzinfo=UTC))
    add_report(
        world,
        "gov",
        edit_tables(early, "applications", "granted", "natural_person", "98"),
        published=date(2025, 1, 15),
        seen=datetime(2025, 3, 20, tzinfo=UTC),
    )
    assert open_flags(world, EditedAfterPublication()) == {("EDITED_AFTER_PUBLICATION", "dept", 2024, "")}
    with world.session() as s:
        flag = s.scalars(select(Flag)).one()
    change = flag.evidence["cells_changed"]
    assert {
        "cell": "applications.granted.natural_person",
        "before": original.tables["applications"]["granted"]["natural_person"],
        "after": "99",
    } in change
    assert flag.evidence["before"]["sha256"] != flag.evidence["after"]["sha256"]
