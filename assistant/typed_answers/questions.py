"""The buttons of our questions as options for the matcher: eligibility-check questions
(policy/<municipality>/checks.yml), teams, yes/no confirmations and the language menu."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from assistant.eligibility import Question
from assistant.policy import Fact
from assistant.typed_answers.matcher import Option, Special, understand, yes_no_options
from assistant.typed_answers.text import compact, normalize
from assistant.typed_answers.vocabulary import (
    LOCALES_DIR,
    answer_languages,
    catalog_titles,
    language_words,
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


def language_named(text: str, languages: Iterable[str], *,
                   locales_dir: Path = LOCALES_DIR) -> str | None:
    """The language a message that is only a language's name asks for ("English",
    "Türkçe", "in het Arabisch", "بالعربية"), or None. Longer messages are questions
    ("ik wil Nederlands leren"), not a choice of language."""
    typed = normalize(text)
    if not typed or len(typed.split()) > 3:
        return None
    names: dict[str, set[str]] = {code: set() for code in languages}
    titles = catalog_titles(locales_dir).get("language.name", {})
    for code in names:
        if titles.get(code):
            names[code].add(normalize(titles[code]))
    for language in answer_languages(locales_dir):
        for code, phrases in language_words(language, locales_dir).language_names.items():
            if code in names:
                names[code].update(phrases)
    found = {code for code, phrases in names.items()
             if any(compact(typed) == compact(p) or (len(p) >= 6 and fuzz.ratio(typed, p) >= 88)
                    for p in phrases)}
    return found.pop() if len(found) == 1 else None
