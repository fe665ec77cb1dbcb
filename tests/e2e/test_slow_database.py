"""The appointments table locked at the moment a resident confirms (issue 9), with the real
Rasa and action servers on SQLite and on PostgreSQL: exactly one booking, a true message, and
the other residents are not held up by the slow query."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest

from assistant.privacy.tokens import internal_token
from assistant.settings import Settings
from assistant.storage import forget_engine
from bot.gateway import Conversation, Gateway
from bot.i18n import Translator
from bot.services import RasaStack, free_ports
from scripts.slow_db_scenario import (
    active_appointments,
    lock_appointments,
    payloads,
    slow_confirm,
    text_of,
)

pytestmark = pytest.mark.e2e

HOLD_SECONDS = 12.0  # the lock; bounded so the test stays short
GATEWAY_TIMEOUT = 3.0  # shorter than the lock, as 30 s is shorter than the 40 s


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stack_settings(request: pytest.FixtureRequest, live_settings: Settings,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The shared SQLite stack, or a stack of its own on a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        request.getfixturevalue("live_stack")
        yield live_settings
        return
    rasa_port, action_port = free_ports(1, 1)
    settings = replace(live_settings, database_url=request.getfixturevalue("postgres_url"),
                       rasa_port=rasa_port, action_port=action_port)
    stack = RasaStack(settings, log_dir=tmp_path_factory.mktemp("pg-logs"))
    stack.start(timeout_seconds=240)
    yield settings
    stack.stop()
    forget_engine(settings.database_url)


@pytest.fixture
def translator(stack_settings: Settings) -> Translator:
    return Translator(stack_settings.locales_dir, "nl", stack_settings.timezone)


async def test_a_locked_table_at_the_confirm_books_once_and_tells_the_truth(
        stack_settings: Settings, translator: Translator) -> None:
    outcome = await slow_confirm(stack_settings.rasa_url, stack_settings.database_url,
                                 translator, hold_seconds=HOLD_SECONDS,
                                 gateway_timeout=GATEWAY_TIMEOUT)
    print(outcome)

    my_appointments = translator.text("menu.list_appointments", "nl")
    # no answer in time: never "not sent" nor "nothing happened", but "look at Mijn afspraken"
    assert outcome.confirm_seconds < GATEWAY_TIMEOUT + 2
    assert f"'{my_appointments}'" in outcome.confirm_answer
    assert "niet verwerkt" not in outcome.confirm_answer
    # the slow query holds up only the one who waits for it
    assert outcome.neighbour_seconds < HOLD_SECONDS - 4
    # saying "ja" again did not book a second seat, and the list is right
    assert outcome.active_appointments == 1
    assert "geen afspraak gemaakt" not in outcome.again_answer
    assert "U heeft 1 afspraak:" in outcome.listed


async def test_the_same_turn_sent_again_during_the_lock_books_once(
        stack_settings: Settings, translator: Translator) -> None:
    """What the gateway's safe retry does: the same "ja" with the same turn id."""
    token = internal_token(stack_settings)
    patient = Gateway(stack_settings.rasa_url, translator, timeout_seconds=120, api_token=token)
    hurried = Gateway(stack_settings.rasa_url, translator, timeout_seconds=GATEWAY_TIMEOUT,
                      api_token=token)
    resident = Conversation(f"web:{uuid.uuid4().hex}", "web", language_chosen=True)
    try:
        replies = await patient.handle_text(resident, "ik wil een afspraak maken")
        for team_button in payloads(replies, '"team":"klantmanager"')[:1]:
            replies = await patient.handle_payload(resident, team_button)
        replies = await patient.handle_payload(resident, payloads(replies, "appointment_time")[1])
        assert "Zal ik deze afspraak maken?" in text_of(replies)

        release = lock_appointments(stack_settings.database_url)
        timer = threading.Timer(HOLD_SECONDS / 2, release)
        timer.start()
        turn = uuid.uuid4().hex
        first = await hurried.handle_text(resident, "ja", turn_id=turn)
        retry = await patient.handle_text(resident, "ja", turn_id=turn)
        await asyncio.to_thread(timer.join)
    finally:
        await patient.close()
        await hurried.close()

    assert translator.text("menu.list_appointments", "nl") in text_of(first)
    assert active_appointments(stack_settings.database_url, resident.sender_id) == 1
    assert "geen afspraak gemaakt" not in text_of(retry)
