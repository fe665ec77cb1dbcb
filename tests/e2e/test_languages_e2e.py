"""A booking, a policy question and a change of language mid-conversation, typed in each
language, through the web chat API, the gateway, the real Rasa server and action server.

What people type is taken from each language's own training data (the first plain example
of an intent), so the test follows the data rather than fixing sentences here."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from assistant.language_data import training_examples
from bot.i18n import Translator
from bot.web.server import SESSION_COOKIE, sender_id_for
from tests.e2e.test_dutch_conversation import appointments_of

pytestmark = pytest.mark.e2e
LANGUAGES = ["nl", "ar", "uk", "ti", "en", "fa", "tr"]


def typed(language: str, intent: str) -> str:
    """The first example of ``intent`` in ``language`` without entities."""
    return next(e for e in training_examples(language)[intent] if "[" not in e)


async def post(web: TestClient, body: dict) -> dict:
    response = await web.post("/api/messages", json=body)
    assert response.status == 200
    return await response.json()


def texts(answer: dict) -> str:
    return "\n".join(m["text"] for m in answer["messages"])


def payloads(answer: dict) -> list[str]:
    return [b["payload"] for m in answer["messages"] for b in m["buttons"]]


class Screen:
    """What the person sees, in the language they chose."""

    def __init__(self, translator: Translator, language: str) -> None:
        self.translator, self.language = translator, language

    def text(self, key: str, **args: object) -> str:
        return self.translator.directed(self.translator.text(key, self.language, args),
                                        self.language)

    def first_line(self, key: str) -> str:
        return self.text(key).split("\n")[0].split("{")[0].strip()


async def choose(web: TestClient, language: str) -> dict:
    return await post(web, {"payload": f'/choose_language{{"language":"{language}"}}'})


@pytest.mark.parametrize("language", LANGUAGES)
async def test_book_and_ask_entirely_in_one_language(web: TestClient, live_settings,
                                                     language: str) -> None:
    screen = Screen(Translator(live_settings.locales_dir, "nl", live_settings.timezone),
                    language)
    start = await web.post("/api/start", json={})
    assert start.status == 200
    answer = await choose(web, language)
    assert texts(answer) == screen.text("language.changed")

    answer = await post(web, {"text": typed(language, "book_appointment")})
    assert screen.first_line("booking.ask_team") in texts(answer), texts(answer)
    team = next(p for p in payloads(answer) if '"klantmanager"' in p)
    answer = await post(web, {"payload": team})
    time = next(p for p in payloads(answer) if "appointment_time" in p)
    answer = await post(web, {"payload": time})
    assert screen.first_line("booking.ask_confirm") in texts(answer), texts(answer)
    answer = await post(web, {"text": typed(language, "affirm")})
    token = next(c.value for c in web.session.cookie_jar if c.key == SESSION_COOKIE)
    [booked] = appointments_of(live_settings.database_url, sender_id_for(token))
    assert booked.reference in texts(answer)
    assert screen.first_line("booking.confirmed") in texts(answer)

    answer = await post(web, {"text": typed(language, "ask_language_course")})
    assert screen.text("policy.taalhuis.description") in texts(answer), texts(answer)
    assert "Re-integratienota Midden-Drenthe 2021-2026 §5.8" in texts(answer)


@pytest.mark.parametrize(("first", "then"), [("nl", "ar"), ("uk", "ti")])
async def test_switching_language_in_the_middle_of_a_booking(
        web: TestClient, live_settings, first: str, then: str) -> None:
    translator = Translator(live_settings.locales_dir, "nl", live_settings.timezone)
    before, after = Screen(translator, first), Screen(translator, then)
    await choose(web, first)
    answer = await post(web, {"text": typed(first, "book_appointment")})
    assert before.first_line("booking.ask_team") in texts(answer)

    answer = await choose(web, then)  # mid-form: the form goes on, in the new language
    assert after.text("language.changed") in texts(answer)
    assert after.first_line("booking.ask_team") in texts(answer), texts(answer)
    assert answer["page"]["language"] == then

    team = next(p for p in payloads(answer) if '"schuldhulp"' in p)
    answer = await post(web, {"payload": team})
    assert any("appointment_time" in p for p in payloads(answer)), texts(answer)


@pytest.mark.parametrize("check", ["check_hiring_support", "check_placement_type",
                                   "check_newcomer_route", "check_training_funding",
                                   "check_parent_exemption", "check_self_employment"])
async def test_every_check_runs_to_its_outcome_in_the_web_chat(web: TestClient, live_settings,
                                                               check: str) -> None:
    """Each of the six checks, started from the check menu's button, answered with the first
    button or a typed number, ends with reasons, sources and the offer to book."""
    screen = Screen(Translator(live_settings.locales_dir, "nl", live_settings.timezone), "nl")
    await web.post("/api/start", json={})  # the welcome menu offers the checks
    await choose(web, "nl")
    menu = await post(web, {"payload": "/check_eligibility"})
    assert f"/{check}" in payloads(menu)
    answer = await post(web, {"payload": f"/{check}"})
    outcome = screen.first_line("check.outcome.title")
    for _ in range(8):
        if outcome in texts(answer):
            break
        choices = [p for p in payloads(answer) if '"choice"' in p and "unknown" not in p]
        answer = await post(web, {"payload": choices[0]} if choices else {"text": "25"})
    else:
        pytest.fail(f"no outcome after 8 answers: {texts(answer)}")
    assert any(f"Bron: {source}" in texts(answer)
               for source in ("Re-integratienota Midden-Drenthe 2021-2026", "Participatiewet"))
    assert "De gemeente beslist" in texts(answer)
    assert any(p.startswith("/book_appointment") for p in payloads(answer))


@pytest.mark.parametrize("language", ["ar", "uk", "ti", "fa"])
async def test_a_check_in_another_language_with_digits_of_its_script_and_a_correction(
        web: TestClient, live_settings, language: str) -> None:
    """The statushouder route in the person's language: the age typed in the digits of their
    script, then corrected the way their training data says it ("لا، عمري 29")."""
    from assistant.eligibility import parse_number
    from assistant.language_data import plain_text

    screen = Screen(Translator(live_settings.locales_dir, "nl", live_settings.timezone),
                    language)
    await choose(web, language)
    # the opening names the group ("als statushouder"): the age is the first question
    answer = await post(web, {"text": typed(language, "check_newcomer_route")})
    assert screen.first_line("check.question.age") in texts(answer), texts(answer)

    digits = {"ar": "٣٥", "fa": "۳۵"}.get(language, "35")
    answer = await post(web, {"text": digits})
    assert screen.first_line("check.question.integration_duty") in texts(answer), texts(answer)

    # a sentence that states an age of 18 to 29, so studiefinanciering matters after it
    correction, corrected_age = next(
        (e, age) for e in training_examples(language)["inform"]
        if "](age)" in e and not e.startswith("[")
        and 18 <= (age := parse_number(e.split("[")[1])) < 30)
    answer = await post(web, {"text": plain_text(correction)})
    age_label = {"type": "msg", "key": "check.label.age", "args": {}}
    assert screen.text("check.corrected", label=age_label, answer=corrected_age) in texts(
        answer), texts(answer)
    assert screen.first_line("check.question.has_studiefinanciering_right") in texts(answer)
