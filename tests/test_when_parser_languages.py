"""Typed days and times in every language: relative days (dateparser's words, ours where it
has none), an hour said with each language's own word, and an hour alone, which the booking
form then keeps on the day narrowed to before (tests/actions/test_typed_answers_actions.py)."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest

from assistant.language_data import catalog_languages
from assistant.typed_answers.vocabulary import answer_word_problems
from assistant.when_parser import parse_when

MONDAY = date(2026, 11, 23)
TOMORROW, DAY_AFTER = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)


@pytest.mark.parametrize(("typed", "day"), [
    ("morgen", TOMORROW), ("Morgen graag", TOMORROW), ("morgenmiddag", TOMORROW),
    ("overmorgen", DAY_AFTER), ("vandaag", MONDAY),
    ("tomorrow", TOMORROW), ("Tomorrow please", TOMORROW), ("the day after tomorrow", DAY_AFTER),
    ("завтра", TOMORROW), ("Завтра", TOMORROW), ("післязавтра", DAY_AFTER),
    ("yarın", TOMORROW), ("yarin", TOMORROW), ("öbür gün", DAY_AFTER),
    ("غدا", TOMORROW), ("غداً", TOMORROW), ("بكرة", TOMORROW), ("بعد غد", DAY_AFTER),
    ("فردا", TOMORROW), ("پس‌فردا", DAY_AFTER), ("پس فردا", DAY_AFTER),
    ("ጽባሕ", TOMORROW), ("ድሕሪ ጽባሕ", DAY_AFTER), ("ሎሚ", MONDAY),
])
def test_relative_days_in_every_language(typed: str, day: date) -> None:
    assert parse_when(typed, MONDAY).day == day


@pytest.mark.parametrize(("typed", "day", "at"), [
    ("morgen om 10 uur", TOMORROW, time(10)), ("tomorrow at 2", TOMORROW, time(14)),
    ("завтра о 14", TOMORROW, time(14)), ("yarın saat 11", TOMORROW, time(11)),
    ("غدا الساعة ١٠", TOMORROW, time(10)), ("فردا ساعت ۱۰", TOMORROW, time(10)),
    ("ጽባሕ ሰዓት 10", TOMORROW, time(10)), ("вівторок о 10", TOMORROW, time(10)),
])
def test_a_day_and_an_hour_in_every_language(typed: str, day: date, at: time) -> None:
    parsed = parse_when(typed, MONDAY)
    assert (parsed.day, parsed.at) == (day, at)


@pytest.mark.parametrize(("typed", "at"), [
    ("14:00", time(14)), ("om 2 uur", time(14)), ("om 2", time(14)), ("2 uur", time(14)),
    ("at 2", time(14)), ("2 pm", time(14)), ("о 14", time(14)), ("saat 14'te", time(14)),
    ("الساعة ٢", time(14)), ("ساعت ۱۴", time(14)), ("ሰዓት 10", time(10)), ("١٤:٠٠", time(14)),
])
def test_an_hour_alone_has_no_day(typed: str, at: time) -> None:
    """No day: the form keeps the one narrowed to before ("dinsdagmiddag", then "14:00")."""
    parsed = parse_when(typed, MONDAY)
    assert (parsed.day, parsed.at) == (None, at)


@pytest.mark.parametrize("typed", ["kunt u 3 tijden geven", "goedemorgen", "ik heb 2 kinderen",
                                   "'s morgens", "morning"])
def test_words_that_are_no_day_nor_hour(typed: str) -> None:
    parsed = parse_when(typed, MONDAY)
    assert parsed.day is None and parsed.at is None


@pytest.mark.parametrize("language", catalog_languages())
def test_every_language_has_its_answer_words(language: str) -> None:
    assert answer_word_problems(language) == []


@pytest.mark.parametrize(("typed", "at"), [
    ("om tien uur", time(10)), ("tien uur", time(10)), ("om twee", time(14)),
    ("om een uur", time(13)), ("half elf", time(10, 30)), ("half drie", time(14, 30)),
    ("at two", time(14)), ("two o'clock", time(14)), ("at eleven", time(11)),
    ("الساعة عشرة", time(10)), ("الساعة العاشرة", time(10)), ("الساعة الحادية عشرة", time(11)),
    ("الساعة اتنين", time(14)), ("о десятій", time(10)), ("о другій", time(14)),
    ("saat on", time(10)), ("saat onda", time(10)), ("saat on birde", time(11)),
    ("ساعت ده", time(10)), ("ساعت یازده", time(11)),
])
def test_an_hour_in_words(typed: str, at: time) -> None:
    """People on phones write the hour as they say it; digits are not the only way."""
    assert parse_when(typed, MONDAY).at == at


@pytest.mark.parametrize("typed", [
    "ik bel om een afspraak te maken", "I have two kids at home", "ik heb twee kinderen",
    "om de tweede", "tien minuten",
])
def test_number_words_that_are_no_hour(typed: str) -> None:
    assert parse_when(typed, MONDAY).at is None


@pytest.mark.parametrize(("typed", "weekday"), [
    ("на пʼятницю", 4), ("на п'ятницю", 4), ("в середу", 2), ("у неділю", 6),
    ("cumaya", 4), ("salıya alabilir miyim", 1), ("у вівторок", 1)])
def test_weekdays_as_written_after_a_preposition(typed: str, weekday: int) -> None:
    """CLDR names the weekday; people write it inflected ("на пʼятницю", "cumaya")."""
    assert parse_when(typed, MONDAY).day.weekday() == weekday


@pytest.mark.parametrize(("typed", "weekday"), [
    ("الأحد", 6), ("الاحد", 6), ("الإثنين", 0), ("الاثنين", 0), ("يوم الأربعاء", 2),
    ("يوم الاربعاء", 2), ("الخميس", 3), ("الجمعة", 4), ("الجمعه", 4), ("سه‌شنبه", 1),
    ("سه شنبه", 1), ("سهشنبه", 1), ("سه شنبة", 1), ("پنجشنبه", 3), ("پنج شنبه", 3),
    ("جمعه", 4), ("یکشنبه", 6), ("يكشنبه", 6)])
def test_arabic_script_weekdays_as_phones_type_them(typed: str, weekday: int) -> None:
    """With or without hamza, ة or ه, Persian or Arabic yeh, with a joiner, a space or
    nothing (nlu_components/spelling.py): "الاحد" was not understood, "الأحد" was."""
    assert parse_when(typed, MONDAY).day.weekday() == weekday


NEXT_MONDAY = MONDAY + timedelta(days=7)
THURSDAY = MONDAY + timedelta(days=3)


@pytest.mark.parametrize(("typed", "day"), [
    ("volgende week dinsdag", NEXT_MONDAY + timedelta(days=1)),
    ("dinsdag volgende week", NEXT_MONDAY + timedelta(days=1)),
    ("next week Tuesday", NEXT_MONDAY + timedelta(days=1)),
    ("Tuesday next week", NEXT_MONDAY + timedelta(days=1)),
    ("الثلاثاء الأسبوع القادم", NEXT_MONDAY + timedelta(days=1)),
    ("الاسبوع الجاي يوم الاحد", NEXT_MONDAY + timedelta(days=6)),
    ("سه شنبه هفته بعد", NEXT_MONDAY + timedelta(days=1)),
    ("ኣብ ዝመጽእ ሰሙን ሰሉስ", NEXT_MONDAY + timedelta(days=1)),
    ("gelecek hafta salı", NEXT_MONDAY + timedelta(days=1)),
    ("haftaya perşembe", NEXT_MONDAY + timedelta(days=3)),
    ("наступного тижня у вівторок", NEXT_MONDAY + timedelta(days=1)),
    ("на наступному тижні в середу", NEXT_MONDAY + timedelta(days=2)),
    ("deze week donderdag", THURSDAY), ("this week Thursday", THURSDAY),
])
def test_a_weekday_of_next_week_in_every_language(typed: str, day: date) -> None:
    """Only Dutch "volgende week dinsdag" was next week's Tuesday; "next week Tuesday",
    "gelecek hafta salı", "наступного тижня у вівторок" were tomorrow (a Tuesday)."""
    assert parse_when(typed, MONDAY).day == day


@pytest.mark.parametrize("typed", [
    "volgende week", "komende week", "next week", "الأسبوع القادم", "الاسبوع الجاي",
    "هفته آینده", "هفته بعد", "ዝመጽእ ሰሙን", "haftaya", "gelecek hafta", "önümüzdeki hafta",
    "наступного тижня", "наступний тиждень"])
def test_next_week_without_a_day_is_that_week(typed: str) -> None:
    parsed = parse_when(typed, THURSDAY)
    assert (parsed.day, parsed.week) == (None, NEXT_MONDAY)


@pytest.mark.parametrize(("typed", "weekday"), [
    ("persembe ogleden sonra", 3), ("sali", 1), ("carsambaya alabilir miyim", 2),
    ("cumartesi", 5), ("perşembe", 3)])
def test_turkish_weekdays_typed_without_turkish_letters(typed: str, weekday: int) -> None:
    """"persembe ogleden sonra" (typed through the web chat) offered Monday afternoon."""
    assert parse_when(typed, MONDAY).day.weekday() == weekday


def test_no_weekday_from_a_short_name_without_its_accent() -> None:
    assert parse_when("I need a car", MONDAY).day is None  # "çar" is Wednesday


def test_next_tuesday_in_ukrainian_genitive() -> None:
    assert parse_when("наступного вівторка", MONDAY).day == MONDAY + timedelta(days=1)


def _example_of_ask_time(language: str) -> str:
    """The day typed in the example of "Choose a time, or type a day (for example: ...)"."""
    from babel.messages.pofile import read_po

    from assistant.settings import PROJECT_ROOT

    path = PROJECT_ROOT / "locales" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        text = read_po(po).get("booking.ask_time").string
    return re.search(r"\((?:[^:()]*):\s*([^()]+)\)", text)[1]


@pytest.mark.parametrize("language", catalog_languages())
def test_the_example_each_language_gives_is_understood(language: str) -> None:
    """The Ukrainian and Tigrinya prompts suggested "четвер після обіду" and "ሓሙስ ድሕሪ
    ቀትሪ", and the afternoon of both was not understood (CLDR has no such day period)."""
    example = _example_of_ask_time(language)
    parsed = parse_when(example, MONDAY)
    assert parsed.day == MONDAY + timedelta(days=3), example  # a Thursday
    assert parsed.afternoon is True or parsed.at is not None, example


@pytest.mark.parametrize(("typed", "afternoon"), [
    ("donderdagvoormiddag", False), ("vrijdagmiddag", True), ("morgenochtend", False),
    ("четвер вранці", False), ("в понеділок зранку", False), ("по обіді", True),
    ("الخميس صباحا", False), ("في الصباح", False), ("العصر", True),
    ("ሓሙስ ንግሆ", False), ("ብንግሆ", False), ("ድሕሪ ቀትሪ", True),
    ("پنجشنبه بعد از ظهر", True), ("قبل از ظهر", False), ("sabahleyin", False),
    # as typed: الضهر for الظهر, Levantine العصرية, Turkish öğlen (noon, the afternoon)
    ("بكرا الضهر", True), ("بكرا بعد الضهر", True), ("الخميس العصرية", True),
    ("yarın öğlen", True), ("öğleden önce", False),
])
def test_mornings_and_afternoons_in_every_language(typed: str, afternoon: bool) -> None:
    assert parse_when(typed, MONDAY).afternoon is afternoon


def test_a_greeting_is_no_morning() -> None:
    assert parse_when("صباح الخير، أريد موعدا", MONDAY).afternoon is None
