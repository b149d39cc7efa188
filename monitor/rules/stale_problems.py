"""STALE_PROBLEMS: section 五 (problems and improvements) repeats the same body's section 五 of an earlier year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from db.models import Severity
from monitor.context import Context, ReportFacts
from monitor.rules import basis
from monitor.rules.base import Finding, Rule, register
from monitor.similarity import MIN_OWN_CHARS, align, containment, jaccard, normalise, shingles

SECTION = "problems"

Words = tuple[str, frozenset[str]]  # a section's normalised text and its shingles


def section_text(report: ReportFacts, key: str) -> str:
    return ((report.parsed.get("sections") or {}).get(key) or "").strip()


@register
class StaleProblems(Rule):
    code = "STALE_PROBLEMS"
    severity = Severity.MEDIUM
    version = 1
    title = "Section 五 repeats the problems and measures of an earlier year's report"
    basis = f"{basis.FORMAT_2021} (内容雷同: section 五 must report this year's problems and improvements)"

    def evaluate(self, ctx: Context) -> Iterator[Finding]:
        threshold = ctx.settings.stale_threshold
        years_of: dict[str, list[int]] = defaultdict(list)
        for body_id, year in ctx.reports:
            years_of[body_id].append(year)
        own_words: dict[int, Words | None] = {}

        def comparable(report: ReportFacts) -> Words | None:
            """The normalised section 五 and its shingles, None when it cannot be judged."""
            if report.id not in own_words:
                own_words[report.id] = None
                text = section_text(report, SECTION) if report.readable else ""
                if text:
                    body = ctx.bodies.get(report.body_id)
                    names = (body.name, *(body.aliases or [])) if body is not None else ()
                    norm = normalise(text, body_names=names)
                    if len(norm) >= MIN_OWN_CHARS:
                        own_words[report.id] = (norm, shingles(norm))
            return own_words[report.id]

        for report in ctx.scoped_reports():
            own = comparable(report)
            if own is None:
                continue
            compared: list[tuple[float, int, ReportFacts, Words]] = []
            for year in sorted((y for y in years_of[report.body_id] if y < report.year), reverse=True):
                earlier = ctx.report(report.body_id, year)
                theirs = comparable(earlier) if earlier is not None else None
                if earlier is None or theirs is None:
                    continue
                compared.append((jaccard(own[1], theirs[1]), year, earlier, theirs))
            if not compared:
                continue
            # The most similar earlier year; on a tie the most recent (listed first, and max keeps the first).
            score, year, earlier, theirs = max(compared, key=lambda c: c[0])
            if score < threshold:
                continue
            yield self._finding(ctx, report, earlier, score, own, theirs, threshold, compared)

    def _finding(
        self,
        ctx: Context,
        report: ReportFacts,
        earlier: ReportFacts,
        score: float,
        own: Words,
        theirs: Words,
        threshold: float,
        compared: list[tuple[float, int, ReportFacts, Words]],
    ) -> Finding:
        body = ctx.bodies.get(report.body_id)
        names = (body.name, *(body.aliases or [])) if body is not None else ()
        passages = align(section_text(report, SECTION), section_text(earlier, SECTION), names_a=names, names_b=names)
        return self.finding(
            report.body_id,
            report.year,
            f"section 五 repeats the {earlier.year} report's: similarity {score:.2f} (threshold {threshold:.2f}), "
            f"{len(passages)} passage(s) reused",
            {
                "section": SECTION,
                "score": round(score, 3),
                "threshold": threshold,
                "share_reused": round(containment(own[1], theirs[1]), 3),
                "earlier_report": earlier.id,
                "earlier_year": earlier.year,
                # characters as printed, and of the body's own words once boilerplate and numbers are removed
                "length": len(section_text(report, SECTION)),
                "earlier_length": len(section_text(earlier, SECTION)),
                "normalised_length": len(own[0]),
                "earlier_normalised_length": len(theirs[0]),
                "compared": [{"year": y, "report_id": r.id, "score": round(s, 3)} for s, y, r, _ in compared],
                "passages": [{"this_year": a, "earlier": b, "score": s} for a, b, s in passages],
            },
            subject=SECTION,
            report_id=report.id,
        )
