"""The flag lifecycle: raised once, acknowledged, resolved by a correction, reopened, dismissed for a reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.models import Flag, FlagEvent, FlagStatus
from db.session import Database
from monitor.checks import run_checks
from monitor.flags import FlagError, change_status
from monitor.rules.empty_table import EmptyTable
from tests.monitor.builders import NOW, add_report, registry, spec

RULES = [EmptyTable()]


@pytest.fixture
def world(database: Database) -> Database:
    registry(database, {"a": "department"})
    add_report(database, "a", spec(1, 2022, blank="all", blank_table="applications"))
    return database


def state(database: Database) -> tuple[FlagStatus, list[tuple[str | None, str, str]]]:
    with database.session() as s:
        flag = s.scalars(select(Flag)).one()
        return flag.status, [(e.from_status, e.to_status, e.actor) for e in flag.events]


def test_a_second_evaluation_changes_nothing(world: Database) -> None:
    first = run_checks(world, now=NOW, rules=RULES)
    second = run_checks(world, now=NOW + timedelta(hours=1), rules=RULES)
    assert sum(first.changes.opened.values()) == 1
    assert not second.changes.changed
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(Flag)) == 1
        assert s.scalar(select(func.count()).select_from(FlagEvent)) == 1


def test_acknowledged_then_resolved_by_a_corrected_report(world: Database) -> None:
    run_checks(world, now=NOW, rules=RULES)
    with world.session() as s:
        change_status(s, 1, "ack", by="张三", note="asked the bureau", now=NOW)
    add_report(world, "a", spec(1, 2022), seen=NOW + timedelta(days=5))  # the corrected report, a new version
    summary = run_checks(world, now=NOW + timedelta(days=5), rules=RULES)
    assert dict(summary.changes.resolved) == {"EMPTY_TABLE": 1}
    assert state(world) == (
        FlagStatus.RESOLVED,
        [(None, "open", "system"), ("open", "acknowledged", "张三"), ("acknowledged", "resolved", "system")],
    )


def test_a_resolved_flag_found_again_reopens_with_the_reason(world: Database) -> None:
    run_checks(world, now=NOW, rules=RULES)
    add_report(world, "a", spec(1, 2022), seen=NOW + timedelta(days=1))
    run_checks(world, now=NOW + timedelta(days=1), rules=RULES)
    add_report(
        world, "a", spec(1, 2022, blank="all", blank_table="applications", size="small"), seen=NOW + timedelta(days=2)
    )
    summary = run_checks(world, now=NOW + timedelta(days=2), rules=RULES)
    assert dict(summary.changes.reopened) == {"EMPTY_TABLE": 1}
    status, events = state(world)
    assert status == FlagStatus.OPEN and events[-1] == ("resolved", "open", "system")


def test_a_dismissal_holds_until_the_report_changes(world: Database) -> None:
    run_checks(world, now=NOW, rules=RULES)
    with world.session() as s:
        change_status(s, 1, "dismiss", by="李四", note="the bureau had no applications and says so in 三", now=NOW)
    assert not run_checks(world, now=NOW + timedelta(days=1), rules=RULES).changes.changed
    assert state(world)[0] == FlagStatus.DISMISSED
    add_report(world, "a", spec(7, 2022, blank="all", blank_table="applications"), seen=NOW + timedelta(days=3))
    run_checks(world, now=NOW + timedelta(days=3), rules=RULES)
    status, events = state(world)
    assert status == FlagStatus.OPEN
    assert events[-1] == ("dismissed", "open", "system")
    with world.session() as s:
        assert "the report changed" in s.scalars(select(FlagEvent).order_by(FlagEvent.id.desc())).first().note


@pytest.mark.parametrize(
    ("action", "by", "note", "error"),
    [
        ("dismiss", "王五", "", "needs its reason"),
        ("ack", "", "", "say who you are"),
        ("reopen", "王五", "", "applies to"),
        ("delete", "王五", "x", "unknown action"),
        ("ack", " System ", "", "the checks' own name"),
    ],
)
def test_person_changes_are_checked(world: Database, action: str, by: str, note: str, error: str) -> None:
    run_checks(world, now=NOW, rules=RULES)
    with pytest.raises(FlagError, match=error), world.session() as s:
        change_status(s, 1, action, by=by, note=note, now=NOW)


def test_every_flag_records_its_rule_version(world: Database) -> None:
    run_checks(world, now=datetime(2026, 1, 1, tzinfo=UTC), rules=RULES)
    with world.session() as s:
        assert s.scalars(select(Flag.rule_version)).one() == EmptyTable.version
