"""policy/<municipality>/municipality.yml: contact details, the teams with their opening hours,
the roles the assistant needs and how each topic is answered, as typed (pydantic) models.

Mistakes are problems like every other policy problem (``file:line: problem``, part of
``python -m assistant.policy validate``), and ``load_municipality`` refuses a file that has
any, so the assistant does not start on it. What the models cannot know alone (a role or
topic naming a team of the same file) is checked in ``municipality_problems``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, time
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, StrictStr, conint, constr, root_validator, validator

from assistant.policy.models import Day, Key, Name, Text
from assistant.policy.reading import (
    Item,
    Model,
    PolicyError,
    Problem,
    line_of,
    parse,
    read_yaml,
    shown,
)

FILE = "municipality.yml"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                  "sunday"]
Positive = conint(strict=True, gt=0)


# --- What the assistant works with --------------------------------------------------------

@dataclass(frozen=True)
class Period:
    start: time
    end: time

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[[Any], Period]]:
        yield cls.parse

    @classmethod
    def parse(cls, text: Any) -> Period:
        """"09:00-12:00" as a period; it must end after it starts."""
        try:
            start_text, end_text = str(text).split("-")
            period = cls(time.fromisoformat(start_text.strip()),
                         time.fromisoformat(end_text.strip()))
        except ValueError as error:
            raise ValueError(f"{text!r} is not a period like 09:00-12:00") from error
        if period.end <= period.start:
            raise ValueError(f"{text!r} ends before it starts")
        return period


@dataclass(frozen=True)
class Team:
    code: str
    name_key: str
    description_key: str
    source: str
    location: str
    slot_minutes: int
    seats: int
    opening_hours: dict[int, tuple[Period, ...]]  # weekday number (Monday 0) -> periods


@dataclass(frozen=True)
class Topic:
    """How a topic intent is answered: with a provision of the policy data, or with the
    catalog text ``topic.<intent>`` plus its team and source."""

    intent: str
    # Provision ids, the first one in force wins: a newer law's entry takes over by its
    # valid_from (``provision: [maatschappelijke_participatie, sociale_activering]``).
    provisions: tuple[str, ...] = ()
    team: str | None = None
    source: str | None = None

    @property
    def provision(self) -> str | None:
        return self.provisions[0] if self.provisions else None

    @property
    def text_key(self) -> str:
        return f"topic.{self.intent}"


@dataclass(frozen=True)
class Municipality:
    code: str
    name_key: str
    timezone: str
    holidays_country: str
    phone: str
    address: str
    hours_key: str
    closed_days: frozenset[date]
    teams: dict[str, Team]
    topics: dict[str, Topic] = field(default_factory=dict)
    # roles (municipality.yml): the teams the assistant offers by itself
    resident_team: str = ""
    employer_team: str = ""

    def team(self, code: str) -> Team:
        return self.teams[code]


# --- The file's shape -----------------------------------------------------------------------

class Contact(Model):
    phone: StrictStr
    address: Text
    hours_key: Key


class About(Model):
    code: constr(strict=True, regex=r"[a-z][a-z0-9-]*\Z")  # the folder's name
    name_key: Key
    contact: Contact
    timezone: StrictStr = "Europe/Amsterdam"
    holidays_country: StrictStr = "NL"
    closed_days: tuple[Day, ...] = ()


class TeamRoles(Model):
    resident_default: Name  # residents: a topic or handover without a team of its own
    employer_desk: Name  # employers: their checks, checklist and handovers


class TeamSpec(Model):
    name_key: Key
    description_key: Key
    source: Text
    location: Text
    slot_minutes: Positive
    seats: Positive = 1
    opening_hours: dict[str, tuple[Period, ...]]

    @validator("opening_hours")
    def _days(cls, hours: dict) -> dict:  # noqa: N805 - pydantic passes the class
        unknown = [day for day in hours if day not in WEEKDAYS]
        if unknown:
            raise ValueError(f"unknown day '{unknown[0]}' (days: {', '.join(WEEKDAYS)})")
        return hours


class TopicSpec(Model):
    """A provision (or several: the first one in force answers), or a team and a source
    for the catalog text topic.<intent>."""

    provision: Name | list[Name] | None = None
    team: Name | None = None
    source: Text | None = None

    @root_validator(skip_on_failure=True)
    def _one_kind(cls, spec: dict) -> dict:  # noqa: N805 - pydantic passes the class
        named = spec["provision"] is not None
        by_text = spec["team"] is not None or spec["source"] is not None
        if named == by_text or (by_text and None in (spec["team"], spec["source"])):
            raise ValueError("give either 'provision', or 'team' and 'source'")
        return spec


class MunicipalityFile(Model):
    municipality: About
    roles: TeamRoles
    teams: dict[Name, TeamSpec]
    topics: dict[Name, TopicSpec] = Field(default_factory=dict)

    @validator("teams")
    def _some_team(cls, teams: dict) -> dict:  # noqa: N805 - pydantic passes the class
        if not teams:
            raise ValueError("name at least one team")
        return teams


# --- Reading and checking ---------------------------------------------------------------------

def read_municipality(policy_dir: Path, name: str,
                      problems: list[Problem]) -> tuple[MunicipalityFile | None, Item | None]:
    """The typed file and the Items it was read from; problems are added to ``problems``."""
    path = policy_dir / name / FILE
    root = read_yaml(policy_dir, path, problems)
    if root is None:
        return None, None
    found: list[Problem] = []
    typed = parse(MunicipalityFile, root, shown(policy_dir, path), "", found)
    problems += found or municipality_problems(typed, root, shown(policy_dir, path))
    return (typed if not found else None), root


def municipality_problems(town: MunicipalityFile, root: Item, file: str) -> list[Problem]:
    """Roles and topics must name teams of the same file."""
    teams = town.teams.keys()
    problems = [Problem(file, line_of(root, ("roles", role)),
                        f"roles.{role}: unknown team '{team}' (not in teams)")
                for role, team in town.roles if team not in teams]
    problems += [Problem(file, line_of(root, ("topics", intent, "team")),
                         f"topics.{intent}.team: unknown team '{topic.team}' (not in teams)")
                 for intent, topic in town.topics.items()
                 if topic.team is not None and topic.team not in teams]
    return problems


def team_codes(root: Item | None) -> frozenset[str]:
    """The team codes a file names, even when something else in it is wrong (so one mistake
    does not make every team reference in provisions.yml unknown too)."""
    teams = root.get("teams") if root else None
    return frozenset(teams.value) if teams and isinstance(teams.value, dict) else frozenset()


@lru_cache(maxsize=8)
def load_municipality(directory: Path) -> Municipality:
    """The municipality of ``directory`` (policy/<name>); PolicyError when its file has
    problems, a ConfigError naming MUNICIPALITY when there is no such folder."""
    if not (directory / FILE).exists():
        raise PolicyError([Problem(f"{directory.name}/{FILE}", 1, "file is missing (is "
                                   "MUNICIPALITY set to an existing folder?)")])
    problems: list[Problem] = []
    town, _ = read_municipality(directory.parent, directory.name, problems)
    if town is None or problems:
        raise PolicyError(sorted(problems))
    return municipality_of(town)


def municipality_of(town: MunicipalityFile) -> Municipality:
    about = town.municipality
    teams = {code: Team(code, spec.name_key, spec.description_key, spec.source, spec.location,
                        spec.slot_minutes, spec.seats,
                        {WEEKDAYS.index(day): periods
                         for day, periods in spec.opening_hours.items()})
             for code, spec in town.teams.items()}
    return Municipality(
        code=about.code, name_key=about.name_key, timezone=about.timezone,
        holidays_country=about.holidays_country, phone=about.contact.phone,
        address=about.contact.address, hours_key=about.contact.hours_key,
        closed_days=frozenset(about.closed_days), teams=teams,
        topics={intent: _topic(intent, spec) for intent, spec in town.topics.items()},
        resident_team=town.roles.resident_default, employer_team=town.roles.employer_desk)


def _topic(intent: str, spec: TopicSpec) -> Topic:
    named = spec.provision
    if named is None:
        return Topic(intent, team=spec.team, source=spec.source)
    return Topic(intent, provisions=tuple(named) if isinstance(named, list) else (named,))
