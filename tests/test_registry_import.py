"""Registry import: the sample registry loads, re-imports change nothing, bad files write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import Body, BodyKind, DeadlineOverride, Jurisdiction, Portal
from db.session import Database
from demo import SAMPLE_REGISTRY
from disclosure.registry_cmd import print_import_report
from monitor.deadlines import DeadlineCalendar
from monitor.registry import RegistryError, import_registry

GOOD = """\
jurisdictions:
  - {code: "610000", name: 陕西省, level: province}
  - {code: "610900", name: 安康市, level: city, parent: "610000"}
  - {code: "610925", name: 岚皋县, level: county, parent: "610900"}
portals:
  - id: langao
    name: 岚皋县人民政府网
    base_url: http://127.0.0.1:8001/
bodies:
  - id: langao-county
    name: 岚皋县人民政府
    aliases: [岚皋县]
    kind: government
    jurisdiction: "610925"
    portal: langao
    first_year: 2019
deadlines:
  - {jurisdiction: "610900", year: 2022, kinds: [township, subdistrict], due: 2023-02-20, notice: 安康市通知}
"""


def _counts(db: Database) -> tuple[int, ...]:
    with db.session() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(m)) or 0 for m in (Jurisdiction, Portal, Body, DeadlineOverride)
        )


def _import(db: Database, tmp_path: Path, text: str, name: str = "registry.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with db.session() as s:
        return import_registry(path, s)


def test_sample_registry_imports_and_is_idempotent(database: Database) -> None:
    with database.session() as s:
        first = import_registry(SAMPLE_REGISTRY, s)
    assert sorted(first.added["bodies"]) == ["antai", "langao-county", "nankou", "taipingzhuang", "yima"]
    assert len(first.added["jurisdictions"]) == 17
    with database.session() as s:
        second = import_registry(SAMPLE_REGISTRY, s)
    assert not second.has_changes
    assert second.unchanged == {"jurisdictions": 17, "portals": 5, "bodies": 5}
    with database.session() as s:
        yima = s.get(Body, "yima")
        assert yima is not None
        assert yima.jurisdiction.name == "驿马乡"
        assert yima.jurisdiction.parent is not None and yima.jurisdiction.parent.name == "孝义市"
        assert s.get(Body, "taipingzhuang").last_year == 2020
        assert s.get(Jurisdiction, "610925").name == "岚皋县"


def test_changes_are_reported_field_by_field(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, GOOD)
    report = _import(database, tmp_path, GOOD.replace("first_year: 2019", "first_year: 2020"))
    assert report.changed["bodies"] == [("langao-county", ["first_year"])]
    assert report.added["bodies"] == []
    assert report.unchanged["jurisdictions"] == 3


def test_deadline_notices_expand_per_kind(database: Database, tmp_path: Path) -> None:
    report = _import(database, tmp_path, GOOD)
    assert sorted(report.added["deadlines"]) == ["610900/2022/subdistrict", "610900/2022/township"]
    with database.session() as s:
        notices = {o.kind: (o.due.isoformat(), o.notice) for o in s.scalars(select(DeadlineOverride))}
    assert notices == {"township": ("2023-02-20", "安康市通知"), "subdistrict": ("2023-02-20", "安康市通知")}


def test_entries_missing_from_the_file_are_kept_and_counted(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, GOOD)
    only_province = 'jurisdictions:\n  - {code: "610000", name: 陕西省, level: province}\n'
    report = _import(database, tmp_path, only_province)
    assert report.not_in_file == {"jurisdictions": 2, "portals": 1, "bodies": 1, "deadlines": 2}
    assert not report.has_changes
    assert _counts(database) == (3, 1, 1, 2)


WITHDRAW_TOWNSHIP = GOOD.replace(
    "kinds: [township, subdistrict], due: 2023-02-20, notice: 安康市通知}",
    "kinds: [township], withdrawn: true}",
)


def _township_2022(db: Database) -> str:
    """Where the 2022 deadline of a township in 岚皋县 comes from, as `registry show` works it out."""
    with db.session() as s:
        calendar = DeadlineCalendar.from_session(s)
    return calendar.deadline_for(kind=BodyKind.TOWNSHIP, year=2022, jurisdiction_code="610925").origin


def test_a_withdrawn_notice_is_removed_and_reported(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import(database, tmp_path, GOOD)
    assert _township_2022(database) == "jurisdiction"
    report = _import(database, tmp_path, WITHDRAW_TOWNSHIP)
    assert report.removed == {"deadlines": ["610900/2022/township"]}
    assert report.nothing_to_remove == {}
    assert report.has_changes
    assert report.not_in_file["deadlines"] == 1  # the subdistrict notice, absent from the file, is kept
    with database.session() as s:
        assert [o.kind for o in s.scalars(select(DeadlineOverride))] == [BodyKind.SUBDISTRICT]
    assert _township_2022(database) == "default"

    print_import_report(report)
    out = capsys.readouterr().out
    assert "removed deadlines (withdrawn): 610900/2022/township" in out
    row = next(line for line in out.splitlines() if line.startswith("│ deadlines"))
    # added, changed, removed, unchanged, in database but not in file
    assert [cell.strip() for cell in row.split("│")[2:-1]] == ["0", "0", "1", "0", "1"]


def test_withdrawing_a_missing_notice_removes_nothing(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import(database, tmp_path, WITHDRAW_TOWNSHIP)
    again = _import(database, tmp_path, WITHDRAW_TOWNSHIP)
    assert again.removed == {}
    assert again.nothing_to_remove == {"deadlines": ["610900/2022/township"]}
    assert not again.has_changes
    assert _counts(database) == (3, 1, 1, 0)
    print_import_report(again)
    out = " ".join(capsys.readouterr().out.split())  # as if the console were wide enough not to wrap
    assert "nothing to remove for withdrawn deadlines: 610900/2022/township No changes" in out


def test_a_notice_left_out_of_a_later_file_is_kept_and_counted(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, GOOD)
    report = _import(database, tmp_path, GOOD.split("deadlines:")[0])
    assert not report.has_changes
    assert report.not_in_file["deadlines"] == 2
    assert _counts(database) == (3, 1, 1, 2)


WITH_DEADLINE = GOOD.replace("first_year: 2019\n", "first_year: 2019\n    deadline: '03-31'\n")


def test_the_default_deadline_source_does_not_depend_on_file_name_or_line(database: Database, tmp_path: Path) -> None:
    first = _import(database, tmp_path, WITH_DEADLINE, "c1.yaml")
    assert first.added["bodies"] == ["langao-county"]
    with database.session() as s:
        assert s.get(Body, "langao-county").deadline_source == "registry, body langao-county (no source given)"
    copy = _import(database, tmp_path, WITH_DEADLINE, "copy of c1.yaml")
    assert not copy.has_changes, copy.changed
    commented = WITH_DEADLINE.replace("bodies:\n", "bodies:\n  # 岚皋县\n  # (county government)\n")
    moved = _import(database, tmp_path, commented, "c1.yaml")
    assert not moved.has_changes, moved.changed


def test_an_explicit_deadline_source_is_kept(database: Database, tmp_path: Path) -> None:
    text = WITH_DEADLINE.replace("deadline: '03-31'\n", "deadline: '03-31'\n    deadline_source: 岚政办发〔2019〕1号\n")
    _import(database, tmp_path, text)
    with database.session() as s:
        assert s.get(Body, "langao-county").deadline_source == "岚政办发〔2019〕1号"


DUPLICATE_BODY = """\
  - id: langao-dup
    name: 岚皋县人民政府
    aliases: [岚皋县]
    kind: government
    jurisdiction: "610925"
    portal: langao
    first_year: 2019
"""


def test_a_name_already_registered_on_the_portal_is_rejected(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, GOOD)
    with pytest.raises(RegistryError) as info:
        _import(database, tmp_path, "bodies:\n" + DUPLICATE_BODY.replace("岚皋县人民政府", "岚皋县政府"))
    assert info.value.problems == [
        "line 4: body langao-dup shares 岚皋县 with body langao-county (registered) on portal langao; "
        "a report title naming it could belong to either"
    ]
    assert _counts(database) == (3, 1, 1, 2)


def test_names_may_repeat_on_other_portals_or_move_between_bodies(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, GOOD)
    portal = "  - {id: ankang, name: 安康市人民政府网, base_url: 'http://127.0.0.1:8002/'}\n"
    other_portal = "portals:\n" + portal + "bodies:\n" + DUPLICATE_BODY.replace("portal: langao", "portal: ankang")
    assert _import(database, tmp_path, other_portal).added["bodies"] == ["langao-dup"]
    # langao-county gives its alias up in the same file that gives it to another body on its portal
    moved = GOOD.split("deadlines:")[0].replace("aliases: [岚皋县]", "aliases: []") + DUPLICATE_BODY.replace(
        "id: langao-dup\n    name: 岚皋县人民政府", "id: langao-office\n    name: 岚皋县人民政府办公室"
    )
    assert _import(database, tmp_path, moved).added["bodies"] == ["langao-office"]


BAD_FILES = {
    "name and alias shared by two bodies on a portal": (
        GOOD.replace("deadlines:", DUPLICATE_BODY + "deadlines:"),
        "line 18: body langao-dup shares 岚皋县人民政府（新）, 岚皋县 with body langao-county (line 10) "
        "on portal langao; a report title naming it could belong to either",
    ),
    "notice without a due date": (
        GOOD.replace(" due: 2023-02-20,", ""),
        "line 18: deadlines[0]: entry: needs 'due' unless it says withdrawn: true",
    ),
    "unknown portal": (
        GOOD.replace("portal: langao\n", "portal: ankang\n"),
        "line 15: body langao-county: unknown portal 'ankang'",
    ),
    "duplicate id": (
        GOOD.replace(
            "deadlines:",
            "  - {id: langao-county, name: 重复, kind: township, jurisdiction: '610925', first_year: 2019}\ndeadlines:",
        ),
        "line 17: body langao-county is defined twice (first on line 10)",
    ),
    "bad code": (
        GOOD.replace('"610925", name: 岚皋县', '"61092", name: 岚皋县'),
        "line 4: jurisdiction 岚皋县: code '61092' must have 6 digits",
    ),
    "code does not fit its level": (
        GOOD.replace('"610900", name: 安康市', '"610901", name: 安康市'),
        "code '610901' does not fit level city",
    ),
    "parent missing": (
        GOOD.replace('parent: "610900"}', 'parent: "610800"}'),
        "line 4: jurisdiction 610925 (岚皋县): parent 610800 is neither in the file nor registered",
    ),
    "code not under its parent": (
        GOOD.replace('"610925", name: 岚皋县', '"620925", name: 岚皋县'),
        "code does not lie under its parent 610900",
    ),
    "unknown body kind": (
        GOOD.replace("kind: government", "kind: ministry"),
        "line 13: bodies[0] (langao-county): field 'kind'",
    ),
    "unknown field": (
        GOOD.replace("first_year: 2019", "first_year: 2019\n    frist_year: 2019"),
        "line 17: bodies[0] (langao-county): unknown field 'frist_year'",
    ),
    "missing field": (
        GOOD.replace("    first_year: 2019\n", ""),
        "line 10: bodies[0] (langao-county): required field 'first_year' is missing",
    ),
    "invalid deadline": (
        GOOD.replace("first_year: 2019", "first_year: 2019\n    deadline: '02-30'"),
        "line 17: bodies[0] (langao-county): field 'deadline': not a MM-DD date",
    ),
    "deadline in the wrong year": (
        GOOD.replace("due: 2023-02-20", "due: 2022-02-20"),
        "line 18: deadline for report year 2022 falls in 2022",
    ),
    "unknown profile": (
        GOOD.replace("base_url: http://127.0.0.1:8001/", "base_url: http://127.0.0.1:8001/\n    profile: wordpress"),
        "unknown profile 'wordpress'",
    ),
    "relative url": (
        GOOD.replace("base_url: http://127.0.0.1:8001/", "base_url: /index.html"),
        "line 8: portals[0] (langao): field 'base_url': must be an absolute",
    ),
    "yaml syntax": (GOOD.replace("  - id: langao\n", "  - id: langao\n   bad: [\n"), "not valid YAML"),
    "repeated key": (
        GOOD.replace("    kind: government\n", "    kind: government\n    kind: township\n"),
        "line 14: key 'kind' repeated (first on line 13)",
    ),
    "unknown section": (GOOD + "agencies: []\n", "unknown section 'agencies'"),
    "not a mapping": ("- just\n- a list\n", "must be a mapping"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_are_rejected_with_the_line_and_write_nothing(database: Database, tmp_path: Path, case: str) -> None:
    _import(
        database,
        tmp_path,
        GOOD.replace("name: 岚皋县人民政府\n", "name: 岚皋县人民政府（旧）\n"),
        "before.yaml",
    )
    before = _counts(database)
    text, expected = BAD_FILES[case]
    with pytest.raises(RegistryError) as info:
        _import(database, tmp_path, text.replace("岚皋县人民政府\n", "岚皋县人民政府（新）\n"))
    assert any(expected in problem for problem in info.value.problems), info.value.problems
    assert _counts(database) == before
    with database.session() as s:
        assert s.get(Body, "langao-county").name == "岚皋县人民政府（旧）"


def test_all_problems_are_listed_at_once(database: Database, tmp_path: Path) -> None:
    text = GOOD.replace("portal: langao\n", "portal: ankang\n").replace('"610925", name', '"61092", name')
    text = text.replace("  - id: langao\n", "  - id: langao\n    colour: red\n")
    with pytest.raises(RegistryError) as info:
        _import(database, tmp_path, text)
    assert info.value.problems == [
        "line 7: portals[0] (langao): unknown field 'colour'",
        "line 4: jurisdiction 岚皋县: code '61092' must have 6 digits (GB/T 2260)",
        "line 15: body langao-county: unknown jurisdiction 610925",
        "line 16: body langao-county: unknown portal 'ankang'",
    ]
    assert _counts(database) == (0, 0, 0, 0)


def test_dry_run_writes_nothing(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(GOOD, encoding="utf-8")
    with database.session() as s:
        report = import_registry(path, s, dry_run=True)
    assert report.added["bodies"] == ["langao-county"]
    assert _counts(database) == (0, 0, 0, 0)


def test_a_portal_that_moves_forgets_the_columns_found_at_its_old_address(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, GOOD)
    with database.session() as s:
        s.get(Portal, "langao").discovered_columns = ["http://127.0.0.1:8001/zfxxgk/nb/"]
    _import(database, tmp_path, GOOD)  # the same address: the columns found there stay
    with database.session() as s:
        assert s.get(Portal, "langao").discovered_columns == ["http://127.0.0.1:8001/zfxxgk/nb/"]
    report = _import(database, tmp_path, GOOD.replace("http://127.0.0.1:8001/", "http://127.0.0.1:9001/"))
    assert report.changed["portals"] == [("langao", ["base_url"])]
    with database.session() as s:
        assert s.get(Portal, "langao").discovered_columns == []
