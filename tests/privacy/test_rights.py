"""The resident's rights: what we keep about them (read from the real databases, the
conversation from Rasa's own tracker store), shown by the action, downloaded from the web
chat, erased with everything else; the privacy page in every language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.common import appointment_book, handover_queue
from actions.privacy import ShowMyData, forget
from assistant.feedback import FeedbackStore
from assistant.privacy.overview import DOWNLOAD_PAYLOAD, overview_of
from assistant.settings import PROJECT_ROOT, Settings, conversations_url, get_settings
from assistant.storage import CallbackRequest, ProfileStore, session_scope
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.tracker_store import ProjectTrackerStore
from bot.web import create_app
from bot.web.server import SESSION_COOKIE, sender_id_for
from tests.actions.conftest import make_tracker, run_action
from tests.fakes import FakeRasa

LANGUAGES = ["nl", "en", "ar", "ti", "fa", "fa_AF", "tr", "uk"]
TOKEN = "0123456789abcdef" * 2
WEB_SENDER = sender_id_for(TOKEN)


@pytest.fixture(scope="module")
def domain() -> dict:
    return Domain.load(str(PROJECT_ROOT / "domain")).as_dict()


async def a_stored_conversation(database_url: str, sender: str) -> None:
    """What Rasa keeps of a short conversation, written by the tracker store Rasa runs."""
    domain = Domain.load(str(PROJECT_ROOT / "domain"))
    tracker = DialogueStateTracker.from_events(sender, [
        UserUttered("ik wil bijstand aanvragen, mijn bsn is […]", {"name": "apply_benefit"}),
        SlotSet("age", 34),
        BotUttered(data={"custom": {"key": "privacy.download_caption", "args": {}}}),
        UserUttered("/affirm", {"name": "affirm"})])
    await ProjectTrackerStore(domain, host=conversations_url(database_url)).save(tracker)


def someone_with_data(sender: str) -> str:
    """A profile, an appointment and a handover request for ``sender``; the reference."""
    settings = get_settings()
    ProfileStore(settings.database_url).save(sender, sender.split(":")[0], language="ar")
    book = appointment_book()
    team = next(iter(book.municipality.teams))
    booked = book.book(sender, team, book.free_slots(team)[0], language="ar", topic="bijstand")
    ticket = handover_queue().request(sender, "web", team, "ar", "bijstand", {"age": "34"})
    handover_queue().add_line(ticket, "staff", "Goedemorgen, waarmee kan ik helpen?",
                              staff_name="Anna")
    with session_scope(settings.database_url) as session:
        session.add(CallbackRequest(owner_id=sender, channel="web", team_code=team,
                                    language="ar", phone="+31612345678", moment="asap"))
    feedback = FeedbackStore(settings.database_url)
    feedback.give(sender, "web", "ar", "answer-0001", "policy.bbz", "down")
    feedback.add_remark(sender, "answer-0001", "te lang, bel me op 06-12345678")
    return booked.reference


async def test_the_overview_holds_everything_and_erasure_removes_it(action_settings: str,
                                                                    domain) -> None:
    reference = someone_with_data("telegram:9")
    await a_stored_conversation(action_settings, "telegram:9")

    overview = overview_of("telegram:9", get_settings())
    assert overview.language == "ar"
    assert [a["reference"] for a in overview.appointments] == [reference]
    assert overview.handover_requests[0]["what_the_assistant_passed_on"] == {"age": "34"}
    assert overview.conversation[0] == {"time": overview.conversation[0]["time"], "from": "you",
                                        "text": "ik wil bijstand aanvragen, mijn bsn is […]"}
    assert overview.conversation[1]["text"] == "privacy.download_caption"
    assert overview.conversation[2]["button"] == "/affirm"
    assert overview.answers == {"age": 34} and overview.messages_from_person == 2
    assert overview.live_conversation[0]["colleague"] == "Anna"
    assert overview.callback_requests[0]["phone"] == "+31612345678"
    [rating] = overview.ratings_of_answers
    assert (rating["answer_about"], rating["rating"], rating["remark"]) == (
        "policy.bbz", "not helpful", "te lang, bel me op […]")  # stored without the number

    messages, _ = await run_action(ShowMyData(), make_tracker("telegram:9"), domain)
    [shown] = messages
    assert shown["custom"]["key"] == "privacy.overview"
    assert shown["custom"]["args"] | {"language": None} == {
        "language": None, "appointments": 1, "messages": 2, "handovers": 1, "days": 30}
    assert [b["payload"] for b in shown["custom"]["buttons"]] == [DOWNLOAD_PAYLOAD,
                                                                  "/delete_my_data"]

    assert forget("telegram:9") == {"appointments": 1, "requests": 1, "callbacks": 1,
                                    "leads": 0, "feedback": 1, "profile": 1}
    after = overview_of("telegram:9", get_settings())
    assert (after.language, after.appointments, after.handover_requests) == (None, [], [])
    assert (after.live_conversation, after.callback_requests) == ([], [])
    assert after.ratings_of_answers == []
    assert overview_of("telegram:10", get_settings()).conversation == []  # nobody else's


@pytest.fixture
async def web(action_settings: str, fake_rasa: FakeRasa, translator: Translator,
              locales_dir: Path):
    settings = Settings(locales_dir=locales_dir, database_url=action_settings)
    gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5,
                      profiles=ProfileStore(action_settings))
    client = TestClient(TestServer(create_app(gateway, translator, settings), host="127.0.0.1"))
    await client.start_server()
    yield client
    await client.close()
    await gateway.close()


async def test_the_web_chat_downloads_this_sessions_data_only(web: TestClient,
                                                             translator: Translator) -> None:
    reference = someone_with_data(WEB_SENDER)
    await a_stored_conversation(get_settings().database_url, WEB_SENDER)

    response = await web.get("/privacy/my-data", cookies={SESSION_COOKIE: TOKEN})
    assert response.status == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(await response.read())
    assert data["appointments"][0]["reference"] == reference
    assert data["language"] == "ar" and data["sender_id"] == WEB_SENDER
    # The assistant's messages as the person saw them, in their language.
    assert data["conversation"][1]["text"] == translator.directed(
        translator.text("privacy.download_caption", "ar"), "ar")
    other = await web.get("/privacy/my-data", cookies={SESSION_COOKIE: "f" * 32})
    assert reference not in await other.text()
    assert (await web.get("/privacy/my-data")).status == 404


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_privacy_page_says_what_why_how_long_and_who_in_every_language(
        web: TestClient, translator: Translator, language: str) -> None:
    response = await web.get(f"/privacy?lang={language}")
    page = await response.text()

    assert response.status == 200
    assert f'lang="{language.replace("_", "-")}"' in page
    assert "30" in page and "90" in page and "14 0593" in page  # how long, who to ask
    title = translator.text("web.privacy_link", language)
    assert f"<h1>{title}</h1>" in page
    assert 'href="/privacy/my-data"' in page
    first_line = translator.text("privacy.statement", language).split("\n")[0]
    assert first_line in page
    if language != "en":
        assert translator.text("privacy.statement", "en").split("\n")[0] not in page


async def test_the_chat_page_links_to_the_privacy_page_and_the_download_is_a_link(
        web: TestClient, translator: Translator) -> None:
    page = await (await web.get("/?lang=uk")).text()
    assert re.search(r'<a href="/privacy\?lang=uk"[^>]*>Приватність</a>', page)

    from bot.gateway import Button, Reply
    from bot.web.server import reply_to_json

    shown = reply_to_json(Reply("x", (Button("Download", DOWNLOAD_PAYLOAD),
                                      Button("Delete", "/delete_my_data"))), translator)
    assert shown["buttons"][0]["url"] == "/privacy/my-data"
    assert "url" not in shown["buttons"][1]
