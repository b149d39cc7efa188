"""`disclosure demo` end to end: the sample portal's planted defects, after a crawl, a correction by the
portal, a second crawl and the checks, give exactly the flags its manifest predicts.

The demo runs as a user runs it (the command, in a child process); the test then reads the demo's
database and the manifest the demo wrote next to it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from db.models import Flag, FlagEvent
from db.session import Database
from demo.run import MANIFEST_FILE

Key = tuple[str, int]  # (body, year)


@dataclass
class DemoOutcome:
    output: str
    manifest: dict[str, Any]
    database: Database

    def flags(self, rule: str, *, status: str = "open", subject: str | None = None) -> set[Key]:
        with self.database.session() as s:
            query = select(Flag).where(Flag.rule == rule, Flag.status == status)
            if subject is not None:
                query = query.where(Flag.subject == subject)
            return {(f.body_id, f.year) for f in s.scalars(query) if f.body_id in self.sample_bodies}

    @property
    def sample_bodies(self) -> set[str]:
        return {b["id"] for b in self.manifest["bodies"]}

    def reports(self, **where: Any) -> set[Key]:
        """Sample reports matching `where` that the crawl could fetch (a planted failure hides the rest)."""
        failed = {f["report"] for f in self.manifest["failures"] if f["mode"] != "wrong_charset"}
        return {
            (r["body"], r["year"])
            for r in self.manifest["reports"]
            if r["body"] and r["key"] not in failed and all(r[k] == v for k, v in where.items())
        }

    @staticmethod
    def keys(entries: list[str]) -> set[Key]:
        return {(k.split("/")[0], int(k.split("/")[1])) for k in entries}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoOutcome]:
    data = tmp_path_factory.mktemp("demo") / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSURE_")}
    env.update(DISCLOSURE_DATA_DIR=str(data), COLUMNS="200")
    result = subprocess.run(
        [sys.executable, "-m", "disclosure", "demo"], env=env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    folder = data / "demo"
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    database = Database(f"sqlite:///{folder / 'disclosure.db'}")
    yield DemoOutcome(result.stdout, manifest, database)
    database.dispose()


def test_missing_reports_are_exactly_the_planted_ones(demo: DemoOutcome) -> None:
    assert demo.flags("MISSING_REPORT") == {(m["body"], m["year"]) for m in demo.manifest["missing"]}


def test_late_reports_are_the_planted_ones_and_the_date_conflict(demo: DemoOutcome) -> None:
    conflicts = demo.keys([c["key"] for c in demo.manifest["date_conflicts"]])
    assert demo.flags("LATE_REPORT", subject="") == demo.keys(demo.manifest["late"]) | conflicts
    assert demo.flags("LATE_REPORT", subject="backdated") == set()  # the first crawl proves no absence
    with demo.database.session() as s:
        severities = {
            (f.body_id, f.year): str(f.severity) for f in s.scalars(select(Flag).where(Flag.rule == "LATE_REPORT"))
        }
    assert {k for k, v in severities.items() if v == "medium"} == conflicts


def test_the_blocked_portal_is_unreachable_for_every_body_and_year(demo: DemoOutcome) -> None:
    expected = {(b, y) for p in demo.manifest["blocked"] for b in p["bodies"] for y in demo.manifest["years"]}
    assert demo.flags("UNREACHABLE_PORTAL") == expected
    assert not demo.flags("MISSING_REPORT") & expected


def test_reports_that_could_not_be_fetched_are_said_so(demo: DemoOutcome) -> None:
    failed = {f["report"] for f in demo.manifest["failures"] if f["mode"] != "wrong_charset"}
    assert demo.flags("REPORT_NOT_FETCHED") == demo.keys(sorted(failed))


def test_the_corrected_report_is_edited_after_publication_and_its_arithmetic_flags_resolved(
    demo: DemoOutcome,
) -> None:
    edited = demo.keys([e["key"] for e in demo.manifest["edited"]])
    assert demo.flags("EDITED_AFTER_PUBLICATION") == edited
    assert not demo.flags("ARITHMETIC") & edited
    resolved = demo.flags("ARITHMETIC", status="resolved")
    assert resolved == edited
    with demo.database.session() as s:
        flag = s.scalars(select(Flag).where(Flag.rule == "ARITHMETIC", Flag.status == "resolved")).first()
        events = [
            (e.from_status, e.to_status) for e in s.scalars(select(FlagEvent).where(FlagEvent.flag_id == flag.id))
        ]
    assert [str(t) for _, t in events] == ["open", "resolved"]


def test_arithmetic_flags_only_inconsistent_reports_and_every_fully_printed_one(demo: DemoOutcome) -> None:
    inconsistent = demo.reports(consistent=False)
    edited = demo.keys([e["key"] for e in demo.manifest["edited"]])
    flagged = demo.flags("ARITHMETIC")
    assert flagged <= inconsistent - edited
    # Where no cell was left blank, a broken equation can always be seen.
    assert demo.reports(consistent=False, blank="none") - edited <= flagged


def test_empty_and_blank_tables_are_the_planted_ones(demo: DemoOutcome) -> None:
    assert demo.flags("EMPTY_TABLE") == demo.reports(blank="all")
    assert demo.flags("BLANK_CELLS") == demo.reports(blank="some")


def test_cross_year_rules_only_touch_reports_next_to_an_inconsistent_year(demo: DemoOutcome) -> None:
    """The sample portal carries applications and documents in force from year to year; only a broken
    table breaks the chain, in its own year or the next."""
    broken = demo.reports(consistent=False)
    near = broken | {(b, y + 1) for b, y in broken}
    for rule in ("CARRYOVER_MISMATCH", "STOCK_FLOW_MISMATCH"):
        assert demo.flags(rule) <= near, rule


def test_a_reused_problems_section_is_stale_and_a_rewritten_one_is_not(demo: DemoOutcome) -> None:
    stale = demo.keys([entry["key"] for entry in demo.manifest["stale"]])
    assert demo.flags("STALE_PROBLEMS") == stale
    control = demo.manifest["rewritten"]
    assert control not in {body for body, _ in demo.flags("STALE_PROBLEMS")}
    with demo.database.session() as s:
        flag = s.scalars(select(Flag).where(Flag.rule == "STALE_PROBLEMS")).first()
    assert flag.evidence["score"] >= 0.6 and flag.evidence["passages"]


def test_text_copied_from_another_body_is_flagged_on_both_sides(demo: DemoOutcome) -> None:
    pairs = [(entry["key"], entry["copies"]) for entry in demo.manifest["copied"]]
    expected = demo.keys([key for pair in pairs for key in pair])
    assert {key for key in demo.flags("COPIED_TEXT")} == expected


def test_the_summary_shows_standings_rules_and_evidence(demo: DemoOutcome) -> None:
    out = demo.output
    assert "Bodies by compliance standing" in out and "non-compliant" in out and "no issues found" in out
    assert "MISSING_REPORT" in out and "REPORT_NOT_FETCHED" in out
    assert "WARC files under" in out and "demo/warc" in out
