"""STALE_PROBLEMS and COPIED_TEXT on a real database: the pairs that must be flagged and those that must not."""

from __future__ import annotations

import hashlib
import random
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.parsing.templates import SECTION_KEYS
from db.models import (
    Body,
    BodyKind,
    Document,
    Jurisdiction,
    JurisdictionLevel,
    Portal,
    Report,
    ReportOrigin,
    TextSignature,
)
from db.session import Database
from demo.reportgen import random_spec, shift_years
from demo.reportgen.names import random_body
from monitor.context import CheckSettings, load_context
from monitor.deadlines import DeadlineCalendar
from monitor.rules import copied_text
from monitor.rules.base import Finding
from monitor.rules.copied_text import CopiedText
from monitor.rules.stale_problems import StaleProblems
from monitor.similarity import minhash, normalise, text_sha256, to_bytes

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
LATER = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
# The calibrated thresholds (see monitor/similarity.py and the rules): stale 0.6, copied 0.9.
SETTINGS = CheckSettings(stale_threshold=0.6, copied_threshold=0.9)

# --- hand-written sections 五 ------------------------------------------------------------------------------

AGRI_2021 = (
    "（一）存在的主要问题\n一是政策解读的针对性不强，解读材料多为文字形式，群众不易理解；二是依申请公开答复质量参差不齐，"
    "个别答复文书援引条款不够准确；三是基层站所信息报送不及时。\n（二）改进措施\n2022年，我局将围绕高标准农田建设、"
    "农业补贴发放等群众关注事项，制作图解和短视频开展解读；组织答复文书专项评查，统一文书模板；建立基层站所信息报送月通报制度。"
)
# Same body, next year: new problems and new measures.
REWRITTEN = {
    "agriculture bureau": (
        AGRI_2021,
        "（一）存在的主要问题\n一是涉农补贴信息公开的颗粒度不够细，补贴对象和标准公示不够全面；二是政务新媒体账号更新频次偏低，"
        "互动回应较少；三是信息公开工作人员调整频繁，业务衔接存在断档。\n（二）改进措施\n2023年，我局将按村组逐项公示耕地地力"
        "保护补贴发放明细；制定政务新媒体内容发布计划，每周至少更新两次并安排专人回复留言；编制信息公开工作操作手册，做好人员交接培训。",
    ),
    "township": (
        "我乡政府信息公开工作还存在一些不足：公开栏目内容更新不够及时，部分村务公开栏长期未更换；工作人员对《条例》理解不深，"
        "答复申请时程序不够规范。下一步，我乡将落实专人定期维护公开栏目，每季度对各村公开栏开展一次检查；组织工作人员参加县里"
        "举办的业务培训，规范申请受理、登记、答复各环节。",
        "2021年，我乡在公开工作中仍存在以下问题：一是防汛救灾、人居环境整治等重点工作信息发布集中在年底，时效性不强；二是便民"
        "服务中心的查阅点使用率低，群众知晓度不高。2022年，我乡将建立重点工作信息周报机制，做到边推进边公开；通过村民微信群和"
        "集市宣传等方式推广查阅点，并在查阅点提供打印和咨询服务。",
    ),
    "sub-district": (
        "一、存在的主要问题：主动公开的内容以工作动态为主，涉及居民切身利益的拆迁安置、老旧小区改造信息公开不够充分；依申请公开"
        "办理中与相关科室的协调机制不够顺畅，个别申请接近法定期限才答复。二、改进情况：下一步将编制老旧小区改造专项公开清单，"
        "按项目进度公开资金和施工信息；建立依申请公开会商制度，明确承办科室的办理时限。",
        "存在的主要问题：一是社区层面的公开事项目录尚未编制完成，社区公开内容随意性较大；二是政策解读以转载上级文件解读为主，"
        "结合本辖区实际的解读较少。改进措施：一是年内完成辖区各社区公开事项目录编制，并在社区服务站公示；二是对辖区养老服务补贴、"
        "就业帮扶等政策开展本地化解读，邀请社区工作者以问答形式说明办理流程。",
    ),
    "same topic, written anew": (
        "存在的不足主要是：公开平台建设相对滞后，网站栏目设置与新版公开目录不一致；依申请公开工作人员多为兼职，专业能力不足。"
        "改进措施：对照新版公开目录调整网站栏目；加强对兼职人员的培训，提升依申请公开办理能力。",
        "经自查，我委仍存在以下问题：网站栏目虽已按新版公开目录调整，但部分栏目内容空白；兼职人员虽参加了培训，但对不予公开情形的"
        "把握仍不准确。下一步，我委将逐一补齐空白栏目内容，确保年底前全部栏目有内容可查；整理近三年依申请公开典型案例，编印案例"
        "汇编供兼职人员学习。",
    ),
}
# Same body, next year: last year's text again, with the years changed and little else.
REUSED = {
    "years changed": (AGRI_2021, shift_years(AGRI_2021, 1)),
    "a sentence added": (
        AGRI_2021,
        shift_years(AGRI_2021, 1) + "\n同时，我局将加强与县政务公开办的沟通，及时报送工作信息。",
    ),
    "one problem and its measure dropped": (
        AGRI_2021,
        shift_years(AGRI_2021, 1)
        .replace("三是基层站所信息报送不及时。", "")
        .replace("；建立基层站所信息报送月通报制度", ""),
    ),
}

# A township's own section 五, and what two others made of it.
ORIGINAL = (
    "（一）存在的主要问题\n2022年，青溪乡政府信息公开工作虽有进步，但仍有短板：一是村级公开栏由各村自行维护，青溪乡对12个村的"
    "公开内容缺乏统一审核；二是防汛救灾期间临时转移安置信息只在村民微信群发布，未同步在门户网站留存；三是办理的3件依申请公开中"
    "有1件超过法定期限才答复。\n（二）改进措施\n2023年，青溪乡将制定村级公开内容审核清单，由党政办每月抽查；建立应急信息发布备案"
    "制度，灾情和安置信息当日在网站留存；对依申请公开实行台账管理，到期前五个工作日提醒承办人员。"
)
COPY = ORIGINAL.replace("青溪乡", "柳桥镇").replace("12个", "9个").replace("3件", "5件").replace("有1件", "有2件")
EDITED_COPY = ORIGINAL.replace("青溪乡", "松山乡").replace("每月抽查", "每月随机抽查")
OWN_TEXT = (
    "经自查，我乡政府信息公开工作存在的问题是：集镇改造项目征收补偿标准只在项目现场张贴，网上查询不便；老年群众对网上公开渠道"
    "不熟悉。下一步将把征收补偿方案和补偿名单同步发布在门户网站专栏，并在各村便民服务站安排人员帮助群众查询。"
)


def _bump(match: re.Match[str]) -> str:
    return str(int(match.group()) + 3)


# --- a database world -------------------------------------------------------------------------------------


def _registry(session: Session, bodies: dict[str, str]) -> None:
    session.add(Jurisdiction(code="990000", name="某省", level=JurisdictionLevel.PROVINCE))
    session.add(Portal(id="p", name="某县人民政府网", base_url="http://127.0.0.1:9/"))
    session.flush()
    for body_id, name in bodies.items():
        kind = BodyKind.DEPARTMENT if name.endswith(("局", "委员会")) else BodyKind.TOWNSHIP
        session.add(
            Body(
                id=body_id,
                name=name,
                aliases=[],
                kind=kind,
                jurisdiction_code="990000",
                portal_id="p",
                first_year=2019,
            )
        )
    session.flush()


def _report(
    session: Session,
    body_id: str,
    year: int,
    *,
    problems: str | None = None,
    overview: str | None = None,
    state: str = "ok",
    published: date | None = None,
) -> int:
    sha = hashlib.sha256(f"{body_id}/{year}/{problems}/{overview}".encode()).hexdigest()
    document = Document(sha256=sha, media_type="text/html", size=1)
    session.add(document)
    session.flush()
    sections: dict[str, str | None] = dict.fromkeys(SECTION_KEYS)
    sections.update(problems=problems, overview=overview)
    report = Report(
        body_id=body_id,
        year=year,
        origin=ReportOrigin.CRAWL,
        title=f"{body_id} {year}",
        document_id=document.id,
        parse_state=state,
        parsed={"state": state, "sections": sections},
        publish_date=published,
    )
    session.add(report)
    session.flush()
    return report.id


def _stale(session: Session) -> list[Finding]:
    body_ids = list(session.scalars(select(Body.id)))
    ctx = load_context(session, body_ids, None, NOW, SETTINGS, DeadlineCalendar.from_session(session))
    return list(StaleProblems().evaluate(ctx))


# --- STALE_PROBLEMS ------------------------------------------------------------------------------------------


def test_stale_flags_reused_sections_and_leaves_rewritten_ones_alone(database: Database) -> None:
    cases = {**{f"reused: {k}": v for k, v in REUSED.items()}, **{f"rewritten: {k}": v for k, v in REWRITTEN.items()}}
    bodies = {f"b{n}": case for n, case in enumerate(cases)}
    with database.session() as s:
        _registry(s, dict.fromkeys(bodies, "云河县农业农村局"))
        ids = {}
        for body_id, case in bodies.items():
            earlier, later = cases[case]
            ids[body_id] = (_report(s, body_id, 2021, problems=earlier), _report(s, body_id, 2022, problems=later))
        findings = _stale(s)
        # the exact scores behind the threshold 0.6: reused text 0.76 or more, rewritten text 0.03 or less
        every = CheckSettings(stale_threshold=0.0)
        ctx = load_context(s, list(bodies), None, NOW, every, DeadlineCalendar.from_session(s))
        scores = {bodies[f.body_id]: f.evidence["score"] for f in StaleProblems().evaluate(ctx)}
    assert scores == {
        "reused: years changed": 1.0,
        "reused: a sentence added": 0.841,
        "reused: one problem and its measure dropped": 0.762,
        "rewritten: agriculture bureau": 0.0,
        "rewritten: township": 0.0,
        "rewritten: sub-district": 0.0,
        "rewritten: same topic, written anew": 0.027,
    }
    assert sorted(bodies[f.body_id] for f in findings) == [f"reused: {k}" for k in sorted(REUSED)]
    assert {f.key[0] for f in findings} == {"STALE_PROBLEMS"} and {f.key[2:] for f in findings} == {(2022, "problems")}

    finding = next(f for f in findings if bodies[f.body_id] == "reused: a sentence added")
    old, new = ids[finding.body_id]
    assert finding.report_id == new
    evidence = finding.evidence
    assert (evidence["earlier_report"], evidence["earlier_year"]) == (old, 2021)
    assert (evidence["score"], evidence["threshold"], evidence["share_reused"]) == (0.841, 0.6, 0.841)
    assert evidence["compared"] == [{"year": 2021, "report_id": old, "score": 0.841}]
    assert (evidence["length"], evidence["earlier_length"]) == (len(REUSED["a sentence added"][1]), len(AGRI_2021))
    assert (evidence["normalised_length"], evidence["earlier_normalised_length"]) == (153, 130)
    assert "repeats the 2021 report's: similarity 0.84" in finding.message
    # every reused problem and measure next to last year's wording; the added sentence has no match
    assert [(p["this_year"], p["earlier"]) for p in evidence["passages"]][:2] == [
        ("一是政策解读的针对性不强，解读材料多为文字形式，群众不易理解",) * 2,
        ("二是依申请公开答复质量参差不齐，个别答复文书援引条款不够准确",) * 2,
    ]
    assert [p["score"] for p in evidence["passages"]] == [1.0] * 6
    assert evidence["passages"][3] == {
        "this_year": "2023年，我局将围绕高标准农田建设、农业补贴发放等群众关注事项，制作图解和短视频开展解读",
        "earlier": "2022年，我局将围绕高标准农田建设、农业补贴发放等群众关注事项，制作图解和短视频开展解读",
        "score": 1.0,
    }


def test_stale_flags_a_generated_section_filed_again_with_the_years_changed(database: Database) -> None:
    body = "青石乡人民政府"
    first = random_spec(random.Random(3), template="2021", year=2021, body=body)
    again = random_spec(
        random.Random(4),
        template="2021",
        year=2022,
        body=body,
        problems_text=shift_years(first.sections["problems"], 1),
    )
    with database.session() as s:
        _registry(s, {"qs": body})
        old = _report(s, "qs", 2021, problems=first.sections["problems"])
        _report(s, "qs", 2022, problems=again.sections["problems"])
        findings = _stale(s)
    assert [(f.key, f.evidence["earlier_report"], f.evidence["score"]) for f in findings] == [
        (("STALE_PROBLEMS", "qs", 2022, "problems"), old, 1.0)
    ]


def test_stale_leaves_independently_generated_sections_alone(database: Database) -> None:
    """Sections drawn from the shared phrase banks, for the same body in three years (30 bodies) and for
    different bodies filed as one body's two years (30 more): none reaches the threshold."""
    with database.session() as s:
        bodies = {f"g{n}": random_body(random.Random(n)).name for n in range(30)}
        bodies |= {f"x{n}": f"测试{n}局" for n in range(30)}
        _registry(s, bodies)
        for n in range(30):
            for year in (2021, 2022, 2023):
                spec = random_spec(random.Random(1000 * year + n), template="2021", year=year, body=bodies[f"g{n}"])
                _report(s, f"g{n}", year, problems=spec.sections["problems"])
            for year in (2021, 2022):  # two other bodies' texts, each with its own names
                spec = random_spec(random.Random(5000 * year + n), template="2021", year=year)
                _report(s, f"x{n}", year, problems=spec.sections["problems"])
        assert _stale(s) == []


def test_stale_skips_short_and_unreadable_sections(database: Database) -> None:
    with database.session() as s:
        _registry(s, {"a": "甲乡人民政府", "b": "乙乡人民政府", "c": "丙乡人民政府"})
        _report(s, "a", 2021, problems="无。")
        _report(s, "a", 2022, problems="无。")
        _report(s, "b", 2021, problems=AGRI_2021, state="failed")  # its text cannot be trusted
        _report(s, "b", 2022, problems=shift_years(AGRI_2021, 1))
        _report(s, "c", 2021, problems=AGRI_2021)
        _report(s, "c", 2022, problems=shift_years(AGRI_2021, 1), state="no_text")
        _report(s, "c", 2023, problems=None)
        assert _stale(s) == []


def test_stale_compares_with_every_earlier_year_and_names_the_closest(database: Database) -> None:
    with database.session() as s:
        _registry(s, {"agri": "云河县农业农村局"})
        first = _report(s, "agri", 2020, problems=shift_years(AGRI_2021, -1))
        second = _report(s, "agri", 2021, problems=REWRITTEN["agriculture bureau"][1])
        _report(s, "agri", 2022, problems=shift_years(AGRI_2021, 1))
        _report(s, "agri", 2019, problems=REWRITTEN["township"][0])
        findings = _stale(s)
    assert [f.key for f in findings] == [("STALE_PROBLEMS", "agri", 2022, "problems")]
    evidence = findings[0].evidence
    assert (evidence["earlier_year"], evidence["earlier_report"], evidence["score"]) == (2020, first, 1.0)
    assert [(c["year"], c["report_id"]) for c in evidence["compared"]][:2] == [(2021, second), (2020, first)]
    assert [c["year"] for c in evidence["compared"]] == [2021, 2020, 2019]


# --- COPIED_TEXT ---------------------------------------------------------------------------------------------

BODIES = {
    "qx": "青溪乡人民政府",
    "lq": "柳桥镇人民政府",
    "ss": "松山乡人民政府",
    "bt": "白塘街道办事处",
    "hy": "和源镇人民政府",
    "fl": "枫岭乡人民政府",
    "f1": "云河县卫生健康委员会",
    "f2": "云河县水利局",
    "w1": "金泉乡人民政府",
    "w2": "银泉乡人民政府",
    "yh": "云河县医疗保障局",
}


def _overview(seed: int, body: str) -> str:
    return random_spec(random.Random(seed), template="2021", year=2022, body=body).sections["overview"] or ""


def _corpus(session: Session) -> dict[str, int]:
    """Year 2022: qx wrote its own section 五, lq copied it with names and numbers changed, ss copied it and
    changed a word; hy copied bt's overview; the rest wrote their own. 2021: qx's text again (another year)."""
    _registry(session, BODIES)
    white_pond = _overview(11, BODIES["bt"])
    copied_overview = re.sub(r"\d+", _bump, white_pond.replace("白塘街道", "和源镇").replace("我街道", "我镇"))
    ids = {
        "qx": _report(
            session, "qx", 2022, problems=ORIGINAL, overview=_overview(1, BODIES["qx"]), published=date(2023, 1, 12)
        ),
        "lq": _report(
            session, "lq", 2022, problems=COPY, overview=_overview(2, BODIES["lq"]), published=date(2023, 1, 20)
        ),
        "ss": _report(session, "ss", 2022, problems=EDITED_COPY, overview=_overview(3, BODIES["ss"])),
        "bt": _report(session, "bt", 2022, problems=REWRITTEN["township"][0], overview=white_pond),
        "hy": _report(session, "hy", 2022, problems=OWN_TEXT, overview=copied_overview),
        "fl": _report(session, "fl", 2022, problems=REWRITTEN["township"][1], overview=_overview(6, BODIES["fl"])),
        "f1": _report(session, "f1", 2022, problems=REWRITTEN["same topic, written anew"][0]),
        "f2": _report(session, "f2", 2022, problems=REWRITTEN["same topic, written anew"][1]),
        "w1": _report(session, "w1", 2022, problems="无。", overview="本年度工作正常开展。"),
        "w2": _report(session, "w2", 2022, problems="无。", overview="本年度工作正常开展。"),
        "yh": _report(session, "yh", 2022, problems=ORIGINAL.replace("青溪乡", "云河县医疗保障局"), state="failed"),
        "qx2021": _report(session, "qx", 2021, problems=shift_years(ORIGINAL, -1)),
    }
    return ids


def _copied(
    session: Session, *, report_ids: set[int] | None = None, now: datetime = NOW
) -> tuple[list[Finding], set[tuple[str, int]]]:
    result = CopiedText().evaluate_corpus(session, settings=SETTINGS, years=None, report_ids=report_ids, now=now)
    return sorted(result.findings, key=lambda f: f.key), result.evaluated


def test_copied_flags_both_bodies_of_each_copied_pair(any_database: Database) -> None:
    with any_database.session() as s:
        ids = _corpus(s)
        findings, evaluated = _copied(s)
    assert [f.key for f in findings] == [
        ("COPIED_TEXT", "bt", 2022, "overview"),
        ("COPIED_TEXT", "hy", 2022, "overview"),
        ("COPIED_TEXT", "lq", 2022, "problems"),
        ("COPIED_TEXT", "qx", 2022, "problems"),
        ("COPIED_TEXT", "ss", 2022, "problems"),
    ]
    assert evaluated == {(body, 2022) for body in BODIES} | {("qx", 2021)}
    by_key = {(f.body_id, f.subject): f for f in findings}

    original = by_key[("qx", "problems")]
    assert original.report_id == ids["qx"]
    assert original.evidence["publish_date"] == "2023-01-12"
    assert original.evidence["threshold"] == 0.9 and original.evidence["score"] == 1.0
    assert original.evidence["partners_total"] == 2
    partners = original.evidence["partners"]
    assert [(p["body_id"], p["body_name"], p["report_id"], p["publish_date"], p["score"]) for p in partners] == [
        ("lq", "柳桥镇人民政府", ids["lq"], "2023-01-20", 1.0),
        ("ss", "松山乡人民政府", ids["ss"], None, 0.941),
    ]
    opening = (
        "2022年，{}政府信息公开工作虽有进步，但仍有短板：一是村级公开栏由各村自行维护，{}对{}个村的公开内容缺乏统一审核"
    )
    assert partners[0]["passages"][0] == {
        "this_report": opening.format("青溪乡", "青溪乡", 12),
        "other_report": opening.format("柳桥镇", "柳桥镇", 9),
        "score": 1.0,
    }
    assert len(partners[0]["passages"]) == 6
    assert "柳桥镇人民政府" in original.message and "and to 1 other report" in original.message

    copy = by_key[("lq", "problems")]
    assert [(p["body_id"], p["score"]) for p in copy.evidence["partners"]] == [("qx", 1.0), ("ss", 0.941)]
    assert copy.evidence["publish_date"] == "2023-01-20"
    edited = by_key[("ss", "problems")]
    assert [(p["body_id"], p["score"]) for p in edited.evidence["partners"]] == [("qx", 0.941), ("lq", 0.941)]
    reworded = {p["this_report"]: p["other_report"] for p in edited.evidence["partners"][0]["passages"]}
    assert reworded["2023年，松山乡将制定村级公开内容审核清单，由党政办每月随机抽查"] == (
        "2023年，青溪乡将制定村级公开内容审核清单，由党政办每月抽查"
    )

    overview = by_key[("hy", "overview")]
    assert overview.evidence["title"] == "一、总体情况"
    assert [(p["body_id"], p["report_id"], p["score"]) for p in overview.evidence["partners"]] == [
        ("bt", ids["bt"], 1.0)
    ]
    assert overview.evidence["partners"][0]["passages"]


def test_copied_keeps_signatures_current(database: Database) -> None:
    with database.session() as s:
        ids = _corpus(s)
        _copied(s)
    with database.session() as s:
        rows = {(r.report_id, r.section): r for r in s.scalars(select(TextSignature))}
        assert len(rows) == 2 * len(ids)
        qx = rows[(ids["qx"], "problems")]
        own = normalise(ORIGINAL, body_names=["青溪乡人民政府"])
        assert (qx.body_id, qx.year, qx.text_sha256, qx.length) == ("qx", 2022, text_sha256(own), len(own))
        assert len(qx.signature) == 512 and qx.computed_at == NOW
        assert rows[(ids["lq"], "problems")].text_sha256 == qx.text_sha256
        # nothing to compare: an unreadable report, "无", an absent section
        assert rows[(ids["yh"], "problems")].signature == b"" and rows[(ids["yh"], "problems")].length == 0
        assert rows[(ids["w1"], "problems")].signature == b"" and rows[(ids["w1"], "problems")].length == 1
        assert rows[(ids["f1"], "overview")].signature == b""
        # a second pass over unchanged texts rewrites nothing
        _copied(s, now=LATER)
        assert s.scalar(select(func.count()).where(TextSignature.computed_at == LATER)) == 0
        # a changed text is signed again
        report = s.get(Report, ids["qx"])
        assert report is not None and report.parsed is not None
        report.parsed = {**report.parsed, "sections": {**report.parsed["sections"], "problems": OWN_TEXT}}
        s.flush()
        _copied(s, now=LATER)
        changed = s.get(TextSignature, (ids["qx"], "problems"))
        assert changed is not None and changed.computed_at == LATER
        assert changed.text_sha256 == text_sha256(normalise(OWN_TEXT, body_names=["青溪乡人民政府"]))
        assert s.scalar(select(func.count()).where(TextSignature.computed_at == LATER)) == 1


@pytest.fixture(params=["scan", "index"])
def lookup(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Incremental passes look partners up by comparing bands directly (few changed reports) or through the
    year's LSH index (many): both ways must give the same answer."""
    if request.param == "index":
        monkeypatch.setattr(copied_text, "SCAN_TARGETS", 0)
    return str(request.param)


def test_copied_incremental_pass_judges_a_report_and_its_partners_only(database: Database, lookup: str) -> None:
    with database.session() as s:
        ids = _corpus(s)
        _copied(s)
    with database.session() as s:
        findings, evaluated = _copied(s, report_ids={ids["lq"]})
        assert [f.key for f in findings] == [
            ("COPIED_TEXT", "lq", 2022, "problems"),
            ("COPIED_TEXT", "qx", 2022, "problems"),
            ("COPIED_TEXT", "ss", 2022, "problems"),
        ]
        assert evaluated == {("lq", 2022), ("qx", 2022), ("ss", 2022)}
        # the same findings as the full pass, partners and all
        assert [(p["body_id"], p["score"]) for p in findings[1].evidence["partners"]] == [("lq", 1.0), ("ss", 0.941)]

        assert _copied(s, report_ids={ids["fl"]}) == ([], {("fl", 2022)})


def test_copied_incremental_pass_clears_the_partners_of_a_rewritten_report(any_database: Database, lookup: str) -> None:
    with any_database.session() as s:
        ids = _corpus(s)
        _copied(s)
    with any_database.session() as s:
        report = s.get(Report, ids["qx"])
        assert report is not None and report.parsed is not None
        report.parsed = {**report.parsed, "sections": {**report.parsed["sections"], "problems": AGRI_2021}}
        s.flush()
        findings, evaluated = _copied(s, report_ids={ids["qx"]}, now=LATER)
        # qx is judged and no longer copied; its old partners are judged again and still copy each other
        assert evaluated == {("qx", 2022), ("lq", 2022), ("ss", 2022)}
        assert [(f.key, [p["body_id"] for p in f.evidence["partners"]]) for f in findings] == [
            (("COPIED_TEXT", "lq", 2022, "problems"), ["ss"]),
            (("COPIED_TEXT", "ss", 2022, "problems"), ["lq"]),
        ]


def test_copied_incremental_pass_signs_reports_it_has_never_seen(database: Database, lookup: str) -> None:
    with database.session() as s:
        ids = _corpus(s)
        findings, evaluated = _copied(s, report_ids={ids["hy"]})
        assert [f.key for f in findings] == [
            ("COPIED_TEXT", "bt", 2022, "overview"),
            ("COPIED_TEXT", "hy", 2022, "overview"),
        ]
        assert evaluated == {("hy", 2022), ("bt", 2022)}
        # every report of 2022 is signed; 2021, not asked about, is left for its own pass
        assert s.scalar(select(func.count()).select_from(TextSignature)) == 2 * (len(ids) - 1)


def test_copied_leaves_independently_generated_reports_alone(database: Database) -> None:
    """Sixty generated reports of sixty bodies, drawing on the same phrase banks: no section reaches the
    threshold; the sixty-first, a copy of one with the name and numbers changed, is found with its original."""
    specs = [random_spec(random.Random(700 + n), template="2021", year=2022) for n in range(60)]
    with database.session() as s:
        names = {f"g{n}": spec.body for n, spec in enumerate(specs)}
        names["copy"] = "凤凰乡人民政府"
        _registry(s, names)
        for n, spec in enumerate(specs):
            _report(s, f"g{n}", 2022, problems=spec.sections["problems"], overview=spec.sections["overview"])
        assert _copied(s) == ([], {(f"g{n}", 2022) for n in range(60)})
        source = specs[9]
        short = source.body.removesuffix("人民政府").removesuffix("办事处")

        def copy(text: str | None) -> str:
            return re.sub(r"\d+", _bump, (text or "").replace(short, "凤凰乡"))

        _report(s, "copy", 2022, problems=copy(source.sections["problems"]), overview=copy(source.sections["overview"]))
        findings, _ = _copied(s)
    assert [f.key for f in findings] == [
        ("COPIED_TEXT", "copy", 2022, "overview"),
        ("COPIED_TEXT", "copy", 2022, "problems"),
        ("COPIED_TEXT", "g9", 2022, "overview"),
        ("COPIED_TEXT", "g9", 2022, "problems"),
    ]
    assert {f.evidence["score"] for f in findings} == {1.0}


def test_band_comparison_finds_what_the_lsh_index_finds() -> None:
    """The incremental shortcut (bands compared directly) returns, for every query, the index's answer."""
    texts = [
        normalise(random_spec(random.Random(900 + n), template="2021", year=2022).sections["problems"] or "")
        for n in range(200)
    ]
    # Near copies at falling similarity, so that some share a band and some do not.
    for n, cut in enumerate((2, 6, 12, 25, 40)):
        texts.append(texts[n][cut:] + texts[n + 50][:cut])
    sections = {mode: copied_text._Section(0.9, scan=mode == "scan") for mode in ("scan", "index")}
    signatures = [to_bytes(minhash(text)) for text in texts]
    for section in sections.values():
        for n, (text, signature) in enumerate(zip(texts, signatures, strict=True)):
            section.add(n, copied_text._Entry(f"b{n}", text_sha256(text), signature), text)
    answers = {mode: [section.query(sig) for sig in signatures] for mode, section in sections.items()}
    assert answers["scan"] == answers["index"]
    assert all(text_sha256(text) in found for text, found in zip(texts, answers["scan"], strict=True))
    assert sum(len(found) > 1 for found in answers["scan"]) >= 4  # the near copies meet their originals


def test_copied_moves_the_signatures_of_a_report_whose_year_was_corrected(any_database: Database) -> None:
    with any_database.session() as s:
        ids = _corpus(s)
        _copied(s)
        signed = s.scalar(select(func.count()).select_from(TextSignature))
    with any_database.session() as s:
        report = s.get(Report, ids["qx2021"])
        assert report is not None
        report.year = 2023  # the crawler misread the year, and a re-parse corrected it
        s.flush()
        _copied(s, now=LATER)
        rows = s.execute(select(TextSignature.year).where(TextSignature.report_id == ids["qx2021"])).scalars().all()
        assert rows == [2023, 2023]  # both sections, moved rather than signed twice
        assert s.scalar(select(func.count()).select_from(TextSignature)) == signed
