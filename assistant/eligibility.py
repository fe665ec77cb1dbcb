"""The rules engine of the eligibility checks (policy/checks.yml over the provisions' conditions).

A check weighs a few provisions. Each provision's conditions (all must hold) are compared
with the answers given so far; a condition whose fact is unanswered is *open*. A provision
fits when every condition holds, does not fit as soon as one fails, and stays open otherwise.
The next question is the first one (in the check's order) whose fact an open provision still
needs, so nobody is asked what cannot change the outcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from assistant.policy import Condition, Entry, Fact, Policy, Problem

Answers = dict[str, Any]  # fact -> value; None means "weet ik niet"
CHECKS_FILE = "checks.yml"
_NUMBER = re.compile(r"\d+")  # \d also matches Arabic-Indic, Persian and other digits


class Verdict(str, Enum):
    FITS = "fits"
    DOES_NOT_FIT = "does_not_fit"
    OPEN = "open"


@dataclass(frozen=True)
class Choice:
    value: Any
    label_key: str


@dataclass(frozen=True)
class Question:
    fact: str
    question_key: str
    label_key: str
    choices: tuple[Choice, ...] = ()
    implied_by: tuple[tuple[str, Any], ...] = ()
    always: bool = False


@dataclass(frozen=True)
class Check:
    id: str
    intent: str
    title_key: str
    intro_key: str
    audience: str
    team: str
    provisions: tuple[str, ...]
    questions: tuple[Question, ...]
    checklist: bool = False

    def question(self, fact: str) -> Question | None:
        return next((q for q in self.questions if q.fact == fact), None)


@dataclass(frozen=True)
class ConditionResult:
    condition: Condition
    holds: bool | None  # None: not answered


@dataclass(frozen=True)
class Assessment:
    provision: Entry
    verdict: Verdict
    results: tuple[ConditionResult, ...]


# --- The rules ---------------------------------------------------------------------------

def condition_holds(condition: Condition, answers: Answers) -> bool | None:
    """Whether the answers satisfy one condition; None while its fact is unanswered."""
    value = answers.get(condition.fact)
    if value is None:
        return None
    expected = condition.value
    compare = {
        "eq": lambda: value == expected, "ne": lambda: value != expected,
        "lt": lambda: value < expected, "le": lambda: value <= expected,
        "gt": lambda: value > expected, "ge": lambda: value >= expected,
        "in": lambda: value in expected, "not_in": lambda: value not in expected,
    }
    return bool(compare[condition.operator]())


def assess(provision: Entry, answers: Answers) -> Assessment:
    results = tuple(ConditionResult(c, condition_holds(c, answers)) for c in provision.conditions)
    if any(r.holds is False for r in results):
        verdict = Verdict.DOES_NOT_FIT
    elif all(r.holds for r in results):
        verdict = Verdict.FITS
    else:
        verdict = Verdict.OPEN
    return Assessment(provision, verdict, results)


def with_implications(check: Check, answers: Answers) -> Answers:
    """The answers plus those that follow from them (``implied_by``)."""
    completed = dict(answers)
    for question in check.questions:
        if question.fact not in completed and any(
                completed.get(fact) == value for fact, value in question.implied_by):
            completed[question.fact] = True
    return completed


def assess_all(check: Check, policy: Policy, answers: Answers) -> list[Assessment]:
    answers = with_implications(check, answers)
    return [assess(policy.provisions[name], answers) for name in check.provisions
            if name in policy.provisions]


def next_question(check: Check, policy: Policy, answers: Answers) -> Question | None:
    """The first question whose answer could still change the outcome; None when done.

    A fact counts as answered once it is in ``answers``, even as None ("weet ik niet")."""
    completed = with_implications(check, answers)
    needed = {result.condition.fact
              for assessment in assess_all(check, policy, answers)
              if assessment.verdict is Verdict.OPEN
              for result in assessment.results if result.holds is None}
    return next((q for q in check.questions
                 if (q.always or q.fact in needed) and q.fact not in completed), None)


def team_for(check: Check, assessments: list[Assessment]) -> str:
    """Who to talk to next: the team of the first provision that fits, else the check's team."""
    fitting = [a.provision.team for a in assessments if a.verdict is Verdict.FITS]
    return next((team for team in fitting if team), check.team)


# --- Reading answers ------------------------------------------------------------------------

def parse_number(text: str) -> int | None:
    """The first whole number in ``text``, in any script's digits ("٢٩", "۲۹", "29")."""
    found = _NUMBER.search(text or "")
    return int(found.group()) if found else None


def parse_answer(fact: Fact, *, choice: str | None, intent: str | None,
                 text: str) -> tuple[bool, Any]:
    """(understood, value) for an answer about ``fact``; value None means "weet ik niet".

    ``choice`` comes from a button ("unknown" for "weet ik niet"), ``intent`` from the NLU
    (affirm/deny answer yes/no questions in every language), ``text`` is what was typed."""
    if choice == "unknown":
        return True, None
    if fact.type == "boolean":
        if choice in ("true", "false"):
            return True, choice == "true"
        if intent in ("affirm", "deny"):
            return True, intent == "affirm"
        return False, None
    if fact.type == "enum":
        return (True, choice) if choice in fact.values else (False, None)
    number = parse_number(choice or "") if choice else parse_number(text)
    if number is None or not fact.accepts(number):
        return False, None
    return True, number


# --- Loading and checking policy/checks.yml -------------------------------------------------

def load_checks(municipality_dir: Path) -> dict[str, Check]:
    """A municipality's checks by id; none when it has no checks.yml (validated with the
    policy: validate_checks)."""
    path = municipality_dir / CHECKS_FILE
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {spec["id"]: _check(spec) for spec in data.get("checks", [])}


def _check(spec: dict) -> Check:
    questions = tuple(
        Question(q["fact"], q["question_key"], q["label_key"],
                 tuple(Choice(c["value"], c["label_key"]) for c in q.get("choices", ())),
                 tuple((q.get("implied_by") or {}).items()), bool(q.get("always")))
        for q in spec.get("questions", ()))
    return Check(spec["id"], spec["intent"], spec["title_key"], spec["intro_key"],
                 spec["audience"], spec["team"], tuple(spec["provisions"]), questions,
                 bool(spec.get("checklist")))


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    source: str


def load_checklist(municipality_dir: Path) -> list[ChecklistItem]:
    """What an employer arranges at the start of a placement (checks.yml, employer_checklist)."""
    path = municipality_dir / CHECKS_FILE
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [ChecklistItem(item["key"], item["source"])
            for item in data.get("employer_checklist", [])]


def check_for_intent(checks: dict[str, Check], intent: str) -> Check | None:
    return next((c for c in checks.values() if c.intent == intent), None)


def validate_checks(municipality_dir: Path, policy: Policy, facts: dict[str, Fact],
                    teams: frozenset[str], catalog: frozenset[str] | None) -> list[Problem]:
    """Problems of a municipality's checks.yml with file and line: unknown provisions, facts,
    teams, choices or catalog ids, and conditions no question can answer."""
    path = municipality_dir / CHECKS_FILE
    shown = f"policy/{municipality_dir.name}/{CHECKS_FILE}"
    if not path.exists():
        return []
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
        checks = load_checks(municipality_dir)
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as error:
        return [Problem(shown, getattr(getattr(error, "problem_mark", None), "line", 0) + 1,
                        f"cannot be read as checks: {error}")]
    lines = _check_lines(root)
    problems: list[Problem] = [
        Problem(shown, 1, f"employer_checklist: message id '{item.key}' is missing from the "
                          "Dutch catalog")
        for item in load_checklist(municipality_dir)
        if catalog is not None and item.key not in catalog]
    for check in checks.values():
        line = lines.get(check.id, 1)

        def report(text: str, check: Check = check, line: int = line) -> None:
            problems.append(Problem(shown, line, f"check '{check.id}': {text}"))

        _validate_check(check, policy, facts, teams, catalog, report)
    return problems


def _validate_check(check: Check, policy: Policy, facts: dict[str, Fact],
                    teams: frozenset[str], catalog: frozenset[str] | None, report) -> None:
    if check.team not in teams:
        report(f"team '{check.team}' is not a team of the municipality")
    keys = [check.title_key, check.intro_key]
    asked = {q.fact for q in check.questions}
    for question in check.questions:
        fact = facts.get(question.fact)
        keys += [question.question_key, question.label_key,
                 *(c.label_key for c in question.choices)]
        if fact is None:
            report(f"question about unknown fact '{question.fact}'")
            continue
        if fact.type == "enum" and {c.value for c in question.choices} != set(fact.values):
            report(f"the choices for '{fact.name}' must be exactly {', '.join(fact.values)}")
        for choice in question.choices:
            if not fact.accepts(choice.value):
                report(f"choice {choice.value!r} is not {fact.expected()} for '{fact.name}'")
    for name in check.provisions:
        provision = policy.provisions.get(name)
        if provision is None:
            report(f"provision '{name}' is not current policy")
            continue
        for condition in provision.conditions:
            if condition.fact not in asked:
                report(f"provision '{name}' needs '{condition.fact}' but no question asks it")
    if catalog is not None:
        for key in keys:
            if key not in catalog:
                report(f"message id '{key}' is missing from the Dutch catalog")


def _check_lines(root: yaml.Node | None) -> dict[str, int]:
    """check id -> line of its entry, for problems."""
    lines: dict[str, int] = {}
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key, value in root.value:
        if key.value == "checks" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                for field, field_value in getattr(item, "value", []):
                    if field.value == "id":
                        lines[field_value.value] = item.start_mark.line + 1
    return lines
