"""What an entry of provisions.yml cannot check alone (its model does the rest): the facts,
operators and values of its conditions against policy/facts.yml, its team, audiences,
target groups, partners and actions, its catalog texts, its sources and legal source, and
overlapping validity of one id. Reported as ``file:line: problem`` at the field's line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from assistant.policy.data import Layer, Sources
from assistant.policy.models import (
    LIST_OPERATORS,
    NATIONAL,
    OPERATORS,
    PARTICIPATIEWET,
    SECTIONS,
    Condition,
    Entry,
    Fact,
    Vocabulary,
)
from assistant.policy.reading import Item, Problem, line_of

LAW = re.compile(r"(wet|besluit|regeling|verordening)\b", re.IGNORECASE)
DOCUMENT = re.compile(r"(\d{3}) ")


@dataclass(frozen=True)
class Context:
    vocabulary: Vocabulary
    teams: frozenset[str]
    teams_file: str
    ids: dict[str, frozenset[str]]  # section -> ids defined in any layer
    national_laws: frozenset[str]  # national provisions that name a legal_source
    catalog: frozenset[str] | None


@dataclass(frozen=True)
class Read:
    """A typed entry, the Items it was read from, and how to report a problem about it."""

    entry: Entry
    item: Item

    def problem(self, location: tuple, text: str) -> Problem:
        return Problem(self.entry.file, line_of(self.item, location),
                       f"{SECTIONS[self.entry.section]} '{self.entry.id}': {text}")


def check_sources(sources: Sources, catalog: frozenset[str] | None) -> list[Problem]:
    context = _context(sources, catalog)
    problems = _check_topics(sources, context)
    for layer in sources.layers:
        problems += _check_overlaps(layer)
        for entry, item in layer.entries:
            for check in ENTRY_CHECKS:
                problems += check(Read(entry, item), context)
    return problems


def _check_topics(sources: Sources, context: Context) -> list[Problem]:
    """A topic of municipality.yml answered by a provision names one the data has."""
    return [Problem(sources.teams_file, line, f"topics.{intent}: unknown provision '{name}'")
            for intent, (names, line) in sources.topics.items() for name in names
            if name not in context.ids["provisions"]]


def _context(sources: Sources, catalog: frozenset[str] | None) -> Context:
    ids = {section: frozenset().union(*(layer.ids.get(section, ()) for layer in sources.layers))
           for section in SECTIONS}
    laws = frozenset(entry.id for entry, _ in sources.layers[0].entries
                     if entry.section == "provisions" and entry.legal_source)
    return Context(sources.vocabulary, sources.teams, sources.teams_file, ids, laws, catalog)


def _check_overlaps(layer: Layer) -> list[Problem]:
    problems = []
    spans: dict[tuple[str, str], list[tuple[date, date, int]]] = {}
    for entry, item in layer.entries:
        span = (entry.valid_from, entry.valid_to or date.max, entry.line)
        for other in spans.setdefault((entry.section, entry.id), []):
            if span[0] <= other[1] and other[0] <= span[1]:
                problems.append(Read(entry, item).problem(
                    (), f"validity overlaps the entry with the same id on line {other[2]}"))
        spans[(entry.section, entry.id)].append(span)
    return problems


def _check_sources(read: Read, context: Context) -> list[Problem]:
    problems = [read.problem(("sources",), text) for source in read.entry.sources
                if (text := source_problem(source, context.vocabulary))]
    if _rests_on_old_documents(read.entry, context):
        problems.append(read.problem(("sources",), "a current rule cannot rest only on "
                                     "documents from before the Participatiewet; cite 004 or "
                                     "a law"))
    parts = [("conditions", n, p.source) for n, p in enumerate(read.entry.conditions)]
    parts += [("amounts", n, p.source) for n, p in enumerate(read.entry.amounts)]
    parts += [("actions", n, p.source) for n, p in enumerate(read.entry.actions)]
    if read.entry.duration:
        parts.append(("duration", "source", read.entry.duration.source))
    return problems + [read.problem((name, number), f"{name}.{number}: {text}")
                       for name, number, source in parts
                       if (text := source_problem(source, context.vocabulary))]


def source_problem(source: str, vocabulary: Vocabulary) -> str | None:
    document = DOCUMENT.match(source)
    if document and document.group(1) in vocabulary.documents:
        return None
    if not document and LAW.search(source):
        return None
    return f"source '{source}' names no document of policy/facts.yml and no law"


def _rests_on_old_documents(entry: Entry, context: Context) -> bool:
    if entry.status != "current" or (entry.valid_to and entry.valid_to < PARTICIPATIEWET):
        return False
    old = context.vocabulary.documents
    return all((m := DOCUMENT.match(source)) and m.group(1) in old
               and old[m.group(1)].pre_participatiewet for source in entry.sources)


def _check_references(read: Read, context: Context) -> list[Problem]:
    entry, problems = read.entry, []
    if entry.team and entry.team not in context.teams:
        problems.append(read.problem(("team",), f"unknown team '{entry.team}' (not in "
                                     f"{context.teams_file})"))
    for name, known in (("audience", context.vocabulary.audiences),
                        ("target_groups", context.ids["target_groups"]),
                        ("partners", context.ids["partners"])):
        problems += [read.problem((name, number), f"unknown {SECTIONS.get(name, name)} '{ref}'")
                     for number, ref in enumerate(getattr(entry, name)) if ref not in known]
    problems += [read.problem(("actions", number, "provisions"),
                              f"action uses unknown provision '{name}'")
                 for number, action in enumerate(entry.actions)
                 for name in action.provisions if name not in context.ids["provisions"]]
    return problems


def _check_keys(read: Read, context: Context) -> list[Problem]:
    if context.catalog is None:
        return []
    keys = {"title_key": read.entry.title_key, "description_key": read.entry.description_key,
            "next_step_key": read.entry.next_step_key}
    return [read.problem((name,), f"no Dutch text for '{key}' in the nl catalog")
            for name, key in keys.items() if key and key not in context.catalog]


def _check_legal_source(read: Read, context: Context) -> list[Problem]:
    entry = read.entry
    if entry.section != "provisions" or entry.legal_source:
        return []
    if entry.layer == NATIONAL:
        return [read.problem((), "a national entry needs a legal_source (law, article)")]
    if entry.id in context.national_laws and entry.status == "current":
        return [read.problem((), f"overrides national '{entry.id}' but drops its "
                             "legal_source")]
    return []


def _check_conditions(read: Read, context: Context) -> list[Problem]:
    problems = []
    for number, condition in enumerate(read.entry.conditions):
        fact = context.vocabulary.facts.get(condition.fact)
        if fact is None:
            problems.append(read.problem(("conditions", number, "fact"),
                                         f"unknown fact '{condition.fact}'"))
        elif fact.type not in OPERATORS[condition.operator]:
            problems.append(read.problem(
                ("conditions", number, "operator"), f"operator '{condition.operator}' does "
                f"not apply to fact '{fact.name}' ({fact.type})"))
        elif text := _value_problem(fact, condition):
            problems.append(read.problem(("conditions", number, "value"), text))
    return problems


def _value_problem(fact: Fact, condition: Condition) -> str | None:
    value = condition.value
    if condition.operator in LIST_OPERATORS:
        good = isinstance(value, tuple) and bool(value) and all(fact.accepts(v) for v in value)
        expected = f"a non-empty list, each {fact.expected()}"
    else:
        good, expected = fact.accepts(value), fact.expected()
    shown = list(value) if isinstance(value, tuple) else value
    return None if good else f"value {shown!r} of fact '{fact.name}' must be {expected}"


def _check_document_period(read: Read, context: Context) -> list[Problem]:
    """An entry that rests only on documents whose period ends cannot outlive them."""
    documents = context.vocabulary.documents
    cited = [documents.get(m.group(1)) if (m := DOCUMENT.match(s)) else None
             for s in read.entry.sources]
    if not cited or any(d is None or d.period_ends is None for d in cited):
        return []
    end = min(d.period_ends for d in cited if d and d.period_ends)
    if read.entry.valid_to is not None and read.entry.valid_to <= end:
        return []
    return [read.problem(("valid_to",), f"rests only on documents whose period ends on {end}; "
                         "valid_to must not be later")]


ENTRY_CHECKS: tuple[Callable[[Read, Context], list[Problem]], ...] = (
    _check_sources, _check_references, _check_keys, _check_legal_source, _check_conditions,
    _check_document_period)
