"""Several gateways agree on which buttons a conversation was shown (the shared store in the
database, SQLite and PostgreSQL): a button shown by one is accepted when pressed at another,
a payload no gateway showed is still refused, and erasure forgets them."""

from __future__ import annotations

import pytest

from assistant.storage import OfferedButtons
from bot.gateway import Conversation, Gateway
from bot.i18n import Translator
from tests.fakes import FakeRasa

BOOK = '/book_appointment{"team":"klantmanager"}'
PERSON = Conversation("telegram:31", "telegram", language="tr", language_chosen=True)


@pytest.fixture
async def two_gateways(database_url: str, fake_rasa: FakeRasa, translator: Translator):
    store = OfferedButtons(database_url)
    gateways = [Gateway(fake_rasa.url, translator, timeout_seconds=5, offered=store)
                for _ in range(2)]
    yield gateways
    for gateway in gateways:
        await gateway.close()
    store.forget(PERSON.sender_id)


async def test_a_button_shown_by_one_gateway_works_at_another(
        two_gateways: list[Gateway], fake_rasa: FakeRasa, translator: Translator) -> None:
    first, second = two_gateways
    fake_rasa.answer("afspraak", "error.no_answer",
                     buttons=[{"key": "menu.book_appointment", "args": {}, "payload": BOOK}])
    await first.handle_text(PERSON, "afspraak")
    await first.close()  # its writes are done

    pressed = await second.handle_payload(PERSON, BOOK)
    crafted = await second.handle_payload(PERSON, '/book_appointment{"team":"schuldhulp"}')

    assert fake_rasa.messages == ["afspraak", BOOK]
    assert pressed[0].text == translator.text("error.no_answer", "tr")
    assert crafted[0].text == translator.text("error.unknown_button", "tr")
    other = Conversation("telegram:32", "telegram", language="tr", language_chosen=True)
    assert (await second.handle_payload(other, BOOK))[0].text == crafted[0].text


async def test_erasure_forgets_the_buttons_in_every_gateway(
        two_gateways: list[Gateway], fake_rasa: FakeRasa, database_url: str) -> None:
    first, second = two_gateways
    fake_rasa.answer("/delete_my_data", "error.no_answer",
                     buttons=[{"key": "menu.book_appointment", "args": {}, "payload": BOOK}])
    first.remember_offered(PERSON.sender_id, [])  # nothing: no write
    store = OfferedButtons(database_url)
    store.remember(PERSON.sender_id, [BOOK, "/affirm"])
    assert store.was_offered(PERSON.sender_id, "/affirm")

    await second._forget(PERSON)

    assert not store.was_offered(PERSON.sender_id, "/affirm")
    assert not await first.offered(PERSON.sender_id, BOOK)


def test_the_launcher_shares_them_only_where_several_gateways_can_share_a_database() -> None:
    from dataclasses import replace

    from assistant.settings import load_settings
    from bot.__main__ import shared_offered_buttons

    settings = load_settings()
    assert shared_offered_buttons(replace(settings, database_url="sqlite:////tmp/a.db")) is None
    shared = shared_offered_buttons(replace(settings, database_url="postgresql://db/assistant"))
    assert isinstance(shared, OfferedButtons)
