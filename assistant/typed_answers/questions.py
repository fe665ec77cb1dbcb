"""The buttons of our questions as options for the matcher: eligibility-check questions
(policy/<municipality>/checks.yml), teams and yes/no confirmations (the language menu:
languages.py)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.policy import Fact, Question
from assistant.typed_answers.matcher import Option, Special, understand, yes_no_options
from assistant.typed_answers.vocabulary import (
    LOCALES_DIR,
)


def check_options(question: Question, fact: Fact) -> tuple[Option, ...]:
    """The buttons of one check question (as actions/eligibility.py shows them)."""
    if fact.type == "boolean":
        return yes_no_options()
    return tuple(Option(choice.value, (choice.label_key,)) for choice in question.choices)


def understand_check_answer(text: str, question: Question, fact: Fact, language: str, *,
                            locales_dir: Path = LOCALES_DIR) -> tuple[bool, Any]:
    """(understood, value) for a typed answer to a check question; value None is "weet ik
    niet". A number must be one the fact allows (an age of 300 is not understood)."""
    understood = understand(text, check_options(question, fact), language,
                            numbers=fact.type == "integer", locales_dir=locales_dir)
    if understood is None:
        return False, None
    if understood.value is Special.DONT_KNOW:
        return True, None
    return (True, understood.value) if fact.accepts(understood.value) else (False, None)


def team_options(teams: Iterable[tuple[str, str]]) -> tuple[Option, ...]:
    """(team code, name key) pairs as options: "klantmanager", "schulden", "de tweede"."""
    return tuple(Option(code, (name_key,)) for code, name_key in teams)


def understand_team(text: str, teams: Iterable[tuple[str, str]], language: str, *,
                    locales_dir: Path = LOCALES_DIR) -> str | None:
    understood = understand(text, team_options(teams), language, dont_know=False,
                            locales_dir=locales_dir)
    return understood.value if understood else None


def understand_confirmation(text: str, language: str, *,
                            locales_dir: Path = LOCALES_DIR) -> bool | None:
    """True for "ja"/"klopt"/"evet"/"так" (and the titles of the yes buttons), False for no."""
    options = (Option(True, ("answer.yes", "button.yes", "privacy.yes_delete"), ("yes",)),
               Option(False, ("answer.no", "button.no"), ("no",)))
    understood = understand(text, options, language, dont_know=False, locales_dir=locales_dir)
    return understood.value if understood else None
