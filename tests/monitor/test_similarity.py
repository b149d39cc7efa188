"""The text machinery of the reused-text rules: normalisation, shingles, alignment, signatures and LSH."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from demo.reportgen import random_spec
from monitor.similarity import (
    NUM_PERM,
    align,
    align_sentences,
    candidate_probability,
    comparable_sentences,
    containment,
    estimate_floor,
    estimated_jaccard,
    from_bytes,
    jaccard,
    key_jaccard,
    lsh_index,
    lsh_params,
    minhash,
    normalise,
    sentences,
    shingle_keys,
    shingles,
    text_sha256,
    to_bytes,
)


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        # the statistics period sentence and regulation citations go whole
        (
            "本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。"
            "我局依据《中华人民共和国政府信息公开条例》（以下简称《条例》）开展工作。",
            {},
            "依据开展工作",
        ),
        # years (also in Chinese numerals), counts, enumerations and numbering; 进一步 keeps its 一
        (
            "2020年，全年共收到申请12件，二〇二一年度办结3件；一是加强培训；（二）进一步规范。",
            {},
            "全年共收到申请件办结件加强培训进一步规范",
        ),
        # the body's name, its short form without 人民政府, and how it calls itself
        (
            "青溪乡人民政府（以下简称青溪乡）将加强培训，我乡持续推进。",
            {"body_names": ["青溪乡人民政府"]},
            "将加强培训持续推进",
        ),
        (
            "（一）存在的主要问题\n信息发布不够及时。\n（二）改进措施\n建立发布台账。",
            {},
            "信息发布不够及时建立发布台账",
        ),
        ("信息　公开，ＡＢＣ（１２３）！ 详见http://www.example.gov.cn/a.html", {}, "信息公开abc详见"),
        ("按照上级要求做好公开工作。", {"extra_boilerplate": ["按照上级要求"]}, "做好公开工作"),
        ("如对本报告有疑问，请与党政办联系（电话：0915-1234567）。网站栏目更新不及时。", {}, "网站栏目更新不及时"),
        ("依据第五十条规定，保护第三方合法权益。", {}, "依据规定保护第三方合法权益"),
        ("无", {}, "无"),
        ("", {}, ""),
    ],
)
def test_normalise_keeps_only_the_bodys_own_words(text: str, options: dict[str, list[str]], expected: str) -> None:
    assert normalise(text, **options) == expected


def test_a_copy_with_name_years_and_numbers_changed_normalises_to_the_same_text() -> None:
    original = (
        "2021年，青溪乡政府信息公开工作还存在一些不足：我乡共有3名兼职人员，网站栏目更新不够及时。"
        "2022年，青溪乡人民政府将组织2次业务培训，建立信息发布台账。"
    )
    copy = (
        "2022年，柳桥镇政府信息公开工作还存在一些不足：我镇共有5名兼职人员，网站栏目更新不够及时。"
        "2023年，柳桥镇人民政府将组织4次业务培训，建立信息发布台账。"
    )
    a = normalise(original, body_names=["青溪乡人民政府"])
    b = normalise(copy, body_names=["柳桥镇人民政府", "柳桥"])
    assert a == b == "政府信息公开工作还存在一些不足共有名兼职人员网站栏目更新不够及时将组织次业务培训建立信息发布台账"
    assert text_sha256(a) == text_sha256(b)


def test_shingles_jaccard_and_containment() -> None:
    assert shingles("信息公开工作年") == frozenset({"信息公开工", "息公开工作", "公开工作年"})
    assert shingles("信息公开") == frozenset({"信息公开"})
    assert shingles("") == frozenset()
    assert shingles("abcd", k=2) == frozenset({"ab", "bc", "cd"})
    a, b = frozenset("abc"), frozenset("bcd")
    assert jaccard(a, b) == 0.5
    assert containment(a, b) == 2 / 3
    assert jaccard(a, frozenset()) == 0.0
    assert containment(frozenset(), b) == 0.0


def test_shingle_keys_give_the_same_jaccard_as_the_shingles() -> None:
    a = normalise("网站栏目更新频率不均衡，个别栏目内容较少；政务新媒体运营维护力量较为薄弱。")
    b = normalise("网站栏目更新频率不均衡，个别栏目内容较少；依申请公开答复文书的规范性有待加强。")
    keys_a, keys_b = shingle_keys(a), shingle_keys(b)
    assert keys_a.dtype == np.uint64 and keys_a.size == len(shingles(a))
    assert key_jaccard(keys_a, keys_b) == jaccard(shingles(a), shingles(b)) == 15 / 47
    assert key_jaccard(keys_a, keys_a) == 1.0
    assert key_jaccard(keys_a, shingle_keys("")) == 0.0


def test_sentences_split_on_stops_and_line_breaks() -> None:
    assert sentences("一是甲；二是乙。\n（二）改进措施\n下一步！好吗？ ") == [
        "一是甲",
        "二是乙",
        "（二）改进措施",
        "下一步",
        "好吗",
    ]


def test_align_pairs_each_reused_sentence_with_its_source() -> None:
    a = (
        "（一）存在的主要问题\n2020年，青溪乡政府信息公开工作还存在以下不足：网站栏目更新不够及时，个别栏目内容较少；"
        "工作人员多为兼职。\n（二）改进措施\n2021年，青溪乡将建立信息发布台账，明确发布时限。"
    )
    b = (
        "2021年，柳桥镇政府信息公开工作还存在以下不足：网站栏目更新不够及时，个别栏目内容偏少；政务新媒体维护力量薄弱。"
        "下一步，柳桥镇将建立信息发布台账，明确发布时限。"
    )
    assert align(a, b, names_a=["青溪乡人民政府"], names_b=["柳桥镇人民政府"]) == [
        (
            "2020年，青溪乡政府信息公开工作还存在以下不足：网站栏目更新不够及时，个别栏目内容较少",
            "2021年，柳桥镇政府信息公开工作还存在以下不足：网站栏目更新不够及时，个别栏目内容偏少",
            0.871,
        ),
        ("2021年，青溪乡将建立信息发布台账，明确发布时限", "下一步，柳桥镇将建立信息发布台账，明确发布时限", 0.786),
    ]
    # headings and "无" are too short to count; unrelated text aligns with nothing
    assert align("（一）存在的主要问题\n无。", b) == []
    assert align(a, "本年度无其他需要报告的事项。") == []


def test_align_on_sentences_normalised_once() -> None:
    ours = "我乡网站栏目更新不够及时，个别栏目内容较少"
    a = comparable_sentences(f"（一）存在的主要问题\n{ours}；无。", ["青溪乡人民政府"])
    assert a == [(ours, "网站栏目更新不够及时个别栏目内容较少")]
    theirs = "柳桥镇网站栏目更新不够及时，个别栏目内容较少"
    b = comparable_sentences(f"{theirs}。柳桥镇人员多为兼职。", ["柳桥镇人民政府"])
    assert align_sentences(a, b) == [(ours, theirs, 1.0)]
    assert align_sentences(a, []) == []


def test_signatures_round_trip_through_bytes() -> None:
    text = normalise("网站栏目更新频率不均衡，个别栏目内容较少；政务新媒体运营维护力量较为薄弱。")
    sketch = minhash(text)
    data = to_bytes(sketch)
    assert len(data) == NUM_PERM * 4
    back = from_bytes(data)
    assert np.array_equal(back.hashvalues, sketch.hashvalues)
    assert to_bytes(back) == data == to_bytes(minhash(text))  # the same text always signs the same
    assert estimated_jaccard(back, sketch) == 1.0
    assert estimated_jaccard(minhash("甲乙丙丁戊己庚辛"), minhash("子丑寅卯辰巳午未")) == 0.0
    with pytest.raises(ValueError, match="512 bytes"):
        from_bytes(b"\x00" * 12)


def test_lsh_parameters_follow_the_threshold() -> None:
    assert lsh_params(0.9) == (12, 10)
    assert lsh_params(0.8) == (21, 6)
    assert round(candidate_probability(0.9, 12, 10), 4) == 0.9942
    assert round(candidate_probability(0.5, 12, 10), 4) == 0.0117
    assert round(estimate_floor(0.9), 3) == 0.767


def _problems(seed: int) -> tuple[str, str]:
    spec = random_spec(random.Random(seed), template="2021", year=2022)
    return spec.body, spec.sections["problems"] or ""


def test_lsh_finds_a_planted_copy_among_hundreds_of_generated_sections() -> None:
    corpus = [_problems(seed) for seed in range(300)]
    texts = [normalise(text, body_names=[body]) for body, text in corpus]
    index = lsh_index(((n, minhash(t)) for n, t in enumerate(texts)), 0.9)
    body, text = corpus[17]
    short = body.removesuffix("人民政府").removesuffix("办事处")
    planted = text.replace(short, "柳桥镇")
    planted = re.sub(r"20\d\d", lambda m: str(int(m.group()) + 1), planted)  # years, the only numbers there
    own = normalise(planted, body_names=["柳桥镇人民政府"])
    assert own == texts[17]
    candidates = index.query(minhash(own))
    assert 17 in candidates
    confirmed = [n for n in candidates if key_jaccard(shingle_keys(own), shingle_keys(texts[n])) >= 0.9]
    assert confirmed == [17]
    assert (
        index.query(
            minhash(normalise("经自查，我委仍存在以下问题：网站栏目虽已按新版公开目录调整，但部分栏目内容空白。"))
        )
        == []
    )
