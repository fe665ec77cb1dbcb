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
from typing import Any

from assistant.policy import Check, Condition, Entry, Fact, Policy, Question

Answers = dict[str, Any]  # fact -> value; None means "weet ik niet"
_NUMBER = re.compile(r"\d+")  # \d also matches Arabic-Indic, Persian and other digits


class Verdict(str, Enum):
    FITS = "fits"
    DOES_NOT_FIT = "does_not_fit"
    OPEN = "open"


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
