"""EDITED_AFTER_PUBLICATION: a report whose content changed after it was published and after its
deadline: the crawler kept both versions, with the times it first saw each."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from db.models import Severity
from monitor.context import Context
from monitor.deadlines import CHINA_TZ
from monitor.rules import basis
from monitor.rules.base import Finding, Rule, register

MAX_LINES = 30


def cell_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    changes = []
    for table in sorted(set(old.get("tables") or {}) | set(new.get("tables") or {})):
        before = ((old.get("tables") or {}).get(table) or {}).get("cells") or {}
        after = ((new.get("tables") or {}).get(table) or {}).get("cells") or {}
        for row in sorted(set(before) | set(after)):
            for col in sorted(set(before.get(row) or {}) | set(after.get(row) or {})):
                a, b = (before.get(row) or {}).get(col) or {}, (after.get(row) or {}).get(col) or {}
                if a.get("raw") != b.get("raw") or a.get("state") != b.get("state"):
                    changes.append({"cell": f"{table}.{row}.{col}", "before": a.get("raw"), "after": b.get("raw")})
    return changes


def text_diff(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for key in sorted(set(old.get("sections") or {}) | set(new.get("sections") or {})):
        a = ((old.get("sections") or {}).get(key) or "").splitlines()
        b = ((new.get("sections") or {}).get(key) or "").splitlines()
        if a != b:
            lines += [
                f"[{key}] {line}"
                for line in difflib.unified_diff(a, b, lineterm="", n=0)
                if line[:1] in "+-" and not line.startswith(("+++", "---"))
            ]
    return lines[:MAX_LINES]


@register
class EditedAfterPublication(Rule):
    code = "EDITED_AFTER_PUBLICATION"
    severity = Severity.HIGH
    title = "The report was changed after publication and after its deadline"
    basis = f"{basis.ARTICLE_50}; {basis.FORMAT_2021} (accuracy)"

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        for report in ctx.scoped_reports():
            if len(report.versions) < 2 or report.publish_date is None:
                continue
            body = ctx.bodies[report.body_id]
            deadline = ctx.calendar.for_body(body, report.year)
            published_end = datetime.combine(report.publish_date + timedelta(days=1), time(0), tzinfo=CHINA_TZ)
            edits = [
                (before, after)
                for before, after in zip(report.versions, report.versions[1:], strict=False)
                if after.first_seen >= deadline.late_from() and after.first_seen >= published_end
            ]
            if not edits:
                continue
            before, after = edits[-1]
            old, new = ctx.version_parsed(before.id), ctx.version_parsed(after.id)
            changes = cell_changes(old, new)
            yield self.finding(
                report.body_id,
                report.year,
                f"changed after publication ({report.publish_date}) and the deadline ({deadline.due}): "
                f"new version first seen {after.first_seen.isoformat()}, {len(changes)} cell(s) changed",
                {
                    "publish_date": report.publish_date.isoformat(),
                    "deadline": deadline.as_evidence(),
                    "before": {
                        "version": before.id,
                        "sha256": before.content_sha256,
                        "first_seen": before.first_seen.isoformat(),
                        "last_seen": before.last_seen.isoformat(),
                    },
                    "after": {
                        "version": after.id,
                        "sha256": after.content_sha256,
                        "first_seen": after.first_seen.isoformat(),
                    },
                    "cells_changed": changes[:50],
                    "text_changed": text_diff(old, new),
                    "edits": len(edits),
                },
                report_id=report.id,
            )
