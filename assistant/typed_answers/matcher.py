"""Which button a typed answer means.

Every question that shows buttons also takes what people type: a button's title in any of our
languages (typos forgiven), a synonym, "weet ik niet" in any language, an ordinal ("de
tweede", "الثاني"), a number in digits of any script or in words, and yes/no where the
question is a yes/no question. The answer is taken only when one button clearly wins: a reply
that fits two buttons equally, or none, is not understood (and the question comes again).

A yes or no with more after it is the answer only when the more is filler ("ja graag", "evet
lütfen") or says the question again ("nee, ik heb geen vacature"); "ja, en hoe zit het met mijn
vacature?" is no answer to another question but a new one: ``Special.WITH_MORE``, and the
caller asks the question again instead of taking the yes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from assistant.typed_answers.text import compact, normalize
from assistant.typed_answers.vocabulary import (
    LOCALES_DIR,
    LanguageWords,
    answer_languages,
    catalog_titles,
    counted_phrases,
    language_words,
    title_phrases,
)

TYPO_SCORE = 85         # rapidfuzz ratio from which a phrase counts as typed with a typo
WORD_TYPO_SCORE = 88    # the same for one distinctive word ("statushoudr")
MIN_TYPO_LENGTH = 5     # shorter phrases must be typed exactly ("ja", "neen", "نه")
LONG_ORDINAL = 8         # an ordinal this long may be typed with two letters wrong, else one
MIN_ORDINAL_TYPO_LENGTH = 4  # a typed word shorter than this is never an ordinal's typo
MAX_ORDINAL_TYPO_WORDS = 4   # "ik kies de twede"; longer messages are no choice by position
_DIGITS = re.compile(r"\d+")
_REPEATS = re.compile(r"(\D)\1+")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")

EXACT, CONTAINED, DISTINCTIVE_WORD, TYPO = 4, 3, 2, 1  # how sure a match is, best first


class Special(str, Enum):
    DONT_KNOW = "dont_know"
    WITH_MORE = "with_more"  # a yes or no followed by a new topic or question: ask again


@dataclass(frozen=True)
class Option:
    """One button: its value and the catalog ids (and vocabulary lists) that name it."""

    value: Any
    keys: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # vocabulary lists of answers.yml: "yes", "no"
    count: int | None = None  # the keys are plural titles that show this number


@dataclass(frozen=True)
class Understood:
    value: Any
    how: str  # "title", "word", "typo", "dont_know", "ordinal", "number"


@dataclass(frozen=True)
class _Hit:
    tier: int
    score: float
    length: int
    value: Any = field(compare=False)
    phrase: str = field(default="", compare=False)

    def key(self) -> tuple[int, float, int]:
        return (self.tier, self.score, self.length)


def understand(text: str, options: Sequence[Option], language: str, *,
               numbers: bool = False, dont_know: bool = True, about: Sequence[str] = (),
               locales_dir: Path = LOCALES_DIR) -> Understood | None:
    """What ``text`` answers to a question with these buttons, or None when unclear.

    ``numbers``: the question asks a number (an age, hours): a typed number is the answer even
    when no button has it. ``dont_know``: the question has a "weet ik niet" button.
    ``about``: the catalog ids of the question's text; a yes or no followed by words of it is
    still the answer, followed by other words it is ``Special.WITH_MORE``."""
    typed = normalize(text)
    if not typed:
        return None
    if dont_know and _says_dont_know(typed, locales_dir):
        return Understood(Special.DONT_KNOW, "dont_know")
    chosen = _best_option(typed, options, locales_dir)
    if chosen is not None:
        if chosen.phrase is not None and _says_more(text, typed, chosen, options, about,
                                                    locales_dir):
            return Understood(Special.WITH_MORE, "with_more")
        return Understood(chosen.value, chosen.how)
    number = number_in(typed, language, locales_dir=locales_dir) if numbers else None
    if number is not None:
        return Understood(number, "number")
    position = ordinal_in(typed, language, locales_dir=locales_dir)
    if position is None and not numbers and _DIGITS.fullmatch(typed):
        position = int(typed)  # "2" where the buttons are not numbers: the second button
    # 1 is the first button, -1 the last; 0 ("00", "nulde") is no button at all
    if position and options and -len(options) <= position <= len(options):
        index = position - 1 if position > 0 else len(options) + position
        return Understood(options[index].value, "ordinal")
    return None


def yes_no_options() -> tuple[Option, Option]:
    return (Option(True, ("answer.yes", "button.yes"), ("yes",)),
            Option(False, ("answer.no", "button.no"), ("no",)))


def understand_yes_no(text: str, language: str, *, dont_know: bool = False,
                      about: Sequence[str] = (),
                      locales_dir: Path = LOCALES_DIR) -> Understood | None:
    return understand(text, yes_no_options(), language, dont_know=dont_know, about=about,
                      locales_dir=locales_dir)


def declines(text: str, language: str, *, locales_dir: Path = LOCALES_DIR) -> bool:
    """"nee", "weet ik niet", "ні", "bilmiyorum" where something else was asked (a time, a
    reference): the person has none to give, so the question should not simply repeat."""
    answer = understand_yes_no(text, language, dont_know=True, locales_dir=locales_dir)
    return answer is not None and answer.value in (False, Special.DONT_KNOW)


def without_what_one_cannot(text: str, language: str, *,
                            locales_dir: Path = LOCALES_DIR) -> str:
    """The message without its parts that say the person cannot ("carsamba gelemem, persembe
    ogleden sonra olur mu" -> "persembe ogleden sonra olur mu"; answers.yml's cannot): a day
    named there is the day to avoid, not the day wanted. Parts are split at punctuation."""
    words = language_words(_data_language(language, locales_dir), locales_dir)
    parts = _CLAUSE_END.split(text)
    kept = [part for part in parts
            if not any(contains_phrase(normalize(part), phrase) for phrase in words.cannot)]
    return text if len(kept) == len(parts) else ", ".join(p.strip() for p in kept if p.strip())


_CLAUSE_END = re.compile(r"[,.;:!?،؛።፣]")


# --- Numbers and ordinals -----------------------------------------------------------------------

def number_in(text: str, language: str, *, locales_dir: Path = LOCALES_DIR) -> int | None:
    """The number in a typed answer: digits of any script ("٢٩"), or words in the person's
    language ("vierentwintig", "двадцять чотири"); another language's words only when they
    are the whole answer ("twenty-four" in a Dutch conversation)."""
    typed = normalize(text)
    if found := _DIGITS.search(typed):
        return int(found.group())
    own = language_words(_data_language(language, locales_dir), locales_dir)
    number = _number_words_in(typed, own)
    if number is not None:
        return number
    whole = compact(typed)
    everyone = _all_words(locales_dir)
    if any(whole in words.filler for words in everyone):
        return None
    return next((words.numbers[whole] for words in everyone if whole in words.numbers), None)


def _number_words_in(typed: str, words: LanguageWords) -> int | None:
    tokens = typed.split()
    found: list[tuple[bool, int, int]] = []  # (is a filler word, -length, number)
    for size in (3, 2, 1):
        for start in range(len(tokens) - size + 1):
            window = "".join(tokens[start:start + size])
            number = words.numbers.get(window)
            if number is None and len(window) >= 6:
                best = process.extractOne(window, words.numbers.keys(), scorer=fuzz.ratio,
                                          score_cutoff=90)
                number = words.numbers[best[0]] if best else None
            if number is not None:
                filler = size == 1 and window in words.filler
                found.append((filler, -size, number))
    if not found:
        return None
    filler, _, number = min(found)
    # "een" is also "a": in a sentence ("ik wil graag een afspraak") it is no number
    return None if filler and len(tokens) > MAX_WORDS_WITH_A_FILLER_NUMBER else number


MAX_WORDS_WITH_A_FILLER_NUMBER = 3  # "een", "een jaar", "mijn zoon een"


def ordinal_in(text: str, language: str, *, locales_dir: Path = LOCALES_DIR) -> int | None:
    """The position an ordinal names ("de tweede", "ikincisi", "الأخير": -1), or None."""
    typed = normalize(text)
    tables = [language_words(_data_language(language, locales_dir), locales_dir),
              *_all_words(locales_dir)]
    for words in tables:
        for phrase, position in sorted(words.ordinals.items(), key=lambda i: -len(i[0])):
            if contains_phrase(typed, phrase) or _word_with_suffix(typed, phrase):
                return position
    if len(typed.split()) > MAX_ORDINAL_TYPO_WORDS:
        return None
    return next((found for words in tables
                 if (found := _ordinal_typo(typed, words, locales_dir)) is not None), None)


def _ordinal_typo(typed: str, words: LanguageWords, locales_dir: Path) -> int | None:
    """"de twede", "thrid": one ordinal word typed with a letter wrong, missing or swapped.
    A number word is never taken for an ordinal ("vier" is not "vierde"), and a word that is
    as close to two positions names neither."""
    numbers = {number for table in _all_words(locales_dir) for number in table.numbers}
    found: dict[int, int] = {}  # position -> fewest edits
    for word in typed.split():
        if len(word) < MIN_ORDINAL_TYPO_LENGTH or compact(word) in numbers:
            continue
        for phrase, position in words.ordinals.items():
            if len(phrase) < MIN_TYPO_LENGTH or " " in phrase:
                continue
            edits = OSA.distance(word, phrase)  # a swapped pair of letters is one edit
            if edits <= (1 if len(phrase) < LONG_ORDINAL else 2):
                found[position] = min(edits, found.get(position, edits))
    if not found:
        return None
    ranked = sorted(found.items(), key=lambda item: item[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def _word_with_suffix(typed: str, phrase: str) -> bool:
    """"ikincisi", "другого": an ordinal with a short case or possessive ending."""
    return len(phrase) >= 5 and " " not in phrase and any(
        word.startswith(phrase) and len(word) - len(phrase) <= 3 for word in typed.split())


# --- A yes or no with more after it -------------------------------------------------------------

QUESTION_MARKS = ("?", "\u061f")  # "?" and the Arabic "؟"
MIN_STEM = 4  # a word and a question's word that share this many first letters may be one word


def _says_more(text: str, typed: str, chosen: _Chosen, options: Sequence[Option],
               about: Sequence[str], locales_dir: Path) -> bool:
    """Whether a yes or no is followed by a new topic or question: words that are not filler,
    not yes/no words of the chosen button and not words of the question asked ("ja, we hebben
    een vacature" to "heeft u een vacature?" is an answer, to "heeft de kandidaat een
    arbeidsbeperking?" it is not); or a question mark after such words, even the question's
    own ("ja, en voor welke vacature?")."""
    rest = _without(typed, chosen.phrase or "", typo=chosen.how == "typo")
    for phrase in _filler_phrases(locales_dir):
        rest = _without(rest, phrase)
    option = next(o for o in options if o.value == chosen.value)
    own = {word for phrase in _phrases_of(option, locales_dir) for word in phrase.split()}
    filler = all_filler(locales_dir)
    others = [word for word in rest.split()
              if len(word) > 1 and not _one_of(word, own) and not _one_of(word, filler)]
    if others and any(mark in text for mark in QUESTION_MARKS):
        return True
    asked = _question_words(tuple(about), locales_dir)
    return any(not _word_of(word, asked) for word in others)


def _one_of(word: str, words: Iterable[str]) -> bool:
    """``word`` is one of ``words``, or a long one of them typed with a typo ("plese")."""
    return word in words or (len(word) >= MIN_TYPO_LENGTH and any(
        len(other) >= MIN_TYPO_LENGTH and fuzz.ratio(word, other) >= WORD_TYPO_SCORE
        for other in words))


def _without(typed: str, phrase: str, *, typo: bool = False) -> str:
    """``typed`` without the first whole-word occurrence of ``phrase``; ``typo``: without the
    run of words ``phrase`` was typed as with a typo."""
    padded = f" {typed} "
    if f" {phrase} " in padded:
        return " ".join(padded.replace(f" {phrase} ", " ", 1).split())
    if not typo:
        return typed
    tokens, size = typed.split(), len(phrase.split())
    starts = range(max(1, len(tokens) - size + 1))
    best = max(starts, key=lambda i: fuzz.ratio(" ".join(tokens[i:i + size]), phrase))
    return " ".join(tokens[:best] + tokens[best + size:])


def _word_of(word: str, asked: frozenset[str]) -> bool:
    """``word`` is a word of the question, maybe in another form ("vacatures", "kandidaten")
    or as part of a compound ("beperking" of "arbeidsbeperking")."""
    if word in asked:
        return True
    for other in asked:
        shorter = min(len(word), len(other))
        if shorter < MIN_STEM:
            continue
        if len(_common_prefix(word, other)) >= max(MIN_STEM, shorter - 3):
            return True
        if shorter >= MIN_STEM + 1 and (word in other or other in word):
            return True
    return False


def _common_prefix(left: str, right: str) -> str:
    size = 0
    while size < min(len(left), len(right)) and left[size] == right[size]:
        size += 1
    return left[:size]


@lru_cache(maxsize=256)
def _question_words(keys: tuple[str, ...], locales_dir: Path) -> frozenset[str]:
    """The words of a question's text in every catalog (a person may answer in another
    language than the one asked in), without its placeholders."""
    texts = catalog_titles(locales_dir)
    return frozenset(word for key in keys for text in texts.get(key, {}).values()
                     for word in normalize(_PLACEHOLDER.sub(" ", text)).split())


@lru_cache(maxsize=4)
def _filler_phrases(locales_dir: Path) -> tuple[str, ...]:
    """The filler of more than one word ("من فضلك", "будь ласка"), longest first."""
    return tuple(sorted((phrase for phrase in all_filler(locales_dir) if " " in phrase),
                        key=len, reverse=True))


# --- Choosing a button ---------------------------------------------------------------------------

def _says_dont_know(typed: str, locales_dir: Path) -> bool:
    phrases = [p for words in _all_words(locales_dir) for p in words.dont_know]
    phrases += [p for by_language in title_phrases("answer.dont_know", locales_dir).values()
                for p in by_language]
    return any(_phrase_hit(typed, phrase) for phrase in phrases)


@dataclass(frozen=True)
class _Chosen:
    value: Any
    how: str
    phrase: str | None  # the yes/no phrase that chose a yes/no button, else None


def _best_option(typed: str, options: Sequence[Option], locales_dir: Path) -> _Chosen | None:
    phrases = {index: _phrases_of(option, locales_dir) for index, option in enumerate(options)}
    hits = [hit for index, option in enumerate(options)
            if (hit := _score(typed, phrases[index], option.value)) is not None]
    hits += _distinctive_word_hits(typed, options, phrases, locales_dir)
    if not hits:
        return None
    hits.sort(key=_Hit.key, reverse=True)
    best = hits[0]
    if any(_rivals(best, hit) for hit in hits[1:]):
        return None  # "ja, nee": two buttons fit equally well
    how = {EXACT: "title", CONTAINED: "title", DISTINCTIVE_WORD: "word", TYPO: "typo"}[best.tier]
    yes_or_no = best.tier != EXACT and any(o.words for o in options if o.value == best.value)
    return _Chosen(best.value, how, best.phrase if yes_or_no else None)


def _rivals(best: _Hit, other: _Hit) -> bool:
    """Whether ``other`` names another button about as well as ``best``: "ja, nee" (both
    in the text), but not "klopt" inside "klopt niet" (the longer phrase says more)."""
    if other.value == best.value or other.tier != best.tier:
        return False
    if best.tier == CONTAINED:
        return not contains_phrase(best.phrase, other.phrase)
    return abs(other.score - best.score) < 3 and other.length == best.length


def _phrases_of(option: Option, locales_dir: Path) -> tuple[str, ...]:
    found: list[str] = []
    for key in option.keys:
        for by_language in title_phrases(key, locales_dir).values():
            found += by_language
        if option.count is not None:
            found += counted_phrases(key, option.count, locales_dir)
    for words in _all_words(locales_dir):
        for name in option.words:
            found += getattr(words, name)
    return tuple(dict.fromkeys(found))


def _score(typed: str, phrases: Iterable[str], value: Any) -> _Hit | None:
    best: _Hit | None = None
    for phrase in phrases:
        hit = None
        if typed == phrase or compact(typed) == compact(phrase) or (
                _squeezed(typed) == _squeezed(phrase)):
            hit = _Hit(EXACT, 100, len(phrase), value, phrase)
        elif contains_phrase(typed, phrase):
            hit = _Hit(CONTAINED, 100, len(phrase), value, phrase)
        elif (score := _typo_score(typed, phrase)) >= TYPO_SCORE:
            hit = _Hit(TYPO, score, len(phrase), value, phrase)
        if hit is not None and (best is None or hit.key() > best.key()):
            best = hit
    return best


def _distinctive_word_hits(typed: str, options: Sequence[Option],
                           phrases: dict[int, tuple[str, ...]], locales_dir: Path) -> list[_Hit]:
    """A word that belongs to one button only ("zorg" of "Zorg en welzijn") names it."""
    filler = all_filler(locales_dir)
    owners: dict[str, set[int]] = {}
    for index, option_phrases in phrases.items():
        for phrase in option_phrases:
            for word in phrase.split():
                if _meaningful(word, filler):
                    owners.setdefault(word, set()).add(index)
    typed_words = [w for w in typed.split() if _meaningful(w, filler)]
    hits: list[_Hit] = []
    for word, indexes in owners.items():
        if len(indexes) != 1:
            continue
        [index] = indexes
        for typed_word in typed_words:
            if typed_word == word:
                hits.append(_Hit(DISTINCTIVE_WORD, 100, len(word), options[index].value,
                                 typed_word))
            elif len(word) >= 5 and _same_digits(typed_word, word) and (
                    score := fuzz.ratio(typed_word, word)) >= WORD_TYPO_SCORE:
                hits.append(_Hit(DISTINCTIVE_WORD, score, len(word), options[index].value,
                                 typed_word))
    return hits


def _meaningful(word: str, filler: frozenset[str]) -> bool:
    return word not in filler and not word.isdigit() and len(word) >= (
        4 if word.isascii() or _is_cyrillic(word) else 3)


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


def _squeezed(text: str) -> str:
    """Without repeated letters: "jaaa" and "neee" are "ja" and "nee" said with feeling."""
    return _REPEATS.sub(r"\1", compact(text))


def contains_phrase(typed: str, phrase: str) -> bool:
    """``phrase`` occurs in ``typed`` as whole words."""
    return f" {phrase} " in f" {typed} "


def _phrase_hit(typed: str, phrase: str) -> bool:
    return (typed == phrase or contains_phrase(typed, phrase)
            or _typo_score(typed, phrase) >= TYPO_SCORE)


def _typo_score(typed: str, phrase: str) -> float:
    """How close ``typed`` is to ``phrase``, as a whole or as a run of as many words; numbers
    must be the same ("6 maanden" is not a typo of "3 maanden")."""
    if len(phrase) < MIN_TYPO_LENGTH:
        return 0
    tokens, size = typed.split(), len(phrase.split())
    windows = [" ".join(tokens[i:i + size]) for i in range(max(1, len(tokens) - size + 1))]
    return max((fuzz.ratio(window, phrase) for window in [typed, *windows]
                if _same_digits(window, phrase)), default=0)


def _same_digits(left: str, right: str) -> bool:
    return _DIGITS.findall(left) == _DIGITS.findall(right)


@lru_cache(maxsize=4)
def all_filler(locales_dir: Path = LOCALES_DIR) -> frozenset[str]:
    """The small words of every language ("de", "the", "een"): they name no choice."""
    return frozenset().union(*(words.filler for words in _all_words(locales_dir)))


def _all_words(locales_dir: Path) -> list[LanguageWords]:
    return [language_words(code, locales_dir) for code in answer_languages(locales_dir)]


def _data_language(language: str, locales_dir: Path) -> str:
    """Whose answer words a language uses: its own, else its base language's (fa_AF -> fa)."""
    available = answer_languages(locales_dir)
    if language in available:
        return language
    base = language.split("_")[0]
    return base if base in available else "nl"
