"""The one base every compliance rule is written on, and what a rule reports: findings with evidence.

A rule is a small class stating its code, severity, version and the regulation it rests on, and
yielding findings from an evaluation context. The engine (monitor/checks.py) knows nothing of
individual rules: it runs every registered rule and reconciles their findings with stored flags.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from db.models import Severity


@dataclass(frozen=True)
class Finding:
    """One problem a rule found: the flag it becomes is unique per (rule, body, year, subject)."""

    rule: str
    body_id: str
    year: int
    subject: str
    severity: Severity
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    report_id: int | None = None

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.rule, self.body_id, self.year, self.subject)


@dataclass(frozen=True)
class Held:
    """A rule could not judge a body's year (its portal could not be looked at): the flags it raised there
    stay as they are, neither resolved nor changed, until it can judge again."""

    rule: str
    body_id: str
    year: int


class Rule:
    """Subclasses set the class attributes and implement `evaluate`."""

    code: ClassVar[str]
    severity: ClassVar[Severity]
    version: ClassVar[int] = 1
    title: ClassVar[str]  # one line for people: what the rule flags
    basis: ClassVar[str]  # the regulation or format behind it
    establishes_fault: ClassVar[bool] = True  # False: the flag says "we could not look", not "they failed"

    def evaluate(self, ctx: Any) -> Iterator[Finding | Held]:
        raise NotImplementedError

    def finding(
        self,
        body_id: str,
        year: int,
        message: str,
        evidence: dict[str, Any],
        *,
        subject: str = "",
        report_id: int | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        evidence = {"basis": self.basis, **evidence}
        return Finding(self.code, body_id, year, subject, severity or self.severity, message, evidence, report_id)


_RULES: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: make a rule known to the engine."""
    if cls.code in _RULES and _RULES[cls.code] is not cls:
        raise ValueError(f"two rules claim the code {cls.code}")
    _RULES[cls.code] = cls
    return cls


def all_rules() -> list[Rule]:
    return [cls() for _, cls in sorted(_RULES.items())]


def rule_versions() -> dict[str, int]:
    return {code: cls.version for code, cls in _RULES.items()}


@dataclass
class CorpusResult:
    """What a corpus rule found, and which (body, year) pairs it judged: flags of this rule for those
    pairs that were not found again are resolved; flags of other pairs are left alone."""

    findings: list[Finding] = field(default_factory=list)
    evaluated: set[tuple[str, int]] = field(default_factory=set)


class CorpusRule(Rule):
    """A rule comparing reports across bodies (copying between bodies): run once over the corpus, or over
    the reports that changed, instead of once per batch of bodies."""

    def evaluate(self, ctx: Any) -> Iterator[Finding | Held]:
        return iter(())  # nothing per batch

    def evaluate_corpus(
        self,
        session: Any,
        *,
        settings: Any,
        years: set[int] | None,
        report_ids: set[int] | None,
        now: Any,
    ) -> CorpusResult:
        """`report_ids` None: judge every report of `years` (None: all years); else judge these reports
        and whatever they are compared with."""
        raise NotImplementedError
