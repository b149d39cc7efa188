"""What the portals publish for a seed: every report with its format, dates and planted problems, and the fillers."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from crawler.parsing.templates import template_for_year
from demo.portal.model import FORMATS, Body, Filler, PlannedReport
from demo.portal.tree import Tree
from monitor.deadlines import CHINA_TZ

# Faults a report page (or its attachment) is served with; the server implements each.
REPORT_FAULTS = ("timeout", "http_5xx", "connection_reset", "truncated", "wrong_charset", "redirect_loop", "oversize")
_FORMAT_WEIGHTS = dict(zip(FORMATS, (72, 11, 7, 6, 4), strict=True))

# Filler columns every portal has besides its report columns: key, name.
OTHER_COLUMNS = (("zn", "政府信息公开指南"), ("zd", "政府信息公开制度"), ("tzgg", "通知公告"))
_OTHER_PER_COLUMN = 8  # filler articles per other column at pages_scale 1
_TOPICS = (
    "政务公开工作要点",
    "优化营商环境",
    "安全生产大检查",
    "农村人居环境整治",
    "防汛抗旱",
    "城乡居民医疗保险参保",
    "政务服务事项清单",
    "森林防火",
    "高标准农田建设",
    "老旧小区改造",
    "义务教育招生",
    "冬春季农田水利建设",
)
_SENTENCES = (
    "为进一步做好{topic}相关工作，结合本地实际，现将有关事项通知如下。",
    "各单位要高度重视，明确责任分工，确保各项措施落实到位。",
    "请各有关单位于规定时间内将工作开展情况报送{owner}办公室。",
    "本通知自发布之日起施行，执行中遇到的问题请及时反馈。",
    "{owner}将适时对{topic}工作开展情况进行督查，督查结果纳入年度考核。",
    "联系人：办公室，联系电话见本网站“联系我们”栏目。",
)


@dataclass
class Plan:
    reports: list[PlannedReport]
    missing: list[tuple[Body, int]]
    fillers: dict[tuple[str, str], list[Filler]]  # (portal id, column key) -> its fillers, in no order
    special: dict[str, str] = field(default_factory=dict)  # planted case -> report key
    stale: list[tuple[str, str]] = field(default_factory=list)  # (report key, key of the year it repeats)
    copied: list[tuple[str, str]] = field(default_factory=list)  # (report key, key of the other body's report)

    def of_portal(self, portal_id: str) -> list[PlannedReport]:
        return [r for r in self.reports if r.body.portal == portal_id]


def deadline(body: Body, year: int) -> date:
    """The default deadline of the kind (no notices move it here): 31 March for a government, else 31 January."""
    return date(year + 1, 3, 31) if body.kind == "government" else date(year + 1, 1, 31)


def make_plan(rng: random.Random, tree: Tree, years: Sequence[int], pages_scale: int) -> Plan:
    years = sorted(years)
    reports: dict[str, PlannedReport] = {}
    for body in tree.bodies:
        if body.portal == "waf":  # blocked: what it publishes is never seen
            continue
        for year in years if body.registered else [years[-1]]:
            report = _report(rng, body, year)
            reports[report.key] = report

    plan = Plan(reports=[], missing=[], fillers={})
    picker = _Picker(rng, reports)
    _plant(plan, picker, reports)
    _chain_years(reports)
    plan.reports = sorted(reports.values(), key=lambda r: (r.body.portal, r.published, r.key))
    plan.fillers = _fillers(rng, tree, plan, years, pages_scale)
    return plan


def _chain_years(reports: dict[str, PlannedReport]) -> None:
    """Link each report to its body's report of the year before, once every planted change is made."""
    for report in sorted(reports.values(), key=lambda r: r.year):
        previous = reports.get(f"{report.body.id}/{report.year - 1}")
        if previous is not None:
            reports[report.key] = replace(report, previous=previous)


def _report(rng: random.Random, body: Body, year: int) -> PlannedReport:
    published = _on_time(rng, body, year)
    in_unit_column = body.kind == "township"
    if in_unit_column and rng.random() < 0.7:
        title, names_body = f"{year}年政府信息公开工作年度报告", False
    else:
        pattern = rng.choices(("{b}{y}年政府信息公开工作年度报告", "{b}{y}年度政府信息公开工作年度报告"), (4, 1))[0]
        name = body.short if body.kind == "government" and rng.random() < 0.3 else body.name
        title, names_body = pattern.format(b=name, y=year), True
    blank = rng.choices(("none", "some", "all"), (84, 12, 4))[0]
    return PlannedReport(
        key=f"{body.id}/{year}",
        body=body,
        year=year,
        template=template_for_year(year).id,
        fmt=rng.choices(tuple(_FORMAT_WEIGHTS), tuple(_FORMAT_WEIGHTS.values()))[0],
        published=published,
        meta_published=published,
        deadline=deadline(body, year),
        title=title,
        title_names_body=names_body,
        blank=blank,
        consistent=rng.random() > 0.1,
        word_pasted=rng.random() < 0.7,
        split_tables=rng.random() < 0.15,
        one_table=rng.random() < 0.6,
    )


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=CHINA_TZ)


def _on_time(rng: random.Random, body: Body, year: int) -> datetime:
    """Between 4 January and two days before the deadline; governments too mostly publish in January."""
    last = (deadline(body, year) - date(year + 1, 1, 4)).days - 2
    if body.kind == "government" and rng.random() < 0.6:
        last = 26
    return _moment(rng, date(year + 1, 1, 4) + timedelta(days=rng.randint(0, last)))


def _late(rng: random.Random, body: Body, year: int) -> datetime:
    return _moment(rng, deadline(body, year) + timedelta(days=rng.randint(3, 50)))


class _Picker:
    """Draws report slots for planted cases, each slot used once so that one case never hides another."""

    def __init__(self, rng: random.Random, reports: dict[str, PlannedReport]) -> None:
        self.rng = rng
        self.reports = reports
        self.used: set[str] = set()

    def pick(self, portal: str, test: Callable[[PlannedReport], bool] = lambda r: True) -> PlannedReport:
        candidates = [
            r
            for r in self.reports.values()
            if r.body.portal == portal and r.body.registered and r.key not in self.used and test(r)
        ]
        if not candidates:
            raise ValueError(f"not enough reports on {portal} to plant every case; add bodies or years")
        chosen = self.rng.choice(sorted(candidates, key=lambda r: r.key))
        self.used.add(chosen.key)
        return chosen


def _plant(plan: Plan, picker: _Picker, reports: dict[str, PlannedReport]) -> None:
    """The deliberate cases of the ground truth, each on its own report."""
    rng = picker.rng

    def put(case: str, report: PlannedReport) -> None:
        reports[report.key] = report
        plan.special[case] = report.key

    def department(r: PlannedReport) -> bool:
        return r.body.kind == "department"

    def township(r: PlannedReport) -> bool:
        return r.body.kind == "township"

    for portal, test in (("trs-xian", department), ("hanweb-shi", township)):
        gone = picker.pick(portal, test)
        del reports[gone.key]
        plan.missing.append((gone.body, gone.year))

    late = picker.pick("sd-xian", department)
    put("late", replace(late, published=(moment := _late(rng, late.body, late.year)), meta_published=moment))
    late = picker.pick("hanweb-shi", township)
    put("late_township", replace(late, published=(moment := _late(rng, late.body, late.year)), meta_published=moment))
    late = picker.pick("gd-qu", lambda r: r.body.kind == "government")
    put("late_government", replace(late, published=(moment := _late(rng, late.body, late.year)), meta_published=moment))

    # The CMS re-saved the page months later: the PubDate meta moved, the visible date did not.
    conflict = picker.pick("trs-xian")
    resaved = conflict.published + timedelta(days=rng.randint(120, 200), hours=rng.randint(1, 5))
    put("date_conflict", replace(conflict, meta_published=resaved))

    edited = picker.pick("gd-qu", department)
    put("edited", replace(edited, fmt="html", consistent=False, blank="none", editable=True))

    unnamed = picker.pick("hanweb-shi", township)
    put("title_lacks_body", replace(unnamed, title=f"{unnamed.year}年政府信息公开工作年度报告", title_names_body=False))

    unregistered = next(r for r in reports.values() if not r.body.registered)
    plan.special["unattributed"] = unregistered.key

    # A page that fails has no attachments (nothing could reach them); the oversize fault is the attachment.
    fault_places = (
        ("connection_reset", "trs-xian"),
        ("wrong_charset", "trs-xian"),
        ("redirect_loop", "sd-xian"),
        ("timeout", "hanweb-shi"),
        ("truncated", "hanweb-shi"),
        ("http_5xx", "gd-qu"),
        ("oversize", "gd-qu"),
    )
    for mode, portal in fault_places:
        report = picker.pick(portal)
        put(mode, replace(report, faults=(mode,), fmt="pdf" if mode == "oversize" else "html"))

    _plant_copies(plan, picker, reports)

    # Every format appears at least once on a page that answers normally.
    for fmt, portal in (("pdf", "trs-xian"), ("docx", "hanweb-shi"), ("html+pdf", "gd-qu"), ("html+docx", "trs-xian")):
        if not any(r.fmt == fmt and not r.faults for r in reports.values()):
            report = picker.pick(portal)
            put(f"format_{fmt}", replace(report, fmt=fmt))


def _plant_copies(plan: Plan, picker: _Picker, reports: dict[str, PlannedReport]) -> None:
    """A department that files its first year's section 五 again with the years changed (every later year
    it can), a department whose texts are all its own (the control), and two townships sharing one year's
    text. A site too small to hold them (a few bodies and years) goes without."""

    def clean(r: PlannedReport) -> bool:
        return not r.faults and r.key not in picker.used

    try:
        stale_body = picker.pick("trs-xian", lambda r: r.body.kind == "department" and clean(r)).body
        own = sorted((r for r in reports.values() if r.body.id == stale_body.id), key=lambda r: r.year)
        for report in own[1:]:
            if clean(report):
                reports[report.key] = replace(report, problems_from=own[0])
                picker.used.add(report.key)
                plan.stale.append((report.key, own[0].key))
        control = picker.pick("trs-xian", lambda r: r.body.kind == "department" and r.body.id != stale_body.id)
        plan.special["rewritten"] = control.body.id
        original = picker.pick("hanweb-shi", lambda r: r.body.kind == "township" and clean(r))
        copy = picker.pick(
            "hanweb-shi",
            lambda r: (
                r.body.kind == "township" and r.year == original.year and r.body.id != original.body.id and clean(r)
            ),
        )
    except ValueError:
        return
    reports[copy.key] = replace(copy, problems_from=original)
    plan.copied.append((copy.key, original.key))


def _fillers(
    rng: random.Random, tree: Tree, plan: Plan, years: list[int], pages_scale: int
) -> dict[tuple[str, str], list[Filler]]:
    """Non-report pages: a notice and a report interpretation in each main report column, articles in the other
    columns, and at pages_scale > 1 extra articles in every column, so that page counts grow with the scale."""
    first = datetime(years[0], 1, 1, tzinfo=CHINA_TZ)
    span = (datetime(years[-1] + 1, 6, 30, tzinfo=CHINA_TZ) - first).days
    out: dict[tuple[str, str], list[Filler]] = {}
    for portal in tree.portals:
        if portal.style == "waf":
            continue
        columns: dict[str, int] = {"nb": 0}
        columns.update({f"nb:{b.id}": 0 for b in tree.bodies_of(portal.id) if b.kind == "township"})
        for report in plan.of_portal(portal.id):
            column = f"nb:{report.body.id}" if report.body.kind == "township" else "nb"
            columns[column] += 1
        for key, reports_in_column in columns.items():
            items = [] if key != "nb" else _report_column_extras(rng, portal.owner, years)
            extra = (pages_scale - 1) * reports_in_column * 2
            items += [_filler(rng, portal.owner, first, span) for _ in range(extra)]
            out[(portal.id, key)] = items
        for key, _ in OTHER_COLUMNS:
            out[(portal.id, key)] = [
                _filler(rng, portal.owner, first, span) for _ in range(_OTHER_PER_COLUMN * pages_scale)
            ]
    return out


def _report_column_extras(rng: random.Random, owner: str, years: list[int]) -> list[Filler]:
    year = rng.choice(years)
    notice_day = datetime(year, 12, rng.randint(1, 20), 9, 30, tzinfo=CHINA_TZ)
    reading_day = datetime(year + 1, 2, rng.randint(1, 25), 15, 0, tzinfo=CHINA_TZ)
    return [
        Filler(
            f"关于做好{year}年度政府信息公开工作年度报告编制发布工作的通知",
            notice_day,
            (
                f"各单位：根据《中华人民共和国政府信息公开条例》规定，现就{year}年度政府信息公开工作年度报告编制发布"
                "工作通知如下。",
                f"各单位应于{year + 1}年1月31日前在本单位信息公开专栏发布年度报告，并报{owner}办公室备案。",
            ),
            owner,
            decoy=True,
        ),
        Filler(
            f"一图读懂{owner}{year}年政府信息公开工作年度报告",
            reading_day,
            (f"本文以图解形式解读{owner}{year}年政府信息公开工作年度报告，报告全文请见本栏目。",),
            owner,
            decoy=True,
        ),
    ]


def _filler(rng: random.Random, owner: str, first: datetime, span: int) -> Filler:
    topic = rng.choice(_TOPICS)
    title = rng.choice(
        (
            "关于印发《{owner}{topic}实施方案》的通知",
            "{owner}关于开展{topic}工作的公告",
            "关于{topic}工作情况的通报",
            "{owner}{topic}工作动态",
        )
    ).format(owner=owner, topic=topic)
    moment = first + timedelta(days=rng.randint(0, span), hours=rng.randint(8, 17), minutes=rng.randint(0, 59))
    paragraphs = tuple(s.format(owner=owner, topic=topic) for s in rng.sample(_SENTENCES, rng.randint(2, 4)))
    return Filler(title, moment, paragraphs, owner)
