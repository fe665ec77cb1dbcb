"""The policy data as read from disk: the model (entries, facts, problems) and the
reading of policy/facts.yml, the provision layers and the team codes, with file and line
for every value. Nothing here checks entries (validation.py) or checks.yml (checks.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from babel.messages.pofile import read_po
from pydantic import (
    BaseModel,
    Extra,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
    constr,
    root_validator,
)

NATIONAL = "national"
SECTIONS = {"provisions": "provision", "target_groups": "target group", "partners": "partner"}
STATUSES = ("current", "superseded")
CONFIDENCES = ("confirmed", "to_verify")
PARTICIPATIEWET = date(2015, 1, 1)
SCALAR_TYPES = frozenset({"boolean", "integer", "enum"})
ORDERED = frozenset({"integer"})
OPERATORS = {"eq": SCALAR_TYPES, "ne": SCALAR_TYPES, "lt": ORDERED, "le": ORDERED, "gt": ORDERED,
             "ge": ORDERED, "in": frozenset({"integer", "enum"}),
             "not_in": frozenset({"integer", "enum"})}
LIST_OPERATORS = frozenset({"in", "not_in"})
AMOUNT_UNITS = ("euro", "percent")
AMOUNT_PERIODS = ("week", "month", "year")
DURATION_UNITS = ("days", "weeks", "months")
NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\Z")
LAW = re.compile(r"(wet|besluit|regeling|verordening)\b", re.IGNORECASE)
DOCUMENT = re.compile(r"(\d{3}) ")

COMMON = ("id", "title_key", "description_key", "audience", "sources", "valid_from", "status")
HISTORY = ("valid_to", "superseded_by", "confidence", "open_questions")
REQUIRED = {"provisions": (*COMMON, "next_step_key", "team"),
            "target_groups": (*COMMON, "next_step_key", "team"),
            "partners": COMMON}
OPTIONAL = {"provisions": (*HISTORY, "legal_source", "conditions", "target_groups", "partners",
                           "duration", "amounts"),
            "target_groups": (*HISTORY, "conditions", "actions"),
            "partners": (*HISTORY, "team")}
# Parts of an entry: (required fields, optional fields).
PARTS = {"condition": (("fact", "operator", "value", "source"), ("confidence",)),
         "amount": (("name", "value", "unit", "source"),
                    ("per", "approximate", "from_age", "confidence")),
         "duration": (("unit", "length", "source"),
                      ("extensions", "extension_length", "max_length", "exceptional_extension",
                       "confidence")),
         "action": (("number", "provisions", "source"), ())}


def is_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def is_texts(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(is_text(v) for v in value)


def is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def is_name(value: object) -> bool:
    return isinstance(value, str) and bool(NAME.match(value))


# Field kinds: how each entry field must look, and how to say so.
KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "name": (is_name, "a lower-case name like werkstage"),
    "key": (lambda v: isinstance(v, str) and bool(KEY.match(v)), "a catalog key like a.b.title"),
    "text": (is_text, "a non-empty text"),
    "texts": (is_texts, "a non-empty list of texts"),
    "names": (lambda v: isinstance(v, list) and all(is_name(x) for x in v), "a list of names"),
    "date": (is_date, "a date like 2026-12-31"),
    "list": (lambda v: isinstance(v, list), "a list"),
    "mapping": (lambda v: isinstance(v, dict), "a mapping"),
}
FIELD_KINDS = {"id": "name", "team": "name", "status": "name", "confidence": "name",
               "title_key": "key", "description_key": "key", "next_step_key": "key",
               "audience": "names", "target_groups": "names", "partners": "names",
               "sources": "texts", "open_questions": "texts", "legal_source": "text",
               "superseded_by": "text", "valid_from": "date", "valid_to": "date",
               "conditions": "list", "amounts": "list", "actions": "list",
               "duration": "mapping"}


class PolicyError(ValueError):
    """The policy data has problems; ``problems`` lists them with file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Item:
    """A YAML value and the line it is on (1-based); mappings and lists hold Items."""

    value: Any
    line: int

    def plain(self) -> Any:
        if isinstance(self.value, dict):
            return {name: item.plain() for name, item in self.value.items()}
        if isinstance(self.value, list):
            return [item.plain() for item in self.value]
        return self.value


@dataclass(frozen=True)
class Condition:
    fact: str
    operator: str
    value: Any
    source: str
    confidence: str = "confirmed"


@dataclass(frozen=True)
class Duration:
    unit: str
    length: int
    source: str
    extensions: int | None = None
    extension_length: int | None = None
    max_length: int | None = None
    exceptional_extension: bool = False  # extended only in exceptional situations
    confidence: str = "confirmed"


@dataclass(frozen=True)
class Amount:
    name: str
    value: float
    unit: str
    source: str
    per: str | None = None
    approximate: bool = False
    from_age: int | None = None  # the amount applies from this age on (amounts by age)
    confidence: str = "confirmed"


@dataclass(frozen=True)
class Action:
    number: int
    provisions: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Entry:
    """One provision, target group or partner of one layer."""

    section: str
    id: str
    layer: str
    file: str
    line: int
    title_key: str
    description_key: str
    audience: tuple[str, ...]
    sources: tuple[str, ...]
    valid_from: date
    status: str
    next_step_key: str | None = None
    team: str | None = None
    valid_to: date | None = None
    superseded_by: str | None = None
    confidence: str = "confirmed"
    open_questions: tuple[str, ...] = ()
    legal_source: str | None = None
    conditions: tuple[Condition, ...] = ()
    target_groups: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    duration: Duration | None = None
    amounts: tuple[Amount, ...] = ()
    actions: tuple[Action, ...] = ()

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Policy:
    """What is current for one municipality on one day (national layer plus overrides)."""

    municipality: str
    on: date
    provisions: dict[str, Entry]
    target_groups: dict[str, Entry]
    partners: dict[str, Entry]
    superseded: tuple[Entry, ...]  # former rules, to explain "dat geldt niet meer"


@dataclass(frozen=True)
class Fact:
    name: str
    type: str
    values: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    def accepts(self, value: object) -> bool:
        if self.type == "boolean":
            return isinstance(value, bool)
        if self.type == "enum":
            return value in self.values
        return (isinstance(value, int) and not isinstance(value, bool)
                and (self.minimum is None or value >= self.minimum)
                and (self.maximum is None or value <= self.maximum))

    def expected(self) -> str:
        if self.type == "boolean":
            return "true or false"
        if self.type == "enum":
            return "one of " + ", ".join(self.values)
        return f"a whole number from {self.minimum} to {self.maximum}"


@dataclass(frozen=True)
class Vocabulary:
    facts: dict[str, Fact]
    audiences: frozenset[str]
    documents: dict[str, bool]  # document number -> written before the Participatiewet


@dataclass(frozen=True)
class Layer:
    name: str  # "national" or the municipality's folder
    file: str  # as shown in problems, e.g. policy/national/provisions.yml
    sections: dict[str, list[Item]]


@dataclass(frozen=True)
class Sources:
    """Everything read from disk for one municipality, and the problems found reading it."""

    vocabulary: Vocabulary
    teams: frozenset[str]
    teams_file: str
    layers: tuple[Layer, ...]
    problems: tuple[Problem, ...]


def catalog_keys(locales_dir: Path, language: str = "nl") -> frozenset[str]:
    """Message ids that have a translation in the language's catalog."""
    with (locales_dir / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return frozenset(_msgid(m.id) for m in read_po(handle) if m.id and _translated(m.string))


def read_vocabulary(policy_dir: Path) -> Vocabulary:
    """The facts, audiences and documents of policy/facts.yml (validated with the policy)."""
    return _read_vocabulary(policy_dir, [])


def municipalities(policy_dir: Path) -> list[str]:
    return sorted(p.parent.name for p in policy_dir.glob("*/municipality.yml"))


def _msgid(value: str | tuple[str, ...]) -> str:
    return value if isinstance(value, str) else value[0]


def _translated(value: str | tuple[str, ...]) -> bool:
    return any(value) if isinstance(value, tuple) else bool(value)


def entries_of(sources: Sources) -> list[Entry]:
    """Every entry of every layer, national first, whatever its date or status."""
    return [_entry(item, section, layer) for layer in sources.layers
            for section, items in layer.sections.items() for item in items]


def resolve(entries: list[Entry], section: str, day: date) -> dict[str, Entry]:
    chosen: dict[str, Entry] = {}
    for entry in entries:  # national first: a later layer replaces an earlier one
        if entry.section == section and entry.valid_on(day):
            chosen[entry.id] = entry
    return {name: e for name, e in chosen.items() if e.status == "current"}


def _frozen(value: Any) -> Any:
    """Lists become tuples, so entries are immutable all the way down."""
    if isinstance(value, dict):
        return {name: _frozen(v) for name, v in value.items()}
    return tuple(_frozen(v) for v in value) if isinstance(value, list) else value


def _entry(item: Item, section: str, layer: Layer) -> Entry:
    data = _frozen(item.plain())
    parts = {"conditions": [Condition(**c) for c in data.pop("conditions", ())],
             "amounts": [Amount(**a) for a in data.pop("amounts", ())],
             "actions": [Action(**a) for a in data.pop("actions", ())]}
    duration = data.pop("duration", None)
    return Entry(section=section, layer=layer.name, file=layer.file, line=item.line,
                 duration=Duration(**duration) if duration else None,
                 **{name: tuple(value) for name, value in parts.items()}, **data)


# --- Reading -------------------------------------------------------------------------------

def read_sources(policy_dir: Path, municipality: str) -> Sources:
    problems: list[Problem] = []
    vocabulary = _read_vocabulary(policy_dir, problems)
    teams_path = policy_dir / municipality / "municipality.yml"
    teams = _read_teams(policy_dir, teams_path, problems)
    layers = tuple(_read_layer(policy_dir, name, problems) for name in (NATIONAL, municipality))
    return Sources(vocabulary, teams, _shown(policy_dir, teams_path), layers, tuple(problems))


def _shown(policy_dir: Path, path: Path) -> str:
    return path.relative_to(policy_dir.parent).as_posix()


def read_yaml(policy_dir: Path, path: Path, problems: list[Problem]) -> Item | None:
    shown = _shown(policy_dir, path)
    if not path.exists():
        problems.append(Problem(shown, 1, "file is missing"))
        return None
    loader = yaml.SafeLoader(path.read_text(encoding="utf-8"))
    try:
        node = loader.get_single_node()
        problems.extend(Problem(shown, line, f"key '{key}' appears twice")
                        for line, key in _duplicate_keys(node))
        return None if node is None else _item(node, loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problems.append(Problem(shown, mark.line + 1 if mark else 1,
                                f"not valid YAML: {error.problem}"))
        return None
    finally:
        loader.dispose()


def _item(node: yaml.Node, loader: yaml.SafeLoader, line: int | None = None) -> Item:
    """The node as an Item; a mapping's values carry the line of their key."""
    line = line or node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        return Item({str(key.value): _item(value, loader, key.start_mark.line + 1)
                     for key, value in node.value}, line)
    if isinstance(node, yaml.SequenceNode):
        return Item([_item(child, loader) for child in node.value], line)
    return Item(loader.construct_object(node), line)


def _duplicate_keys(node: yaml.Node | None) -> Iterator[tuple[int, str]]:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                yield key.start_mark.line + 1, str(key.value)
            seen.add(key.value)
            yield from _duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            yield from _duplicate_keys(child)


class FactSpec(BaseModel):
    """One fact of policy/facts.yml, as typed data."""

    type: Literal["boolean", "integer", "enum"]
    description: StrictStr
    origin: StrictStr
    values: list[constr(strict=True, regex=NAME.pattern)] = Field(default_factory=list)
    min: StrictInt | None = None
    max: StrictInt | None = None

    class Config:
        extra = Extra.forbid

    @root_validator(skip_on_failure=True)
    def _complete(cls, spec: dict) -> dict:  # noqa: N805 - pydantic passes the class
        if spec["type"] == "enum" and not spec["values"]:
            raise ValueError("an enum fact needs its values")
        if spec["type"] == "integer" and (spec["min"] is None or spec["max"] is None):
            raise ValueError("an integer fact needs min and max")
        if spec["type"] != "enum" and spec["values"]:
            raise ValueError("only an enum fact has values")
        return spec


def line_of(root: Item, location: tuple[Any, ...]) -> int:
    """The line of the value at a pydantic error location (or of its nearest parent)."""
    item = root
    for part in location:
        children = item.value
        inside = (part in children if isinstance(children, dict)
                  else isinstance(children, list) and isinstance(part, int)
                  and part < len(children))
        if not inside:
            break
        item = children[part]
    return item.line


def model_problems(shown: str, root: Item, error: ValidationError, what: str) -> list[Problem]:
    """A pydantic error as file:line problems, at the line of the value it is about."""
    problems = []
    for found in error.errors():
        where = ".".join(str(part) for part in found["loc"] if part != "__root__")
        text = f"{where}: {found['msg']}" if where else found["msg"]
        problems.append(Problem(shown, line_of(root, found["loc"]), what + text))
    return problems


def _read_vocabulary(policy_dir: Path, problems: list[Problem]) -> Vocabulary:
    path = policy_dir / "facts.yml"
    root = read_yaml(policy_dir, path, problems)
    sections = root.value if root and isinstance(root.value, dict) else {}
    specs = sections["facts"].value if "facts" in sections else {}
    facts = {}
    for name, spec in (specs.items() if isinstance(specs, dict) else ()):
        try:
            typed = FactSpec.parse_obj(spec.plain())
        except ValidationError as error:
            problems += model_problems(_shown(policy_dir, path), spec, error, f"fact '{name}': ")
            continue
        facts[name] = Fact(name, typed.type, tuple(typed.values), typed.min, typed.max)
    data = {name: item.plain() for name, item in sections.items()}
    documents = {str(code): bool(spec.get("pre_participatiewet"))
                 for code, spec in data.get("documents", {}).items() if isinstance(spec, dict)}
    return Vocabulary(facts, frozenset(data.get("audiences", ())), documents)


def _read_teams(policy_dir: Path, path: Path, problems: list[Problem]) -> frozenset[str]:
    root = read_yaml(policy_dir, path, problems)
    teams = root.value.get("teams") if root and isinstance(root.value, dict) else None
    return frozenset(teams.value) if teams and isinstance(teams.value, dict) else frozenset()


def _read_layer(policy_dir: Path, name: str, problems: list[Problem]) -> Layer:
    path = policy_dir / name / "provisions.yml"
    shown = _shown(policy_dir, path)
    root = read_yaml(policy_dir, path, problems)
    if root is None or not isinstance(root.value, dict):
        if root is not None:
            problems.append(Problem(shown, root.line, "must be a mapping of sections"))
        return Layer(name, shown, {})
    sections: dict[str, list[Item]] = {}
    for section, item in root.value.items():
        if section not in SECTIONS:
            problems.append(Problem(shown, item.line, f"unknown section '{section}' (known: "
                                    + ", ".join(SECTIONS) + ")"))
        elif not isinstance(item.value, list):
            problems.append(Problem(shown, item.line, f"section '{section}' must be a list"))
        else:
            sections[section] = item.value
    return Layer(name, shown, sections)


# --- Command line --------------------------------------------------------------------------

