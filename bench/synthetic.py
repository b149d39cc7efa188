"""A synthetic registry and its reports, written straight into a database with bulk inserts.

Provinces → cities → counties → townships, a portal per province, city and county, a government and
its departments at each level and the townships and sub-districts of each county: a registry of any
size. Every body owes one report a year; the reports carry `parsed` JSON of the parser's real shape,
taken from a pool of generated reports rendered and parsed once (demo.reportgen + parse_document)
and varied per body: section 一 and 五 written afresh from phrase banks, tables chained across years
(carried-over applications, documents in force), and planted defects at realistic rates so the rules
have work: missing, late, unreadable reports, blank, absent and inconsistent tables, absent sections,
the wrong template, edits after publication, text copied from another body or reused from last year.

Rows are inserted with SQLAlchemy Core executemany in chunks. The parsed JSON is assembled from
pre-serialised pieces (the tables of the pool are serialised once) and the same text is written to the
report and to its version, so generation costs little beyond the database's own write time.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

from sqlalchemy import Connection, Engine, Text, bindparam, cast, event, insert, text, update
from sqlalchemy.dialects.postgresql import JSONB

from crawler.parsing.parser import parse_document
from crawler.parsing.templates import Equation, templates
from db.models import (
    Body,
    BodyKind,
    CrawlRun,
    DeadlineOverride,
    DiscoveredLink,
    Document,
    Jurisdiction,
    JurisdictionLevel,
    Portal,
    Report,
    ReportVersion,
    RunStatus,
)
from db.session import make_engine
from demo.reportgen import random_spec, render_text, shift_years
from monitor.deadlines import CHINA_TZ, DeadlineCalendar, OverrideRule, load_default_rules

# A moment after every deadline of the last report year (31 March for governments).
NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
LAST_CRAWL = NOW - timedelta(days=7)  # every portal was crawled then (a blocked one answered a challenge)

Progress = Callable[[str, int, int], None]  # (step, done, total)


@dataclass(frozen=True)
class Rates:
    """Share of (body, year) reports with each planted defect; `blocked_portal` is a share of portals."""

    missing: float = 0.01
    not_fetched: float = 0.1  # of the missing reports: listed on the portal but the fetch failed
    unreadable: float = 0.003
    late: float = 0.05
    blank_table: float = 0.015
    missing_table: float = 0.005
    arithmetic: float = 0.03
    missing_section: float = 0.02
    wrong_template: float = 0.01
    edited: float = 0.004
    copied: float = 0.005  # sections 一 and 五 copied from another body of the same year
    stale: float = 0.03  # section 五 reused from the body's own previous year
    blocked_portal: float = 0.01


@dataclass(frozen=True)
class Plan:
    bodies: int
    years: int = 5
    seed: int = 1
    now: datetime = NOW
    rates: Rates = field(default_factory=Rates)
    pool: int = 80  # generated reports parsed per template, the material every record is varied from
    chunk: int = 1000  # bodies written per transaction

    @property
    def first_year(self) -> int:
        return self.now.astimezone(CHINA_TZ).year - self.years

    @property
    def report_years(self) -> range:
        return range(self.first_year, self.first_year + self.years)


@dataclass
class Generated:
    """What was written: rows per table, defects planted, seconds spent."""

    rows: Counter[str] = field(default_factory=Counter)
    planted: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    sample_body: str | None = None  # a body with a readable report for the last year

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


# --- registry ------------------------------------------------------------------------------------------

CITIES_PER_PROVINCE = 12
COUNTIES_PER_CITY = 10
TOWNSHIPS_PER_COUNTY = 16
DEPARTMENTS = (
    "人民政府办公室",
    "发展和改革局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源和规划局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "信访局",
    "城市管理局",
    "行政审批服务局",
    "数据资源管理局",
    "体育局",
    "民族宗教事务局",
    "机关事务管理局",
    "地方金融监督管理局",
    "粮食和物资储备局",
    "人民防空办公室",
    "档案馆",
    "投资促进局",
    "国有资产监督管理委员会",
    "乡村振兴局",
)
DEPARTMENTS_BY_LEVEL = {"province": 40, "city": 36, "county": 30}
_FIRST = (
    "青清云龙凤金银玉白红东西南北安平宁和永长新德兴华胜福寿康乐明阳"
    + "泉江河湖山林松柏桃梅兰竹石岭峰川溪源丰茂盛隆昌泰嘉瑞祥"
)
_SECOND = "阳山水川江河城州安平宁丰溪源林泉湖原岗桥台坪塘浦口湾峪庄沟坝营堡店集洲"


@dataclass(frozen=True)
class BodySeed:
    id: str
    name: str
    short: str
    kind: BodyKind
    jurisdiction: str
    portal: str
    self_ref: str  # how its reports name it ("我局", "我镇")


@dataclass
class Registry:
    jurisdictions: list[dict[str, Any]] = field(default_factory=list)
    portals: list[dict[str, Any]] = field(default_factory=list)
    bodies: list[BodySeed] = field(default_factory=list)
    overrides: list[dict[str, Any]] = field(default_factory=list)

    def add_jurisdiction(self, code: str, name: str, level: JurisdictionLevel, parent: str | None) -> None:
        self.jurisdictions.append({"code": code, "name": name, "level": level, "parent_code": parent})

    def add_portal(self, code: str, place: str) -> str:
        portal = f"p{code}"
        self.portals.append(
            {"id": portal, "name": f"{place}人民政府门户网站", "base_url": f"http://gov{code}.example.invalid/"}
        )
        return portal

    def add_body(self, name: str, short: str, kind: BodyKind, jurisdiction: str, portal: str, self_ref: str) -> None:
        body_id = f"b{len(self.bodies):06d}"
        self.bodies.append(BodySeed(body_id, name, short, kind, jurisdiction, portal, self_ref))


class _PlaceNames:
    """Two-character place names, unique within one parent."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def fresh(self, count: int) -> list[str]:
        names: list[str] = []
        while len(names) < count:
            name = self.rng.choice(_FIRST) + self.rng.choice(_SECOND)
            if name not in names:
                names.append(name)
        return names


def _department_self(name: str) -> str:
    for ending, ref in (("局", "我局"), ("委员会", "我委"), ("办公室", "我办"), ("馆", "我馆")):
        if name.endswith(ending):
            return ref
    return "本机关"


def _government(reg: Registry, place: str, level: str, code: str, portal: str) -> None:
    """A level's people's government and its working departments."""
    self_ref = {"province": "我省", "city": "我市"}.get(level) or ("我区" if place.endswith("区") else "我县")
    reg.add_body(f"{place}人民政府", place, BodyKind.GOVERNMENT, code, portal, self_ref)
    for dept in DEPARTMENTS[: DEPARTMENTS_BY_LEVEL[level]]:
        reg.add_body(f"{place}{dept}", f"{place}{dept}", BodyKind.DEPARTMENT, code, portal, _department_self(dept))


def _townships(reg: Registry, rng: random.Random, names: _PlaceNames, county: str, portal: str) -> None:
    for index, stem in enumerate(names.fresh(TOWNSHIPS_PER_COUNTY), start=1):
        code = f"{county}{index:03d}"
        draw = rng.random()
        if draw < 0.25:
            place, kind, name, ref = f"{stem}街道", BodyKind.SUBDISTRICT, f"{stem}街道办事处", "我街道"
        else:
            suffix = "镇" if draw < 0.8 else "乡"
            place, kind, name, ref = f"{stem}{suffix}", BodyKind.TOWNSHIP, f"{stem}{suffix}人民政府", f"我{suffix}"
        reg.add_jurisdiction(code, place, JurisdictionLevel.TOWNSHIP, county)
        reg.add_body(name, place, kind, code, portal, ref)


def make_registry(count: int, rng: random.Random, plan_years: range) -> Registry:
    """Provinces filled in order until `count` bodies exist (body ids follow that order)."""
    reg = Registry()
    names = _PlaceNames(rng)
    province_names = names.fresh(89)
    for p, province_stem in enumerate(province_names):
        if len(reg.bodies) >= count:
            break
        prov_code, province = f"{p + 11:02d}0000", f"{province_stem}省"
        reg.add_jurisdiction(prov_code, province, JurisdictionLevel.PROVINCE, None)
        _government(reg, province, "province", prov_code, reg.add_portal(prov_code, province))
        for c, city_stem in enumerate(names.fresh(CITIES_PER_PROVINCE), start=1):
            city_code, city = f"{p + 11:02d}{c:02d}00", f"{city_stem}市"
            reg.add_jurisdiction(city_code, city, JurisdictionLevel.CITY, prov_code)
            _government(reg, city, "city", city_code, reg.add_portal(city_code, city))
            for k, county_stem in enumerate(names.fresh(COUNTIES_PER_CITY), start=1):
                county_code = f"{p + 11:02d}{c:02d}{k:02d}"
                county = f"{county_stem}{'区' if k <= 2 else '县'}"
                reg.add_jurisdiction(county_code, county, JurisdictionLevel.COUNTY, city_code)
                portal = reg.add_portal(county_code, county)
                _government(reg, county, "county", county_code, portal)
                _townships(reg, rng, names, county_code, portal)
        if p == 0 and len(plan_years) >= 3:
            # A provincial notice moving the townships' deadline of one year: the calendar must apply it.
            year = plan_years[len(plan_years) // 2]
            reg.overrides.append(
                {
                    "jurisdiction_code": prov_code,
                    "year": year,
                    "kind": BodyKind.TOWNSHIP,
                    "due": date(year + 1, 2, 28),
                    "notice": f"{province}政务公开办关于乡镇政府信息公开工作年度报告报送时间的通知（合成）",
                }
            )
    return _trimmed(reg, count)


def _trimmed(reg: Registry, count: int) -> Registry:
    """The first `count` bodies, and only the townships and portals they use."""
    bodies = reg.bodies[:count]
    used_codes = {b.jurisdiction for b in bodies}
    used_portals = {b.portal for b in bodies}
    jurisdictions = [
        j for j in reg.jurisdictions if j["level"] != JurisdictionLevel.TOWNSHIP or j["code"] in used_codes
    ]
    portals = [p for p in reg.portals if p["id"] in used_portals]
    return Registry(jurisdictions, portals, bodies, reg.overrides)


# --- section 一 and 五 prose -----------------------------------------------------------------------------
# Larger phrase banks than demo/reportgen/prose.py on purpose: drawn 100,000 times a year, the demo's
# banks repeat whole sections (15 pairs at or above the 0.9 copy threshold among 3,000 sections), which
# would bury the planted copies under coincidental ones.

CN_NUMERALS = "一二三四五六七八九十"
_OPEN_HOW = (
    "深入贯彻落实《中华人民共和国政府信息公开条例》",
    "认真落实上级关于全面推进政务公开工作的部署要求",
    "坚持以公开为常态、不公开为例外",
    "紧扣年度政务公开工作要点",
    "围绕中心工作和群众关切",
    "以提升公开质量和实效为目标",
    "立足自身职能和工作实际",
    "按照政务公开标准化规范化建设的要求",
    "坚持以人民为中心的发展思想",
    "把政务公开作为建设法治政府的重要抓手",
    "对照上级政务公开考核评估指标",
    "坚持公开、解读、回应协同推进",
)
_OPEN_WHAT = (
    "把政务公开工作摆上重要议事日程",
    "将信息公开融入日常业务管理全过程",
    "健全完善公开工作机制",
    "进一步压实各岗位公开工作责任",
    "强化制度保障和人员配备",
    "推动公开工作提质增效",
    "持续规范信息发布流程",
    "统筹抓好线上线下公开渠道建设",
    "稳步扩大公开范围",
    "着力提升公开工作的针对性",
    "不断加强公开队伍建设",
)
_OPEN_RESULT = (
    "主动公开内容更加丰富",
    "依申请公开办理更加规范",
    "政策解读回应更加有力",
    "公开平台建设持续加强",
    "基层政务公开水平逐步提升",
    "公开工作制度化程度不断提高",
    "信息发布的及时性和准确性明显改善",
    "公开工作总体运行平稳有序",
    "各项公开任务均按计划完成",
)
_OPEN_EFFECT = (
    "较好地保障了公众的知情权、参与权和监督权",
    "为优化营商环境提供了有力支撑",
    "群众满意度稳步提高",
    "政府工作透明度进一步增强",
    "公开工作在服务群众方面的作用更加明显",
    "公开工作的社会认可度持续提升",
    "为各项业务工作的开展营造了良好氛围",
)
# Topic -> (headings, actions, objects, manners, effects); a sentence is action + object, manner, effect.
_TOPICS: dict[str, tuple[tuple[str, ...], ...]] = {
    "active": (
        ("主动公开情况", "深化主动公开", "抓好主动公开", "推进重点领域信息公开", "丰富主动公开内容"),
        ("及时公开", "全面梳理", "动态更新", "集中发布", "持续公开", "分类公布", "逐项核对"),
        (
            "财政预决算信息",
            "重大建设项目信息",
            "行政许可和行政处罚结果",
            "社会救助和惠民补贴信息",
            "规范性文件及其解读材料",
            "公开事项标准目录",
            "权责清单和办事指南",
            "政府采购和公共资源交易信息",
            "公共服务事项信息",
            "人事任免和招录信息",
        ),
        (
            "做到应公开尽公开",
            "确保信息真实准确",
            "做到发布及时、内容完整",
            "方便群众查阅使用",
            "实行台账式管理",
            "严格按照公开时限办理",
            "突出群众关心关注的事项",
        ),
        (
            "全年未出现应公开未公开的情况",
            "公开内容的完整性明显提升",
            "群众查询更加便捷",
            "信息发布的规范性有所提高",
            "社会各界反映良好",
            "为群众办事提供了便利",
        ),
    ),
    "requests": (
        ("依申请公开情况", "规范依申请公开办理", "依法办理政府信息公开申请", "提升依申请公开答复质量"),
        ("严格执行", "进一步规范", "认真落实", "全面梳理", "持续完善", "细化明确"),
        (
            "申请登记、审核、答复流程",
            "依申请公开答复文书模板",
            "申请办理台账",
            "申请答复会商机制",
            "答复前法制审核程序",
            "申请件的补正告知程序",
            "答复期限管理制度",
        ),
        (
            "做到件件有登记、事事有回应",
            "答复内容合法合规",
            "依法告知救济途径",
            "必要时与申请人沟通确认需求",
            "确保在法定期限内答复",
            "对答复文书逐件审核",
        ),
        (
            "全年申请均按期办结",
            "未发生因答复不规范引发的争议",
            "答复质量明显提升",
            "申请人对答复总体满意",
            "办理效率进一步提高",
        ),
    ),
    "management": (
        ("政府信息管理", "加强政府信息管理", "规范信息发布审核", "健全信息管理制度"),
        ("严格落实", "建立健全", "认真执行", "持续完善", "全面推行", "进一步细化"),
        (
            "信息发布先审后发制度",
            "公文公开属性源头认定机制",
            "规范性文件清理机制",
            "信息发布保密审查制度",
            "栏目内容巡查制度",
            "政府信息动态调整机制",
            "信息发布协调机制",
        ),
        (
            "由经办人、分管负责人逐级审核",
            "对不予公开的说明理由并报审",
            "及时标注失效、废止情况",
            "定期对各栏目开展检查",
            "对过期、重复的信息及时调整归档",
            "确保不发生泄密和不当公开",
        ),
        (
            "全年未发生泄密或不当公开的情况",
            "信息管理更加规范有序",
            "公开信息的准确性得到保障",
            "历史信息查询更加方便",
            "各栏目内容保持常态更新",
        ),
    ),
    "platform": (
        ("平台建设情况", "加强公开平台建设", "优化政务公开平台", "拓展公开渠道"),
        ("优化调整", "升级改造", "规范管理", "整合提升", "持续维护", "集约建设"),
        (
            "政府信息公开专栏",
            "政务新媒体账号",
            "政务公开专区",
            "便民查阅点",
            "政策文件库",
            "网上留言办理平台",
            "公示栏和电子显示屏",
        ),
        (
            "增设重点领域和政策解读等栏目",
            "配备查阅终端和专人服务",
            "统一栏目设置和发布规范",
            "加强账号内容审核和安全管理",
            "实现线上线下同步公开",
            "推动公开资源集中统一",
        ),
        (
            "全年平台运行平稳",
            "群众获取信息的渠道更加多元",
            "平台访问量较上年明显增长",
            "公开服务的可及性进一步增强",
            "基层群众就近查阅更加方便",
        ),
    ),
    "oversight": (
        ("监督保障情况", "强化监督保障", "健全工作机制", "加强组织领导"),
        ("调整充实", "健全完善", "严格落实", "定期开展", "持续强化", "认真组织"),
        (
            "政务公开工作领导小组",
            "政务公开工作考核机制",
            "政务公开业务培训",
            "公开工作自查整改",
            "社会评议和群众监督机制",
            "责任追究制度",
        ),
        (
            "明确专人负责日常工作",
            "将政务公开纳入年度目标考核",
            "对发现的问题督促限期整改",
            "公布监督电话和意见箱",
            "邀请群众代表参与评议",
            "做到任务到岗、责任到人",
        ),
        (
            "工作责任得到有效落实",
            "公开工作的规范化水平不断提高",
            "干部的公开意识明显增强",
            "各项工作有序推进",
            "问题整改及时到位",
        ),
    ),
    "interpretation": (
        ("政策解读与回应关切", "做好政策解读工作", "加强政策解读和回应", "积极回应社会关切"),
        ("同步组织", "认真做好", "持续加强", "创新开展", "及时开展", "多形式开展"),
        (
            "重要政策文件解读",
            "图文解读和视频解读",
            "网上留言办理",
            "舆情监测和回应",
            "政策问答和咨询服务",
            "重大决策预公开",
        ),
        (
            "坚持政策文件与解读材料同步审签、同步发布",
            "采用文字、图解、问答等多种形式",
            "对群众反映的问题及时转办、限时答复",
            "主动回应群众关心的热点问题",
            "邀请专家和部门负责人解读",
            "广泛听取社会公众意见",
        ),
        (
            "政策知晓度明显提升",
            "群众诉求得到及时回应",
            "有效引导了社会预期",
            "解读的针对性和可读性不断增强",
            "未发生重大负面舆情",
        ),
    ),
}
_PROBLEM_INTROS = (
    "{year}年，{self}政府信息公开工作取得了一定成效，但与上级要求和群众期盼相比仍有差距，主要表现在：",
    "对照《条例》和上级考核要求，{self}政府信息公开工作还存在以下不足：",
    "回顾全年工作，{self}在政府信息公开方面仍存在一些问题和薄弱环节：",
    "{self}政务公开工作虽有进步，但仍存在以下问题：",
    "在肯定成绩的同时，我们也清醒地认识到工作中存在的不足：",
)
_PROBLEM_AREAS = (
    "主动公开",
    "政策解读",
    "依申请公开答复",
    "信息发布审核",
    "公开平台栏目",
    "政务新媒体运营",
    "公开队伍",
    "基层政务公开",
    "重点领域信息公开",
    "公开工作制度执行",
    "回应社会关切",
    "规范性文件管理",
    "公开事项目录编制",
    "公开工作考核",
    "线下公开渠道",
)
_PROBLEM_ISSUES = (
    "的主动性还不够强",
    "的深度和广度不够",
    "形式较为单一",
    "的规范性有待加强",
    "更新不够及时",
    "的专业化水平不高",
    "与群众需求的契合度还不够高",
    "的标准化程度不高",
    "存在重发布、轻管理的现象",
    "的精细化程度有待提升",
    "的力量较为薄弱",
    "的覆盖面还不够广",
    "的时效性有待提高",
    "的实际效果还不够明显",
)
_PROBLEM_DETAILS = (
    "个别信息发布滞后",
    "部分栏目内容较少",
    "工作人员多为兼职",
    "业务培训覆盖不全",
    "图解、音视频等方式运用不多",
    "部分答复文书说理不够充分",
    "信息分类还不够科学",
    "群众获取信息仍不够便捷",
    "与业务工作的融合还不够紧密",
    "监督检查的频次偏低",
    "对公开效果的评估还不到位",
    "部分历史信息未及时清理",
)
_MEASURE_INTROS = (
    "{next}年，{self}将重点做好以下工作：",
    "下一步，{self}将从以下方面加以改进：",
    "针对上述问题，{self}将采取以下措施：",
    "{next}年，我们将围绕以下重点持续改进：",
    "为切实解决上述问题，{self}计划：",
)
_MEASURE_ACTIONS = ("加强", "完善", "健全", "规范", "优化", "拓展", "压实", "深化", "强化", "改进", "丰富", "严格落实")
_MEASURE_OBJECTS = (
    "业务培训",
    "信息发布台账",
    "政策解读形式",
    "重点领域信息公开",
    "内部审核机制",
    "政务新媒体日常监管",
    "依申请公开办理流程",
    "公开工作考核",
    "公开事项目录",
    "栏目内容巡查",
    "公开队伍建设",
    "线下公开阵地建设",
    "舆情回应机制",
    "公文公开属性认定",
)
_MEASURE_AIMS = (
    "提升工作人员业务水平",
    "确保信息及时更新",
    "更多运用图表图解、音视频等方式",
    "加大群众关切事项的公开力度",
    "严格执行信息发布审核程序",
    "提高发布内容质量",
    "提高答复质量和效率",
    "把公开责任落实到具体岗位",
    "及时补充完善公开内容",
    "推动公开工作常态化",
    "增强公开工作的实效",
    "让群众看得到、看得懂、用得上",
)
_OTHER = (
    "无。",
    "本年度无其他需要报告的事项。",
    "{year}年度，{self}未收取信息处理费。",
    "依据《政府信息公开信息处理费管理办法》，{year}年度{self}未收取信息处理费。",
)


def _ordinal(n: int) -> str:
    return CN_NUMERALS[n - 1]


def _enumerate(items: list[str]) -> str:
    return "；".join(f"{_ordinal(i)}是{item}" for i, item in enumerate(items, start=1)) + "。"


def overview_text(rng: random.Random, *, year: int, self_ref: str) -> str:
    """总体情况: an opening sentence, then 3–5 numbered topics of 2–4 sentences each."""
    opening = (
        f"{year}年，{self_ref}{rng.choice(_OPEN_HOW)}，{rng.choice(_OPEN_WHAT)}，"
        f"{rng.choice(_OPEN_RESULT)}，{rng.choice(_OPEN_EFFECT)}。"
    )
    keys = ["active", "requests", *rng.sample(["management", "platform", "oversight", "interpretation"], k=3)]
    lines = [opening]
    for number, key in enumerate(keys[: rng.randint(3, 5)], start=1):
        headings, actions, objects, manners, effects = _TOPICS[key]
        heading = f"（{_ordinal(number)}）{rng.choice(headings)}"
        body = "".join(
            f"{rng.choice(actions)}{rng.choice(objects)}，{rng.choice(manners)}，{rng.choice(effects)}。"
            for _ in range(rng.randint(2, 4))
        )
        lines += [heading, body] if rng.random() < 0.5 else [f"{heading}。{body}"]
    return "\n".join(lines)


def problems_text(rng: random.Random, *, year: int, self_ref: str) -> str:
    """存在的主要问题及改进情况: 2–4 problems, then 2–4 measures for the next year."""
    facts = {"year": year, "next": year + 1, "self": self_ref}
    found = []
    for area in rng.sample(_PROBLEM_AREAS, k=rng.randint(2, 4)):
        item = f"{area}{rng.choice(_PROBLEM_ISSUES)}"
        found.append(f"{item}，{rng.choice(_PROBLEM_DETAILS)}" if rng.random() < 0.6 else item)
    plans = [
        f"{rng.choice(_MEASURE_ACTIONS)}{obj}，{rng.choice(_MEASURE_AIMS)}"
        for obj in rng.sample(_MEASURE_OBJECTS, k=rng.randint(2, 4))
    ]
    problem_intro = rng.choice(_PROBLEM_INTROS).format_map(facts)
    measure_intro = rng.choice(_MEASURE_INTROS).format_map(facts)
    if rng.random() < 0.5:
        return "\n".join(
            [
                "（一）存在的主要问题",
                problem_intro + _enumerate(found),
                "（二）改进情况",
                measure_intro + _enumerate(plans),
            ]
        )
    lines = [problem_intro, *(f"{i}.{item}。" for i, item in enumerate(found, start=1))]
    lines += [measure_intro, *(f"{i}.{item}。" for i, item in enumerate(plans, start=1))]
    return "\n".join(lines)


def other_text(rng: random.Random, *, year: int, self_ref: str, name: str, signed: date) -> str:
    """其他需要报告的事项, closed by the body's name and the date as reports sign off."""
    said = rng.choices(_OTHER, weights=(5, 3, 1, 1))[0].format(year=year, self=self_ref)
    return f"{said}\n{name}\n{signed.year}年{signed.month}月{signed.day}日"


# --- the pool of parsed reports ---------------------------------------------------------------------------

TABLES = ("active_disclosure", "applications", "reviews_litigation")
ABSENT_TABLE: dict[str, Any] = {"present": False, "unreadable": False, "cells": {}, "labels": {}}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass
class Base:
    """One generated report as the parser read it, with its variants precomputed."""

    template: str
    parsed: dict[str, Any]
    tail: str  # the serialised keys after "tables"
    blank: dict[str, dict[str, Any]]  # table -> the same table with every cell blank
    broken: dict[str, Any] | None  # the applications table with a total raised: R1–R3 fail


def _equation(template: str, equation_id: str) -> Equation:
    return next(e for e in templates()[template].equations if e.id == equation_id)


def _number_cell(value: int, like: dict[str, Any]) -> dict[str, Any]:
    return {**like, "value": value, "state": "number", "raw": str(value)}


def _blanked(table: dict[str, Any]) -> dict[str, Any]:
    cells = {
        row: {col: {**cell, "value": None, "state": "blank", "raw": ""} for col, cell in cols.items()}
        for row, cols in table["cells"].items()
    }
    return {**table, "cells": cells}


def _broken(table: dict[str, Any], template: str, rng: random.Random) -> dict[str, Any] | None:
    """The grand total of handled applications raised by 1–3 (R1, R2 and R3 then fail there)."""
    row, col = _equation(template, "R3").left[0], _equation(template, "R2").left[0]
    cell = (table["cells"].get(row) or {}).get(col)
    if not cell or cell.get("state") != "number":
        return None
    cells = {**table["cells"], row: {**table["cells"][row], col: _number_cell(cell["value"] + rng.randint(1, 3), cell)}}
    return {**table, "cells": cells}


def make_pool(per_template: int, seed: int) -> dict[str, list[Base]]:
    """Generated reports of both templates rendered as text and parsed once: the material of every record."""
    pool: dict[str, list[Base]] = {}
    for template, year in (("2019", 2020), ("2021", 2023)):
        pool[template] = []
        for i in range(per_template):
            rng = random.Random(seed * 1_000_003 + int(template) * 1000 + i)
            spec = random_spec(
                rng,
                template=template,
                year=year,
                blank=rng.choices(("none", "some"), weights=(9, 1))[0],
                dash_rate=rng.choice((0.0, 0.0, 0.05)),
            )
            parsed = parse_document(render_text(spec).encode("utf-8"), filename="pool.txt").as_json()
            if parsed["state"] != "ok":
                raise RuntimeError(f"pool report {template}/{i} did not parse cleanly: {parsed['problems'][:3]}")
            pool[template].append(_base(template, parsed, rng))
    return pool


def _base(template: str, parsed: dict[str, Any], rng: random.Random) -> Base:
    tail = ", ".join(f'"{key}": {_dumps(parsed[key])}' for key in ("template_markers", "problems", "parser_version"))
    tables = parsed["tables"]
    return Base(
        template=template,
        parsed=parsed,
        tail=tail,
        blank={name: _blanked(tables[name]) for name in TABLES},
        broken=_broken(tables["applications"], template, rng),
    )


def unreadable_parse() -> dict[str, Any]:
    """What the parser makes of a damaged PDF (a report that cannot be read)."""
    return parse_document(b"%PDF-1.4\n%broken upload\n", filename="report.pdf").as_json()


# --- one body's reports -------------------------------------------------------------------------------------


@dataclass
class Rows:
    documents: list[dict[str, Any]] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Year:
    """What the next year of the same body needs from this one."""

    template: str
    tables: dict[str, Any]
    problems: str | None


@dataclass
class _Written:
    """The texts a body wrote for a year, for another body to copy."""

    name: str
    self_ref: str
    overview: str
    problems: str


class ReportMaker:
    """Makes the rows of every report of one body after another, with ids assigned in order."""

    def __init__(self, plan: Plan, pool: dict[str, list[Base]], calendar: DeadlineCalendar, blocked: set[str]) -> None:
        self.plan = plan
        self.rates = plan.rates
        self.rng = random.Random(plan.seed * 7919)
        self.pool = pool
        self.calendar = calendar
        self.blocked = blocked
        self.unreadable = unreadable_parse()
        self.ids = Counter[str]()
        self.planted = Counter[str]()
        self.written: dict[int, list[_Written]] = {}  # year -> recent bodies' texts
        # Serialised tables of the pool, by id: the pool lives as long as the maker, so ids stay valid.
        self._pooled = {
            id(t)
            for bases in pool.values()
            for base in bases
            for t in (*base.parsed["tables"].values(), *base.blank.values(), base.broken, ABSENT_TABLE)
            if t is not None
        }
        self._table_json: dict[int, str] = {}

    def _next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def body(self, seed: BodySeed, rows: Rows) -> bool:
        """Append the rows of `seed`'s reports; True when its last year's report is readable."""
        previous: _Year | None = None
        readable_last = False
        for year in self.plan.report_years:
            if self.rng.random() < self.rates.missing:
                self.planted["missing"] += 1
                self._maybe_unfetched(seed, year, rows)
                previous = None
                continue
            previous, readable_last = self._report(seed, year, previous, rows)
        return readable_last

    def _maybe_unfetched(self, seed: BodySeed, year: int, rows: Rows) -> None:
        if seed.portal in self.blocked or self.rng.random() >= self.rates.not_fetched:
            return
        self.planted["not_fetched"] += 1
        rows.links.append(
            {
                "portal_id": seed.portal,
                "url": f"http://{seed.portal}.example.invalid/art/{year}/{seed.id}.html",
                "title": f"{seed.name}{year}年政府信息公开工作年度报告",
                "reason": "not_fetched",
                "body_id": seed.id,
                "year": year,
                "first_seen": LAST_CRAWL,
                "last_seen": LAST_CRAWL,
            }
        )

    def _report(self, seed: BodySeed, year: int, previous: _Year | None, rows: Rows) -> tuple[_Year | None, bool]:
        deadline = self.calendar.deadline_for(kind=seed.kind, year=year, jurisdiction_code=seed.jurisdiction)
        published = self._publish_date(deadline.due, year)
        if self.rng.random() < self.rates.unreadable:
            self.planted["unreadable"] += 1
            parsed_json = _dumps({**self.unreadable, "file": f"{seed.id}-{year}.pdf"})
            self._rows(seed, year, published, deadline.due, [parsed_json], "corrupt", "unknown", rows)
            return None, False
        template = "2019" if year <= 2020 else "2021"
        if template == "2021" and self.rng.random() < self.rates.wrong_template:
            template = "2019"
            self.planted["wrong_template"] += 1
        base = self.rng.choice(self.pool[template])
        tables = self._tables(base, previous)
        sections, headings, problems = self._sections(seed, year, base, published, previous)
        head = {
            "file": f"{seed.id}-{year}.html",
            "state": "ok",
            "format": "html",
            "title": f"{seed.name}{year}年政府信息公开工作年度报告",
            "body": seed.name,
            "year": year,
            "template": template,
            "publish_date": published.isoformat(),
            "publish_date_source": "meta",
            "publish_date_candidates": _candidates(published),
        }
        versions = [self._assemble(head, sections, headings, tables, base)]
        if self.rng.random() < self.rates.edited:
            self.planted["edited"] += 1
            # The earlier version differs in one figure of table 二 (or, with none, in section 六).
            earlier = _edited(tables)
            said = sections if earlier is not tables else {**sections, "other": "无。"}
            versions.insert(0, self._assemble(head, said, headings, earlier, base))
        self._rows(seed, year, published, deadline.due, versions, "ok", template, rows)
        return _Year(template, tables, problems), True

    def _publish_date(self, due: date, year: int) -> date:
        if self.rng.random() < self.rates.late:
            self.planted["late"] += 1
            return due + timedelta(days=self.rng.randint(1, 60))
        start = date(year + 1, 1, 3)
        return start + timedelta(days=self.rng.randint(0, max(0, (due - start).days)))

    def _tables(self, base: Base, previous: _Year | None) -> dict[str, Any]:
        tables = dict(base.parsed["tables"])
        damaged: set[str] = set()
        draw = self.rng.random()
        if draw < self.rates.blank_table + self.rates.missing_table:
            name = self.rng.choice(TABLES)
            blank = draw < self.rates.blank_table
            tables[name] = base.blank[name] if blank else ABSENT_TABLE
            damaged.add(name)
            self.planted["blank_table" if blank else "missing_table"] += 1
        if "applications" not in damaged and base.broken and self.rng.random() < self.rates.arithmetic:
            tables["applications"] = base.broken
            damaged.add("applications")
            self.planted["arithmetic"] += 1
        if previous is not None:
            if "active_disclosure" not in damaged and previous.template == base.template == "2021":
                tables["active_disclosure"] = _stock_follows(previous.tables["active_disclosure"], tables)
            if "applications" not in damaged:
                tables["applications"] = _carried_over(previous.tables["applications"], tables, base.template)
        return tables

    def _sections(
        self, seed: BodySeed, year: int, base: Base, published: date, previous: _Year | None
    ) -> tuple[dict[str, str | None], list[dict[str, Any]], str]:
        rng = self.rng
        overview = overview_text(rng, year=year, self_ref=seed.self_ref)
        problems = problems_text(rng, year=year, self_ref=seed.self_ref)
        recent = self.written.setdefault(year, [])
        if previous is not None and previous.problems and rng.random() < self.rates.stale:
            problems = shift_years(previous.problems, 1)
            self.planted["stale"] += 1
        elif recent and rng.random() < self.rates.copied:
            source = rng.choice(recent)
            overview, problems = (
                t.replace(source.name, seed.name).replace(source.self_ref, seed.self_ref)
                for t in (source.overview, source.problems)
            )
            self.planted["copied"] += 1
        written = _Written(seed.name, seed.self_ref, overview, problems)
        if len(recent) < 500:
            recent.append(written)
        else:
            recent[rng.randrange(500)] = written
        sections: dict[str, str | None] = {
            **base.parsed["sections"],
            "overview": overview,
            "problems": problems,
            "other": other_text(rng, year=year, self_ref=seed.self_ref, name=seed.name, signed=published),
        }
        headings = base.parsed["headings"]
        if rng.random() < self.rates.missing_section:
            gone = rng.choice(list(sections))
            sections[gone] = None
            headings = [h for h in headings if h.get("section") != gone]
            self.planted["missing_section"] += 1
        return sections, headings, problems

    def _assemble(
        self,
        head: dict[str, Any],
        sections: dict[str, str | None],
        headings: list[dict[str, Any]],
        tables: dict[str, Any],
        base: Base,
    ) -> str:
        """The parsed JSON text, from pieces: the pool's tables are serialised once and reused."""
        table_json = ", ".join(f'"{name}": {self._table(tables[name])}' for name in TABLES)
        return (
            f"{_dumps(head)[:-1]}, "
            f'"sections": {_dumps(sections)}, "headings": {_dumps(headings)}, '
            f'"tables": {{{table_json}}}, {base.tail}}}'
        )

    def _table(self, table: dict[str, Any]) -> str:
        key = id(table)
        if key not in self._pooled:
            return _dumps(table)
        if key not in self._table_json:
            self._table_json[key] = _dumps(table)
        return self._table_json[key]

    def _rows(
        self,
        seed: BodySeed,
        year: int,
        published: date,
        due: date,
        versions: list[str],
        state: str,
        template: str,
        rows: Rows,
    ) -> None:
        report_id = self._next_id("reports")
        url = f"http://{seed.portal}.example.invalid/art/{year}/{seed.id}.html"
        title = f"{seed.name}{year}年政府信息公开工作年度报告"
        seen = datetime.combine(published, clock(2), tzinfo=UTC) + timedelta(days=self.rng.randint(0, 2))
        # An edit is first seen 20–50 days after both the publication and the deadline.
        edit_seen = datetime.combine(max(published, due), clock(3), tzinfo=UTC) + timedelta(
            days=self.rng.randint(20, 50)
        )
        version_id = 0
        for index, parsed_json in enumerate(versions):
            first = seen if index == 0 else edit_seen
            last = LAST_CRAWL if index == len(versions) - 1 else edit_seen - timedelta(days=1)
            document_id = self._next_id("documents")
            version_id = self._next_id("report_versions")
            rows.documents.append(
                {
                    "id": document_id,
                    "sha256": hashlib.sha256(f"{seed.id}/{year}/{index}".encode()).hexdigest(),
                    "media_type": "text/html",
                    "size": 3 * len(parsed_json) // 2,
                    "first_seen": first,
                    "last_seen": last,
                    "first_url": url,
                }
            )
            rows.versions.append(
                {
                    "id": version_id,
                    "report_id": report_id,
                    "document_id": document_id,
                    "content_sha256": hashlib.sha256(parsed_json.encode()).hexdigest(),
                    "url": url,
                    "title": title,
                    "first_seen": first,
                    "last_seen": last,
                    "attachments": [],
                    "template": template,
                    "parser_version": "1.0.0",
                    "parse_state": state,
                    "parsed_json": parsed_json,
                }
            )
        rows.reports.append(
            {
                "id": report_id,
                "body_id": seed.id,
                "year": year,
                "title": title,
                "url": url,
                "origin": "crawl",
                "publish_date": published,
                "publish_date_source": "meta",
                "publish_date_candidates": _candidates(published),
                "first_seen": seen,
                "last_seen": LAST_CRAWL,
                "current_version_id": version_id,
                "document_id": rows.documents[-1]["id"],
                "media_type": "text/html",
                "template": template,
                "parser_version": "1.0.0",
                "parse_state": state,
                "parsed_json": versions[-1],
            }
        )


def _candidates(published: date) -> list[dict[str, str]]:
    return [{"date": published.isoformat(), "source": "meta", "raw": published.isoformat()}]


def _stock_follows(before: dict[str, Any], tables: dict[str, Any]) -> dict[str, Any]:
    """Documents in force this year = last year's + issued − repealed (R6), where every figure is known."""
    table = tables["active_disclosure"]
    cells = dict(table["cells"])
    changed = False
    for row in ("rules", "normative_docs"):
        last = ((before.get("cells") or {}).get(row) or {}).get("in_force")
        mine = cells.get(row) or {}
        figures = [last, mine.get("issued"), mine.get("repealed"), mine.get("in_force")]
        if any(not f or f.get("state") != "number" for f in figures):
            continue
        wanted = last["value"] + mine["issued"]["value"] - mine["repealed"]["value"]
        if wanted >= 0 and wanted != mine["in_force"]["value"]:
            cells[row] = {**mine, "in_force": _number_cell(wanted, mine["in_force"])}
            changed = True
    return {**table, "cells": cells} if changed else table


def _carried_over(before: dict[str, Any], tables: dict[str, Any], template: str) -> dict[str, Any]:
    """This year's 上年结转 set to last year's 结转下年度 (R5), new applications adjusted so R1 and R2
    still hold; left alone when a figure is unknown or no adjustment keeps the counts non-negative."""
    table = tables["applications"]
    r1, r2 = _equation(template, "R1"), _equation(template, "R2")
    new_key, carried_key = r1.left
    forward_key = r1.right[1]
    total_col, parts = r2.left[0], r2.right
    cells = table["cells"]
    old = (before.get("cells") or {}).get(forward_key) or {}
    new, carried = cells.get(new_key) or {}, cells.get(carried_key) or {}
    figures = [old.get(c) for c in parts] + [new.get(c) for c in parts] + [carried.get(c) for c in parts]
    if any(not f or f.get("state") != "number" for f in figures) or total_col not in new or total_col not in carried:
        return table
    shift = {c: old[c]["value"] - carried[c]["value"] for c in parts}
    if not any(shift.values()) or any(new[c]["value"] - shift[c] < 0 for c in parts):
        return table
    new_row = {**new, **{c: _number_cell(new[c]["value"] - shift[c], new[c]) for c in parts}}
    carried_row = {**carried, **{c: _number_cell(old[c]["value"], carried[c]) for c in parts}}
    new_row[total_col] = _number_cell(sum(new_row[c]["value"] for c in parts), new[total_col])
    carried_row[total_col] = _number_cell(sum(carried_row[c]["value"] for c in parts), carried[total_col])
    return {**table, "cells": {**cells, new_key: new_row, carried_key: carried_row}}


def _edited(tables: dict[str, Any]) -> dict[str, Any]:
    """The same tables with one figure of table 二 different (what the body changed afterwards)."""
    table = tables["active_disclosure"]
    for row, cols in table["cells"].items():
        for col, cell in cols.items():
            if cell.get("state") == "number" and isinstance(cell.get("value"), int):
                changed = {**cols, col: _number_cell(cell["value"] + 7, cell)}
                return {**tables, "active_disclosure": {**table, "cells": {**table["cells"], row: changed}}}
    return tables


# --- writing ---------------------------------------------------------------------------------------------


def _json_param(dialect: str) -> Any:
    """The parsed JSON as text: PostgreSQL casts it to JSONB, SQLite stores the text as the JSON type does."""
    param = bindparam("parsed_json", type_=Text)
    return cast(param, JSONB) if dialect == "postgresql" else param


def _insert(conn: Connection, model: type, rows: list[dict[str, Any]], chunk: int = 5000) -> None:
    for start in range(0, len(rows), chunk):
        conn.execute(insert(model.__table__), rows[start : start + chunk])  # type: ignore[attr-defined]


def write_registry(conn: Connection, reg: Registry, plan: Plan, blocked: set[str], generated: Generated) -> None:
    _insert(conn, Jurisdiction, reg.jurisdictions)
    _insert(conn, Portal, reg.portals)
    bodies = [
        {
            "id": b.id,
            "name": b.name,
            "aliases": [b.short] if b.short != b.name else [],
            "kind": b.kind,
            "jurisdiction_code": b.jurisdiction,
            "portal_id": b.portal,
            "first_year": plan.first_year,
        }
        for b in reg.bodies
    ]
    _insert(conn, Body, bodies)
    if reg.overrides:
        _insert(conn, DeadlineOverride, reg.overrides)
    runs = []
    for portal in reg.portals:
        run = {"portal_id": portal["id"], "trigger": "schedule", "stats": {}}
        if portal["id"] in blocked:
            runs.append({**run, "status": RunStatus.OK, "started_at": LAST_CRAWL - timedelta(days=30)})
            runs.append({**run, "status": RunStatus.BLOCKED, "started_at": LAST_CRAWL})
        else:
            runs.append({**run, "status": RunStatus.OK, "started_at": LAST_CRAWL})
    for run in runs:
        run["finished_at"] = run["started_at"] + timedelta(hours=2)
    _insert(conn, CrawlRun, runs)
    generated.rows.update(
        jurisdictions=len(reg.jurisdictions),
        portals=len(reg.portals),
        bodies=len(bodies),
        deadline_overrides=len(reg.overrides),
        crawl_runs=len(runs),
    )


def write_reports(conn: Connection, rows: Rows, generated: Generated) -> None:
    """Documents, reports and versions. reports.current_version_id and report_versions.report_id reference
    each other: on SQLite the loader does not enforce foreign keys (checked once at the end); PostgreSQL
    cannot defer them, so there the reports get their current version after their versions exist."""
    dialect = conn.dialect.name
    _insert(conn, Document, rows.documents)
    report_insert = insert(Report.__table__).values(parsed=_json_param(dialect))
    version_insert = insert(ReportVersion.__table__).values(parsed=_json_param(dialect))
    if dialect == "sqlite":
        conn.execute(report_insert, rows.reports)
        conn.execute(version_insert, rows.versions)
    else:
        conn.execute(report_insert, [{**r, "current_version_id": None} for r in rows.reports])
        conn.execute(version_insert, rows.versions)
        conn.execute(
            update(Report.__table__)
            .where(Report.__table__.c.id == bindparam("rid"))
            .values(current_version_id=bindparam("vid")),
            [{"rid": r["id"], "vid": r["current_version_id"]} for r in rows.reports],
        )
    if rows.links:
        _insert(conn, DiscoveredLink, rows.links)
    generated.rows.update(
        documents=len(rows.documents),
        reports=len(rows.reports),
        report_versions=len(rows.versions),
        discovered_links=len(rows.links),
    )


def _loader_engine(url: str) -> Engine:
    """A separate engine for loading. On SQLite it neither fsyncs nor enforces foreign keys while loading
    (with deferred checks every version insert would scan `reports`, which has no index on
    current_version_id); `_after_load` checks them once. The checks run on the project's own engine."""
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_loader_pragmas)
    return engine


def _sqlite_loader_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")


def _calendar(reg: Registry) -> DeadlineCalendar:
    overrides = [
        OverrideRule(o["jurisdiction_code"], o["year"], BodyKind(o["kind"]), o["due"], o["notice"])
        for o in reg.overrides
    ]
    parents = {j["code"]: j["parent_code"] for j in reg.jurisdictions}
    return DeadlineCalendar(load_default_rules(), overrides, parents)


def _chunks(items: list[BodySeed], size: int) -> Iterator[list[BodySeed]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def generate(url: str, plan: Plan, progress: Progress | None = None) -> Generated:
    """Write the registry and every report of `plan` into the (migrated, empty) database at `url`."""
    started = time.perf_counter()
    generated = Generated()
    rng = random.Random(plan.seed)
    reg = make_registry(plan.bodies, rng, plan.report_years)
    blocked = {p["id"] for p in reg.portals if rng.random() < plan.rates.blocked_portal}
    generated.planted["blocked_portals"] = len(blocked)
    engine = _loader_engine(url)
    try:
        with engine.begin() as conn:
            write_registry(conn, reg, plan, blocked, generated)
        if progress:
            progress("pool", 0, 2 * plan.pool)
        maker = ReportMaker(plan, make_pool(plan.pool, plan.seed), _calendar(reg), blocked)
        written = [0]

        def write(rows: Rows, bodies: int) -> None:
            with engine.begin() as conn:
                write_reports(conn, rows, generated)
            written[0] += bodies
            if progress:
                progress("reports", written[0], len(reg.bodies))

        # One writer thread: the next chunk is made while the database stores the last (drivers release the GIL).
        with ThreadPoolExecutor(max_workers=1) as writer:
            pending: Future[None] | None = None
            for chunk in _chunks(reg.bodies, plan.chunk):
                rows = Rows()
                for seed in chunk:
                    if maker.body(seed, rows) and generated.sample_body is None and seed.portal not in blocked:
                        generated.sample_body = seed.id
                if pending is not None:
                    pending.result()
                pending = writer.submit(write, rows, len(chunk))
            if pending is not None:
                pending.result()
        generated.planted.update(maker.planted)
        _after_load(engine, maker)
    finally:
        engine.dispose()
    generated.seconds = time.perf_counter() - started
    return generated


def _after_load(engine: Engine, maker: ReportMaker) -> None:
    """SQLite: check the foreign keys the loader did not enforce. PostgreSQL: move the id sequences past the
    ids given, and gather statistics as autovacuum would."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(5)
        if broken:
            raise RuntimeError(f"generated rows break foreign keys: {broken}")
        return
    with engine.begin() as conn:
        for table in ("documents", "reports", "report_versions"):
            conn.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :last)"),
                {"last": max(maker.ids[table], 1)},
            )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
