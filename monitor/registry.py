"""Registry import: read the YAML file of who must file, validate all of it, then upsert it in one go.

Nothing is written unless the whole file is valid. Every problem is reported with the line it is on.
Entries present in the database but absent from the file are left alone (and counted), never deleted: a
registry may be split across files imported one after another. Only a deadline notice the file marks
`withdrawn` is deleted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.parsing.normalize import nfkc, squash
from crawler.profiles import known_profiles
from db.models import Body, BodyKind, DeadlineOverride, Jurisdiction, JurisdictionLevel, Portal
from monitor.deadlines import parse_mmdd

SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
LEVEL_RANK = {"province": 0, "city": 1, "county": 2, "township": 3}


# --------------------------------------------------------------------------- YAML with line numbers


class _Located(dict[str, Any]):
    """A mapping that remembers the line it starts on and the line of each key."""

    line: int
    key_lines: dict[str, int]


class RegistryError(Exception):
    """The file is invalid; `problems` lists every reason, each naming its line."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s)\n" + "\n".join(problems))


def _loader(problems: list[str]) -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        pass

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> _Located:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(f"line {line}: key {key!r} repeated (first on line {seen[key]})")
            seen[key] = line
        mapping = _Located(loader.construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {str(k): v for k, v in seen.items()}
        return mapping

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return Loader


# --------------------------------------------------------------------------- entry schemas


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class JurisdictionEntry(_Entry):
    code: str
    name: str = Field(min_length=1)
    level: JurisdictionLevel
    parent: str | None = None

    @field_validator("code", "parent", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        # An unquoted code is read by YAML as an int; accept it, the digits are what matter.
        return str(value) if isinstance(value, int) else value


class PortalEntry(_Entry):
    id: str
    name: str = Field(min_length=1)
    base_url: str
    report_columns: list[str] = Field(default_factory=list)
    profile: str = "auto"
    crawl_settings: dict[str, Any] = Field(default_factory=dict)

    @field_validator("base_url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not re.match(r"https?://[^/\s]+", value):
            raise ValueError("must be an absolute http:// or https:// URL")
        return value

    @field_validator("report_columns")
    @classmethod
    def _http_columns(cls, value: list[str]) -> list[str]:
        for url in value:
            if not re.match(r"https?://[^/\s]+", url):
                raise ValueError(f"column {url!r} must be an absolute http:// or https:// URL")
        return value


class BodyEntry(_Entry):
    id: str
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    kind: BodyKind
    jurisdiction: str
    portal: str | None = None
    first_year: int = Field(ge=2000, le=2100)
    last_year: int | None = Field(None, ge=2000, le=2100)
    deadline: str | None = None
    deadline_source: str | None = None
    active: bool = True

    @field_validator("jurisdiction", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("deadline")
    @classmethod
    def _mmdd(cls, value: str | None) -> str | None:
        if value is not None:
            parse_mmdd(value)
        return value


class DeadlineEntry(_Entry):
    """A notice moving the deadline of one report year for some kinds of body in a jurisdiction,
    or, when `withdrawn`, the removal of such a notice imported before."""

    jurisdiction: str
    year: int = Field(ge=2000, le=2100)
    kinds: list[BodyKind] = Field(min_length=1)
    due: date | None = None
    notice: str | None = Field(None, min_length=1)
    url: str | None = None
    withdrawn: bool = False

    @model_validator(mode="after")
    def _due_unless_withdrawn(self) -> Self:
        missing = [repr(name) for name in ("due", "notice") if getattr(self, name) is None]
        if missing and not self.withdrawn:
            raise ValueError(f"needs {' and '.join(missing)} unless it says withdrawn: true")
        return self

    @field_validator("jurisdiction", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


SECTIONS: dict[str, type[_Entry]] = {
    "jurisdictions": JurisdictionEntry,
    "portals": PortalEntry,
    "bodies": BodyEntry,
    "deadlines": DeadlineEntry,
}


@dataclass(frozen=True)
class Where:
    """Where an entry sits in the file: its first line and the line of each of its keys."""

    line: int
    key_lines: dict[str, int]

    def at(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


@dataclass
class RegistryFile:
    jurisdictions: list[tuple[Where, JurisdictionEntry]] = field(default_factory=list)
    portals: list[tuple[Where, PortalEntry]] = field(default_factory=list)
    bodies: list[tuple[Where, BodyEntry]] = field(default_factory=list)
    deadlines: list[tuple[Where, DeadlineEntry]] = field(default_factory=list)
    # Structural problems, and the ids of entries they made unusable (not reported again as unknown).
    problems: list[str] = field(default_factory=list)
    invalid_ids: set[str] = field(default_factory=set)


# --------------------------------------------------------------------------- validation


def _code_problem(code: str, level: str) -> str | None:
    """GB/T 2260: 6 digits down to county; townships use the 9- or 12-digit statistical code."""
    if level == "township":
        if not re.fullmatch(r"\d{9}|\d{12}", code) or code[6:9] == "000":
            return f"township code {code!r} must have 9 or 12 digits (county code + township number)"
        return None
    if not re.fullmatch(r"\d{6}", code):
        return f"code {code!r} must have 6 digits (GB/T 2260)"
    if code[:2] == "00":
        return f"code {code!r} has no province part"
    shape = {
        "province": code[2:] == "0000",
        "city": code[4:] == "00" and code[2:4] != "00",
        "county": code[4:] != "00",
    }
    if not shape[level]:
        expected = {"province": "end in 0000", "city": "end in 00 (not 0000)", "county": "not end in 00"}[level]
        return f"code {code!r} does not fit level {level}: a {level} code must {expected}"
    return None


def _prefix(code: str, level: str) -> str:
    return code[: {"province": 2, "city": 4, "county": 6, "township": 9}[level]]


def _describe(errors: Iterable[dict[str, Any]], entry: _Located, label: str) -> list[str]:
    out = []
    for err in errors:
        key = str(err["loc"][0]) if err["loc"] else ""
        line = entry.key_lines.get(key, entry.line)
        what = f"field {key!r}" if key else "entry"
        if err["type"] == "extra_forbidden":
            out.append(f"line {line}: {label}: unknown field {key!r}")
        elif err["type"] == "missing":
            out.append(f"line {entry.line}: {label}: required field {key!r} is missing")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            out.append(f"line {line}: {label}: {what}: {msg}")
    return out


def load_registry(text: str, source: str = "<registry>") -> RegistryFile:
    """Parse the file and validate each entry's structure and types.

    Raises RegistryError when the file cannot be read as a registry at all; entry problems are
    collected in `problems` so that the reference checks can add theirs and all are shown at once.
    """
    problems: list[str] = []
    try:
        data = yaml.load(text, Loader=_loader(problems))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise RegistryError(source, [f"{where}not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    if data is None:
        raise RegistryError(source, ["the file is empty"])
    if not isinstance(data, _Located):
        raise RegistryError(source, ["the file must be a mapping with jurisdictions, portals, bodies"])
    for key in data:
        if key not in SECTIONS:
            problems.append(
                f"line {data.key_lines[str(key)]}: unknown section {key!r} (expected {', '.join(SECTIONS)})"
            )

    result = RegistryFile()
    for section, model in SECTIONS.items():
        entries = data.get(section) or []
        if not isinstance(entries, list):
            problems.append(f"line {data.key_lines.get(section, 1)}: {section} must be a list")
            continue
        for index, entry in enumerate(entries):
            label = f"{section}[{index}]"
            if not isinstance(entry, _Located):
                problems.append(f"{label}: each entry must be a mapping")
                continue
            ident = entry.get("id", entry.get("code"))
            if ident is not None:
                label += f" ({ident})"
            try:
                parsed = model.model_validate(dict(entry))
            except ValidationError as exc:
                problems.extend(_describe(exc.errors(), entry, label))
                if ident is not None:
                    result.invalid_ids.add(str(ident))
                continue
            getattr(result, section).append((Where(entry.line, entry.key_lines), parsed))
    result.problems = problems
    return result


def _shared_names(reg: RegistryFile, session: Session, known_bad: set[str]) -> list[str]:
    """Names and aliases that two bodies on one portal share: the crawler attributes a report to the
    body its title names, so a shared name makes that ambiguous. Registered bodies the file does not
    redefine count too."""
    redefined = {b.id for _, b in reg.bodies} | known_bad
    # (portal, name as the crawler compares it) -> the body using it, and where ("line N" or "registered")
    owners: dict[tuple[str, str], tuple[str, str]] = {}
    registered = session.execute(select(Body.id, Body.portal_id, Body.name, Body.aliases))
    for body_id, portal_id, name, aliases in registered:
        if portal_id is not None and body_id not in redefined:
            for text in [name, *(aliases or [])]:
                owners.setdefault((portal_id, squash(nfkc(text))), (body_id, "registered"))
    problems = []
    for where, b in reg.bodies:
        if b.portal is None:
            continue
        shared: dict[str, list[str]] = {}  # "other body (where)" -> the names b shares with it
        for text in dict.fromkeys([b.name, *b.aliases]):
            key = (b.portal, squash(nfkc(text)))
            owner = owners.setdefault(key, (b.id, f"line {where.line}"))
            if key[1] and owner[0] != b.id:
                shared.setdefault(f"{owner[0]} ({owner[1]})", []).append(text)
        for other, names in shared.items():
            line = where.at("name" if b.name in names else "aliases")
            problems.append(
                f"line {line}: body {b.id} shares {', '.join(names)} with body {other} on portal {b.portal}; "
                "a report title naming it could belong to either"
            )
    return problems


def check_references(reg: RegistryFile, session: Session, source: str = "<registry>") -> None:
    """Cross-entry checks against the file and what the database already holds; raises RegistryError
    with these and the structural problems if there are any."""
    problems: list[str] = list(reg.problems)
    known_bad = reg.invalid_ids
    db_jurisdictions = dict(session.execute(select(Jurisdiction.code, Jurisdiction.level)).all())
    db_portals = set(session.scalars(select(Portal.id)))
    profiles = set(known_profiles())

    levels: dict[str, str] = {code: str(level) for code, level in db_jurisdictions.items()}
    first_line: dict[str, int] = {}
    for where, j in reg.jurisdictions:
        if j.code in first_line:
            problems.append(
                f"line {where.line}: jurisdiction {j.code} is defined twice (first on line {first_line[j.code]})"
            )
            continue
        first_line[j.code] = where.line
        levels[j.code] = j.level.value
        if (msg := _code_problem(j.code, j.level.value)) is not None:
            problems.append(f"line {where.at('code')}: jurisdiction {j.name}: {msg}")
    for where, j in reg.jurisdictions:
        line = where.at("parent")
        if j.parent is None:
            if j.level is not JurisdictionLevel.PROVINCE:
                problems.append(
                    f"line {where.line}: jurisdiction {j.code} ({j.name}) is a {j.level} and needs a parent"
                )
            continue
        parent_level = levels.get(j.parent)
        if parent_level is None and j.parent in known_bad:
            continue
        if parent_level is None:
            problems.append(
                f"line {line}: jurisdiction {j.code} ({j.name}): "
                f"parent {j.parent} is neither in the file nor registered"
            )
        elif LEVEL_RANK[parent_level] >= LEVEL_RANK[j.level.value]:
            problems.append(
                f"line {line}: jurisdiction {j.code} ({j.name}): parent {j.parent} is a {parent_level}, "
                f"not above a {j.level}"
            )
        elif not j.code.startswith(_prefix(j.parent, parent_level)):
            problems.append(
                f"line {line}: jurisdiction {j.code} ({j.name}): code does not lie under its parent {j.parent}"
            )

    seen_portals: dict[str, int] = {}
    for where, p in reg.portals:
        if not SLUG.fullmatch(p.id):
            problems.append(f"line {where.at('id')}: portal id {p.id!r} must be lowercase letters, digits, '-' or '_'")
        if p.id in seen_portals:
            problems.append(f"line {where.line}: portal {p.id} is defined twice (first on line {seen_portals[p.id]})")
        seen_portals[p.id] = where.line
        if p.profile not in profiles:
            problems.append(
                f"line {where.at('profile')}: portal {p.id}: unknown profile {p.profile!r} "
                f"(known: {', '.join(sorted(profiles))})"
            )

    seen_bodies: dict[str, int] = {}
    for where, b in reg.bodies:
        if not SLUG.fullmatch(b.id):
            problems.append(f"line {where.at('id')}: body id {b.id!r} must be lowercase letters, digits, '-' or '_'")
        if b.id in seen_bodies:
            problems.append(f"line {where.line}: body {b.id} is defined twice (first on line {seen_bodies[b.id]})")
        seen_bodies[b.id] = where.line
        if b.jurisdiction not in levels and b.jurisdiction not in known_bad:
            problems.append(f"line {where.at('jurisdiction')}: body {b.id}: unknown jurisdiction {b.jurisdiction}")
        if b.portal is not None and b.portal not in seen_portals.keys() | db_portals | known_bad:
            problems.append(f"line {where.at('portal')}: body {b.id}: unknown portal {b.portal!r}")
        if b.last_year is not None and b.last_year < b.first_year:
            problems.append(
                f"line {where.at('last_year')}: body {b.id}: "
                f"last_year {b.last_year} is before first_year {b.first_year}"
            )
    problems.extend(_shared_names(reg, session, known_bad))

    seen_overrides: dict[tuple[str, int, str], int] = {}
    for where, d in reg.deadlines:
        if d.jurisdiction not in levels and d.jurisdiction not in known_bad:
            problems.append(
                f"line {where.at('jurisdiction')}: deadline for {d.year}: unknown jurisdiction {d.jurisdiction}"
            )
        if d.due is not None and d.due.year != d.year + 1:
            problems.append(
                f"line {where.at('due')}: deadline for report year {d.year} falls in {d.due.year}; "
                f"it must fall in the following year ({d.year + 1})"
            )
        for kind in d.kinds:
            key = (d.jurisdiction, d.year, kind.value)
            if key in seen_overrides:
                problems.append(
                    f"line {where.line}: deadline for {kind} in {d.jurisdiction}, {d.year} "
                    f"repeats line {seen_overrides[key]}"
                )
            seen_overrides[key] = where.line
    if problems:
        raise RegistryError(source, problems)


# --------------------------------------------------------------------------- upsert


@dataclass
class ImportReport:
    """What an import did, by entity kind: added ids, changed ids with their fields, unchanged count,
    ids removed because the file withdrew them, and withdrawn ids that were not there to remove."""

    added: dict[str, list[str]] = field(default_factory=dict)
    changed: dict[str, list[tuple[str, list[str]]]] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    not_in_file: dict[str, int] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    nothing_to_remove: dict[str, list[str]] = field(default_factory=dict)

    @property
    def has_changes(self) -> bool:
        return any(self.added.values()) or any(self.changed.values()) or any(self.removed.values())

    def note(self, kind: str, ident: str, outcome: Literal["added", "changed", "unchanged"], fields: list[str]) -> None:
        self.added.setdefault(kind, [])
        self.changed.setdefault(kind, [])
        self.unchanged.setdefault(kind, 0)
        if outcome == "added":
            self.added[kind].append(ident)
        elif outcome == "changed":
            self.changed[kind].append((ident, fields))
        else:
            self.unchanged[kind] += 1


def _apply(obj: Any, values: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _upsert(session: Session, report: ImportReport, kind: str, model: type, key: Any, values: dict[str, Any]) -> None:
    obj = session.get(model, key)
    ident = "/".join(map(str, key)) if isinstance(key, tuple) else str(key)
    if obj is None:
        session.add(model(**values))
        report.note(kind, ident, "added", [])
        return
    fields = _apply(obj, values)
    report.note(kind, ident, "changed" if fields else "unchanged", fields)


def apply_registry(reg: RegistryFile, session: Session) -> ImportReport:
    """Upsert a validated registry. The caller's transaction makes it all-or-nothing. Nothing stored
    names the file or a line: the same content from another file, or moved, must change nothing."""
    report = ImportReport()
    # Parents before children, so foreign keys hold at every flush.
    for _, j in sorted(reg.jurisdictions, key=lambda item: LEVEL_RANK[item[1].level.value]):
        values = {"code": j.code, "name": j.name, "level": j.level, "parent_code": j.parent}
        _upsert(session, report, "jurisdictions", Jurisdiction, j.code, values)
        session.flush()
    for _, p in reg.portals:
        values = {
            "id": p.id,
            "name": p.name,
            "base_url": p.base_url,
            "profile": p.profile,
            "report_columns": p.report_columns,
            "crawl_settings": p.crawl_settings,
        }
        stored = session.get(Portal, p.id)
        moved = stored is not None and stored.base_url != p.base_url
        _upsert(session, report, "portals", Portal, p.id, values)
        if stored is not None and moved:
            stored.discovered_columns = []  # found under the old address; the next crawl discovers anew
    session.flush()
    for _, b in reg.bodies:
        deadline_source = b.deadline_source or f"registry, body {b.id} (no source given)"
        values = {
            "id": b.id,
            "name": b.name,
            "aliases": b.aliases,
            "kind": b.kind,
            "jurisdiction_code": b.jurisdiction,
            "portal_id": b.portal,
            "first_year": b.first_year,
            "last_year": b.last_year,
            "deadline": b.deadline,
            "deadline_source": deadline_source if b.deadline else None,
            "active": b.active,
        }
        _upsert(session, report, "bodies", Body, b.id, values)
    session.flush()
    existing = {(o.jurisdiction_code, o.year, o.kind): o for o in session.scalars(select(DeadlineOverride))}
    for _, d in reg.deadlines:
        for kind in d.kinds:
            key = (d.jurisdiction, d.year, kind)
            values = {"due": d.due, "notice": d.notice, "url": d.url}
            ident = f"{d.jurisdiction}/{d.year}/{kind}"
            obj = existing.get(key)
            if d.withdrawn:
                if obj is None:
                    report.nothing_to_remove.setdefault("deadlines", []).append(ident)
                else:
                    session.delete(obj)
                    report.removed.setdefault("deadlines", []).append(ident)
            elif obj is None:
                session.add(DeadlineOverride(jurisdiction_code=d.jurisdiction, year=d.year, kind=kind, **values))
                report.note("deadlines", ident, "added", [])
            else:
                fields = _apply(obj, values)
                report.note("deadlines", ident, "changed" if fields else "unchanged", fields)
    session.flush()

    in_file: dict[str, set[Any]] = {
        "jurisdictions": {j.code for _, j in reg.jurisdictions},
        "portals": {p.id for _, p in reg.portals},
        "bodies": {b.id for _, b in reg.bodies},
        "deadlines": {(d.jurisdiction, d.year, kind) for _, d in reg.deadlines if not d.withdrawn for kind in d.kinds},
    }
    overrides = select(DeadlineOverride.jurisdiction_code, DeadlineOverride.year, DeadlineOverride.kind)
    stored: dict[str, set[Any]] = {
        "jurisdictions": set(session.scalars(select(Jurisdiction.code))),
        "portals": set(session.scalars(select(Portal.id))),
        "bodies": set(session.scalars(select(Body.id))),
        "deadlines": {tuple(row) for row in session.execute(overrides)},
    }
    for kind, idents in stored.items():
        report.not_in_file[kind] = len(idents - in_file[kind])
    return report


def import_registry(path: Path, session: Session, dry_run: bool = False) -> ImportReport:
    """Validate `path` completely, then upsert it in the session's transaction (rolled back on dry run)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RegistryError(str(path), [f"not UTF-8 text (byte {exc.start})"]) from None
    reg = load_registry(text, str(path))
    check_references(reg, session, str(path))
    report = apply_registry(reg, session)
    if dry_run:
        session.rollback()
    return report
