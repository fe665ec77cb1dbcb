"""The words of typed answers: button titles from every catalog, and per language the data of
``locales/<lang>/answers.yml`` (yes, no, "I don't know", ordinals, number words, synonyms,
language names). Read once per process; everything is normalized (text.normalize)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from assistant.settings import PROJECT_ROOT
from assistant.typed_answers.text import compact, normalize
from nlu_components.spelling import fold_letters

LOCALES_DIR = PROJECT_ROOT / "locales"
ANSWERS_FILE = "answers.yml"
# relative_days: only where dateparser has none
SECTIONS = ("yes", "no", "dont_know", "ordinals", "numbers", "number_patterns", "filler",
            "synonyms", "languages", "hour_words", "cannot")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")
_BRACKETS = re.compile(r"\(([^)]*)\)")
LARGEST_NUMBER_WORD = 99


class WordsLoader(yaml.SafeLoader):
    """YAML without its 1.1 booleans: in these files "yes", "no", "on" (Turkish ten), "off"
    and "true" are words people type, not True and False."""


WordsLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def read_answers_file(path: Path) -> dict:
    return yaml.load(path.read_text("utf-8"), Loader=WordsLoader) or {}  # noqa: S506 (safe)


@dataclass(frozen=True)
class LanguageWords:
    """One language's answer words, normalized."""

    language: str
    yes: tuple[str, ...]
    no: tuple[str, ...]
    dont_know: tuple[str, ...]
    ordinals: dict[str, int]         # word -> position (1-based; -1 is the last)
    numbers: dict[str, int]          # compact words -> number, 0..99
    filler: frozenset[str]
    synonyms: dict[str, tuple[str, ...]]  # catalog id -> more ways to say its title
    language_names: dict[str, tuple[str, ...]]  # language code -> its names in this language
    relative_days: dict[str, int]    # our own words where dateparser has none (when_parser)
    hour_words: tuple[str, ...]      # "om", "at", "saat", "о": next to an hour (when_parser)
    weekdays: dict[str, int]         # weekday forms CLDR lacks ("на пʼятницю"), 0 = Monday
    hour_names: dict[str, int]       # an hour said as a word of its own after an hour word:
                                     # "العاشرة", "десятій", "onda" (when_parser)
    mornings: tuple[str, ...] = ()   # day parts CLDR lacks: "вранці", "ንግሆ" (when_parser)
    afternoons: tuple[str, ...] = ()  # "після обіду", "ድሕሪ ቀትሪ"
    function_words: frozenset[str] = frozenset()  # "the", "het", "için": which language
    relative_weeks: dict[str, int] = field(default_factory=dict)  # "الاسبوع الجاي": 1
    cannot: tuple[str, ...] = ()     # "kan niet", "can't", "не можу": a day named is not wanted
    # A check's yes/no fact said in so many words ("alleenstaande moeder": is_single_parent)
    stated_facts: dict[str, tuple[str, ...]] = field(default_factory=dict)


@lru_cache(maxsize=16)
def answer_languages(locales_dir: Path = LOCALES_DIR) -> tuple[str, ...]:
    """The languages with typed-answer words; read once (asked at every typed message)."""
    return tuple(sorted(p.parent.name for p in locales_dir.glob(f"*/{ANSWERS_FILE}")))


@lru_cache(maxsize=16)
def language_words(language: str, locales_dir: Path = LOCALES_DIR) -> LanguageWords:
    data = read_answers_file(locales_dir / language / ANSWERS_FILE)
    phrases = lambda items: tuple(dict.fromkeys(normalize(str(i)) for i in items or ()))  # noqa: E731
    return LanguageWords(
        language=language,
        yes=phrases(data.get("yes")), no=phrases(data.get("no")),
        dont_know=phrases(data.get("dont_know")),
        # a bare digit is a number, never an ordinal ("om 2 uur" is not the second time)
        ordinals={normalize(str(word)): int(position)
                  for position, items in (data.get("ordinals") or {}).items()
                  for word in items if not normalize(str(word)).isdigit()},
        numbers=_number_words(data.get("numbers") or {}, data.get("number_patterns") or []),
        filler=frozenset(normalize(str(w)) for w in data.get("filler") or ()),
        synonyms={key: phrases(items) for key, items in (data.get("synonyms") or {}).items()},
        language_names={code: phrases(items)
                        for code, items in (data.get("languages") or {}).items()},
        relative_days={normalize(str(word)): int(offset)
                       for offset, items in (data.get("relative_days") or {}).items()
                       for word in items},
        hour_words=phrases(data.get("hour_words")),
        weekdays={fold_letters(str(word).lower()): int(day)
                  for day, items in (data.get("weekdays") or {}).items() for word in items},
        hour_names={compact(normalize(str(word))): int(hour)
                    for hour, items in (data.get("hour_names") or {}).items() for word in items},
        mornings=_lowered((data.get("day_parts") or {}).get("morning")),
        afternoons=_lowered((data.get("day_parts") or {}).get("afternoon")),
        function_words=frozenset(normalize(str(w)) for w in data.get("function_words") or ()),
        relative_weeks={normalize(str(word)): int(offset)
                        for offset, items in (data.get("relative_weeks") or {}).items()
                        for word in items},
        cannot=phrases(data.get("cannot")),
        stated_facts={fact: phrases(items)
                      for fact, items in (data.get("stated_facts") or {}).items()},
    )


def _lowered(items: list | None) -> tuple[str, ...]:
    """As the date parser compares: lower case, accents kept ("öğleden sonra"), one spelling
    per Arabic-script letter ("ظهراً" as "ظهرا")."""
    return tuple(dict.fromkeys(fold_letters(str(item).lower()) for item in items or ()))


def answer_word_problems(language: str, locales_dir: Path = LOCALES_DIR) -> list[str]:
    """What a language's answers.yml lacks (scripts/check_language_data.py, the tests)."""
    path = locales_dir / language / ANSWERS_FILE
    if not path.exists():
        return [f"{language}: {path.relative_to(locales_dir.parent)} is missing"]
    data = read_answers_file(path)
    return [f"{language}: {ANSWERS_FILE} has no '{section}'" for section in SECTIONS
            if not data.get(section)]


def _number_words(listed: dict, patterns: list[str]) -> dict[str, int]:
    """Every way to write 0-99 in words: the listed ones, the rest made from tens and units
    with the language's patterns ("{units}en{tens}": vierentwintig)."""
    spelled: dict[int, list[str]] = {int(n): [normalize(str(w)) for w in words]
                                     for n, words in listed.items()}
    table: dict[str, int] = {}
    for number in range(LARGEST_NUMBER_WORD + 1):
        forms = spelled.get(number)
        if forms is None and number > 10 and number % 10:
            forms = [normalize(pattern.format(tens=tens, units=units))
                     for pattern in patterns
                     for tens in spelled.get(number - number % 10, [])
                     for units in spelled.get(number % 10, [])]
        for form in forms or []:
            table.setdefault(compact(form), number)
    return table


@lru_cache(maxsize=4)
def catalog_titles(locales_dir: Path = LOCALES_DIR) -> dict[str, dict[str, str]]:
    """catalog id -> language -> its text, for every catalog (the button titles)."""
    titles: dict[str, dict[str, str]] = {}
    for path in sorted(locales_dir.glob("*/LC_MESSAGES/messages.po")):
        language = path.parent.parent.name
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if message.id and isinstance(message.id, str) and isinstance(message.string, str):
                titles.setdefault(message.id, {})[language] = message.string or ""
    return titles


@lru_cache(maxsize=1)
def catalog_plurals(locales_dir: Path = LOCALES_DIR) -> dict[str, dict[str, tuple[str, ...]]]:
    """catalog id -> language -> its plural forms, for the texts with plural forms."""
    plurals: dict[str, dict[str, tuple[str, ...]]] = {}
    for path in sorted(locales_dir.glob("*/LC_MESSAGES/messages.po")):
        language = path.parent.parent.name
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if message.id and isinstance(message.string, tuple):
                key = message.id[0] if isinstance(message.id, tuple) else message.id
                plurals.setdefault(key, {})[language] = tuple(s for s in message.string if s)
    return plurals


@lru_cache(maxsize=1024)
def counted_phrases(key: str, count: int, locales_dir: Path = LOCALES_DIR) -> tuple[str, ...]:
    """The ways a button with a plural title shows ``count`` ("16 uur", "6 maanden"), in
    every language (each plural form, so the one the reader sees is among them)."""
    forms = catalog_plurals(locales_dir).get(key, {})
    return tuple(dict.fromkeys(normalize(form.replace("{count}", str(count)))
                               for by_language in forms.values() for form in by_language))


@lru_cache(maxsize=1024)
def title_phrases(key: str, locales_dir: Path = LOCALES_DIR) -> dict[str, tuple[str, ...]]:
    """language -> the normalized ways a button titled ``key`` reads: the whole title, the
    part before and the part inside brackets ("Statushouder (vluchteling ...)"), and the
    synonyms of answers.yml."""
    result: dict[str, tuple[str, ...]] = {}
    texts = catalog_titles(locales_dir).get(key, {})
    for language in {*texts, *answer_languages(locales_dir)}:
        title = _PLACEHOLDER.sub(" ", texts.get(language, ""))
        parts = [title, _BRACKETS.sub(" ", title), *_BRACKETS.findall(title)]
        synonyms = (language_words(language, locales_dir).synonyms.get(key, ())
                    if (locales_dir / language / ANSWERS_FILE).exists() else ())
        phrases = [p for p in dict.fromkeys([*map(normalize, parts), *synonyms]) if p]
        if phrases:
            result[language] = tuple(phrases)
    return result
