"""Residents' feedback over real HTTP (the web chat's API and the console in one server, a fake
Rasa): a policy answer asks "did this help?", a thumbs down asks for a remark that is stored
without personal data, each answer is rated once and only by the person it was sent to, a
greeting asks nothing, and a beheerder reads the counts and the remark on the insight page
and in its CSV."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest

from assistant.feedback import FeedbackStore, topic_of
from assistant.privacy.limits import MessageLimits, SlidingWindow
from bot.i18n import Translator
from bot.staff.texts import StaffTexts
from bot.web.server import sender_id_for
from tests.fakes import FakeRasa, bot_message
from tests.staff.conftest import ConsoleServer, Staffer, log_in, resident_session

TOKEN = "0123456789abcdef0123456789abcdef"
OTHER_TOKEN = "abcdefabcdefabcdefabcdefabcdef01"
POLICY_ANSWER = [
    bot_message("policy.bbz.description"),
    bot_message("topic.source_and_next", {"source": "Bbz 2004", "team": "Klantmanager"},
                [{"key": "menu.request_human", "args": {}, "payload": "/request_human"}]),
]


@pytest.fixture
async def resident(console_server: ConsoleServer) -> AsyncIterator[aiohttp.ClientSession]:
    async with resident_session(TOKEN, "nl") as session:
        yield session


Send = Callable[..., Awaitable[dict]]


@pytest.fixture
def send(console_server: ConsoleServer, resident: aiohttp.ClientSession) -> Send:
    """Post a message or a button press to the web chat API (as ``resident`` unless another
    session is given) and return its JSON answer."""
    chat = console_server.url.removesuffix("/staff")

    async def post(body: dict, session: aiohttp.ClientSession | None = None) -> dict:
        async with (session or resident).post(f"{chat}/api/messages", json=body) as response:
            assert response.status == 200
            return await response.json()
    return post


def test_only_answers_worth_rating_ask_for_it() -> None:
    assert topic_of(POLICY_ANSWER) == "policy.bbz"
    assert topic_of([bot_message("topic.search_work"),
                     bot_message("topic.source_and_next")]) == "topic.search_work"
    assert topic_of([bot_message("check.outcome.title",
                                 {"title": {"key": "check.newcomer_route.title", "args": {}}}),
                     bot_message("check.outcome.fits"),
                     bot_message("check.outcome.municipality_decides")]) == "check.newcomer_route"
    assert topic_of([bot_message("booking.confirmed")]) == "booking"
    assert topic_of([bot_message("goodbye")]) == "goodbye"
    for ordinary in ("greet.welcome", "booking.ask_time", "fallback.not_understood",
                     "handover.queued"):
        assert topic_of([bot_message(ordinary)]) is None


async def test_a_resident_rates_an_answer_once_and_the_beheerder_reads_it(
        console_server: ConsoleServer, client: aiohttp.ClientSession,
        send: Send, beheerder: Staffer, fake_rasa: FakeRasa,
        sqlite_url: str, staff_texts: StaffTexts, translator: Translator) -> None:
    fake_rasa.answers["Wat is het Bbz?"] = POLICY_ANSWER
    fake_rasa.answers["hallo"] = [bot_message("greet.welcome")]


    greeted = await send({"text": "hallo"})
    assert "feedback" not in greeted["messages"][-1]  # a greeting asks nothing

    answered = await send({"text": "Wat is het Bbz?"})
    first, last = answered["messages"]
    assert "feedback" not in first  # asked once, under the end of the answer
    feedback = last["feedback"]
    assert feedback["question"] == translator.text("feedback.question", "nl")
    assert (feedback["up"]["title"], feedback["down"]["title"]) == (
        "Ja, dit hielp mij", "Nee, dit hielp mij niet")
    to_rasa = len(fake_rasa.received)

    # a made-up rating, or one of another answer, is refused: only buttons this person saw
    made_up = feedback["down"]["payload"].replace('"answer":"', '"answer":"x')
    refused = await send({"payload": made_up})
    assert refused["messages"][0]["text"] == translator.text("error.unknown_button", "nl")
    async with resident_session(OTHER_TOKEN, "nl") as someone_else:
        stolen = await send({"payload": feedback["up"]["payload"]}, someone_else)
        assert stolen["messages"][0]["text"] == translator.text("error.unknown_button", "nl")

    asked = await send({"payload": feedback["down"]["payload"]})
    assert asked["messages"][0]["text"] == translator.text("feedback.ask_remark", "nl")
    assert [b["title"] for b in asked["messages"][0]["buttons"]] == ["Overslaan"]
    thanked = await send({"text": "Te vaag. Bel me op 06-12345678 a.u.b."})
    assert thanked["messages"][0]["text"] == translator.text("feedback.remark_thanks", "nl")
    again = await send({"payload": feedback["up"]["payload"]})
    assert again["messages"][0]["text"] == translator.text("feedback.already", "nl")
    assert len(fake_rasa.received) == to_rasa  # neither the ratings nor the remark reached Rasa

    [given] = FeedbackStore(sqlite_url).since(datetime.now(timezone.utc) - timedelta(hours=1))
    assert (given.owner_id, given.topic, given.rating, given.language, given.channel) == (
        sender_id_for(TOKEN), "policy.bbz", "down", "nl", "web")
    assert given.remark == "Te vaag. Bel me op […] a.u.b."  # the number never stored

    # the next message is an ordinary one again: it reaches Rasa
    fake_rasa.answers["Wat is het Bbz?"] = POLICY_ANSWER
    second = await send({"text": "Wat is het Bbz?"})
    assert len(fake_rasa.received) == to_rasa + 1
    up = await send({"payload": second["messages"][-1]["feedback"]["up"]["payload"]})
    assert up["messages"][0]["text"] == translator.text("feedback.thanks", "nl")

    await log_in(client, console_server, beheerder, sqlite_url)
    async with client.get(f"{console_server.url}/insight?days=7") as response:
        page = await response.text()
    assert staff_texts("staff.insight.feedback_topics") in page
    assert "Een eigen bedrijf beginnen vanuit de bijstand (Bbz)" in page
    assert "Te vaag. Bel me op […] a.u.b." in page and "12345678" not in page
    assert "50,0" in page  # one of two positive
    async with client.get(f"{console_server.url}/insight/feedback_topics.csv?days=7") as response:
        rows = (await response.text()).splitlines()
    assert rows[0] == "Antwoord over,Positief,Negatief,Positief (%)"
    assert rows[1] == 'Een eigen bedrijf beginnen vanuit de bijstand (Bbz),1,1,"50,0"'
    async with client.get(f"{console_server.url}/insight/feedback_remarks.csv?days=7") as response:
        assert "Negatief (duim omlaag),Te vaag. Bel me op […] a.u.b." in await response.text()


async def test_skipping_the_remark_and_another_button_end_the_question(
        send: Send, fake_rasa: FakeRasa,
        sqlite_url: str, translator: Translator) -> None:
    fake_rasa.answers["doei"] = [bot_message("goodbye")]


    bye = await send({"text": "doei"})
    down = bye["messages"][-1]["feedback"]["down"]["payload"]
    assert json.loads(down.removeprefix("/feedback"))["topic"] == "goodbye"
    asked = await send({"payload": down})
    skipped = await send({"payload": asked["messages"][0]["buttons"][0]["payload"]})
    assert skipped["messages"][0]["text"] == translator.text("feedback.thanks", "nl")
    to_rasa = len(fake_rasa.received)
    await send({"text": "doei"})
    assert len(fake_rasa.received) == to_rasa + 1  # not taken for a remark
    [given] = FeedbackStore(sqlite_url).since(datetime.now(timezone.utc) - timedelta(hours=1))
    assert (given.rating, given.remark) == ("down", None)


async def test_another_button_after_a_thumbs_down_ends_the_question(
        send: Send, fake_rasa: FakeRasa,
        sqlite_url: str) -> None:
    fake_rasa.answers["Wat is het Bbz?"] = POLICY_ANSWER


    answered = await send({"text": "Wat is het Bbz?"})
    await send({"payload": answered["messages"][-1]["feedback"]["down"]["payload"]})
    to_rasa = len(fake_rasa.received)
    await send({"payload": "/request_human"})  # a button of the answer itself
    await send({"text": "Wanneer is het loket open?"})
    assert fake_rasa.messages[to_rasa:] == ["/request_human", "Wanneer is het loket open?"]
    [given] = FeedbackStore(sqlite_url).since(datetime.now(timezone.utc) - timedelta(hours=1))
    assert given.remark is None


async def test_ratings_count_against_the_message_limits(
        send: Send, fake_rasa: FakeRasa,
        gateway, translator: Translator, sqlite_url: str) -> None:
    fake_rasa.answers["Wat is het Bbz?"] = POLICY_ANSWER
    gateway.limits = MessageLimits(SlidingWindow(3, 60), SlidingWindow(100, 3600))


    first = await send({"text": "Wat is het Bbz?"})
    second = await send({"text": "Wat is het Bbz?"})
    await send({"payload": first["messages"][-1]["feedback"]["up"]["payload"]})
    refused = await send({"payload": second["messages"][-1]["feedback"]["up"]["payload"]})
    assert refused["delivered"] is False
    assert refused["messages"][0]["text"] == translator.text("limits.slow_down", "nl")
    assert len(FeedbackStore(sqlite_url).since(
        datetime.now(timezone.utc) - timedelta(hours=1))) == 1


async def test_a_question_typed_as_the_remark_is_answered_too(
        send: Send, fake_rasa: FakeRasa,
        sqlite_url: str, translator: Translator) -> None:
    """A thumbs down, then a new question instead of a remark: kept as the remark (it says
    what was missing) and answered, not lost."""
    fake_rasa.answers["Wat is het Bbz?"] = POLICY_ANSWER
    fake_rasa.answers["Kan ik ook een lening voor mijn bedrijf krijgen?"] = [
        bot_message("policy.bbz.description")]


    answered = await send({"text": "Wat is het Bbz?"})
    await send({"payload": answered["messages"][-1]["feedback"]["down"]["payload"]})
    to_rasa = len(fake_rasa.received)
    replies = await send({"text": "Kan ik ook een lening voor mijn bedrijf krijgen?"})
    texts = [m["text"] for m in replies["messages"]]
    assert texts[0] == translator.text("feedback.remark_thanks", "nl")
    assert translator.text("policy.bbz.description", "nl") in texts[1:]
    assert fake_rasa.messages[to_rasa:] == ["Kan ik ook een lening voor mijn bedrijf krijgen?"]
    [given] = FeedbackStore(sqlite_url).since(datetime.now(timezone.utc) - timedelta(hours=1))
    assert given.remark == "Kan ik ook een lening voor mijn bedrijf krijgen?"
