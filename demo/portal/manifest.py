"""The ground truth of a built site as JSON-ready data: portals, reports, planted cases, failures, page counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from demo.portal.challenges import CHALLENGE_PREFIXES, STATUS
from demo.portal.faults import LOOP_QUERY
from demo.portal.plan import deadline

if TYPE_CHECKING:
    from demo.portal.site import Site

SCHEMA_VERSION = 1


def build_manifest(site: Site, base: str) -> dict[str, Any]:
    base = base.rstrip("/")
    placements = {key: p for build in site.builds.values() for key, p in build.placements.items()}
    special = site.plan.special
    failures: list[dict[str, Any]] = []
    for build in site.builds.values():
        for path, mode, key in build.failures:
            entry: dict[str, Any] = {"url": base + path, "mode": mode, "report": key, "portal": build.portal.id}
            if mode == "redirect_loop":
                entry["loop"] = [base + path, f"{base}{path}?{LOOP_QUERY}"]
            failures.append(entry)
    reports = []
    for report in site.plan.reports:
        placement = placements[report.key]
        reports.append(
            {
                "key": report.key,
                "portal": report.body.portal,
                "body": report.body.id if report.body.registered else None,
                "body_name": report.body.name,
                "year": report.year,
                "title": report.title,
                "title_names_body": report.title_names_body,
                "url": base + placement.page,
                "column": base + placement.column,
                "attachments": [base + a for a in placement.attachments],
                "format": report.fmt,
                "template": report.template,
                "publish_date": report.published.date().isoformat(),
                "publish_time": f"{report.published:%Y-%m-%d %H:%M}",
                "meta_pubdate": f"{report.meta_published:%Y-%m-%d %H:%M}",
                "deadline": report.deadline.isoformat(),
                "late": report.late,
                "consistent": report.consistent,
                "blank": report.blank,
                "faults": list(report.faults),
            }
        )
    by_key = {r["key"]: r for r in reports}
    portals = []
    for portal in site.tree.portals:
        build = site.builds[portal.id]
        portals.append(
            {
                "id": portal.id,
                "name": portal.name,
                "style": portal.style,
                "base_url": f"{base}{portal.prefix}",
                "report_columns": [base + c for c in build.report_columns],
                "report_columns_in_registry": portal.columns_in_registry,
                "encoding": "gbk" if portal.style == "trs" else "utf-8",
                "blocked": "waf_412" if portal.style == "waf" else None,
            }
        )
    counts = {
        pid: {
            "pages": build.pages,
            "report_column_pages": build.report_column_pages,
            "list_pages": build.list_pages,
            "reports": len(build.placements),
            "attachments": sum(len(p.attachments) for p in build.placements.values()),
            "fillers": len(build.fillers),
            "decoys": len(build.decoys),
        }
        for pid, build in site.builds.items()
    }
    return {
        "schema": SCHEMA_VERSION,
        "seed": site.seed,
        "years": list(site.years),
        "pages_scale": site.pages_scale,
        "size_cap": site.size_cap,
        "base_url": base,
        "portals": portals,
        "jurisdictions": [
            {"code": j.code, "name": j.name, "level": j.level, "parent": j.parent} for j in site.tree.jurisdictions
        ],
        "bodies": [
            {
                "id": b.id,
                "name": b.name,
                "kind": b.kind,
                "portal": b.portal,
                "jurisdiction": b.jurisdiction,
                "registered": b.registered,
            }
            for b in site.tree.bodies
        ],
        "reports": reports,
        "missing": [
            {"body": body.id, "year": year, "deadline": deadline(body, year).isoformat()}
            for body, year in site.plan.missing
        ],
        "late": [r["key"] for r in reports if r["late"]],
        "edited": [
            {"key": key, "url": by_key[key]["url"], "changed": ["tables"], "cells": edit.changed}
            for key, edit in site.edits.items()
        ],
        "date_conflicts": [
            {
                "key": key,
                "url": by_key[key]["url"],
                "visible": by_key[key]["publish_time"],
                "meta_pubdate": by_key[key]["meta_pubdate"],
            }
            for key in [special["date_conflict"]]
        ],
        "unattributed": [
            {
                "url": by_key[key]["url"],
                "title": by_key[key]["title"],
                "body_name": by_key[key]["body_name"],
                "year": by_key[key]["year"],
            }
            for key in [special["unattributed"]]
        ],
        "title_lacks_body": [r["key"] for r in reports if not r["title_names_body"]],
        # Section 五 repeated from the same body's first year (years shifted), and shared by two bodies.
        "stale": [{"key": key, "repeats": source} for key, source in site.plan.stale],
        "rewritten": special.get("rewritten"),
        "copied": [{"key": key, "copies": source} for key, source in site.plan.copied],
        "failures": failures,
        "blocked": [
            {
                "portal": p.id,
                "mode": "waf_412",
                "status": STATUS["waf_412"],
                "bodies": [b.id for b in site.tree.bodies_of(p.id)],
            }
            for p in site.tree.portals
            if p.style == "waf"
        ],
        "challenges": [
            {"url": f"{base}{prefix}", "mode": mode, "status": STATUS[mode]}
            for prefix, mode in CHALLENGE_PREFIXES.items()
        ],
        "robots_disallowed": [base + path for b in site.builds.values() for path in b.robots_disallowed],
        "decoys": [base + path for b in site.builds.values() for path in b.decoys],
        "counts": {
            "pages": sum(c["pages"] for c in counts.values()),
            "report_column_pages": sum(c["report_column_pages"] for c in counts.values()),
            "reports": len(reports),
            "attachments": sum(c["attachments"] for c in counts.values()),
            "by_portal": counts,
        },
    }
