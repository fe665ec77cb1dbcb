"""The language menu typed: "English", "Türkçe", "in het Arabisch", "بالعربية"."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from assistant.typed_answers.text import compact, normalize
from assistant.typed_answers.vocabulary import (
    LOCALES_DIR,
    answer_languages,
    catalog_titles,
    language_words,
)
from assistant.when_parser import without_dates_and_references

_PLACEHOLDER = re.compile(r"\{[^}]*\}")
MAX_WORDS = 3  # "in het Engels"; longer messages are questions, not a choice of language
# A guess from small words needs a sentence: at least this many words, this many small words
# of the likeliest language and twice as many as of the next.
GUESS_MIN_WORDS, GUESS_MIN_HITS = 5, 3


def language_named(text: str, languages: Iterable[str], *,
                   locales_dir: Path = LOCALES_DIR) -> str | None:
    """The language a message that is only a language's name asks for ("English",
    "Türkçe", "in het Arabisch", "بالعربية"), or None. Longer messages are questions
    ("ik wil Nederlands leren"), not a choice of language."""
    typed = normalize(text)
    if not typed or len(typed.split()) > MAX_WORDS:
        return None
    found = {code for code, phrases in _names(tuple(languages), locales_dir).items()
             if any(compact(typed) == compact(p) or (len(p) >= 6 and fuzz.ratio(typed, p) >= 88)
                    for p in phrases)}
    return found.pop() if len(found) == 1 else None


def languages_mentioned(text: str, languages: Iterable[str], *,
                        locales_dir: Path = LOCALES_DIR) -> set[str]:
    """The languages a longer message names as words of their own ("I don't speak Dutch
    well, can we talk in English?" names nl and en); for a message already understood as
    asking for another language."""
    typed = f" {normalize(text)} "
    return {code for code, phrases in _names(tuple(languages), locales_dir).items()
            if any(f" {phrase} " in typed for phrase in phrases)}


@lru_cache(maxsize=8)
def _names(languages: tuple[str, ...], locales_dir: Path) -> dict[str, frozenset[str]]:
    """Each language's names: its own (the language menu's titles) and what every other
    language calls it (answers.yml ``languages``), normalized; built once (asked for every
    typed message)."""
    names: dict[str, set[str]] = {code: set() for code in languages}
    titles = catalog_titles(locales_dir).get("language.name", {})
    for code in names:
        if titles.get(code):
            names[code].add(normalize(titles[code]))
    for language in answer_languages(locales_dir):
        for code, phrases in language_words(language, locales_dir).language_names.items():
            if code in names:
                names[code].update(phrases)
    return {code: frozenset(phrases) for code, phrases in names.items()}


def written_in(text: str, languages: Iterable[str], *,
               locales_dir: Path = LOCALES_DIR) -> str | None:
    """Which of ``languages`` (of one script) a sentence is likely written in, by the small
    words each language's answers.yml lists ("the", "het", "için"); None when unsure or for
    short messages. A hint only: Dutch messages are full of English terms and the other
    way round, and no detector knows every language we have."""
    typed = normalize(text).split()
    if len(typed) < GUESS_MIN_WORDS:
        return None
    known = set(answer_languages(locales_dir))
    hits = sorted(((sum(word in language_words(code, locales_dir).function_words
                        for word in typed), code)
                   for code in languages if code in known), reverse=True)
    if not hits or hits[0][0] < GUESS_MIN_HITS:
        return None
    if len(hits) > 1 and hits[0][0] < 2 * hits[1][0]:
        return None
    return hits[0][1]


def telling_words(text: str, language: str, *, locales_dir: Path = LOCALES_DIR) -> str:
    """What of a message can tell the language it is written in: not a reference, a number,
    a time or a date (when_parser.without_dates_and_references), nor a word that the
    conversation's language's own texts use: the Dutch names its buttons keep
    ("klantmanager (موظف العمل والدخل)", "bijstand", "BSN") typed back in an Arabic
    conversation are an answer, not English or Dutch."""
    own = _catalog_words(language, locales_dir)
    return " ".join(word for word in without_dates_and_references(text).split()
                    if normalize(word) not in own)


@lru_cache(maxsize=16)
def _catalog_words(language: str, locales_dir: Path) -> frozenset[str]:
    return frozenset(word for texts in catalog_titles(locales_dir).values()
                     for word in normalize(_PLACEHOLDER.sub(" ", texts.get(language, ""))).split())
