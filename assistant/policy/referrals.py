"""Referrals as data: whose work a question is when it is not the municipality's, what to do
there, and when the municipality does come in.

Read from ``policy/national/referrals.yml`` and, replacing entries with the same id,
``policy/<municipality>/referrals.yml``. ``validate_referrals`` reports every problem as
``file:line: problem`` (part of ``python -m assistant.policy validate``, so a broken entry
stops the launcher); ``load_referrals`` refuses data with problems.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from assistant.policy.data import (
    CONFIDENCES,
    NATIONAL,
    Item,
    PolicyError,
    Problem,
    _shown,
    is_name,
    is_text,
    is_texts,
    read_yaml,
)

FILE = "referrals.yml"
INTENT = re.compile(r"referral_[a-z_]+\Z")
URL = re.compile(r"https://[\w.-]+\.[a-z]{2,}(/\S*)?\Z")
PHONE = re.compile(r"\+?[0-9][0-9 ]{1,14}[0-9]\Z")
KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\Z")

# (required fields, optional fields) per part of an entry.
ORGANISATION = (("id", "intent", "name_key", "sources", "subjects"),
                ("website", "phone", "address", "confidence", "open_questions"))
SUBJECT = (("id", "text_key", "keywords"), ("municipality",))
ROLE = (("when_key", "source"), ("topic",))


@dataclass(frozen=True)
class MunicipalRole:
    """When the municipality does come in, and the topic intent that answers it, if any."""

    when_key: str
    source: str
    topic: str | None = None


@dataclass(frozen=True)
class Subject:
    id: str
    text_key: str
    keywords: tuple[str, ...]
    municipality: tuple[MunicipalRole, ...] = ()

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile("|".join(_keyword_pattern(k) for k in self.keywords), re.IGNORECASE)

    def named_in(self, text: str) -> bool:
        return bool(self.keywords) and self.pattern.search(text) is not None


def _keyword_pattern(keyword: str) -> str:
    """Whole words; a word ending in ``*`` is a word start. Spaces match any gap."""
    words = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) + r"(?!\w)"
             for w in keyword.split()]
    return r"(?<!\w)" + r"\s+".join(words)


@dataclass(frozen=True)
class Organisation:
    id: str
    intent: str
    name_key: str
    sources: tuple[str, ...]
    subjects: tuple[Subject, ...]
    layer: str
    file: str
    line: int
    website: str | None = None
    phone: str | None = None
    address: str | None = None
    confidence: str = "confirmed"
    open_questions: tuple[str, ...] = ()

    def subject_named_in(self, text: str) -> Subject | None:
        return next((s for s in self.subjects if s.named_in(text)), None)


@dataclass(frozen=True)
class Referral:
    organisation: Organisation
    subject: Subject


@dataclass(frozen=True)
class ReferralMap:
    organisations: dict[str, Organisation]  # id -> organisation, municipality's overrides in

    def for_intent(self, intent: str) -> Organisation | None:
        return next((o for o in self.organisations.values() if o.intent == intent), None)

    def resolve(self, intent: str, text: str) -> Referral | None:
        """The organisation of ``intent`` and the subject the message names (its first
        subject when none). When the message names no subject of that organisation but a
        subject of exactly one other, the message's own words win over the classifier."""
        organisation = self.for_intent(intent)
        named = organisation.subject_named_in(text) if organisation else None
        if organisation and named:
            return Referral(organisation, named)
        others = [(o, s) for o in self.organisations.values() if o is not organisation
                  for s in [o.subject_named_in(text)] if s]
        if len(others) == 1:
            return Referral(*others[0])
        return Referral(organisation, organisation.subjects[0]) if organisation else None


# --- Public API ----------------------------------------------------------------------------

def load_referrals(policy_dir: Path, municipality: str) -> ReferralMap:
    """The referral map of ``municipality``; PolicyError when the data has problems."""
    layers, problems = _read_layers(policy_dir, municipality)
    problems += _check_layers(layers, catalog=None, topics=_known_topics(policy_dir))
    if problems:
        raise PolicyError(sorted(set(problems)))
    organisations: dict[str, Organisation] = {}
    for layer, shown, items in layers:  # national first: a municipality's entry replaces it
        for item in items:
            organisation = _organisation(item, layer, shown)
            organisations[organisation.id] = organisation
    return ReferralMap(organisations)


def validate_referrals(policy_dir: Path, municipality: str,
                       catalog: Iterable[str] | None = None) -> list[Problem]:
    """Every problem of the referral data of the national layer plus ``municipality``."""
    layers, problems = _read_layers(policy_dir, municipality)
    keys = frozenset(catalog) if catalog is not None else None
    problems += _check_layers(layers, keys, _known_topics(policy_dir))
    return sorted(set(problems))


# --- Reading -------------------------------------------------------------------------------

Layers = list[tuple[str, str, list[Item]]]  # (layer name, file as shown, organisation items)


def _read_layers(policy_dir: Path, municipality: str) -> tuple[Layers, list[Problem]]:
    problems: list[Problem] = []
    layers: Layers = []
    for name in (NATIONAL, municipality):
        path = policy_dir / name / FILE
        if name != NATIONAL and not path.exists():
            continue  # a municipality without local parties uses the national map
        shown = _shown(policy_dir, path)
        root = read_yaml(policy_dir, path, problems)
        if root is None:
            continue
        found = root.value.get("organisations") if isinstance(root.value, dict) else None
        if found is None or not isinstance(found.value, list):
            problems.append(Problem(shown, root.line, "must have a list 'organisations'"))
            continue
        layers.append((name, shown, found.value))
    return layers, problems


def _known_topics(policy_dir: Path) -> frozenset[str]:
    """Topic intents any municipality answers (a typo here is caught; whether this
    municipality has the topic decides only whether a button is shown)."""
    topics: set[str] = set()
    for path in policy_dir.glob("*/municipality.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        topics.update((data.get("topics") or {}).keys())
    return frozenset(topics)


def _organisation(item: Item, layer: str, shown: str) -> Organisation:
    data = item.plain()
    subjects = tuple(
        Subject(s["id"], s["text_key"], tuple(str(k) for k in s["keywords"]),
                tuple(MunicipalRole(**r) for r in s.get("municipality") or ()))
        for s in data.pop("subjects"))
    data["sources"] = tuple(data["sources"])
    data["open_questions"] = tuple(data.get("open_questions", ()))
    return Organisation(**data, subjects=subjects, layer=layer, file=shown, line=item.line)


# --- Checking ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Where:
    file: str
    name: str

    def problem(self, line: int, text: str) -> Problem:
        return Problem(self.file, line, f"referral '{self.name}': {text}")


def _check_layers(layers: Layers, catalog: frozenset[str] | None,
                  topics: frozenset[str] | None) -> list[Problem]:
    problems: list[Problem] = []
    intents: dict[str, tuple[str, int]] = {}  # intent -> (organisation id, line), final map
    for _layer, shown, items in layers:
        seen: dict[str, int] = {}
        for item in items:
            where = Where(shown, _value(item, "id") or "?")
            problems += _check_organisation(item, where, catalog, topics)
            if where.name in seen:
                problems.append(where.problem(item.line, "id appears twice (first on line "
                                              f"{seen[where.name]})"))
            seen[where.name] = item.line
            intent = _value(item, "intent")
            if intent:
                intents = {i: o for i, o in intents.items() if o[0] != where.name}
                if intent in intents and intents[intent][0] != where.name:
                    problems.append(where.problem(item.line, f"intent '{intent}' is already "
                                                  f"answered by '{intents[intent][0]}'"))
                intents[intent] = (where.name, item.line)
    return problems


def _value(item: Item, name: str) -> str | None:
    found = item.value.get(name) if isinstance(item.value, dict) else None
    return str(found.value) if found is not None and found.value is not None else None


def _check_fields(item: Item, where: Where, fields: tuple[tuple[str, ...], tuple[str, ...]],
                  part: str) -> list[Problem]:
    if not isinstance(item.value, dict):
        return [where.problem(item.line, f"{part}must be a mapping of fields")]
    required, optional = fields
    problems = [where.problem(item.line, f"{part}'{name}' is missing")
                for name in required if name not in item.value]
    problems += [where.problem(found.line, f"{part}unknown key '{name}'")
                 for name, found in item.value.items() if name not in (*required, *optional)]
    return problems


def _check_organisation(item: Item, where: Where, catalog: frozenset[str] | None,
                        topics: frozenset[str] | None) -> list[Problem]:
    problems = _check_fields(item, where, ORGANISATION, "")
    if not isinstance(item.value, dict):
        return problems
    fields: dict[str, Item] = item.value
    checks = {"id": (is_name, "a lower-case name like uwv"),
              "intent": (lambda v: isinstance(v, str) and bool(INTENT.match(v)),
                         "an intent name like referral_uwv"),
              "name_key": (_is_key, "a catalog key like referral.org.uwv"),
              "sources": (is_texts, "a non-empty list of texts"),
              "subjects": (lambda v: isinstance(v, list) and bool(v), "a non-empty list"),
              "website": (lambda v: isinstance(v, str) and bool(URL.match(v)),
                          "an address like https://www.uwv.nl"),
              "phone": (lambda v: isinstance(v, str) and bool(PHONE.match(v)),
                        'a quoted phone number like "088 898 92 94"'),
              "address": (is_text, "a non-empty text"),
              "open_questions": (is_texts, "a non-empty list of texts")}
    for name, (valid, expected) in checks.items():
        found = fields.get(name)
        if found is not None and not valid(found.plain()):
            problems.append(where.problem(found.line, f"'{name}' must be {expected}"))
    confidence = fields.get("confidence")
    if confidence is not None and confidence.value not in CONFIDENCES:
        problems.append(where.problem(confidence.line, "'confidence' must be one of "
                                      + ", ".join(CONFIDENCES)))
    if confidence is not None and confidence.value == "to_verify" \
            and "open_questions" not in fields:
        problems.append(where.problem(confidence.line,
                                      "an entry to verify needs 'open_questions'"))
    sources = fields.get("sources")
    if (where.file.startswith(f"policy/{NATIONAL}/") and sources is not None
            and is_texts(sources.plain())
            and not any(s.startswith("https://") for s in sources.plain())):
        problems.append(where.problem(sources.line, "a national organisation needs the public "
                                      "page its details come from (https://...)"))
    problems += _check_key(fields.get("name_key"), where, catalog)
    subjects = fields.get("subjects")
    if subjects is not None and isinstance(subjects.value, list):
        problems += _check_subjects(subjects.value, where, catalog, topics)
    return problems


def _check_subjects(items: list[Item], where: Where, catalog: frozenset[str] | None,
                    topics: frozenset[str] | None) -> list[Problem]:
    problems: list[Problem] = []
    owners: dict[str, str] = {}  # keyword -> subject that has it
    ids: set[str] = set()
    for item in items:
        problems += _check_fields(item, where, SUBJECT, "subject: ")
        if not isinstance(item.value, dict):
            continue
        name = _value(item, "id") or "?"
        if not is_name(name):
            problems.append(where.problem(item.line, "subject: 'id' must be a lower-case name"))
        elif name in ids:
            problems.append(where.problem(item.line, f"subject '{name}' appears twice"))
        ids.add(name)
        problems += _check_key(item.value.get("text_key"), where, catalog)
        problems += _check_keywords(item.value.get("keywords"), name, owners, where)
        roles = item.value.get("municipality")
        if roles is not None and not isinstance(roles.value, list):
            problems.append(where.problem(roles.line, f"subject '{name}': 'municipality' must "
                                          "be a list"))
        elif roles is not None:
            for role in roles.value:
                problems += _check_role(role, name, where, catalog, topics)
    return problems


def _check_keywords(found: Item | None, subject: str, owners: dict[str, str],
                    where: Where) -> list[Problem]:
    if found is None:
        return []
    words = found.plain()
    if not isinstance(words, list) or not words or not all(
            isinstance(w, str | int) and str(w).strip(" *") for w in words):
        return [where.problem(found.line, f"subject '{subject}': 'keywords' must be a "
                              "non-empty list of words")]
    problems = []
    for word in (str(w).casefold() for w in words):
        if owners.get(word, subject) != subject:
            problems.append(where.problem(found.line, f"subject '{subject}': keyword '{word}' "
                                          f"is also a keyword of subject '{owners[word]}'"))
        owners[word] = subject
    return problems


def _check_role(item: Item, subject: str, where: Where, catalog: frozenset[str] | None,
                topics: frozenset[str] | None) -> list[Problem]:
    problems = _check_fields(item, where, ROLE, f"subject '{subject}': municipality: ")
    if not isinstance(item.value, dict):
        return problems
    problems += _check_key(item.value.get("when_key"), where, catalog)
    source = item.value.get("source")
    if source is not None and not is_text(source.value):
        problems.append(where.problem(source.line, f"subject '{subject}': 'source' must be a "
                                      "non-empty text"))
    topic = item.value.get("topic")
    if topic is not None and topics is not None and topic.value not in topics:
        problems.append(where.problem(topic.line, f"subject '{subject}': unknown topic "
                                      f"'{topic.value}' (no municipality.yml answers it)"))
    return problems


def _is_key(value: object) -> bool:
    return isinstance(value, str) and bool(KEY.match(value))


def _check_key(found: Item | None, where: Where, catalog: frozenset[str] | None) -> list[Problem]:
    if found is None:
        return []
    if not _is_key(found.value):
        return [where.problem(found.line, f"'{found.value}' must be a catalog key like "
                              "referral.org.uwv")]
    if catalog is not None and found.value not in catalog:
        return [where.problem(found.line, f"no Dutch text for '{found.value}' in the nl "
                              "catalog")]
    return []
