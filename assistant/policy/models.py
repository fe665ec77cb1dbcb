"""The typed policy: pydantic models of the entries of provisions.yml (with their conditions,
durations, amounts and actions) and of policy/facts.yml, and the policy in force on a day.

A model checks what one entry can know about itself (fields, types, choices, dates, sums);
what needs the rest of the data (facts, teams, ids, catalog texts, sources) is checked in
validation.py on these typed objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from pydantic import (
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    conint,
    root_validator,
    validator,
)

from assistant.policy.reading import Model, pattern

NATIONAL = "national"
SECTIONS = {"provisions": "provision", "target_groups": "target group", "partners": "partner"}
CONFIDENCES = ("confirmed", "to_verify")
PARTICIPATIEWET = date(2015, 1, 1)
NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\Z")
SCALAR_TYPES = frozenset({"boolean", "integer", "enum"})
ORDERED = frozenset({"integer"})
OPERATORS = {"eq": SCALAR_TYPES, "ne": SCALAR_TYPES, "lt": ORDERED, "le": ORDERED, "gt": ORDERED,
             "ge": ORDERED, "in": frozenset({"integer", "enum"}),
             "not_in": frozenset({"integer", "enum"})}
LIST_OPERATORS = frozenset({"in", "not_in"})

Name = pattern(NAME.pattern, "a lower-case name like werkstage")
Key = pattern(KEY.pattern, "a catalog key like policy.stark.title")
Text = pattern(r"\s*\S", "a text that is not empty")
Count = conint(strict=True, ge=0)
Confidence = Literal["confirmed", "to_verify"]
Operator = Literal["eq", "ne", "lt", "le", "gt", "ge", "in", "not_in"]


class Day(date):
    """A date written as a date (2026-12-31): not a text, a number or a moment."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[[Any], date]]:
        yield cls.check

    @classmethod
    def check(cls, value: Any) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        raise ValueError("must be a date like 2026-12-31")


def _not_empty(value: tuple) -> tuple:
    if not value:
        raise ValueError("must not be empty")
    return value


class Condition(Model):
    fact: Name
    operator: Operator
    value: Any  # checked against the fact's type in validation.py
    source: Text
    confidence: Confidence = "confirmed"

    @validator("value", pre=True)
    def _frozen(cls, value: Any) -> Any:  # noqa: N805 - pydantic passes the class
        return tuple(value) if isinstance(value, list) else value


class Duration(Model):
    unit: Literal["days", "weeks", "months"]
    length: Count
    source: Text
    extensions: Count | None = None
    extension_length: Count | None = None
    exceptional_extension: StrictBool = False  # extended only in exceptional situations
    confidence: Confidence = "confirmed"
    max_length: Count | None = None  # last, so its check sees the others

    @validator("max_length")
    def _adds_up(cls, maximum: int | None, values: dict) -> int | None:  # noqa: N805
        parts = (values.get("length"), values.get("extensions"), values.get("extension_length"))
        if maximum is not None and None not in parts and maximum != parts[0] + parts[1] * parts[2]:
            raise ValueError("does not equal length + extensions x extension_length")
        return maximum


class Amount(Model):
    name: Name
    value: float
    unit: Literal["euro", "percent"]
    source: Text
    per: Literal["week", "month", "year"] | None = None
    approximate: StrictBool = False
    from_age: Count | None = None  # the amount applies from this age on (amounts by age)
    confidence: Confidence = "confirmed"

    @validator("value", pre=True)
    def _number(cls, value: Any) -> Any:  # noqa: N805
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError("must be a number of zero or more")
        return value


class Action(Model):
    number: StrictInt
    provisions: tuple[Name, ...]
    source: Text


# Per section: the fields it must have beyond the common ones, and those it may have.
SECTION_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "provisions": (("next_step_key", "team"), ("legal_source", "conditions", "target_groups",
                                               "partners", "duration", "amounts")),
    "target_groups": (("next_step_key", "team"), ("conditions", "actions")),
    "partners": ((), ("team",)),
}
EMPTY = (None, ())


class Located(Model):
    """Where a piece of data was read: its layer (national or a municipality), file, line."""

    layer: str
    file: str
    line: int


class Entry(Located):
    """One provision, target group or partner of one layer."""

    section: Literal["provisions", "target_groups", "partners"]
    id: Name
    title_key: Key
    description_key: Key
    audience: tuple[Name, ...]
    sources: tuple[Text, ...]
    valid_from: Day
    valid_to: Day | None = None
    superseded_by: Text | None = None
    status: Literal["current", "superseded"]  # after superseded_by, so its check sees it
    confidence: Confidence = "confirmed"
    open_questions: tuple[Text, ...] = ()
    next_step_key: Key | None = None
    team: Name | None = None
    legal_source: Text | None = None
    conditions: tuple[Condition, ...] = ()
    target_groups: tuple[Name, ...] = ()
    partners: tuple[Name, ...] = ()
    duration: Duration | None = None
    amounts: tuple[Amount, ...] = ()
    actions: tuple[Action, ...] = ()

    _sources_given = validator("sources", allow_reuse=True)(_not_empty)
    _questions_given = validator("open_questions", allow_reuse=True)(_not_empty)

    @validator("valid_to")
    def _after_start(cls, end: date | None, values: dict) -> date | None:  # noqa: N805
        start = values.get("valid_from")
        if end is not None and start is not None and end < start:
            raise ValueError("lies before valid_from")
        return end

    @validator("status")
    def _successor(cls, status: str, values: dict) -> str:  # noqa: N805
        successor = values.get("superseded_by")
        if status == "superseded" and successor is None:
            raise ValueError("a superseded entry needs 'superseded_by'")
        if status == "current" and successor is not None:
            raise ValueError("a current entry cannot be superseded_by")
        return status

    @root_validator(skip_on_failure=True)
    def _fits_its_section(cls, values: dict) -> dict:  # noqa: N805
        required, optional = SECTION_FIELDS[values["section"]]
        missing = [name for name in required if values.get(name) in EMPTY]
        foreign = [name for names in SECTION_FIELDS.values() for name in (*names[0], *names[1])
                   if name not in (*required, *optional) and values.get(name) not in EMPTY]
        problems = [f"'{name}' is missing" for name in missing]
        problems += [f"'{name}' does not belong in {values['section']}" for name in foreign]
        if problems:
            raise ValueError("; ".join(dict.fromkeys(problems)))
        return values

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def text_args(self) -> dict[str, int]:
        """The figures of the entry's own conditions, as arguments of its title and
        description: ``{age_lt}`` is the 27 of ``{fact: age, operator: lt, value: 27}``. So
        a text states an age or a number of months only through the data."""
        return {f"{c.fact}_{c.operator}": c.value for c in self.conditions
                if isinstance(c.value, int) and not isinstance(c.value, bool)}


def figures_of(entries: Iterable[Entry]) -> dict[str, int]:
    """The condition figures of other entries, named by entry: a text about several of them
    ("statushouders van {route_statushouder_beroepsonderwijs_age_ge} tot ...") takes
    them from the data as well."""
    return {f"{entry.id}_{name}": value for entry in entries
            for name, value in entry.text_args().items()}


@dataclass(frozen=True)
class Policy:
    """What is current for one municipality on one day (national layer plus overrides)."""

    municipality: str
    on: date
    provisions: dict[str, Entry]
    target_groups: dict[str, Entry]
    partners: dict[str, Entry]
    superseded: tuple[Entry, ...]  # former rules, to explain "dat geldt niet meer"

    def offered_to(self, group: Entry) -> list[Entry]:
        """The provisions in force for a target group: those of its actions, then those
        that name the group."""
        names = [name for action in group.actions for name in action.provisions]
        names += [name for name, entry in self.provisions.items()
                  if group.id in entry.target_groups]
        return [self.provisions[name] for name in dict.fromkeys(names)
                if name in self.provisions]

    def neighbours(self, provision: Entry) -> list[Entry]:
        """The other provisions offered to the provision's target groups: its text may speak
        of them (inburgering of the statushouder routes' ages)."""
        groups = [self.target_groups[g] for g in provision.target_groups
                  if g in self.target_groups]
        return [entry for group in groups for entry in self.offered_to(group)
                if entry.id != provision.id]


# --- policy/facts.yml ---------------------------------------------------------------------

class FactSpec(Model):
    """One fact of policy/facts.yml, as typed data."""

    type: Literal["boolean", "integer", "enum"]
    description: StrictStr
    origin: StrictStr
    values: list[Name] = Field(default_factory=list)
    min: StrictInt | None = None
    max: StrictInt | None = None

    @root_validator(skip_on_failure=True)
    def _complete(cls, spec: dict) -> dict:  # noqa: N805
        if spec["type"] == "enum" and not spec["values"]:
            raise ValueError("an enum fact needs its values")
        if spec["type"] == "integer" and (spec["min"] is None or spec["max"] is None):
            raise ValueError("an integer fact needs min and max")
        if spec["type"] != "enum" and spec["values"]:
            raise ValueError("only an enum fact has values")
        return spec


class DocumentSpec(Model):
    """A policy document a source may cite by its number ("004 §5.3")."""

    title: Text
    short_title: Text | None = None  # how a resident's answer cites it ("Bron: ...")
    year: StrictInt
    pre_participatiewet: StrictBool
    open_questions: tuple[Text, ...] = ()
    period_ends: Day | None = None  # the last day of the period the document covers

    @validator("period_ends")
    def _what_follows(cls, end: date | None, values: dict) -> date | None:  # noqa: N805
        if end is not None and not values.get("open_questions"):
            raise ValueError("a document whose period ends needs 'open_questions' saying what "
                             "is to follow")
        return end


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
    documents: dict[str, DocumentSpec]  # document number -> what policy/facts.yml says of it
