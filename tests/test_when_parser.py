"""Typed days and times in Dutch."""

from __future__ import annotations

from datetime import date, time

import pytest

from assistant.when_parser import parse_when

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize(("typed", "day", "at"), [
    ("dinsdag om 10 uur", date(2026, 11, 24), time(10, 0)),
    ("24-11", date(2026, 11, 24), None),
    ("24/11/2026 9:30", date(2026, 11, 24), time(9, 30)),
    ("2026-11-25", date(2026, 11, 25), None),
    ("24 november 9.30", date(2026, 11, 24), time(9, 30)),
    ("morgen", date(2026, 11, 24), None),
    ("overmorgen om 2", date(2026, 11, 25), time(14, 0)),
    ("half 11 op donderdag", date(2026, 11, 26), time(10, 30)),
    ("maandag", date(2026, 11, 30), None),  # today is Monday: the next one
    ("volgende week woensdag", date(2026, 12, 2), None),
    ("3 januari", date(2027, 1, 3), None),  # a past month means next year
    ("3 januari 2020 om 10 uur", date(2020, 1, 3), time(10, 0)),
    ("gisteren", date(2026, 11, 22), None),
    ("31-02", None, None),
])
def test_days_and_times(typed: str, day: date | None, at: time | None) -> None:
    parsed = parse_when(typed, MONDAY)
    assert (parsed.day, parsed.at) == (day, at)


@pytest.mark.parametrize(("typed", "ordinal"), [
    ("de eerste", 1), ("doe maar de tweede", 2), ("3e", 3), ("de laatste graag", -1)])
def test_choices_from_the_list(typed: str, ordinal: int) -> None:
    assert parse_when(typed, MONDAY).ordinal == ordinal


def test_part_of_day_and_nonsense() -> None:
    assert parse_when("donderdagmiddag", MONDAY).afternoon is True
    assert parse_when("morgenochtend", MONDAY).afternoon is False
    assert not parse_when("geen idee", MONDAY).understood


@pytest.mark.parametrize(("typed", "day", "at"), [
    ("الثلاثاء ١٠:٣٠", date(2026, 11, 24), time(10, 30)),      # Arabic, Arabic-Indic digits
    ("سه‌شنبه ساعت ۱۰:۳۰", date(2026, 11, 24), time(10, 30)),  # Persian digits
    ("سه شنبه ۱۰:۰۰", date(2026, 11, 24), time(10, 0)),       # a space, not "شنبه"
    ("پنجشنبه", date(2026, 11, 26), None),
    ("ሰሉስ 10:30", date(2026, 11, 24), time(10, 30)),           # Tigrinya
    ("вівторок о 10:30", date(2026, 11, 24), time(10, 30)),     # Ukrainian
    ("pazartesi 9:00", date(2026, 11, 30), time(9, 0)),         # not "pazar" (Sunday)
    ("Friday 14:00", date(2026, 11, 27), time(14, 0)),
    ("3 грудня", date(2026, 12, 3), None),
    ("٣-١٢", date(2026, 12, 3), None),
])
def test_weekdays_months_and_digits_of_every_language(typed: str, day: date,
                                                     at: time | None) -> None:
    parsed = parse_when(typed, MONDAY)
    assert (parsed.day, parsed.at) == (day, at)


@pytest.mark.parametrize(("typed", "afternoon"), [
    ("الخميس بعد الظهر", True), ("Thursday afternoon", True), ("четвер ранку", False),
    ("perşembe öğleden sonra", True), ("پنجشنبه صبح", False)])
def test_morning_or_afternoon_in_other_languages(typed: str, afternoon: bool) -> None:
    parsed = parse_when(typed, MONDAY)
    assert (parsed.day, parsed.afternoon) == (date(2026, 11, 26), afternoon)
