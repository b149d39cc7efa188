"""The fictional jurisdiction tree (province prefix 99, unused by GB/T 2260), its five portals and their bodies."""

from __future__ import annotations

import random
from dataclasses import dataclass

from demo.portal.model import Body, Jurisdiction, Portal
from demo.reportgen.names import place

# Departments of a county-level government: name, id suffix.
DEPARTMENTS = (
    ("发展和改革局", "fgj"),
    ("教育体育局", "jtj"),
    ("民政局", "mzj"),
    ("司法局", "sfj"),
    ("财政局", "czj"),
    ("人力资源和社会保障局", "rsj"),
    ("自然资源局", "zrzyj"),
    ("住房和城乡建设局", "zjj"),
    ("交通运输局", "jtysj"),
    ("水利局", "slj"),
    ("农业农村局", "nyncj"),
    ("商务局", "swj"),
    ("文化广电旅游局", "wglj"),
    ("卫生健康局", "wsjkj"),
    ("退役军人事务局", "tyjrj"),
    ("应急管理局", "yjglj"),
    ("审计局", "sjj"),
    ("市场监督管理局", "scjgj"),
    ("统计局", "tjj"),
    ("医疗保障局", "ybj"),
    ("林业局", "lyj"),
    ("城市管理局", "cgj"),
    ("行政审批服务局", "xzspj"),
    ("民族宗教事务委员会", "mzw"),
)
# Share of the bodies each portal carries, and the least it needs for its planted cases.
_SHARES = {"trs-xian": 0.26, "hanweb-shi": 0.32, "gd-qu": 0.20, "sd-xian": 0.14, "waf": 0.08}
_MINIMUM = {"trs-xian": 4, "hanweb-shi": 4, "gd-qu": 3, "sd-xian": 2, "waf": 1}
MIN_BODIES = sum(_MINIMUM.values())


@dataclass(frozen=True)
class Tree:
    jurisdictions: tuple[Jurisdiction, ...]
    portals: tuple[Portal, ...]
    bodies: tuple[Body, ...]  # registered bodies and the one unregistered body, in portal order

    def portal(self, portal_id: str) -> Portal:
        return next(p for p in self.portals if p.id == portal_id)

    def bodies_of(self, portal_id: str) -> list[Body]:
        return [b for b in self.bodies if b.portal == portal_id]


class _Names:
    """Place names drawn from the seed, never the same twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def new(self, suffix: str) -> str:
        while True:
            name = place(self.rng)
            if name not in self.used:
                self.used.add(name)
                return name + suffix


def build_tree(rng: random.Random, bodies: int) -> Tree:
    if bodies < MIN_BODIES:
        raise ValueError(f"bodies must be at least {MIN_BODIES}")
    names = _Names(rng)
    province, city = names.new("省"), names.new("市")
    county, district, county_city, waf_county = names.new("县"), names.new("区"), names.new("市"), names.new("县")
    sd_county = names.new("县")
    jurisdictions = [
        Jurisdiction("990000", province, "province"),
        Jurisdiction("990100", city, "city", "990000"),
        # GB/T 2260 numbering: districts 01–20, counties 21–80, county-level cities 81–99.
        Jurisdiction("990102", district, "county", "990100"),
        Jurisdiction("990122", county, "county", "990100"),
        Jurisdiction("990123", waf_county, "county", "990100"),
        Jurisdiction("990124", sd_county, "county", "990100"),
        Jurisdiction("990181", county_city, "county", "990100"),
    ]
    portals = (
        Portal("trs-xian", f"{county}人民政府门户网站", "trs", f"{county}人民政府", "990122", False),
        Portal("hanweb-shi", f"{county_city}人民政府网", "hanweb", f"{county_city}人民政府", "990181", True),
        Portal("gd-qu", f"{district}人民政府网站", "gkmlpt", f"{district}人民政府", "990102", True),
        Portal("sd-xian", f"{sd_county}人民政府网", "shandong", f"{sd_county}人民政府", "990124", True),
        Portal("waf", f"{waf_county}人民政府门户网站", "waf", f"{waf_county}人民政府", "990123", True),
    )
    counts = _split(bodies)
    out: list[Body] = []
    out += _government_and_departments("xian", "trs-xian", county, "990122", counts["trs-xian"] - 1, rng)
    out.append(Body("xian-gxs", f"{county}供销合作社联合社", "县供销社", "department", "990122", "trs-xian", False))

    units = counts["hanweb-shi"] - 1
    departments = min(max(1, units // 3), len(DEPARTMENTS))
    out += _government_and_departments("shi", "hanweb-shi", county_city, "990181", departments, rng)
    towns = townships = 0
    for number in range(1, units - departments + 1):
        is_town = rng.random() < 0.6
        towns, townships = towns + is_town, townships + (not is_town)
        short = names.new("镇" if is_town else "乡")
        # NBS numbering: towns 100–199, townships 200–299 (large benchmark sites continue from 300).
        serial = (100 + towns if is_town else 200 + townships) if max(towns, townships) < 100 else 300 + number
        code = f"990181{serial:03d}"
        jurisdictions.append(Jurisdiction(code, short, "township", "990181"))
        out.append(Body(f"shi-town-{number:02d}", f"{short}人民政府", short, "township", code, "hanweb-shi"))

    units = counts["gd-qu"] - 1
    departments = min(max(1, units // 2), len(DEPARTMENTS))
    out += _government_and_departments("qu", "gd-qu", district, "990102", departments, rng)
    for number in range(1, units - departments + 1):
        short = names.new("街道")
        code = f"990102{number:03d}"  # sub-districts 001–099
        jurisdictions.append(Jurisdiction(code, short, "township", "990102"))
        out.append(Body(f"qu-street-{number:02d}", f"{short}办事处", short, "subdistrict", code, "gd-qu"))

    out += _government_and_departments("sd", "sd-xian", sd_county, "990124", counts["sd-xian"] - 1, rng)
    out += _government_and_departments("waf", "waf", waf_county, "990123", counts["waf"] - 1, rng)
    return Tree(tuple(jurisdictions), portals, tuple(out))


def _split(bodies: int) -> dict[str, int]:
    counts = {pid: max(_MINIMUM[pid], round(bodies * share)) for pid, share in _SHARES.items() if pid != "trs-xian"}
    counts["trs-xian"] = bodies - sum(counts.values())
    if counts["trs-xian"] < _MINIMUM["trs-xian"]:
        raise ValueError(f"bodies must be at least {MIN_BODIES}")
    # A county has only so many departments; a large site (for benchmarks) grows in townships instead.
    for pid in ("trs-xian", "sd-xian", "waf"):
        excess = counts[pid] - (len(DEPARTMENTS) + 1)
        if excess > 0:
            counts[pid] -= excess
            counts["hanweb-shi"] += excess
    return counts


def _government_and_departments(
    slug: str, portal: str, county: str, code: str, departments: int, rng: random.Random
) -> list[Body]:
    if departments > len(DEPARTMENTS):
        raise ValueError(f"at most {len(DEPARTMENTS)} departments per government")
    level = county[-1]  # 县, 区 or 市: people call the departments 县…局, 区…局, 市…局
    bodies = [Body(f"{slug}-gov", f"{county}人民政府", county, "government", code, portal)]
    for name, suffix in sorted(rng.sample(DEPARTMENTS, departments), key=DEPARTMENTS.index):
        bodies.append(Body(f"{slug}-{suffix}", county + name, level + name, "department", code, portal))
    return bodies
