"""`disclosure check --changed`: which bodies count as changed since the last check."""

from __future__ import annotations

from datetime import timedelta

from db.models import Body, Portal, RunStatus
from db.session import Database
from monitor.checks import changed_bodies, last_check, run_checks
from tests.monitor.builders import NOW, add_report, crawled, registry, spec

EARLIER = NOW - timedelta(days=10)
SINCE = NOW - timedelta(days=1)


def test_new_versions_reseen_reports_and_crawled_portals_count_as_changed(database: Database) -> None:
    registry(database, {"a": "department", "b": "department", "c": "township"})
    with database.session() as s:
        s.add(Portal(id="q", name="某乡网站", base_url="http://127.0.0.1:9/q/"))
        s.flush()
        body = s.get(Body, "c")
        assert body is not None
        body.portal_id = "q"
    reports = {body: spec(n, 2022) for n, body in enumerate("abc")}
    for body, report in reports.items():
        add_report(database, body, report, seen=EARLIER)
    assert changed_bodies(database, SINCE) == set()

    add_report(database, "a", spec(10, 2022), seen=NOW)  # a new version: first seen now
    assert changed_bodies(database, SINCE) == {"a"}

    add_report(database, "b", reports["b"], seen=NOW)  # the same content seen again: last seen now
    assert changed_bodies(database, SINCE) == {"a", "b"}

    crawled(database, RunStatus.OK, NOW, portal="q")  # c's portal was crawled, finding nothing new
    assert changed_bodies(database, SINCE) == {"a", "b", "c"}
    assert changed_bodies(database, NOW + timedelta(seconds=1)) == set()


def test_only_checks_that_left_nothing_unevaluated_move_the_last_check(database: Database) -> None:
    registry(database, {"a": "department", "b": "department"})
    assert last_check(database) is None
    run_checks(database, now=EARLIER)  # full
    assert last_check(database) == EARLIER
    run_checks(database, bodies={"a"}, now=EARLIER + timedelta(days=1))  # chosen bodies: b's changes unseen
    run_checks(database, years={2022}, now=EARLIER + timedelta(days=2))  # one year only
    assert last_check(database) == EARLIER
    changed = EARLIER + timedelta(days=3)
    run_checks(database, bodies=changed_bodies(database, EARLIER), now=changed, changed_since=EARLIER)
    assert last_check(database) == changed
