"""The policy data as read from disk for one municipality: policy/facts.yml, the team codes
of its municipality.yml and the provision layers (national first, then the municipality),
each entry a typed ``Entry`` kept with the Items it was read from (for the line of a field).
The entry checks that need the rest of the data are in validation.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.messages.pofile import read_po

from assistant.policy.models import (
    NATIONAL,
    SECTIONS,
    DocumentSpec,
    Entry,
    Fact,
    FactSpec,
    Vocabulary,
)
from assistant.policy.municipality import municipality_of, read_municipality, team_codes
from assistant.policy.reading import Item, Problem, line_of, parse, read_yaml, shown


@dataclass(frozen=True)
class Layer:
    name: str  # "national" or the municipality's folder
    file: str  # as shown in problems, e.g. policy/national/provisions.yml
    entries: tuple[tuple[Entry, Item], ...]  # every entry that has its shape, with its Items
    ids: dict[str, frozenset[str]]  # section -> ids written in it (also of broken entries)


@dataclass(frozen=True)
class Sources:
    """Everything read from disk for one municipality, and the problems found reading it."""

    vocabulary: Vocabulary
    teams: frozenset[str]
    teams_file: str
    layers: tuple[Layer, ...]
    problems: tuple[Problem, ...]
    topics: dict[str, tuple[tuple[str, ...], int]]  # intent -> (provisions, line) of the file


def catalog_keys(locales_dir: Path, language: str = "nl") -> frozenset[str]:
    """Message ids that have a translation in the language's catalog."""
    with (locales_dir / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return frozenset(_msgid(m.id) for m in read_po(handle) if m.id and _translated(m.string))


def _msgid(value: str | tuple[str, ...]) -> str:
    return value if isinstance(value, str) else value[0]


def _translated(value: str | tuple[str, ...]) -> bool:
    return any(value) if isinstance(value, tuple) else bool(value)


def municipalities(policy_dir: Path) -> list[str]:
    return sorted(p.parent.name for p in policy_dir.glob("*/municipality.yml"))


def read_vocabulary(policy_dir: Path) -> Vocabulary:
    """The facts, audiences and documents of policy/facts.yml (validated with the policy)."""
    return _read_vocabulary(policy_dir, [])


def entries_of(sources: Sources) -> list[Entry]:
    """Every entry of every layer, national first, whatever its date or status."""
    return [entry for layer in sources.layers for entry, _ in layer.entries]


def resolve(entries: list[Entry], section: str, day: date) -> dict[str, Entry]:
    chosen: dict[str, Entry] = {}
    for entry in entries:  # national first: a later layer replaces an earlier one
        if entry.section == section and entry.valid_on(day):
            chosen[entry.id] = entry
    return {name: e for name, e in chosen.items() if e.status == "current"}


def read_sources(policy_dir: Path, municipality: str) -> Sources:
    problems: list[Problem] = []
    vocabulary = _read_vocabulary(policy_dir, problems)
    typed, town = read_municipality(policy_dir, municipality, problems)
    layers = tuple(_read_layer(policy_dir, name, problems) for name in (NATIONAL, municipality))
    teams_file = shown(policy_dir, policy_dir / municipality / "municipality.yml")
    topics = {intent: (topic.provisions, line_of(town, ("topics", intent)))
              for intent, topic in (municipality_of(typed).topics.items() if typed and town
                                    else ())}
    return Sources(vocabulary, team_codes(town), teams_file, layers, tuple(problems), topics)


def _read_vocabulary(policy_dir: Path, problems: list[Problem]) -> Vocabulary:
    path = policy_dir / "facts.yml"
    file = shown(policy_dir, path)
    root = read_yaml(policy_dir, path, problems)
    facts, documents = {}, {}
    for name, spec in _mapping(root, "facts").items():
        typed = parse(FactSpec, spec, file, f"fact '{name}': ", problems)
        if typed:
            facts[name] = Fact(name, typed.type, tuple(typed.values), typed.min, typed.max)
    for code, spec in _mapping(root, "documents").items():
        document = parse(DocumentSpec, spec, file, f"document '{code}': ", problems)
        if document:
            documents[str(code)] = document
    audiences = root.get("audiences") if root else None
    return Vocabulary(facts, frozenset(audiences.plain() if audiences else ()), documents)


def _mapping(root: Item | None, name: str) -> dict[str, Item]:
    found = root.get(name) if root else None
    return found.value if found and isinstance(found.value, dict) else {}


def _read_layer(policy_dir: Path, name: str, problems: list[Problem]) -> Layer:
    path = policy_dir / name / "provisions.yml"
    file = shown(policy_dir, path)
    root = read_yaml(policy_dir, path, problems)
    if root is None or not isinstance(root.value, dict):
        if root is not None:
            problems.append(Problem(file, root.line, "must be a mapping of sections"))
        return Layer(name, file, (), {})
    entries: list[tuple[Entry, Item]] = []
    ids: dict[str, frozenset[str]] = {}
    for section, found in root.value.items():
        if section not in SECTIONS:
            problems.append(Problem(file, found.line, f"unknown section '{section}' (known: "
                                    + ", ".join(SECTIONS) + ")"))
        elif not isinstance(found.value, list):
            problems.append(Problem(file, found.line, f"section '{section}' must be a list"))
        else:
            ids[section] = frozenset(item.id() for item in found.value)
            entries += [(entry, item) for item in found.value
                        if (entry := _entry(item, section, name, file, problems))]
    return Layer(name, file, tuple(entries), ids)


def _entry(item: Item, section: str, layer: str, file: str,
           problems: list[Problem]) -> Entry | None:
    what = f"{SECTIONS[section]} '{item.id()}': "
    return parse(Entry, item, file, what, problems, section=section, layer=layer, file=file,
                 line=item.line)
