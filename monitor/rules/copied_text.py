"""COPIED_TEXT: section 五 or section 一 near-identical to another body's report of the same year (MinHash LSH)."""

# How a pass runs, per report year:
#   1. bring the TextSignature rows up to date: normalise the current section texts (all reports of the
#      year in a full pass; the reports asked for, and any without rows, in an incremental one) and
#      re-sign those whose normalised text changed. Every report gets a row per section; a section that
#      cannot be compared (unreadable report, absent or under MIN_OWN_CHARS) gets an empty signature, so
#      that "no row" always means "never looked at".
#   2. index the signatures with MinHash LSH, one entry per distinct normalised text (identical texts
#      share an entry, so a text reused by hundreds of bodies costs one index key, not hundreds);
#   3. for each report judged, confirm its candidates on the exact shingle Jaccard of the normalised
#      texts, and flag it when a report of another body reaches the threshold.
# Nothing compares every report with every other: the work is linear in the reports plus the candidates.

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, func, insert, select, update
from sqlalchemy.orm import Session

from db.models import Body, Report, Severity, TextSignature
from monitor.context import CheckSettings
from monitor.rules import basis
from monitor.rules.base import CorpusResult, CorpusRule, Finding, register
from monitor.similarity import (
    MIN_OWN_CHARS,
    NUM_PERM,
    align_sentences,
    comparable_sentences,
    estimate_floor,
    from_bytes,
    key_jaccard,
    lsh_index,
    lsh_params,
    minhash,
    normalise,
    shingle_keys,
    text_sha256,
    to_bytes,
)

SECTIONS = {"problems": "五、存在的主要问题及改进情况", "overview": "一、总体情况"}
READABLE = ("ok", "partial")
MAX_PARTNERS = 20  # partners listed in a finding, best first; `partners_total` counts them all
MAX_ALIGNED = 3  # partners whose reused passages are shown side by side
CHUNK = 500  # ids in one IN (...) list
YIELD_PER = 1000
SIGNATURE_BYTES = NUM_PERM * 4
# An incremental pass over at most this many changed reports compares their bands with every stored
# signature of the year (milliseconds each) instead of building the year's LSH index (seconds per 10,000).
SCAN_TARGETS = 100


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


@dataclass
class _Row:
    """What a pass reads of a report: never the tables, only the two sections."""

    id: int
    body_id: str
    publish_date: date | None
    readable: bool
    texts: dict[str, str]


def _rows(session: Session, where: ColumnElement[bool]) -> Iterator[_Row]:
    sections = [Report.parsed[("sections", key)].as_string() for key in SECTIONS]
    stmt = (
        select(Report.id, Report.body_id, Report.publish_date, Report.parse_state, *sections)
        .where(where)
        .execution_options(yield_per=YIELD_PER)
    )
    for rid, body_id, published, state, *texts in session.execute(stmt):
        read = {key: text or "" for key, text in zip(SECTIONS, texts, strict=True)}
        yield _Row(rid, body_id, published, state in READABLE, read)


def _rows_by_id(session: Session, ids: Iterable[int]) -> Iterator[_Row]:
    for chunk in _chunks(ids):
        yield from _rows(session, Report.id.in_(chunk))


class _Names:
    """Body names and aliases (what normalisation removes from each body's text), loaded in batches."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.names: dict[str, tuple[str, ...]] = {}

    def load(self, where: ColumnElement[bool]) -> None:
        stmt = select(Body.id, Body.name, Body.aliases).where(Body.id.in_(select(Report.body_id).where(where)))
        for body_id, name, aliases in self.session.execute(stmt):
            self.names[body_id] = (name, *(aliases or []))

    def load_for(self, report_ids: Iterable[int]) -> None:
        for chunk in _chunks(report_ids):
            self.load(Report.id.in_(chunk))

    def __getitem__(self, body_id: str) -> tuple[str, ...]:
        return self.names.get(body_id, ())


@dataclass
class _Entry:
    body_id: str
    sha: str
    signature: bytes  # empty: not comparable


@dataclass
class _Section:
    """The year's index of one section: entries per report, reports per distinct normalised text."""

    threshold: float
    scan: bool = False  # few queries (an incremental pass): compare bands directly instead of indexing them
    entries: dict[int, _Entry] = field(default_factory=dict)
    groups: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    norms: dict[str, str] = field(default_factory=dict)  # sha -> normalised text, when read
    _index: Any = None
    _built: bool = False
    _order: list[str] = field(default_factory=list)
    _matrix: np.ndarray = field(default_factory=lambda: np.empty((0, NUM_PERM), "<u4"))
    _floor: float = 0.0
    _keys: dict[str, np.ndarray] = field(default_factory=dict)
    _scores: dict[tuple[str, str], float] = field(default_factory=dict)
    _candidates: dict[str, set[str]] = field(default_factory=dict)

    def add(self, report_id: int, entry: _Entry, norm: str | None = None) -> None:
        old = self.entries.get(report_id)
        if old is not None and old.signature:  # an incremental pass re-read a stored report
            members = self.groups[old.sha]
            members.remove(report_id)
            if not members:
                del self.groups[old.sha]
        self.entries[report_id] = entry
        if entry.signature:
            self.groups[entry.sha].append(report_id)
            if norm is not None:
                self.norms[entry.sha] = norm

    def _build(self) -> None:
        # Indexed by row number: candidates come back as integers, turned into an array in one step.
        self._order = list(self.groups)
        first = [self.entries[self.groups[sha][0]].signature for sha in self._order]
        self._matrix = np.frombuffer(b"".join(first), dtype="<u4").reshape(len(first), NUM_PERM)
        if not self.scan:
            self._index = lsh_index(((n, from_bytes(sig)) for n, sig in enumerate(first)), self.threshold)
        self._floor = estimate_floor(self.threshold) * NUM_PERM
        self._built = True

    def _band_rows(self, signature: bytes) -> np.ndarray:
        """Rows sharing an LSH band with this signature: what the index's query returns, found by comparing
        the bands of every row at once. For a few queries this is far cheaper than building the index."""
        bands, rows = lsh_params(self.threshold)
        width = bands * rows
        mine = np.frombuffer(signature, dtype="<u4")[:width].reshape(bands, rows)
        same = (self._matrix[:, :width].reshape(-1, bands, rows) == mine).all(axis=2).any(axis=1)
        return np.flatnonzero(same)

    def query(self, signature: bytes) -> set[str]:
        """Distinct texts sharing an LSH band with this signature whose MinHash estimate is not far below
        the threshold (one vectorised comparison for all of them, instead of an exact one each)."""
        if not self._built:
            self._build()
        if self.scan:
            rows = self._band_rows(signature)
        else:
            found = self._index.query(from_bytes(signature))
            rows = np.fromiter(found, dtype=np.intp, count=len(found))
        if not len(rows):
            return set()
        agree = np.count_nonzero(self._matrix[rows] == np.frombuffer(signature, dtype="<u4"), axis=1)
        return {self._order[n] for n in rows[agree >= self._floor]}

    def candidates(self, sha: str) -> set[str]:
        """Distinct texts that may reach the threshold with this one (itself included)."""
        if sha not in self._candidates:
            self._candidates[sha] = self.query(self.entries[self.groups[sha][0]].signature) | {sha}
        return self._candidates[sha]

    def score(self, a: str, b: str) -> float:
        if a == b:
            return 1.0
        pair = (a, b) if a < b else (b, a)
        if pair not in self._scores:
            self._scores[pair] = key_jaccard(self._shingles(a), self._shingles(b))
        return self._scores[pair]

    def _shingles(self, sha: str) -> np.ndarray:
        if sha not in self._keys:
            self._keys[sha] = shingle_keys(self.norms[sha])
        return self._keys[sha]

    def partners(self, report_id: int) -> list[tuple[int, float]]:
        """Reports of other bodies whose text reaches the threshold with this report's, best first."""
        entry = self.entries.get(report_id)
        if entry is None or not entry.signature:
            return []
        found = []
        for other in self.candidates(entry.sha):
            score = self.score(entry.sha, other)
            if score >= self.threshold:
                found += [(r, score) for r in self.groups[other] if self.entries[r].body_id != entry.body_id]
        return sorted(found, key=lambda p: (-p[1], p[0]))


@dataclass
class _Writes:
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)

    def flush(self, session: Session) -> None:
        if self.inserts:
            session.execute(insert(TextSignature), self.inserts)
        if self.updates:
            session.execute(update(TextSignature), self.updates)
        self.inserts, self.updates = [], []


def _comparable(row: _Row, key: str, names: tuple[str, ...]) -> str:
    """The normalised section text, or "" when the report cannot be read or the section is absent."""
    text = row.texts[key] if row.readable else ""
    return normalise(text, body_names=names) if text.strip() else ""


@register
class CopiedText(CorpusRule):
    code = "COPIED_TEXT"
    severity = Severity.MEDIUM
    version = 1
    title = "Section 五 or 一 is near-identical to another body's report of the same year"
    basis = f"{basis.FORMAT_2021} (内容雷同 between bodies)"

    def evaluate_corpus(
        self,
        session: Session,
        *,
        settings: CheckSettings,
        years: set[int] | None,
        report_ids: set[int] | None,
        now: datetime,
    ) -> CorpusResult:
        result = CorpusResult()
        names = _Names(session)
        if report_ids is None:
            every = select(Report.year).distinct()
            for year in sorted(years if years is not None else session.scalars(every)):
                self._full_year(session, year, settings.copied_threshold, now, names, result)
            return result
        targets: dict[int, set[int]] = defaultdict(set)
        for chunk in _chunks(report_ids):
            for rid, year in session.execute(select(Report.id, Report.year).where(Report.id.in_(chunk))):
                if years is None or year in years:
                    targets[year].add(rid)
        for year in sorted(targets):
            self._incremental_year(session, year, targets[year], settings.copied_threshold, now, names, result)
        return result

    # --- the two kinds of pass ---------------------------------------------------------------------------

    def _full_year(
        self, session: Session, year: int, threshold: float, now: datetime, names: _Names, result: CorpusResult
    ) -> None:
        names.load(Report.year == year)
        stored = self._stored(session, year)
        index = {key: _Section(threshold) for key in SECTIONS}
        refreshed: dict[int, str] = {}
        published: dict[int, date | None] = {}
        writes = _Writes()
        for row in _rows(session, Report.year == year):
            refreshed[row.id] = row.body_id
            published[row.id] = row.publish_date
            self._refresh(row, year, names, stored, index, writes, now, {})
        self._write(session, year, writes)
        result.evaluated.update((body_id, year) for body_id in refreshed.values())
        self._judge(session, year, set(refreshed), index, names, published, result)

    def _incremental_year(
        self,
        session: Session,
        year: int,
        targets: set[int],
        threshold: float,
        now: datetime,
        names: _Names,
        result: CorpusResult,
    ) -> None:
        stored = self._stored(session, year)
        scan = len(targets) <= SCAN_TARGETS
        index = {key: _Section(threshold, scan) for key in SECTIONS}
        for (rid, key), (body_id, sha, signature) in stored.items():
            index[key].add(rid, _Entry(body_id, sha, signature))
        # Reports never signed are signed now, or they could not be found as anyone's partner.
        unsigned = select(Report.id).where(
            Report.year == year,
            select(func.count()).where(TextSignature.report_id == Report.id).scalar_subquery() < len(SECTIONS),
        )
        refresh = targets | set(session.scalars(unsigned))
        names.load_for(refresh)
        writes = _Writes()
        previous: dict[tuple[int, str], bytes] = {}  # signatures replaced: their old partners are judged too
        for row in _rows_by_id(session, refresh):
            self._refresh(row, year, names, stored, index, writes, now, previous)
        self._write(session, year, writes)

        judged = set(targets)
        for rid in targets:
            for key, section in index.items():
                entry = section.entries.get(rid)
                shas = section.candidates(entry.sha) if entry is not None and entry.signature else set()
                if (rid, key) in previous:
                    shas |= section.query(previous[(rid, key)])
                for sha in shas:
                    judged.update(section.groups.get(sha, ()))
        published = self._publish_dates(session, judged)
        result.evaluated.update((index["problems"].entries[rid].body_id, year) for rid in judged)
        self._judge(session, year, judged, index, names, published, result)

    # --- signatures --------------------------------------------------------------------------------------

    @staticmethod
    def _stored(session: Session, year: int) -> dict[tuple[int, str], tuple[str, str, bytes]]:
        stmt = (
            select(
                TextSignature.report_id,
                TextSignature.section,
                TextSignature.body_id,
                TextSignature.text_sha256,
                TextSignature.signature,
            )
            .where(TextSignature.year == year, TextSignature.section.in_(list(SECTIONS)))
            .execution_options(yield_per=YIELD_PER)
        )
        out = {}
        for rid, key, body_id, sha, signature in session.execute(stmt):
            signature = bytes(signature)
            if len(signature) not in (0, SIGNATURE_BYTES):  # signed with other parameters: sign again
                sha, signature = "", b""
            out[(rid, key)] = (body_id, sha, signature)
        return out

    @staticmethod
    def _refresh(
        row: _Row,
        year: int,
        names: _Names,
        stored: dict[tuple[int, str], tuple[str, str, bytes]],
        index: dict[str, _Section],
        writes: _Writes,
        now: datetime,
        previous: dict[tuple[int, str], bytes],
    ) -> None:
        for key, section in index.items():
            norm = _comparable(row, key, names[row.body_id])
            sha = text_sha256(norm)
            old = stored.get((row.id, key))
            if old is not None and old[0] == row.body_id and old[1] == sha:
                signature = old[2]
            else:
                signature = to_bytes(minhash(norm)) if len(norm) >= MIN_OWN_CHARS else b""
                values = {
                    "report_id": row.id,
                    "section": key,
                    "body_id": row.body_id,
                    "year": year,
                    "text_sha256": sha,
                    "length": len(norm),
                    "signature": signature,
                    "computed_at": now,
                }
                (writes.updates if old is not None else writes.inserts).append(values)
                if old is not None and old[2]:
                    previous[(row.id, key)] = old[2]
            section.add(row.id, _Entry(row.body_id, sha, signature), norm)

    @staticmethod
    def _write(session: Session, year: int, writes: _Writes) -> None:
        # A row missing from this year's may exist under another year (the report's year was corrected).
        # One query for the whole year: lookups by id in chunks would each scan the table on PostgreSQL,
        # whose planner still takes it for empty while this transaction fills it.
        fresh = {(v["report_id"], v["section"]) for v in writes.inserts}
        elsewhere: set[tuple[int, str]] = set()
        if fresh:
            moved = select(TextSignature.report_id, TextSignature.section).where(
                TextSignature.year != year, TextSignature.report_id.in_(select(Report.id).where(Report.year == year))
            )
            elsewhere = {(rid, key) for rid, key in session.execute(moved)} & fresh
        if elsewhere:
            writes.updates += [v for v in writes.inserts if (v["report_id"], v["section"]) in elsewhere]
            writes.inserts = [v for v in writes.inserts if (v["report_id"], v["section"]) not in elsewhere]
        writes.flush(session)

    # --- judging -----------------------------------------------------------------------------------------

    def _judge(
        self,
        session: Session,
        year: int,
        judged: set[int],
        index: dict[str, _Section],
        names: _Names,
        published: dict[int, date | None],
        result: CorpusResult,
    ) -> None:
        for key, section in index.items():
            self._read_candidates(session, key, section, judged, names)
            found = {rid: partners for rid in sorted(judged) if (partners := section.partners(rid))}
            if not found:
                continue
            listed = {o for partners in found.values() for o, _ in partners[:MAX_PARTNERS]}
            published.update(self._publish_dates(session, (set(found) | listed) - published.keys()))
            unnamed = {r for r in set(found) | listed if section.entries[r].body_id not in names.names}
            names.load_for(unnamed)
            shown = set(found) | {o for partners in found.values() for o, _ in partners[:MAX_ALIGNED]}
            # Each text split and normalised once, however many partners it is aligned with.
            texts = {
                row.id: comparable_sentences(row.texts[key], names[row.body_id]) for row in _rows_by_id(session, shown)
            }
            for rid, partners in found.items():
                result.findings.append(self._finding(year, key, rid, partners, section, names, published, texts))

    @staticmethod
    def _read_candidates(session: Session, key: str, section: _Section, judged: set[int], names: _Names) -> None:
        """Read and normalise the texts of candidates an incremental pass only knows by their signature."""
        needed: set[str] = set()
        for rid in judged:
            entry = section.entries.get(rid)
            if entry is not None and entry.signature:
                needed |= section.candidates(entry.sha)
        first = {section.groups[sha][0]: sha for sha in needed if sha not in section.norms}
        if not first:
            return
        names.load_for(first)
        for row in _rows_by_id(session, first):
            section.norms[first[row.id]] = _comparable(row, key, names[row.body_id])

    @staticmethod
    def _publish_dates(session: Session, ids: Iterable[int]) -> dict[int, date | None]:
        out: dict[int, date | None] = {}
        for chunk in _chunks(ids):
            rows = session.execute(select(Report.id, Report.publish_date).where(Report.id.in_(chunk)))
            out.update((rid, published) for rid, published in rows)
        return out

    def _finding(
        self,
        year: int,
        key: str,
        rid: int,
        partners: list[tuple[int, float]],
        section: _Section,
        names: _Names,
        published: dict[int, date | None],
        texts: dict[int, list[tuple[str, str]]],
    ) -> Finding:
        entry = section.entries[rid]
        listed = []
        for n, (other, score) in enumerate(partners[:MAX_PARTNERS]):
            body_id = section.entries[other].body_id
            item: dict[str, Any] = {
                "body_id": body_id,
                "body_name": (names[body_id] or (None,))[0],
                "report_id": other,
                "publish_date": _iso(published.get(other)),
                "score": round(score, 3),
            }
            if n < MAX_ALIGNED:
                passages = align_sentences(texts.get(rid, []), texts.get(other, []))
                item["passages"] = [{"this_report": a, "other_report": b, "score": s} for a, b, s in passages]
            listed.append(item)
        best = listed[0]
        others = len(partners) - 1
        message = (
            f"section {SECTIONS[key]} is near-identical to the {year} report of {best['body_name'] or best['body_id']} "
            f"(similarity {best['score']:.2f}, threshold {section.threshold:.2f})"
            + (f" and to {others} other report(s) of that year" if others else "")
        )
        return self.finding(
            entry.body_id,
            year,
            message,
            {
                "section": key,
                "title": SECTIONS[key],
                "score": best["score"],
                "threshold": section.threshold,
                "publish_date": _iso(published.get(rid)),
                "normalised_length": len(section.norms.get(entry.sha, "")),
                "partners_total": len(partners),
                "partners": listed,
            },
            subject=key,
            report_id=rid,
        )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
