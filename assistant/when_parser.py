"""Understanding a typed day or time ("dinsdag om 10 uur", "24-11", "de tweede").

Buttons are the main way to pick a time; this covers people who type instead. Dutch is
understood fully; in every other language with a catalog, the names of weekdays and months
(from CLDR, through Babel), digits in any script ("الثلاثاء ١٠:٣٠", "вівторок 10:30"),
hours in words next to a word for an hour ("om tien uur", "half elf", "at two",
"الساعة العاشرة", "о десятій") and the relative days ("morgen", "tomorrow", "завтра",
"yarın", "غدا", "فردا", "ጽባሕ").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from babel import Locale
from dateparser.languages.loader import default_loader

from assistant.language_data import catalog_languages
from assistant.typed_answers.matcher import all_filler
from assistant.typed_answers.text import normalize
from assistant.typed_answers.vocabulary import LanguageWords, answer_languages, language_words
from nlu_components.spelling import fold_letters

WEEKDAY_WORDS = {
    "maandag": 0, "ma": 0, "dinsdag": 1, "di": 1, "woensdag": 2, "wo": 2, "donderdag": 3,
    "do": 3, "vrijdag": 4, "vr": 4, "zaterdag": 5, "za": 5, "zondag": 6, "zo": 6,
}
MONTH_WORDS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "april": 4,
    "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
ORDINALS = {"eerste": 1, "1e": 1, "tweede": 2, "2e": 2, "derde": 3, "3e": 3, "vierde": 4,
            "4e": 4, "vijfde": 5, "5e": 5, "laatste": -1}
# dateparser's names for relative days ("in 1 day": "morgen", "tomorrow", "завтра")
DATEPARSER_RELATIVE_DAYS = {"0 day ago": 0, "in 1 day": 1, "in 2 day": 2, "1 day ago": -1,
                            "2 day ago": -2}
# and weeks ("volgende week", "next week", "наступного тижня", "gelecek hafta")
DATEPARSER_RELATIVE_WEEKS = {"0 week ago": 0, "in 1 week": 1}

_PART_OF_DAY = "(?:voormiddag|ochtend|middag|avond)?"  # "donderdagmiddag", "morgenochtend"
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?\b(?![:.]\d)")
_DAY_MONTH = re.compile(r"\b(\d{1,2})\s+([^\W\d_]+)(?:\s+(\d{4}))?\b")
_CLOCK = re.compile(r"\b(\d{1,2})[:.](\d{2})\b")
_HOUR = re.compile(r"\b(?:om\s+)?(\d{1,2})\s*(?:uur|u)\b|\bom\s+(\d{1,2})\b")
_HALF = re.compile(r"\bhalf\s+(\d{1,2})\b")


@dataclass(frozen=True)
class TypedWhen:
    day: date | None = None
    at: time | None = None
    ordinal: int | None = None
    afternoon: bool | None = None
    week: date | None = None  # the Monday of a week named without a day ("volgende week")

    @property
    def understood(self) -> bool:
        return any(v is not None
                   for v in (self.day, self.at, self.ordinal, self.afternoon, self.week))


@lru_cache(maxsize=1)
def calendar_words() -> tuple[dict[str, int], dict[str, int]]:
    """Weekday (0 = Monday) and month names of every language we have a catalog for."""
    weekdays, months = dict(WEEKDAY_WORDS), dict(MONTH_WORDS)
    for language in answer_languages():  # forms after a preposition: "на пʼятницю", "cumaya"
        for name, number in language_words(language).weekdays.items():
            weekdays[name] = number
            if len(plain := _without_accents(name)) >= 4:  # "carsambaya" for "çarşambaya"
                weekdays.setdefault(plain, number)
    for language in catalog_languages():
        locale = Locale.parse(language)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in locale.days[context][width].items():
                    _add_name(weekdays, name, number)
                for number, name in locale.months[context][width].items():
                    _add_name(months, name, number)
    return weekdays, months


def _add_name(names: dict[str, int], name: str, number: int) -> None:
    name = name.lower().rstrip(".")
    if len(name) < 3:  # two letters ("di", "ma") are only taken from the Dutch lists
        return
    # Persian writes "سه‌شنبه" with a zero-width non-joiner; phones often type a space or
    # nothing, and the bare "شنبه" inside it would otherwise be read as Saturday. Arabic-script
    # names as typed: "الأحد" as "الاحد" (nlu_components/spelling.py; the joiner is a space).
    joined = name.replace("\u200c", "")
    variants = {name, joined}
    if joined.endswith("شنبه") and joined != "شنبه":  # "پنجشنبه" typed "پنج شنبه"
        variants.add(f"{joined[:-4]} شنبه")
    without_accents = _without_accents(name)
    if without_accents != name and len(without_accents) >= 4:  # "persembe", not "car" (çar)
        variants.add(without_accents)
    for variant in variants:
        names.setdefault(fold_letters(variant), number)


def _without_accents(name: str) -> str:
    """A Latin name as typed on a keyboard without its letters: "perşembe" as "persembe",
    "salı" as "sali"."""
    if not name.isascii() and all(ch < "\u0250" for ch in name if ch.isalpha()):
        plain = unicodedata.normalize("NFKD", name.replace("ı", "i"))
        return "".join(ch for ch in plain if not unicodedata.combining(ch))
    return name


def parse_when(text: str, today: date) -> TypedWhen:
    words = fold_letters(text.lower())  # one spelling per Arabic letter, ASCII digits
    weeks = _relative_week(words)
    day = _parse_day(words, today, weeks)
    week = (_monday(today) + timedelta(weeks=weeks)
            if weeks is not None and day is None else None)
    return TypedWhen(day=day, at=_parse_time(words), ordinal=_parse_ordinal(words),
                     afternoon=_parse_part_of_day(words), week=week)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _parse_ordinal(words: str) -> int | None:
    for word, number in ORDINALS.items():
        if re.search(rf"\b{re.escape(word)}\b", words):
            return number
    return None


def _parse_part_of_day(words: str) -> bool | None:
    mornings, afternoons = day_period_words()
    if "voormiddag" in words:  # Flemish for the morning, not "middag"
        return False
    if "middag" in words and "ochtend" not in words:
        return True
    if "ochtend" in words or "morgens" in words:
        return False
    # The longest word found decides: "قبل از ظهر" (before noon) holds "ظهر" (noon).
    found = [(len(word), False) for word in mornings if word in words]
    found += [(len(word), True) for word in afternoons if word in words]
    return max(found)[1] if found else None


@lru_cache(maxsize=1)
def day_period_words() -> tuple[frozenset[str], frozenset[str]]:
    """CLDR's words for morning and afternoon in every language we have a catalog for
    ("بعد الظهر", "in the afternoon", "ранку"), for "donderdagmiddag" in other languages,
    and the ones CLDR lacks from each language's answers.yml ("після обіду", "ንግሆ")."""
    mornings: set[str] = set()
    afternoons: set[str] = set()
    for language in answer_languages():
        mornings.update(language_words(language).mornings)
        afternoons.update(language_words(language).afternoons)
    for language in catalog_languages():
        periods = Locale.parse(language).day_periods
        for context in periods.values():
            for width in context.values():
                for period, name in width.items():
                    target = (mornings if period in ("am", "morning1", "morning2")
                              else afternoons if period in ("pm", "afternoon1", "afternoon2")
                              else None)
                    if target is not None and len(name) >= 3:  # not "AM"/"PM"
                        target.add(fold_letters(name.lower()))
    return frozenset(mornings), frozenset(afternoons)


@lru_cache(maxsize=1)
def relative_day_words() -> dict[str, int]:
    """"morgen" -> 1 in every language we have a catalog for, normalized, longest first (so
    "overmorgen" and "پس فردا" are not read as "morgen" and "فردا"). The words come from
    dateparser's locale data; where it has none (Tigrinya: only English words; "öbür gün",
    "بعد غد") from relative_days in locales/<lang>/answers.yml. Its vocabulary, not its
    parser: dateparser 1.2 reads a bare "2" as the 2nd of the month and "morgen om 2 uur"
    as two hours from now, and chat replies are full of both."""
    return _relative_words(DATEPARSER_RELATIVE_DAYS, lambda words: words.relative_days)


@lru_cache(maxsize=1)
def relative_week_words() -> dict[str, int]:
    """"volgende week" -> 1, "deze week" -> 0 in every language we have a catalog for,
    normalized, longest first: dateparser's words and ours (relative_weeks in
    locales/<lang>/answers.yml: "الاسبوع الجاي", "هفته بعد", "ዝመጽእ ሰሙን", "haftaya")."""
    return _relative_words(DATEPARSER_RELATIVE_WEEKS, lambda words: words.relative_weeks)


def _relative_words(dateparser_keys: dict[str, int],
                    ours: Callable[[LanguageWords], dict[str, int]]) -> dict[str, int]:
    """Word -> offset from dateparser's "relative-type" data of every catalog language, then
    our own words of answers.yml where it has none; normalized, longest first."""
    found: dict[str, int] = {}
    for language in catalog_languages():
        try:
            info = default_loader.get_locale(language.replace("_", "-")).info
        except (KeyError, ValueError):
            info = {}
        for key, offset in dateparser_keys.items():
            for word in info.get("relative-type", {}).get(key, []):
                found.setdefault(normalize(word), offset)
    for language in answer_languages():
        for word, offset in ours(language_words(language)).items():
            found.setdefault(word, offset)
    return dict(sorted(found.items(), key=lambda item: -len(item[0])))


def _relative_week(text: str) -> int | None:
    plain = normalize(text)
    for word, offset in relative_week_words().items():
        if word and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", plain):
            return offset
    return None


def _relative_day(text: str, today: date) -> date | None:
    plain = normalize(text)
    for word, offset in relative_day_words().items():
        if word and re.search(rf"(?<!\w){re.escape(word)}{_PART_OF_DAY}(?!\w)", plain):
            return today + timedelta(days=offset)
    return None


def _parse_day(words: str, today: date, weeks: int | None = None) -> date | None:
    """The day named; a weekday with a week ("volgende week dinsdag", "next week Tuesday",
    "الثلاثاء الأسبوع القادم") is that week's."""
    if (relative := _relative_day(words, today)) is not None:
        return relative
    if match := _ISO_DATE.search(words):
        return _safe_date(int(match[1]), int(match[2]), int(match[3]))
    weekdays, months = calendar_words()
    for match in _DAY_MONTH.finditer(words):
        if match[2] in months:
            year = int(match[3]) if match[3] else None
            return _with_year(int(match[1]), months[match[2]], year, today)
    for match in _NUMERIC_DATE.finditer(words):  # "9.30" is a time, not 9 of month 30
        year = int(match[3]) if match[3] else None
        if (found := _with_year(int(match[1]), int(match[2]), year, today)) is not None:
            return found
    for word, weekday in sorted(weekdays.items(), key=lambda item: -len(item[0])):
        if re.search(rf"\b{re.escape(word)}{_PART_OF_DAY}\b", words):
            in_week = (_monday(today) + timedelta(weeks=weeks, days=weekday)
                       if weeks is not None else None)
            if in_week is not None and in_week >= today:  # "deze week maandag" on a Sunday:
                return in_week                             # the next Monday
            return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
    return None


def _parse_time(words: str) -> time | None:
    if match := _CLOCK.search(words):
        return _safe_time(int(match[1]), int(match[2]))
    if match := _HALF.search(words):
        return _safe_time(_afternoon(int(match[1]) - 1), 30)
    if (hour := _half_in_words(words)) is not None:
        return _safe_time(_afternoon(hour - 1), 30)
    match = _HOUR.search(words)
    hour = int(match[1] or match[2]) if match else _hour_in_any_language(words)
    if hour is not None:
        return _safe_time(_afternoon(hour), 0)
    return None


def _afternoon(hour: int) -> int:
    """Nobody books at 2 at night: "om 2" and "half 3" are in the afternoon."""
    return hour + 12 if 1 <= hour <= 6 else hour


def _half_in_words(words: str) -> int | None:
    """"half elf" (10:30): Dutch counts the half hour towards the next."""
    tokens = normalize(words).split()
    _, spoken = _spoken_hour_tables()
    for index, token in enumerate(tokens[:-1]):
        if token == "half" and (hour := _hour_named(tokens[index + 1:index + 3], spoken,
                                                    from_start=True)) is not None:
            return hour
    return None


@lru_cache(maxsize=1)
def _hour_patterns() -> tuple[re.Pattern[str], ...]:
    """"saat 14", "о 14", "الساعة ٢", "at 2", "2 o'clock": an hour next to a word for it
    (hour_words of locales/<lang>/answers.yml)."""
    words = sorted({w for language in answer_languages()
                    for w in language_words(language).hour_words}, key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in words)
    return (re.compile(rf"(?<!\w)(?:{alternatives})\s*(\d{{1,2}})(?!\d)"),
            re.compile(rf"(?<![\d:])(\d{{1,2}})\s*(?:{alternatives})(?!\w)"))


def _hour_in_any_language(words: str) -> int | None:
    plain = normalize(words)
    for pattern in _hour_patterns():
        if match := pattern.search(plain):
            return int(match[1])
    return _spoken_hour(plain)


MAX_WORDS_IN_AN_HOUR = 3  # "احدى عشرة", "on bir de", "o'clock" after "eleven"


def _spoken_hour(plain: str) -> int | None:
    """An hour in words next to a word for an hour: "om tien uur", "at two", "two o'clock",
    "الساعة العاشرة", "о десятій", "saat onda", "ساعت ده". Only next to such a word, so
    "een afspraak" or "twee kinderen" is no time."""
    tokens = plain.split()
    hour_words, spoken = _spoken_hour_tables()
    for start in range(len(tokens)):
        for size in (2, 1):
            if " ".join(tokens[start:start + size]) not in hour_words:
                continue
            after = tokens[start + size:start + size + MAX_WORDS_IN_AN_HOUR]
            before = tokens[max(0, start - MAX_WORDS_IN_AN_HOUR):start]
            hour = _hour_named(after, spoken, from_start=True, hour_words=hour_words)
            if hour is None:
                hour = _hour_named(before, spoken, from_start=False)
            if hour is not None:
                return hour
    return None


def _hour_named(tokens: list[str], spoken: dict[str, int], from_start: bool,
                hour_words: frozenset[str] = frozenset()) -> int | None:
    """The longest run of words at the start (or end) of ``tokens`` that names an hour. After
    an hour word, a number word that is also a small word of some language ("om een
    afspraak te maken") counts only at the end or before another hour word ("om een uur")."""
    for size in range(len(tokens), 0, -1):
        window = tokens[:size] if from_start else tokens[-size:]
        hour = spoken.get("".join(window))
        if hour is None:
            continue
        rest = tokens[size:]
        if from_start and size == 1 and window[0] in all_filler() and rest \
                and rest[0] not in hour_words:
            continue
        return hour
    return None



@lru_cache(maxsize=1)
def _spoken_hour_tables() -> tuple[frozenset[str], dict[str, int]]:
    """Every language's hour words, and its words for the hours 1-23: number words
    (numbers of answers.yml) and the forms only used for hours (hour_names)."""
    hour_words: set[str] = set()
    spoken: dict[str, int] = {}
    for language in answer_languages():
        words = language_words(language)
        hour_words.update(words.hour_words)
        spoken.update({word: hour for word, hour in words.hour_names.items()})
        for word, number in words.numbers.items():
            if 1 <= number <= 23:
                spoken.setdefault(word, number)
    return frozenset(hour_words), spoken


def _with_year(day: int, month: int, year: int | None, today: date) -> date | None:
    if year is not None:
        return _safe_date(year + 2000 if year < 100 else year, month, day)
    candidate = _safe_date(today.year, month, day)
    if candidate is not None and candidate < today - timedelta(days=31):
        return _safe_date(today.year + 1, month, day)  # "3 januari" typed in December
    return candidate


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _safe_time(hour: int, minute: int) -> time | None:
    try:
        return time(hour, minute)
    except ValueError:
        return None


def combine(day: date, at: time, zone) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


# A booking reference as we print it ("KXR-7TM", typed in any case) or in capitals without
# its hyphen ("KXRPTM").
_REFERENCE = re.compile(r"[a-z0-9]{3}-[a-z0-9]{3}", re.IGNORECASE)
_REFERENCE_CAPITALS = re.compile(r"[A-Z0-9]{6}")
_CLOCK_WORDS = frozenset({"am", "pm", "uur", "u", "h", "o'clock", "oclock"})


def without_dates_and_references(text: str) -> str:
    """``text`` without what is the same in every language: words holding a digit ("14:00",
    "3e", "ABC-123"), a booking reference, and the names of days, months, relative days and
    hours ("7 december", "maandag 9:00", "10 am"). What is left tells the language a message
    is written in; nothing is left of "ABC-123" or "7 december 10:30"."""
    weekdays, months = calendar_words()
    hour_words = _all_hour_words()
    kept = []
    for token in text.split():
        bare = token.strip(".,;:!?()[]\"'«»،؛؟")
        if not bare or any(ch.isdigit() for ch in bare):
            continue
        if _REFERENCE.fullmatch(bare) or _REFERENCE_CAPITALS.fullmatch(bare):
            continue
        folded = fold_letters(bare.lower())
        plain = normalize(bare)
        if (folded in weekdays or folded in months or plain in relative_day_words()
                or plain in hour_words):
            continue
        kept.append(token)
    return " ".join(kept)


@lru_cache(maxsize=1)
def _all_hour_words() -> frozenset[str]:
    return _CLOCK_WORDS.union(*(language_words(language).hour_words
                                for language in answer_languages()))
