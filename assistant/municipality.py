"""The municipality's configuration: contact details, teams, opening hours and topics.

Loaded from ``policy/<municipality>/municipality.yml``. Mistakes are reported with the
file and the entry, and the assistant refuses to start on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from functools import lru_cache
from pathlib import Path

import yaml

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class ConfigError(ValueError):
    """The municipality's configuration is not usable; the message says where and why."""


@dataclass(frozen=True)
class Period:
    start: time
    end: time


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


@lru_cache(maxsize=8)
def load_municipality(directory: Path) -> Municipality:
    path = directory / "municipality.yml"
    if not path.exists():
        raise ConfigError(f"{path}: missing (is MUNICIPALITY set to an existing folder?)")
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    return _parse(raw, str(path))


def _parse(raw: dict, where: str) -> Municipality:
    info = _require(raw, "municipality", where)
    contact = _require(info, "contact", f"{where}: municipality")
    teams = {code: _parse_team(code, spec, where)
             for code, spec in _require(raw, "teams", where).items()}
    topics = {intent: _parse_topic(intent, spec, teams, f"{where}: topics.{intent}")
              for intent, spec in (raw.get("topics") or {}).items()}
    return Municipality(
        code=_require(info, "code", where),
        name_key=_require(info, "name_key", where),
        timezone=info.get("timezone", "Europe/Amsterdam"),
        holidays_country=info.get("holidays_country", "NL"),
        phone=str(_require(contact, "phone", where)),
        address=_require(contact, "address", where),
        hours_key=_require(contact, "hours_key", where),
        closed_days=frozenset(_parse_date(d, where) for d in info.get("closed_days") or []),
        teams=teams,
        topics=topics,
        resident_team=_role(raw, "resident_default", teams, where),
        employer_team=_role(raw, "employer_desk", teams, where),
    )


def _role(raw: dict, role: str, teams: dict, where: str) -> str:
    team = _require(_require(raw, "roles", where), role, f"{where}: roles")
    if team not in teams:
        raise ConfigError(f"{where}: roles.{role} names unknown team {team!r}")
    return str(team)


def _parse_topic(intent: str, spec: object, teams: dict, where: str) -> Topic:
    if isinstance(spec, dict) and spec.get("provision"):
        named = spec["provision"]
        names = tuple(str(n) for n in named) if isinstance(named, list) else (str(named),)
        return Topic(intent, provisions=names)
    team = _require(spec, "team", where)
    if team not in teams:
        raise ConfigError(f"{where} names unknown team {team!r}")
    return Topic(intent, team=team, source=_require(spec, "source", where))


def _parse_team(code: str, spec: dict, where: str) -> Team:
    here = f"{where}: teams.{code}"
    hours: dict[int, tuple[Period, ...]] = {}
    for day, periods in _require(spec, "opening_hours", here).items():
        if day not in WEEKDAYS:
            raise ConfigError(f"{here}.opening_hours: unknown day {day!r}")
        hours[WEEKDAYS.index(day)] = tuple(_parse_period(p, f"{here}.{day}") for p in periods)
    slot_minutes = int(_require(spec, "slot_minutes", here))
    seats = int(spec.get("seats", 1))
    if slot_minutes <= 0 or seats <= 0:
        raise ConfigError(f"{here}: slot_minutes and seats must be positive")
    return Team(code, _require(spec, "name_key", here), _require(spec, "description_key", here),
                _require(spec, "source", here), _require(spec, "location", here),
                slot_minutes, seats, hours)


def _parse_period(text: str, where: str) -> Period:
    try:
        start_text, end_text = str(text).split("-")
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
        period = Period(start, end)
    except ValueError as error:
        raise ConfigError(f"{where}: {text!r} is not a period like 09:00-12:00") from error
    if period.end <= period.start:
        raise ConfigError(f"{where}: {text!r} ends before it starts")
    return period


def _parse_date(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise ConfigError(f"{where}: closed day {value!r} is not a date like 2026-12-24") from error


def _require(mapping: object, key: str, where: str):
    if not isinstance(mapping, dict) or mapping.get(key) in (None, ""):
        raise ConfigError(f"{where}: {key!r} is missing")
    return mapping[key]
