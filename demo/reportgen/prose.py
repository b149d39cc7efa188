"""Phrase banks and builders for the prose of a synthetic report: preamble, overview, section intros, problems."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

CN_NUMERALS = "一二三四五六七八九十"

# Facts every text may use: year, next, self, body, short, site, office, phone, and the counts below.
Facts = Mapping[str, object]

_PREAMBLES = (
    "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和上级关于做好政府信息公开工作年度报告"
    "编制发布工作的要求，由{body}编制。报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
    "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六个部分。"
    "报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。",
    "根据《中华人民共和国政府信息公开条例》第五十条的规定，现向社会公布{short}{year}年度政府信息公开工作年度报告。"
    "本报告中使用数据的统计期限为{year}年1月1日至12月31日。如对本报告有疑问，请与{body}{office}联系"
    "（电话：{phone}）。",
    "为全面反映{year}年度{short}政府信息公开工作情况，依照《中华人民共和国政府信息公开条例》要求，编制本年度报告。"
    "本报告电子版可在{site}“政府信息公开”专栏查阅和下载。",
    "按照《中华人民共和国政府信息公开条例》和政府信息公开工作年度报告格式的要求，{body}编制了{year}年政府信息公开"
    "工作年度报告。所列数据统计时间自{year}年1月1日起至{year}年12月31日止。",
)

_OVERVIEW_OPENINGS = (
    "{year}年，{self}深入贯彻落实《条例》，紧扣年度政务公开工作安排，稳步推进各项公开任务，政府信息公开工作总体平稳有序。",
    "{year}年度，{self}把政府信息公开作为转变作风、服务群众的一项基础工作来抓，做到有人员负责、有制度保障、"
    "有平台支撑，全年工作按计划完成。",
    "本年度，{self}按照上级关于政务公开工作的部署，结合自身实际细化任务分工，在主动公开、依申请公开、平台管理等方面"
    "持续用力。现将主要情况报告如下：",
    "",
)

# (fact that must be non-zero for the sentence to make sense, or "", sentence)
Sentence = tuple[str, str]

_TOPICS: dict[str, tuple[tuple[str, ...], tuple[Sentence, ...]]] = {
    "active": (
        ("主动公开情况", "推进主动公开", "持续深化主动公开", "抓好主动公开工作"),
        (
            ("items", "{year}年，{self}依托{channel}，累计主动公开政府信息{items}条。"),
            ("", "围绕{focus}等群众关心的事项，及时发布政策文件、工作动态和通知公告。"),
            ("norm", "全年制发规范性文件{norm}件，均在印发后按规定通过门户网站予以公开。"),
            ("posters", "同时利用公示栏、便民服务大厅电子屏等线下渠道公示相关材料{posters}份。"),
            ("", "对照公开事项目录逐项核对，做到应公开的事项按时公开、公开内容完整准确。"),
        ),
    ),
    "requests": (
        ("依申请公开情况", "规范依申请公开办理", "依法办理政府信息公开申请"),
        (
            ("new", "全年共收到政府信息公开申请{new}件，其中自然人提出{np}件，法人或其他组织提出{org}件。"),
            ("co", "另有上年结转申请{co}件。"),
            ("done", "本年度办结{done}件，结转下年度继续办理{fw}件。"),
            ("", "申请办理严格执行登记、审核、答复流程，答复文书格式规范，告知救济途径完整。"),
        ),
    ),
    "management": (
        ("政府信息管理", "加强政府信息管理", "规范信息发布审核"),
        (
            ("", "落实信息发布先审后发制度，信息公开前由经办人、分管负责人逐级审核，全年未发生泄密或不当公开的情况。"),
            ("", "在拟制公文时同步确定公开属性，对确定为不予公开的说明理由并报审。"),
            ("", "对以往发布的规范性文件开展梳理，及时标注失效、废止情况，方便群众查询使用。"),
            ("", "定期检查各栏目内容，对过期、重复的信息及时调整归档。"),
        ),
    ),
    "platform": (
        ("平台建设情况", "加强公开平台建设", "优化政务公开平台"),
        (
            ("", "对{site}政府信息公开专栏进行优化调整，增设{columns}等栏目。"),
            ("posts", "政务新媒体“{wechat}”全年推送各类信息{posts}条。"),
            ("", "在{hall}设置政务公开专区，配备查阅终端，方便群众就近查阅。"),
            ("", "加强网站和新媒体账号的安全管理，全年平台运行平稳。"),
        ),
    ),
    "oversight": (
        ("监督保障情况", "强化监督保障", "健全工作机制"),
        (
            ("", "调整充实政务公开工作领导小组，由{leader}任组长，明确{office}负责日常工作。"),
            ("trainings", "全年组织政务公开业务培训{trainings}次，参训{trainees}人次。"),
            ("", "将政务公开工作纳入年度目标考核，对检查发现的问题督促限期整改。"),
            ("", "公布监督电话和意见箱，主动接受群众和社会监督。"),
        ),
    ),
    "interpretation": (
        ("政策解读与回应关切", "做好政策解读工作"),
        (
            ("interp", "围绕出台的重要政策文件，采用文字、图解等形式发布解读材料{interp}篇。"),
            ("msgs", "对群众通过网上留言反映的问题及时转办、限时答复，全年办理留言{msgs}件。"),
            ("", "坚持政策文件与解读材料同步组织、同步审签、同步发布。"),
        ),
    ),
}

_CHANNELS = ("{site}", "{site}和政务新媒体", "门户网站、微信公众号和公示栏")
_FOCUSES = (
    "乡村振兴、社会救助",
    "财政预决算、重大项目建设",
    "就业创业、教育医疗",
    "安全生产、生态环境",
    "惠民惠农补贴",
)
_COLUMNS = ("“政策解读”“重点领域”", "“法定主动公开内容”“公示公告”", "“财政资金”“民生保障”")
_HALLS = ("便民服务中心", "政务服务大厅", "档案室")
_LEADERS = ("主要负责同志", "分管负责同志", "主要领导")

_NO_REQUESTS = (
    "{year}年度，{self}未收到政府信息公开申请。",
    "本年度{self}未收到公民、法人或其他组织提出的政府信息公开申请。",
)
_REQUEST_INTROS = (
    "{year}年，{self}共收到政府信息公开申请{new}件，上年结转{co}件；办结{done}件，结转下年度继续办理{fw}件。",
    "本年度新收政府信息公开申请{new}件，均按照《条例》规定的期限和程序予以答复。",
)
_NO_REVIEWS = (
    "{year}年，{self}未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。",
    "本年度无因政府信息公开引起的行政复议和行政诉讼案件。",
)
_REVIEW_INTROS = ("{year}年，{self}因政府信息公开工作被申请行政复议{reviews}件，被提起行政诉讼{suits}件。",)
_ACTIVE_INTROS = (
    "{year}年，{self}通过{channel}主动公开政府信息{items}条，具体情况如下：",
    "本年度主动公开政府信息情况见下表。",
    "",
)

_PROBLEMS = (
    "信息公开的主动性还不够强，部分信息发布不够及时",
    "政策解读形式较为单一，图解、音视频等方式运用不多",
    "从事公开工作的人员多为兼职，业务能力有待提高",
    "公开内容与群众需求的契合度还不够高",
    "网站栏目更新频率不均衡，个别栏目内容较少",
    "基层政务公开标准化规范化建设推进较慢",
    "依申请公开答复文书的规范性有待加强",
    "政务新媒体运营维护力量较为薄弱",
    "公开工作制度执行还不够严格，存在重发布、轻管理的现象",
)
_MEASURES = (
    "加强业务培训，组织工作人员系统学习《条例》及相关规定，提升业务水平",
    "建立信息发布台账，明确发布时限，确保信息及时更新",
    "丰富政策解读形式，更多运用图表图解、音视频等方式",
    "聚焦群众关切，加大重点领域信息公开力度",
    "完善内部审核机制，严格执行信息发布审核程序",
    "加强对政务新媒体的日常监管，提高发布内容质量",
    "规范依申请公开办理流程，提高答复质量",
    "把政务公开纳入年度考核，压实各岗位工作责任",
    "对照公开事项目录开展自查，及时补充完善公开内容",
)

_OTHER_2019 = ("无。", "无", "本年度无其他需要报告的事项。", "{year}年度，{self}未收取政府信息公开相关费用。")
_OTHER_2021 = (
    "无。",
    "本年度无其他需要报告的事项。",
    "依据《政府信息公开信息处理费管理办法》，{year}年度{self}未收取信息处理费。",
    "{year}年，{self}共办理人大代表建议{proposals}件、政协委员提案{motions}件，均已按期办结并公开答复情况。",
)


def _fill(text: str, facts: Facts) -> str:
    return text.format_map(facts)


def ordinal(n: int) -> str:
    """1 -> 一 … 10 -> 十 (enough for the numbered items a report has)."""
    return CN_NUMERALS[n - 1]


def random_extras(rng: random.Random) -> dict[str, object]:
    """Facts the prose needs that no table holds (channels, counts of posts, trainings …)."""
    return {
        "channel": rng.choice(_CHANNELS),
        "focus": rng.choice(_FOCUSES),
        "columns": rng.choice(_COLUMNS),
        "hall": rng.choice(_HALLS),
        "leader": rng.choice(_LEADERS),
        "items": rng.choice((0, rng.randint(20, 120), rng.randint(100, 2000))),
        "posters": rng.choice((0, rng.randint(5, 80))),
        "posts": rng.choice((0, rng.randint(30, 600))),
        "trainings": rng.choice((0, rng.randint(1, 6))),
        "trainees": rng.randint(8, 150),
        "interp": rng.choice((0, rng.randint(1, 20))),
        "msgs": rng.choice((0, rng.randint(1, 90))),
        "proposals": rng.randint(0, 12),
        "motions": rng.randint(0, 15),
    }


def preamble(rng: random.Random, facts: Facts) -> str:
    return _fill(rng.choice(_PREAMBLES), facts)


def _topic(rng: random.Random, key: str, number: int, facts: Facts) -> list[str]:
    headings, sentences = _TOPICS[key]
    usable = [text for needs, text in sentences if not needs or facts.get(needs)]
    # The first usable sentence (the one with the topic's numbers) always stays.
    picked = [0, *sorted(rng.sample(range(1, len(usable)), k=min(len(usable) - 1, rng.randint(1, 3))))]
    body = "".join(_fill(usable[i], facts) for i in picked)
    heading = f"（{ordinal(number)}）{rng.choice(headings)}"
    if rng.random() < 0.5:
        return [heading, body]
    return [f"{heading}。{body}"]


def overview(rng: random.Random, facts: Facts, *, template: str) -> str:
    """总体情况: an opening, then 3–5 numbered topics; active disclosure and requests always among them."""
    topics = ["active", "requests"]
    optional = ["management", "platform", "oversight"] + (["interpretation"] if template == "2021" else [])
    topics += rng.sample(optional, k=rng.randint(1, min(3, len(optional))))
    lines = [_fill(rng.choice(_OVERVIEW_OPENINGS), facts)]
    for number, key in enumerate(topics, start=1):
        if key == "requests" and not facts.get("new") and not facts.get("co"):
            heading = f"（{ordinal(number)}）{rng.choice(_TOPICS[key][0])}"
            lines.append(f"{heading}。{_fill(rng.choice(_NO_REQUESTS), facts)}")
            continue
        lines += _topic(rng, key, number, facts)
    return "\n".join(line for line in lines if line)


def active_intro(rng: random.Random, facts: Facts) -> str:
    text = rng.choice(_ACTIVE_INTROS if facts.get("items") else _ACTIVE_INTROS[1:])
    return _fill(text, facts)


def applications_intro(rng: random.Random, facts: Facts) -> str:
    if not facts.get("new") and not facts.get("co"):
        return _fill(rng.choice(_NO_REQUESTS), facts)
    return _fill(rng.choice(_REQUEST_INTROS), facts)


def reviews_intro(rng: random.Random, facts: Facts) -> str:
    if not facts.get("reviews") and not facts.get("suits"):
        return _fill(rng.choice(_NO_REVIEWS), facts)
    return _fill(rng.choice(_REVIEW_INTROS), facts)


def _enumerate_inline(items: Sequence[str]) -> str:
    return "；".join(f"{ordinal(i)}是{item}" for i, item in enumerate(items, start=1)) + "。"


def problems(rng: random.Random, facts: Facts) -> str:
    """存在的主要问题及改进情况: a few problems, then the measures planned for next year."""
    found = rng.sample(_PROBLEMS, k=rng.randint(2, 3))
    plans = rng.sample(_MEASURES, k=rng.randint(2, 4))
    style = rng.randrange(3)
    if style == 0:
        return "\n".join(
            [
                "（一）存在的主要问题",
                _fill("{year}年，{self}政府信息公开工作取得了一定成效，但仍存在一些不足：", facts)
                + _enumerate_inline(found),
                "（二）改进措施",
                _fill("{next}年，{self}将重点做好以下工作：", facts) + _enumerate_inline(plans),
            ]
        )
    if style == 1:
        return _fill(
            "{self}政府信息公开工作还存在以下问题："
            + "；".join(found)
            + "。下一步，{self}将"
            + "；".join(plans)
            + "。",
            facts,
        )
    lines = ["存在的主要问题："]
    lines += [f"{i}.{item}。" for i, item in enumerate(found, start=1)]
    lines.append(_fill("{next}年改进措施：", facts))
    lines += [f"{i}.{item}。" for i, item in enumerate(plans, start=1)]
    return "\n".join(lines)


def other(rng: random.Random, facts: Facts, *, template: str) -> str:
    """其他需要报告的事项: usually 无, sometimes the fee statement or proposal handling."""
    bank = _OTHER_2021 if template == "2021" else _OTHER_2019
    weights = (5, 2, 2, 1)
    return _fill(rng.choices(bank, weights=weights)[0], facts)


# Printed section titles that say the same as the template's (each still matches its SectionDef).
HEADING_VARIANTS = {
    "overview": ("基本情况", "总体工作情况"),
    "active_disclosure": ("主动公开政府信息的情况",),
    "applications": ("收到和处理政府信息公开申请的情况",),
    "reviews_litigation": ("因政府信息公开工作被申请行政复议、提起行政诉讼的情况",),
    "problems": ("政府信息公开工作存在的主要问题及改进情况",),
    "other": ("需要说明的其他事项",),
}
