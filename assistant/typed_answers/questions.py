"""The buttons of our questions as options for the matcher: eligibility-check questions
(policy/<municipality>/checks.yml), teams and yes/no confirmations (the language menu:
languages.py)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.policy import Fact, Question
from assistant.typed_answers.matcher import (
    Option,
    Special,
    contains_phrase,
    understand,
    yes_no_options,
)
from assistant.typed_answers.text import normalize
from assistant.typed_answers.vocabulary import LOCALES_DIR, answer_languages, language_words

OPENING_HOW = frozenset({"title"})  # a whole title or synonym: one word is too little here


def check_options(question: Question, fact: Fact) -> tuple[Option, ...]:
    """The buttons of one check question (as actions/eligibility.py shows them)."""
    if fact.type == "boolean":
        return yes_no_options()
    return tuple(Option(choice.value, (choice.label_key,),
                        count=choice.value if choice.counted else None)
                 for choice in question.choices)


def understand_check_answer(text: str, question: Question, fact: Fact, language: str, *,
                            locales_dir: Path = LOCALES_DIR) -> tuple[bool, Any]:
    """(understood, value) for a typed answer to a check question; value None is "weet ik
    niet". A number must be one the fact allows (an age of 300 is not understood). A yes or
    no followed by a new topic or question is not understood, with value
    ``Special.WITH_MORE`` (the question is asked again, not answered by the NLU's "yes")."""
    understood = understand(text, check_options(question, fact), language,
                            numbers=fact.type == "integer", about=(question.question_key,),
                            locales_dir=locales_dir)
    if understood is None:
        return False, None
    if understood.value is Special.WITH_MORE:
        return False, Special.WITH_MORE
    if understood.value is Special.DONT_KNOW:
        return True, None
    return (True, understood.value) if fact.accepts(understood.value) else (False, None)


def choices_named(text: str, questions: Iterable[Question], facts: dict[str, Fact],
                  language: str, *, locales_dir: Path = LOCALES_DIR) -> dict[str, Any]:
    """fact -> value for the choices a check's opening message names ("ik ben statushouder,
    kan ik ...", "we zijn een bouwbedrijf"): only questions with named choices (not yes/no,
    not numbers, which the NLU's entities fill), and only a button's whole title or synonym:
    never one word of it ("niet" of "niet van toepassing"), a typo, a position or "weet ik
    niet" inside a question."""
    found: dict[str, Any] = {}
    for question in questions:
        fact = facts.get(question.fact)
        if fact is None or fact.type != "enum" or not question.choices:
            continue
        understood = understand(text, check_options(question, fact), language,
                                dont_know=False, locales_dir=locales_dir)
        if (understood is not None and understood.how in OPENING_HOW
                and fact.accepts(understood.value)):
            found[question.fact] = understood.value
    return found


def facts_stated(text: str, questions: Iterable[Question], facts: dict[str, Fact],
                 language: str, *, locales_dir: Path = LOCALES_DIR) -> dict[str, bool]:
    """fact -> True for the yes/no facts a check's opening message states in so many words
    (answers.yml's stated_facts: "I'm a single mum, do I have to work?" is_single_parent):
    "do you raise your children alone?" was asked right after. Every language's phrases
    (a Dutch term in an English sentence)."""
    typed = normalize(text)
    asked = {q.fact for q in questions if (f := facts.get(q.fact)) and f.type == "boolean"}
    return {fact: True for each in answer_languages(locales_dir)
            for fact, phrases in language_words(each, locales_dir).stated_facts.items()
            if fact in asked and any(contains_phrase(typed, phrase) for phrase in phrases)}


def team_options(teams: Iterable[tuple[str, str]]) -> tuple[Option, ...]:
    """(team code, name key) pairs as options: "klantmanager", "schulden", "de tweede"."""
    return tuple(Option(code, (name_key,)) for code, name_key in teams)


def understand_team(text: str, teams: Iterable[tuple[str, str]], language: str, *,
                    locales_dir: Path = LOCALES_DIR) -> str | None:
    understood = understand(text, team_options(teams), language, dont_know=False,
                            locales_dir=locales_dir)
    return understood.value if understood else None


def understand_confirmation(text: str, language: str, *, about: tuple[str, ...] = (),
                            locales_dir: Path = LOCALES_DIR) -> bool | Special | None:
    """True for "ja"/"klopt"/"evet"/"так" (and the titles of the yes buttons), False for no;
    ``Special.WITH_MORE`` for a yes or no with a new topic or question after it ("yes, and
    how about my vacancy?"). ``about``: the catalog ids of the question's text."""
    options = (Option(True, ("answer.yes", "button.yes", "privacy.yes_delete"), ("yes",)),
               Option(False, ("answer.no", "button.no"), ("no",)))
    understood = understand(text, options, language, dont_know=False, about=about,
                            locales_dir=locales_dir)
    return understood.value if understood else None
