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
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import validator

from assistant.policy.models import NATIONAL, Confidence, Key, Located, Name, Text
from assistant.policy.reading import (
    Item,
    Model,
    PolicyError,
    Problem,
    line_of,
    parse,
    pattern,
    read_yaml,
    shown,
)
from nlu_components.spelling import fold_letters

FILE = "referrals.yml"
Intent = pattern(r"referral_[a-z_]+\Z", "an intent name like referral_uwv")
Url = pattern(r"https://[\w.-]+\.[a-z]{2,}(/\S*)?\Z", "an address like https://www.uwv.nl")
Phone = pattern(r"\+?[0-9][0-9 ]{1,14}[0-9]\Z", 'a quoted phone number like "088 898 92 94"')


class MunicipalRole(Model):
    """When the municipality does come in, and the topic intent that answers it, if any."""

    when_key: Key
    source: Text
    topic: Name | None = None


class Subject(Model):
    id: Name
    text_key: Key
    keywords: tuple[str, ...]
    municipality: tuple[MunicipalRole, ...] = ()

    @validator("keywords", pre=True)
    def _words(cls, words: Any) -> Any:  # noqa: N805 - pydantic passes the class
        if not isinstance(words, list) or not words or not all(
                isinstance(w, str | int) and not isinstance(w, bool) and str(w).strip(" *")
                for w in words):
            raise ValueError("must be a non-empty list of words")
        return tuple(str(w) for w in words)

    @property
    def pattern(self) -> re.Pattern[str]:
        return _pattern(self.keywords)

    def named_in(self, text: str) -> bool:
        """Arabic-script letters in one spelling on both sides ("بدل الايجار" names
        "بدل الإيجار"; nlu_components/spelling.py)."""
        return bool(self.keywords) and self.pattern.search(fold_letters(text)) is not None


@lru_cache(maxsize=256)
def _pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(_keyword_pattern(fold_letters(k)) for k in keywords),
                      re.IGNORECASE)


def _keyword_pattern(keyword: str) -> str:
    """Whole words; a word ending in ``*`` is a word start. Spaces match any gap."""
    words = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) + r"(?!\w)"
             for w in keyword.split()]
    return r"(?<!\w)" + r"\s+".join(words)


class Organisation(Located):
    id: Name
    intent: Intent
    name_key: Key
    sources: tuple[Text, ...]
    subjects: tuple[Subject, ...]
    website: Url | None = None
    phone: Phone | None = None
    address: Text | None = None
    open_questions: tuple[Text, ...] = ()
    confidence: Confidence = "confirmed"  # after open_questions, so its check sees them

    @validator("sources")
    def _sourced(cls, sources: tuple[str, ...], values: dict) -> tuple[str, ...]:  # noqa: N805
        if not sources:
            raise ValueError("must be a non-empty list of texts")
        if values.get("layer") == NATIONAL and not any(s.startswith("https://") for s in sources):
            raise ValueError("a national organisation needs the public page its details come "
                             "from (https://...)")
        return sources

    @validator("subjects")
    def _distinct(cls, subjects: tuple[Subject, ...]) -> tuple[Subject, ...]:  # noqa: N805
        if not subjects:
            raise ValueError("must be a non-empty list")
        ids = [s.id for s in subjects]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"subject '{twice[0]}' appears twice")
        return subjects

    @validator("confidence")
    def _questions(cls, confidence: str, values: dict) -> str:  # noqa: N805
        if confidence == "to_verify" and not values.get("open_questions"):
            raise ValueError("an entry to verify needs 'open_questions'")
        return confidence

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
    organisations = {organisation.id: organisation  # national first: a municipality's
                     for _layer, _file, read in layers  # entry replaces it
                     for organisation, _item in read}
    return ReferralMap(organisations)


def validate_referrals(policy_dir: Path, municipality: str,
                       catalog: Iterable[str] | None = None) -> list[Problem]:
    """Every problem of the referral data of the national layer plus ``municipality``."""
    layers, problems = _read_layers(policy_dir, municipality)
    keys = frozenset(catalog) if catalog is not None else None
    problems += _check_layers(layers, keys, _known_topics(policy_dir))
    return sorted(set(problems))


# --- Reading and checking ----------------------------------------------------------------

Layers = list[tuple[str, str, list[tuple[Organisation, Item]]]]  # (layer, file, organisations)


def _read_layers(policy_dir: Path, municipality: str) -> tuple[Layers, list[Problem]]:
    problems: list[Problem] = []
    layers: Layers = []
    for name in (NATIONAL, municipality):
        path = policy_dir / name / FILE
        if name != NATIONAL and not path.exists():
            continue  # a municipality without local parties uses the national map
        file = shown(policy_dir, path)
        root = read_yaml(policy_dir, path, problems)
        if root is None:
            continue
        found = root.get("organisations")
        if found is None or not isinstance(found.value, list):
            problems.append(Problem(file, root.line, "must have a list 'organisations'"))
            continue
        read = [(organisation, item) for item in found.value if (organisation := parse(
            Organisation, item, file, f"referral '{item.id()}': ", problems,
            layer=name, file=file, line=item.line))]
        layers.append((name, file, read))
    return layers, problems


def _known_topics(policy_dir: Path) -> frozenset[str]:
    """Topic intents any municipality answers (a typo here is caught; whether this
    municipality has the topic decides only whether a button is shown)."""
    topics: set[str] = set()
    for path in policy_dir.glob("*/municipality.yml"):
        root = read_yaml(policy_dir, path, [])  # its own problems are reported with it
        found = root.get("topics") if root else None
        topics.update(found.value if found and isinstance(found.value, dict) else ())
    return frozenset(topics)


def _check_layers(layers: Layers, catalog: frozenset[str] | None,
                  topics: frozenset[str]) -> list[Problem]:
    problems: list[Problem] = []
    answered: dict[str, str] = {}  # intent -> organisation id, in the final map
    for _layer, file, read in layers:
        seen: dict[str, int] = {}
        for organisation, item in read:
            where = f"referral '{organisation.id}': "
            if organisation.id in seen:
                problems.append(Problem(file, item.line, f"{where}id appears twice (first on "
                                        f"line {seen[organisation.id]})"))
            seen[organisation.id] = item.line
            answered = {i: o for i, o in answered.items() if o != organisation.id}
            if answered.get(organisation.intent, organisation.id) != organisation.id:
                problems.append(Problem(file, item.line, f"{where}intent "
                                        f"'{organisation.intent}' is already answered by "
                                        f"'{answered[organisation.intent]}'"))
            answered[organisation.intent] = organisation.id
            problems += [Problem(file, line_of(item, location), where + text)
                         for location, text in _references(organisation, catalog, topics)]
    return problems


def _references(organisation: Organisation, catalog: frozenset[str] | None,
                topics: frozenset[str]) -> list[tuple[tuple, str]]:
    """(location, problem) for keywords of two subjects, catalog keys without a Dutch text
    and unknown topics."""
    keys = [(("name_key",), organisation.name_key)]
    found = []
    owners: dict[str, str] = {}  # keyword -> the subject that has it
    for number, subject in enumerate(organisation.subjects):
        keys.append((("subjects", number, "text_key"), subject.text_key))
        for word in dict.fromkeys(w.casefold() for w in subject.keywords):
            if owners.setdefault(word, subject.id) != subject.id:
                found.append((("subjects", number, "keywords"), f"subject '{subject.id}': "
                              f"keyword '{word}' is also a keyword of subject '{owners[word]}'"))
        for role_number, role in enumerate(subject.municipality):
            where = ("subjects", number, "municipality", role_number)
            keys.append(((*where, "when_key"), role.when_key))
            if role.topic is not None and role.topic not in topics:
                found.append(((*where, "topic"), f"subject '{subject.id}': unknown topic "
                              f"'{role.topic}' (no municipality.yml answers it)"))
    if catalog is not None:
        found += [(location, f"no Dutch text for '{key}' in the nl catalog")
                  for location, key in keys if key not in catalog]
    return found
