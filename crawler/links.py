"""What a link on a portal page leads to (a report, the annual-report column, the disclosure area, an
attachment), and which registered body and year a report title names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from crawler.parsing.normalize import nfkc, squash

REPORT_WORDS = re.compile(r"(政府信息公开|政务公开|信息公开).{0,8}(年度报告|年报|工作报告)")
TRUNCATED_REPORT = re.compile(r"(政府信息公开|政务公开|信息公开)(工作)?(年度?|年报?)?\.*…*$")
# Titles that name a report without being one: readings, infographics, notices about preparing reports.
NOT_A_REPORT = re.compile(
    r"解读|图解|一图读懂|图说|答记者问|问答|培训|考核|督查|评议|工作要点|(做好|报送|编制|撰写|开展).{0,40}(通知|函)"
)
YEAR = re.compile(r"(20[0-4]\d)\s*(?:年|年度)")
# The annual-report column itself: no year in it.
COLUMN_WORDS = re.compile(r"(政府信息公开|信息公开|政务公开)?(工作)?(年度报告|年报)")
DISCLOSURE_WORDS = re.compile(r"信息公开|政务公开|公开目录|法定主动公开|政府部门|乡镇街道")
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ofd", ".rtf")
DATE = re.compile(r"(20\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
# After a body's name in a title: the year, or the words that start the report's own name.
UNIT_SUFFIX = re.compile(r"(人民政府|政府|街道办事处|办事处)?(政府信息公开|政务公开|信息公开|公开|专栏|网站|年报)?")
NAME_END = re.compile(r"^(?:\s*(?:20\d{2}|二[〇零]|关于|政府信息|信息公开|政务公开|[（(]|年度|$))")


@dataclass(frozen=True)
class Link:
    url: str
    text: str  # the link text, or its title attribute when that is longer (lists truncate titles)


def link_text(text: str, title: str | None) -> str:
    text = " ".join(nfkc(text or "").split())
    title = " ".join(nfkc(title or "").split())
    return title if len(title) > len(text) else text


def is_attachment(url: str, text: str = "") -> bool:
    """A document file: by its path, by a file name in its query (download.jsp?filename=x.pdf), or by the
    file name the link shows."""
    parts = urlsplit(url)
    if parts.path.lower().endswith(ATTACHMENT_EXTENSIONS):
        return True
    if any(value.lower().endswith(ATTACHMENT_EXTENSIONS) for _, value in parse_qsl(parts.query)):
        return True
    return squash(text).lower().endswith(ATTACHMENT_EXTENSIONS) and "download" in parts.path.lower()


def report_year(title: str) -> int | None:
    match = YEAR.search(nfkc(title))
    return int(match.group(1)) if match else None


def is_report_title(text: str) -> bool:
    """A report's own title: the report words and a year ("…2020年政府信息公开工作年度报告"), possibly cut
    short by the list ("…2020年度政府信息公开工作年..."), but not a reading of it or a notice about it."""
    squashed = squash(nfkc(text))
    if report_year(squashed) is None or NOT_A_REPORT.search(squashed):
        return False
    if REPORT_WORDS.search(squashed):
        return True
    return squashed.endswith(("...", "…", "..")) and bool(TRUNCATED_REPORT.search(squashed))


def is_report_column(text: str) -> bool:
    """The column listing reports ("政府信息公开年报", "年度报告"): report words, no year, short."""
    squashed = squash(nfkc(text))
    return len(squashed) <= 16 and bool(COLUMN_WORDS.search(squashed)) and report_year(squashed) is None


def is_disclosure_link(text: str) -> bool:
    squashed = squash(nfkc(text))
    return len(squashed) <= 16 and bool(DISCLOSURE_WORDS.search(squashed))


def parse_date(text: str) -> date | None:
    match = DATE.search(nfkc(text or ""))
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


@dataclass(frozen=True)
class BodyName:
    body_id: str
    name: str


class BodyMatcher:
    """Finds the registered body a title names: the longest name or alias that ends where the body's
    name ends (so "某县" does not claim "某县教育局2020年…")."""

    def __init__(self, bodies: list[tuple[str, str, list[str]]]) -> None:
        names = [BodyName(body_id, squash(nfkc(n))) for body_id, name, aliases in bodies for n in [name, *aliases]]
        self.names = sorted((n for n in names if n.name), key=lambda n: -len(n.name))

    def match(self, title: str) -> str | None:
        text = squash(nfkc(title))
        for candidate in self.names:
            start = text.find(candidate.name)
            while start >= 0:
                if NAME_END.match(text[start + len(candidate.name) :]):
                    return candidate.body_id
                start = text.find(candidate.name, start + 1)
        return None

    def names_in(self, text: str) -> list[str]:
        """Bodies named anywhere in a text, in order of position (longest name wins at one position)."""
        squashed = squash(nfkc(text))
        found: list[tuple[int, str]] = []
        taken: set[int] = set()
        for candidate in self.names:
            start = squashed.find(candidate.name)
            while start >= 0:
                if start not in taken:
                    taken.update(range(start, start + len(candidate.name)))
                    found.append((start, candidate.body_id))
                start = squashed.find(candidate.name, start + 1)
        return [body for _, body in sorted(found)]

    def named_in_link(self, text: str) -> str | None:
        """A link to a unit's own sub-site or column: its text is the unit's name ("安太乡", "安太乡人民政府",
        "安太乡政务公开"), not merely a phrase starting with it ("安太乡村振兴规划")."""
        squashed = squash(nfkc(text))
        for candidate in self.names:
            if squashed.startswith(candidate.name) and UNIT_SUFFIX.fullmatch(squashed[len(candidate.name) :]):
                return candidate.body_id
        return None


def names_an_organisation(title: str) -> bool:
    """Whether a report title names who wrote it: anything but "关于" before the year."""
    squashed = squash(nfkc(title))
    match = YEAR.search(squashed)
    before = squashed[: match.start()] if match else squashed
    before = before.removeprefix("关于").removesuffix("关于")
    return len(re.findall(r"[\u4e00-\u9fff]", before)) >= 2
