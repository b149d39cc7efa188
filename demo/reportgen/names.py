"""Invented reporting bodies: names, how they refer to themselves, their portal and catalogue numbers."""

from __future__ import annotations

import random
from dataclasses import dataclass

# Syllables for invented place names; combinations are not meant to match real places.
_PLACE_FIRST = "青石柳杉桃云龙凤松梅兰安永和平新清白金银东西长双高丰福宁泰岚枫"
_PLACE_SECOND = "溪桥林坪川河山岭湾岗源塘田口泉洲阳江峰庄"
_COUNTY_SUFFIX = ("县", "县", "县", "区", "市")
_DEPARTMENTS = (
    ("农业农村局", "我局"),
    ("自然资源局", "我局"),
    ("市场监督管理局", "我局"),
    ("卫生健康局", "我局"),
    ("发展和改革局", "我局"),
    ("住房和城乡建设局", "我局"),
    ("教育体育局", "我局"),
    ("人力资源和社会保障局", "我局"),
    ("交通运输局", "我局"),
    ("水利局", "我局"),
    ("应急管理局", "我局"),
    ("医疗保障局", "我局"),
    ("民族宗教事务委员会", "我委"),
    ("卫生健康委员会", "我委"),
)
# Body name ending -> how the report refers to the body ("我乡 … 公开政府信息").
_SELF_REFERENCE = (
    ("乡人民政府", "我乡"),
    ("镇人民政府", "我镇"),
    ("街道办事处", "我街道"),
    ("县人民政府", "我县"),
    ("区人民政府", "我区"),
    ("市人民政府", "我市"),
    ("委员会", "我委"),
    ("办公室", "我办"),
    ("局", "我局"),
)


@dataclass(frozen=True)
class Body:
    name: str  # 青溪乡人民政府
    short: str  # 青溪乡
    self_ref: str  # 我乡
    site: str  # the portal the report is published on
    office: str  # the office that handles disclosure work


def place(rng: random.Random) -> str:
    return rng.choice(_PLACE_FIRST) + rng.choice(_PLACE_SECOND)


def random_body(rng: random.Random) -> Body:
    """A township, town, sub-district, county government or county department, with its county portal."""
    county = place(rng) + rng.choice(_COUNTY_SUFFIX)
    site = f"{county}人民政府门户网站"
    kind = rng.choices(("township", "town", "subdistrict", "county", "department"), weights=(3, 3, 1, 1, 3))[0]
    if kind == "department":
        department, self_ref = rng.choice(_DEPARTMENTS)
        return Body(county + department, county + department, self_ref, site, "办公室")
    if kind == "county":
        name = county + "人民政府"
        return Body(name, county, self_reference(name), site, "政府办公室")
    local = place(rng)
    short, name = {
        "township": (local + "乡", local + "乡人民政府"),
        "town": (local + "镇", local + "镇人民政府"),
        "subdistrict": (local + "街道", local + "街道办事处"),
    }[kind]
    return Body(name, short, self_reference(name), site, "党政综合办公室")


def body_from_name(name: str, site: str | None = None) -> Body:
    short = name.removesuffix("人民政府").removesuffix("办事处") or name
    return Body(name, short, self_reference(name), site or f"{name}门户网站", "办公室")


def self_reference(name: str) -> str:
    return next((ref for ending, ref in _SELF_REFERENCE if name.endswith(ending)), "本机关")


def index_number(rng: random.Random, year: int) -> str:
    """索引号 as catalogue systems print it: the body's 18-character credit code, the year, a serial."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    region = f"{rng.randint(11, 65)}{rng.randint(1, 30):02d}{rng.randint(1, 40):02d}"
    code = "11" + region + "".join(rng.choice(alphabet) for _ in range(10))
    return f"{code}/{year}-{rng.randint(1, 400):05d}"


def phone(rng: random.Random) -> str:
    return f"0{rng.randint(310, 999)}-{rng.randint(2000000, 8999999)}"
