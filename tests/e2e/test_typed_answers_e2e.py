"""Typing every answer, never pressing a button, through the web chat API with the real Rasa
and action servers: per language a booking and an eligibility check to its outcome (the
language itself chosen by typing its name), and the six checks typed in Dutch."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from aiohttp.test_utils import TestClient

from bot.i18n import Translator
from bot.web.server import SESSION_COOKIE, sender_id_for
from tests.e2e.test_dutch_conversation import appointments_of
from tests.e2e.test_languages_e2e import Screen, payloads, post, texts, typed

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Typing:
    """How a person writes in one language (none of it is a button's payload)."""

    language_name: str
    first: str
    yes: str
    age: str
    dont_know: str


TYPING = {
    "nl": Typing("nederlands", "de eerste", "ja", "vierentwintig", "weet ik niet"),
    "en": Typing("English", "the first one", "yes", "twenty-four", "I don't know"),
    "ar": Typing("العربية", "الأول", "نعم", "أربعة وعشرون", "لا أعرف"),
    "ti": Typing("ትግርኛ", "ቀዳማይ", "እወ", "ዕስራን ኣርባዕተን", "ኣይፈልጥን"),
    "fa": Typing("فارسی", "اولی", "بله", "بیست و چهار", "نمی‌دانم"),
    "tr": Typing("Türkçe", "birincisi", "evet", "yirmi dört", "bilmiyorum"),
    "uk": Typing("Українська", "перший", "так", "двадцять чотири", "не знаю"),
}


def screen_for(live_settings, language: str) -> Screen:
    return Screen(Translator(live_settings.locales_dir, "nl", live_settings.timezone), language)


def not_understood(screen: Screen, answer: dict) -> bool:
    """Whether a check said it did not understand (a number's or a choice's wording)."""
    return any(screen.text(key) in texts(answer)
               for key in ("check.not_understood", "check.not_understood_choice"))


async def type_language(web: TestClient, screen: Screen, language: str) -> None:
    start = await web.post("/api/start", json={})
    assert start.status == 200
    answer = await post(web, {"text": TYPING[language].language_name})
    assert texts(answer) == screen.text("language.changed"), texts(answer)


@pytest.mark.parametrize("language", list(TYPING))
async def test_a_typed_booking_in_every_language(web: TestClient, live_settings,
                                                 language: str) -> None:
    screen, typing = screen_for(live_settings, language), TYPING[language]
    await type_language(web, screen, language)

    answer = await post(web, {"text": typed(language, "book_appointment")})
    assert screen.first_line("booking.ask_team") in texts(answer), texts(answer)
    team_title = screen.text("team.klantmanager.name").lower()  # as on its button
    answer = await post(web, {"text": team_title})
    assert screen.first_line("booking.ask_time") in texts(answer), texts(answer)
    first_time = next(json.loads(p.split("/inform", 1)[1])["appointment_time"]
                      for p in payloads(answer) if "appointment_time" in p)

    answer = await post(web, {"text": typing.first})
    assert screen.first_line("booking.ask_confirm") in texts(answer), texts(answer)
    answer = await post(web, {"text": typing.yes})
    token = next(c.value for c in web.session.cookie_jar if c.key == SESSION_COOKIE)
    [booked] = appointments_of(live_settings.database_url, sender_id_for(token))
    assert booked.team_code == "klantmanager"
    start = booked.start if booked.start.tzinfo else booked.start.replace(tzinfo=timezone.utc)
    assert start == datetime.fromisoformat(first_time)  # "the first one" offered
    assert booked.reference in texts(answer)


@pytest.mark.parametrize("language", list(TYPING))
async def test_a_typed_check_to_its_outcome_in_every_language(web: TestClient, live_settings,
                                                              language: str) -> None:
    screen, typing = screen_for(live_settings, language), TYPING[language]
    await type_language(web, screen, language)

    answer = await post(web, {"text": typed(language, "check_newcomer_route")})
    assert not not_understood(screen, answer)  # the opening message is no answer
    # it names the group ("als statushouder"): that question is answered, the age comes next
    assert screen.first_line("check.question.migrant_group") not in texts(answer)
    assert screen.first_line("check.question.age") in texts(answer), texts(answer)
    answer = await post(web, {"text": typing.age})
    assert screen.first_line("check.question.has_studiefinanciering_right") in texts(answer), \
        texts(answer)

    outcome = screen.first_line("check.outcome.title")
    replies = iter([typing.dont_know, typing.yes, typing.yes, typing.yes])
    while outcome not in texts(answer):
        assert not not_understood(screen, answer), texts(answer)
        answer = await post(web, {"text": next(replies)})
    text = texts(answer)
    assert not not_understood(screen, answer), text
    assert screen.first_line("check.outcome.municipality_decides") in text, text
    assert any(p.startswith("/book_appointment") for p in payloads(answer))


def buttons_of(answer: dict) -> list[dict]:
    return [b for m in answer["messages"] for b in m["buttons"]]


def typed_reply(answer: dict, turn: int) -> str:
    """What a person types to the question on screen: a yes/no in words (with a typo now and
    then), the title of a button with a small typo, or an age in words."""
    choices = [b for b in buttons_of(answer) if '"choice"' in b["payload"]]
    values = [b["payload"] for b in choices]
    if '/inform{"choice":"true"}' in values:
        return ["ja", "nee hoor", "jaa", "weet ik niet", "klopt"][turn % 5]
    real = [b for b in choices if '"unknown"' not in b["payload"]]
    if real:
        title = re.sub(r"\s*\(.*?\)", "", real[min(1, len(real) - 1)]["title"]).lower()
        return title[:-1] if len(title) > 8 else title  # "logistiek en transpor"
    return "drie" if "kind" in texts(answer) else "vierentwintig"


@pytest.mark.parametrize("check", ["check_hiring_support", "check_placement_type",
                                   "check_newcomer_route", "check_training_funding",
                                   "check_parent_exemption", "check_self_employment"])
async def test_the_six_checks_typed_in_dutch(web: TestClient, live_settings, check: str) -> None:
    screen = screen_for(live_settings, "nl")
    await type_language(web, screen, "nl")
    answer = await post(web, {"text": typed("nl", check)})
    outcome = screen.first_line("check.outcome.title")
    for turn in range(8):
        assert not not_understood(screen, answer), texts(answer)
        if outcome in texts(answer):
            break
        answer = await post(web, {"text": typed_reply(answer, turn)})
    else:
        pytest.fail(f"no outcome after 8 typed answers: {texts(answer)}")
    assert "De gemeente beslist" in texts(answer)
    assert any(p.startswith("/book_appointment") for p in payloads(answer))


async def test_a_typed_hour_after_a_narrowed_day_stays_on_that_day(web: TestClient,
                                                                   live_settings) -> None:
    """"dinsdagmiddag", then an hour: that Tuesday at that hour, not that hour on any day."""
    screen = screen_for(live_settings, "nl")
    await type_language(web, screen, "nl")
    await post(web, {"text": "ik wil een afspraak maken"})
    await post(web, {"text": "klantmanager"})
    answer = await post(web, {"text": "dinsdagmiddag"})
    offered = [datetime.fromisoformat(json.loads(p.split("/inform", 1)[1])["appointment_time"])
               for p in payloads(answer) if "appointment_time" in p]
    assert offered, texts(answer)
    zone = offered[0].tzinfo
    assert {m.weekday() for m in offered} == {1} and all(m.hour >= 12 for m in offered)
    chosen = offered[-1]
    answer = await post(web, {"text": chosen.strftime("%H:%M")})  # e.g. "14:00", no day
    assert screen.first_line("booking.ask_confirm") in texts(answer), texts(answer)
    answer = await post(web, {"text": "ja graag"})
    token = next(c.value for c in web.session.cookie_jar if c.key == SESSION_COOKIE)
    [booked] = appointments_of(live_settings.database_url, sender_id_for(token))
    start = booked.start if booked.start.tzinfo else booked.start.replace(tzinfo=timezone.utc)
    assert start.astimezone(zone) == chosen


DUTCH_HOURS = {9: "negen", 10: "tien", 11: "elf", 12: "twaalf", 13: "een", 14: "twee",
               15: "drie", 16: "vier"}


async def test_an_hour_in_words_after_a_narrowed_morning(web: TestClient,
                                                         live_settings) -> None:
    """"dinsdagochtend", then "dat weet ik nog niet" (how to ask for another day or stop, and
    the morning still holds), then "om tien uur": that Tuesday at ten."""
    screen = screen_for(live_settings, "nl")
    await type_language(web, screen, "nl")
    await post(web, {"text": "ik wil een afspraak maken"})
    await post(web, {"text": "klantmanager"})
    await post(web, {"text": "dinsdagochtend"})
    answer = await post(web, {"text": "dat weet ik nog niet"})
    assert screen.first_line("booking.no_time_suits") in texts(answer), texts(answer)
    assert "/stop" in payloads(answer)
    offered = [datetime.fromisoformat(json.loads(p.split("/inform", 1)[1])["appointment_time"])
               for p in payloads(answer) if "appointment_time" in p]
    zone = offered[0].tzinfo
    assert {m.weekday() for m in offered} == {1} and all(m.hour < 12 for m in offered)
    chosen = next(m for m in offered if m.minute == 0 and m.hour in DUTCH_HOURS)
    answer = await post(web, {"text": f"om {DUTCH_HOURS[chosen.hour]} uur"})
    assert screen.first_line("booking.ask_confirm") in texts(answer), texts(answer)
    await post(web, {"text": "ja"})
    token = next(c.value for c in web.session.cookie_jar if c.key == SESSION_COOKIE)
    [booked] = appointments_of(live_settings.database_url, sender_id_for(token))
    start = booked.start if booked.start.tzinfo else booked.start.replace(tzinfo=timezone.utc)
    assert start.astimezone(zone) == chosen


async def test_a_day_typed_before_the_team_is_kept(web: TestClient, live_settings) -> None:
    """"tomorrow afternoon" as the answer to "who with?": the teams again, then the times
    offered are tomorrow afternoon's (or, when it has none, the message that says so)."""
    screen = screen_for(live_settings, "en")
    await type_language(web, screen, "en")
    answer = await post(web, {"text": typed("en", "book_appointment")})
    assert screen.first_line("booking.ask_team") in texts(answer), texts(answer)
    answer = await post(web, {"text": "tomorrow afternoon"})
    assert screen.text("booking.time_noted_team_first") in texts(answer), texts(answer)
    assert screen.first_line("booking.ask_team") in texts(answer), texts(answer)
    answer = await post(web, {"text": screen.text("team.klantmanager.name").lower()})
    offered = [datetime.fromisoformat(json.loads(p.split("/inform", 1)[1])["appointment_time"])
               for p in payloads(answer) if "appointment_time" in p]
    assert offered, texts(answer)
    zone = offered[0].tzinfo
    tomorrow = (datetime.now(zone) + timedelta(days=1)).date()
    if screen.text("booking.no_times_as_preferred") not in texts(answer):
        assert {m.date() for m in offered} == {tomorrow}
        assert all(m.hour >= 12 for m in offered)


async def test_a_day_in_the_message_that_asks_for_an_appointment(web: TestClient,
                                                                 live_settings) -> None:
    """"ik wil donderdagmiddag een afspraak bij de klantmanager": Thursday afternoon's times."""
    screen = screen_for(live_settings, "nl")
    await type_language(web, screen, "nl")
    answer = await post(web, {"text": "ik wil donderdagmiddag een afspraak bij de klantmanager"})
    offered = [datetime.fromisoformat(json.loads(p.split("/inform", 1)[1])["appointment_time"])
               for p in payloads(answer) if "appointment_time" in p]
    assert offered, texts(answer)
    if screen.text("booking.no_times_as_preferred") not in texts(answer):
        assert {m.weekday() for m in offered} == {3} and all(m.hour >= 12 for m in offered)


@pytest.mark.parametrize(("language", "opening", "first_answer", "skipped", "next_question"), [
    ("nl", "ik ben 24 jaar en nieuw in Nederland, welke route past bij mij?", "statushouder",
     "check.question.age", "check.question.has_studiefinanciering_right"),
    # "alleenstaande moeder" and the child's age: the first question is about bijstand
    ("nl", "ik ben alleenstaande moeder van een kind van 3, moet ik werken?", "ja",
     "check.question.youngest_child_age", "check.question.needs_childcare"),
    ("ar", "أنا أم عزباء وطفلي عمره ٣ سنوات، هل يجب أن أعمل؟", "نعم",
     "check.question.youngest_child_age", "check.question.needs_childcare"),
    ("uk", "Я мати-одиначка, моїй дитині 3 роки, чи мушу я працювати?", "так",
     "check.question.youngest_child_age", "check.question.needs_childcare"),
    ("en", "I'm a single mum, my daughter is 3. Do I have to work?", "yes",
     "check.question.is_single_parent", "check.question.needs_childcare"),
])
async def test_an_age_in_the_opening_message_is_not_asked_again(
        web: TestClient, live_settings, language: str, opening: str, first_answer: str,
        skipped: str, next_question: str) -> None:
    """The opening message is no answer, but the age (or the child's age) in it is one."""
    screen = screen_for(live_settings, language)
    await type_language(web, screen, language)
    answer = await post(web, {"text": opening})
    assert not not_understood(screen, answer)
    answer = await post(web, {"text": first_answer})
    assert screen.first_line(skipped) not in texts(answer), texts(answer)
    assert screen.first_line(next_question) in texts(answer), texts(answer)


@pytest.mark.parametrize(("language", "team_word", "team"), [
    ("nl", "schulden", "schuldhulp"), ("nl", "de tweede", "werkgeversservicepunt"),
    ("en", "debts", "schuldhulp"), ("uk", "третій", "taal_inburgering")])
async def test_a_team_typed_as_a_word_or_an_ordinal(web: TestClient, live_settings,
                                                    language: str, team_word: str,
                                                    team: str) -> None:
    """A word that is also a topic ("schulden") answers the team question while it is asked."""
    screen = screen_for(live_settings, language)
    await type_language(web, screen, language)
    answer = await post(web, {"text": typed(language, "book_appointment")})
    assert screen.first_line("booking.ask_team") in texts(answer), texts(answer)
    answer = await post(web, {"text": team_word})
    team_name = {"type": "msg", "key": f"team.{team}.name", "args": {}}
    assert screen.text("booking.ask_time", team=team_name).split("\n")[0] in texts(answer), \
        texts(answer)


@pytest.mark.parametrize(("language", "yes_with_more", "yes"), [
    ("nl", "ja, en hoe zit het met mijn bijstand?", "ja graag"),
    ("en", "yes, and how about my vacancy?", "yes please")])
async def test_a_yes_with_a_new_question_books_nothing(web: TestClient, live_settings,
                                                       language: str, yes_with_more: str,
                                                       yes: str) -> None:
    """A yes followed by a new question at the booking's confirmation books nothing: the
    person is told why and asked again; a plain yes then books."""
    screen = screen_for(live_settings, language)
    await type_language(web, screen, language)
    await post(web, {"text": typed(language, "book_appointment")})
    await post(web, {"text": screen.text("team.klantmanager.name").lower()})
    answer = await post(web, {"text": TYPING[language].first})
    assert screen.first_line("booking.ask_confirm") in texts(answer), texts(answer)

    answer = await post(web, {"text": yes_with_more})
    assert screen.text("answer.with_more") in texts(answer), texts(answer)
    assert screen.first_line("booking.ask_confirm") in texts(answer), texts(answer)
    token = next(c.value for c in web.session.cookie_jar if c.key == SESSION_COOKIE)
    assert appointments_of(live_settings.database_url, sender_id_for(token)) == []

    answer = await post(web, {"text": yes})
    [booked] = appointments_of(live_settings.database_url, sender_id_for(token))
    assert booked.reference in texts(answer)


@pytest.mark.parametrize(("language", "yes_with_more"), [
    ("nl", "ja we hebben een vacature"), ("tr", "evet, peki benim iş ilanım ne olacak?")])
async def test_a_yes_with_another_topic_does_not_answer_a_check_question(
        web: TestClient, live_settings, language: str, yes_with_more: str) -> None:
    """"Heeft de kandidaat een vastgestelde arbeidsbeperking?" -- "ja we hebben een vacature":
    no answer to this question; it comes again, and a plain yes answers it."""
    screen = screen_for(live_settings, language)
    await type_language(web, screen, language)
    answer = await post(web, {"text": typed(language, "check_hiring_support")})
    question = screen.first_line("check.question.candidate_has_work_disability")
    assert question in texts(answer), texts(answer)

    answer = await post(web, {"text": yes_with_more})
    assert screen.text("answer.with_more") in texts(answer), texts(answer)
    assert question in texts(answer), texts(answer)
    answer = await post(web, {"text": TYPING[language].yes})
    assert not not_understood(screen, answer), texts(answer)
    assert question not in texts(answer), texts(answer)
    assert screen.first_line("check.question.candidate_can_earn_minimum_wage") in texts(answer)


@pytest.mark.parametrize(("language", "yes_and_the_wish"), [
    ("nl", "ja graag een afspraak"),
    ("en", "yes please, I'd like an appointment"),
    ("uk", "так, я хочу записатися на прийом"),
    ("ar", "نعم، أريد موعدا"),
])
async def test_a_yes_with_the_wish_to_an_offer_books_with_that_team(
        web: TestClient, live_settings, language: str, yes_and_the_wish: str) -> None:
    """"Wilt u hierover praten met een klantmanager?" -- "ja graag een afspraak": the times of
    that team, not "bedoelt u ...?" (the message was split between yes and booking)."""
    screen = screen_for(live_settings, language)
    await type_language(web, screen, language)
    answer = await post(web, {"text": typed(language, "apply_benefit")})
    assert any('"team":"klantmanager"' in p for p in payloads(answer)), texts(answer)

    answer = await post(web, {"text": yes_and_the_wish})
    offered = [json.loads(p.split("/inform", 1)[1]) for p in payloads(answer)
               if "appointment_time" in p]
    assert offered and {o["team"] for o in offered} == {"klantmanager"}, texts(answer)


async def test_a_typed_title_the_nlu_reads_as_stop_answers_the_question(
        web: TestClient, live_settings) -> None:
    """"geen van deze" to "Staat de kandidaat in het doelgroepregister van UWV?" ended the
    check ("Oké, ik ben gestopt"): the NLU read it as stop. Typed, it is the button."""
    screen = screen_for(live_settings, "nl")
    await type_language(web, screen, "nl")
    await post(web, {"text": typed("nl", "check_hiring_support")})
    register = screen.first_line("check.question.no_riskpolis_group")
    answer = await post(web, {"text": "ja"})  # a work disability; then whatever comes
    for reply in ("nee", "weet ik niet", "ja", "ja"):
        if register in texts(answer):
            break
        answer = await post(web, {"text": reply})
    assert register in texts(answer), texts(answer)
    answer = await post(web, {"text": "geen van deze"})
    assert screen.text("form.stopped") not in texts(answer), texts(answer)
    assert register not in texts(answer), texts(answer)
