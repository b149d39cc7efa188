"""The sample site: every portal built once for a seed, and how a request's path and query find their resource."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from demo.portal.build import HTML_UTF8, Edit, PortalBuild
from demo.portal.challenges import CHALLENGE_PREFIXES
from demo.portal.content import report_spec
from demo.portal.gkmlpt import build_gkmlpt
from demo.portal.hanweb import DATAPROXY, Records, build_hanweb, dataproxy_answer
from demo.portal.manifest import build_manifest
from demo.portal.model import PlannedReport, Resource
from demo.portal.pages import Link, document, link_list
from demo.portal.plan import Plan, make_plan
from demo.portal.registry_file import registry_yaml
from demo.portal.shandong import build_shandong
from demo.portal.tree import Tree, build_tree
from demo.portal.trs import build_trs
from demo.reportgen import ReportSpec
from monitor.deadlines import CHINA_TZ

DEFAULT_SIZE_CAP = 2 * 1024 * 1024
OVERSIZE_MARGIN = 64 * 1024  # how far the oversize attachment goes past the cap
_DYNAMIC_CACHE = 20000  # Hanweb list answers kept, for whatever record ranges crawlers ask


@dataclass
class Site:
    """A built site (see build_site): the plan, each portal's resources, and lookups for the server."""

    seed: int
    years: tuple[int, ...]
    pages_scale: int
    size_cap: int
    tree: Tree
    plan: Plan
    builds: dict[str, PortalBuild]
    resources: dict[str, Resource] = field(default_factory=dict)
    records: dict[int, Records] = field(default_factory=dict)  # Hanweb dataproxy lists by column id
    query_keys: dict[str, tuple[str, str]] = field(default_factory=dict)  # see PortalBuild.query_keys
    _dynamic: dict[str, Resource] = field(default_factory=dict, repr=False)

    # --- lookups ---------------------------------------------------------------------------------------

    @property
    def faults(self) -> dict[str, str]:
        """Resource key -> behavioural fault the server acts out (built in; set_fault adds more at run time)."""
        return {key: mode for build in self.builds.values() for key, mode in build.faults.items()}

    @property
    def edits(self) -> dict[str, Edit]:
        return {key: edit for build in self.builds.values() for key, edit in build.edits.items()}

    @property
    def reports(self) -> dict[str, PlannedReport]:
        return {r.key: r for r in self.plan.reports}

    def spec(self, key: str, *, edited: bool = False) -> ReportSpec:
        """What report `key` says (pass it to demo.reportgen.expected_cells for the cells a parser must read)."""
        report = self.reports[key]
        return report_spec(report, self.tree.portal(report.body.portal).name, edited=edited)

    def page_of(self, key: str) -> str:
        """The path of report `key`'s page."""
        for build in self.builds.values():
            if key in build.placements:
                return build.placements[key].page
        raise KeyError(f"no published report {key!r}")

    @property
    def oversize_bytes(self) -> int:
        return self.size_cap + OVERSIZE_MARGIN

    @staticmethod
    def challenge_for(path: str) -> str | None:
        return next((mode for prefix, mode in CHALLENGE_PREFIXES.items() if path.startswith(prefix)), None)

    def resolve(self, path: str, query: Mapping[str, str]) -> str | None:
        """The resource key answering `path` with `query`, or None (404). Static pages ignore the query."""
        if path in self.query_keys:
            param, default = self.query_keys[path]
            value = query.get(param, default)
            key = f"{path}?{param}={value}"
            if key in self.resources:
                return key
            past_the_end = f"{path}?{param}=*"
            return past_the_end if past_the_end in self.resources and value.isdigit() else None
        if path.endswith(DATAPROXY):
            answer = dataproxy_answer(self.records, query)
            if answer is None:
                return None
            key = "{}?columnid={}&startrecord={}&endrecord={}&perpage={}".format(
                path, *(query.get(p, "") for p in ("columnid", "startrecord", "endrecord", "perpage"))
            )
            if len(self._dynamic) > _DYNAMIC_CACHE:
                self._dynamic.clear()
            self._dynamic.setdefault(key, answer)
            return key
        if path in self.resources:
            return path
        return None

    def resource(self, key: str) -> Resource | None:
        return self.resources.get(key) or self._dynamic.get(key)

    def key_for(self, target: str) -> str:
        """The resource key of a report key ("body/year"), an absolute URL or a path with its query."""
        if target in self.reports:
            return self.page_of(target)
        parts = urlsplit(target)
        key = self.resolve(parts.path, dict(parse_qsl(parts.query)))
        if key is None:
            raise ValueError(f"nothing is served at {target!r}")
        return key

    def render_all(self) -> int:
        """Render every attachment now instead of on first request (before timing a crawl); returns bytes held."""
        return sum(len(resource.body) for resource in self.resources.values())

    # --- ground truth ----------------------------------------------------------------------------------

    def manifest(self, base: str) -> dict[str, Any]:
        return build_manifest(self, base)

    def write_manifest(self, path: str | Path, base: str) -> Path:
        target = Path(path)
        target.write_text(json.dumps(self.manifest(base), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return target

    def registry_yaml(self, base: str) -> str:
        return registry_yaml(self, base)


def build_site(
    seed: int = 1,
    bodies: int = 30,
    years: Iterable[int] = range(2019, 2026),
    pages_scale: int = 1,
    size_cap: int = DEFAULT_SIZE_CAP,
) -> Site:
    """Every portal, rendered once; the same arguments give the same bytes."""
    years = tuple(sorted(set(years)))
    if len(years) < 2 or years[0] < 2019:
        raise ValueError("years must hold at least two report years from 2019 on")
    if pages_scale < 1:
        raise ValueError("pages_scale must be at least 1")
    tree = build_tree(random.Random(f"{seed}/tree"), bodies)
    plan = make_plan(random.Random(f"{seed}/plan"), tree, years, pages_scale)
    site = Site(seed, years, pages_scale, size_cap, tree, plan, builds={})
    oversize = site.oversize_bytes
    for portal in tree.portals:
        rng = random.Random(f"{seed}/{portal.id}")
        reports = plan.of_portal(portal.id)
        fillers = {column: items for (pid, column), items in plan.fillers.items() if pid == portal.id}
        if portal.style == "trs":
            build = build_trs(portal, reports, fillers, rng, oversize)
        elif portal.style == "hanweb":
            build = build_hanweb(portal, reports, fillers, rng, oversize, site.records)
        elif portal.style == "gkmlpt":
            build = build_gkmlpt(portal, reports, fillers, rng, oversize)
        elif portal.style == "shandong":
            build = build_shandong(portal, reports, fillers, rng, oversize)
        else:
            build = PortalBuild(portal)
            build.report_columns.append(f"{portal.prefix}col/col{rng.randint(1000, 9999)}/index.html")
        site.builds[portal.id] = build
        site.resources.update(build.resources)
        site.query_keys.update(build.query_keys)
    site.resources["/robots.txt"] = _robots(site)
    site.resources["/"] = _root(site)
    return site


def _robots(site: Site) -> Resource:
    lines = ["User-agent: *"]
    for build in site.builds.values():
        for path in build.robots_disallowed:
            lines.append(f"Disallow: {path.removesuffix('index.html')}")
    newest = max(r.last_modified for r in site.resources.values())
    return Resource(("\n".join(lines) + "\n").encode("ascii"), "text/plain", newest.astimezone(CHINA_TZ))


def _root(site: Site) -> Resource:
    links = [Link(p.prefix, p.name) for p in site.tree.portals]
    html = document("utf-8", ["<title>sample portals</title>"], [link_list(links, "portals")])
    return Resource(html.encode("utf-8"), HTML_UTF8, max(r.last_modified for r in site.resources.values()))
