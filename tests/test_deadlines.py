"""The deadline calendar: defaults by kind, the 2007 rule, overrides with their notice, the deadline day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from db.models import Body, BodyKind
from monitor.deadlines import CHINA_TZ, DeadlineCalendar, OverrideRule, load_default_rules, parse_mmdd
from monitor.expectations import expected_years

# 神池县 (140927) under 忻州市 (140900) under 山西省 (140000), with 太平庄乡 (140927201) below.
PARENTS = {"140000": None, "140900": "140000", "140927": "140900", "140927201": "140927", "141181": "141100"}


@pytest.fixture
def calendar() -> DeadlineCalendar:
    return DeadlineCalendar(load_default_rules(), parents=PARENTS)


@pytest.mark.parametrize(
    ("kind", "due"),
    [
        (BodyKind.DEPARTMENT, date(2021, 1, 31)),
        (BodyKind.TOWNSHIP, date(2021, 1, 31)),
        (BodyKind.SUBDISTRICT, date(2021, 1, 31)),
        (BodyKind.GOVERNMENT, date(2021, 3, 31)),
    ],
)
def test_default_by_kind(calendar: DeadlineCalendar, kind: BodyKind, due: date) -> None:
    deadline = calendar.deadline_for(kind=kind, year=2020, jurisdiction_code="140927")
    assert deadline.due == due
    assert deadline.origin == "default"
    assert "第四十九条" in deadline.source or "Article 49" in deadline.source


@pytest.mark.parametrize("kind", list(BodyKind))
def test_reports_for_2018_and_before_follow_the_2007_regulation(calendar: DeadlineCalendar, kind: BodyKind) -> None:
    deadline = calendar.deadline_for(kind=kind, year=2018, jurisdiction_code="140927")
    assert deadline.due == date(2019, 3, 31)
    assert "2007" in deadline.source


def test_override_in_an_ancestor_jurisdiction_applies_below_it() -> None:
    notice = "怀化市政务公开办 关于做好2021年度政府信息公开工作年度报告的通知"
    calendar = DeadlineCalendar(
        load_default_rules(),
        [OverrideRule("140900", 2021, BodyKind.TOWNSHIP, date(2022, 2, 20), notice)],
        PARENTS,
    )
    deadline = calendar.deadline_for(kind=BodyKind.TOWNSHIP, year=2021, jurisdiction_code="140927201")
    assert (deadline.due, deadline.origin, deadline.source) == (date(2022, 2, 20), "jurisdiction", notice)
    # Only that year, only that kind, only below that jurisdiction.
    assert calendar.deadline_for(kind=BodyKind.TOWNSHIP, year=2022, jurisdiction_code="140927201").due == date(
        2023, 1, 31
    )
    assert calendar.deadline_for(kind=BodyKind.DEPARTMENT, year=2021, jurisdiction_code="140927").due == date(
        2022, 1, 31
    )
    assert calendar.deadline_for(kind=BodyKind.TOWNSHIP, year=2021, jurisdiction_code="141181").origin == "default"


def test_the_nearest_override_wins() -> None:
    calendar = DeadlineCalendar(
        load_default_rules(),
        [
            OverrideRule("140000", 2022, BodyKind.TOWNSHIP, date(2023, 1, 15), "province notice"),
            OverrideRule("140927", 2022, BodyKind.TOWNSHIP, date(2023, 2, 10), "county notice"),
        ],
        PARENTS,
    )
    assert calendar.deadline_for(kind=BodyKind.TOWNSHIP, year=2022, jurisdiction_code="140927201").source == (
        "county notice"
    )


def test_body_deadline_beats_the_default_but_not_a_notice_for_the_year() -> None:
    calendar = DeadlineCalendar(
        load_default_rules(),
        [OverrideRule("140927", 2023, BodyKind.TOWNSHIP, date(2024, 2, 1), "county notice 2023")],
        PARENTS,
    )
    body = Body(
        id="t",
        name="t",
        kind=BodyKind.TOWNSHIP,
        jurisdiction_code="140927201",
        first_year=2019,
        deadline="01-15",
        deadline_source="county rule of 2019",
        active=True,
    )
    assert calendar.for_body(body, 2022).due == date(2023, 1, 15)
    assert calendar.for_body(body, 2022).source == "county rule of 2019"
    assert calendar.for_body(body, 2023).due == date(2024, 2, 1)


def test_the_deadline_day_itself_is_on_time(calendar: DeadlineCalendar) -> None:
    deadline = calendar.deadline_for(kind=BodyKind.DEPARTMENT, year=2023, jurisdiction_code="140927")
    assert not deadline.is_late(date(2024, 1, 31))
    assert deadline.is_late(date(2024, 2, 1))
    evening = datetime(2024, 1, 31, 23, 59, tzinfo=CHINA_TZ)
    assert not deadline.is_late(evening)
    assert deadline.is_late(datetime(2024, 2, 1, 0, 0, tzinfo=CHINA_TZ))
    # 16:30 UTC on 31 January is already 00:30 on 1 February in Beijing.
    assert deadline.is_late(datetime(2024, 1, 31, 16, 30, tzinfo=UTC))
    with pytest.raises(ValueError):
        deadline.is_late(datetime(2024, 1, 31, 12, 0))


def test_leap_day_deadline_in_a_common_year() -> None:
    calendar = DeadlineCalendar(load_default_rules(), parents=PARENTS)
    body = Body(
        id="t",
        name="t",
        kind=BodyKind.TOWNSHIP,
        jurisdiction_code="140927",
        first_year=2019,
        deadline="02-29",
        deadline_source="x",
        active=True,
    )
    assert calendar.for_body(body, 2023).due == date(2024, 2, 29)
    assert calendar.for_body(body, 2022).due == date(2023, 2, 28)


@pytest.mark.parametrize("bad", ["2-3", "13-01", "02-30", "0131", "01-31-2020", "ab-cd", ""])
def test_bad_mmdd(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_mmdd(bad)


def test_expected_years_stop_at_the_last_finished_year_and_at_dissolution(calendar: DeadlineCalendar) -> None:
    body = Body(id="t", name="t", kind=BodyKind.TOWNSHIP, jurisdiction_code="140927201", first_year=2019, active=True)
    now = datetime(2024, 1, 31, 12, 0, tzinfo=CHINA_TZ)
    got = [(e.year, e.due_passed) for e in expected_years(body, calendar, now)]
    assert got == [(2019, True), (2020, True), (2021, True), (2022, True), (2023, False)]
    later = now + timedelta(hours=12)
    assert expected_years(body, calendar, later)[-1].due_passed
    body.last_year = 2020
    assert [e.year for e in expected_years(body, calendar, now)] == [2019, 2020]
    body.active = False
    assert expected_years(body, calendar, now) == []
