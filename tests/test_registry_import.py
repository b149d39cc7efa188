"""Registry import: the sample registry loads, re-imports change nothing, bad files write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import Body, DeadlineOverride, Jurisdiction, Portal
from db.session import Database
from demo import SAMPLE_REGISTRY
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
    assert report.not_in_file == {"jurisdictions": 2, "portals": 1, "bodies": 1}
    assert _counts(database) == (3, 1, 1, 2)


BAD_FILES = {
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
