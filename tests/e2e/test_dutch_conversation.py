"""A full Dutch conversation through the gateway with the real Rasa and action servers,
checking the database after every step."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, text

from assistant.settings import conversations_url
from assistant.storage import Appointment, session_scope
from bot.gateway import Conversation, Gateway, Reply

pytestmark = pytest.mark.e2e


def new_resident() -> Conversation:
    return Conversation(sender_id=f"web:{uuid.uuid4().hex}", channel="web", language="nl")


def appointments_of(database_url: str, sender_id: str) -> list[Appointment]:
    with session_scope(database_url) as session:
        return list(session.execute(
            select(Appointment).where(Appointment.owner_id == sender_id)
        ).scalars())


def button_payloads(replies: list[Reply]) -> list[str]:
    return [button.payload for reply in replies for button in reply.buttons]


def all_text(replies: list[Reply]) -> str:
    return "\n".join(reply.text for reply in replies)


async def choose_team_if_asked(gateway: Gateway, resident: Conversation,
                               replies: list[Reply], team: str) -> list[Reply]:
    # (a time button carries its team too: a team button is one without a time)
    team_buttons = [p for p in button_payloads(replies)
                    if '"team"' in p and "appointment_time" not in p]
    if team_buttons:
        [chosen] = [p for p in team_buttons if f'"{team}"' in p]
        replies = await gateway.handle_payload(resident, chosen)
    return replies


async def test_greet_book_list_and_cancel(gateway: Gateway, live_settings) -> None:
    resident = new_resident()
    db = live_settings.database_url

    replies = await gateway.handle_text(resident, "hallo")
    assert "digitale assistent" in all_text(replies)
    assert "/book_appointment" in button_payloads(replies)

    replies = await gateway.handle_text(resident, "ik wil een afspraak maken over mn schulden")
    replies = await choose_team_if_asked(gateway, resident, replies, "schuldhulp")
    time_buttons = [p for p in button_payloads(replies) if "appointment_time" in p]
    assert len(time_buttons) == live_settings.slots_offered, all_text(replies)
    assert appointments_of(db, resident.sender_id) == []

    replies = await gateway.handle_payload(resident, time_buttons[0])
    assert "Zal ik deze afspraak maken?" in all_text(replies)
    assert appointments_of(db, resident.sender_id) == []

    replies = await gateway.handle_text(resident, "ja")
    [booked] = appointments_of(db, resident.sender_id)
    assert booked.team_code == "schuldhulp" and booked.cancelled_at is None
    assert "Uw afspraak is gemaakt" in all_text(replies)
    assert booked.reference in all_text(replies)

    replies = await gateway.handle_text(resident, "wanneer is mijn afspraak")
    assert booked.reference in all_text(replies)

    replies = await gateway.handle_text(resident, "ik wil mijn afspraak afzeggen")
    assert "Wilt u deze afspraak afzeggen?" in all_text(replies)
    assert appointments_of(db, resident.sender_id)[0].cancelled_at is None

    replies = await gateway.handle_text(resident, "ja")
    assert "is afgezegd" in all_text(replies)
    [cancelled] = appointments_of(db, resident.sender_id)
    assert cancelled.cancelled_at is not None

    replies = await gateway.handle_text(resident, "wanneer is mijn afspraak")
    assert "geen afspraken" in all_text(replies)


async def test_stop_in_the_middle_of_booking_books_nothing(gateway: Gateway,
                                                          live_settings) -> None:
    resident = new_resident()
    replies = await gateway.handle_text(resident, "afspraak maken")
    replies = await choose_team_if_asked(gateway, resident, replies, "klantmanager")
    assert any("appointment_time" in p for p in button_payloads(replies))
    replies = await gateway.handle_text(resident, "stop")
    assert "gestopt" in all_text(replies)
    assert appointments_of(live_settings.database_url, resident.sender_id) == []


async def test_a_topic_question_gets_its_source_and_an_offer(gateway: Gateway) -> None:
    employer = new_resident()
    replies = await gateway.handle_text(employer, "hoe zit het met loonkostensubsidie")
    text = all_text(replies)
    assert "loonkostensubsidie" in text
    assert "Bron: Re-integratienota Midden-Drenthe 2021-2026 §4.1.3" in text
    assert any('"werkgeversservicepunt"' in p for p in button_payloads(replies))


async def test_a_typed_date_in_the_past_is_explained(gateway: Gateway, live_settings) -> None:
    resident = new_resident()
    replies = await gateway.handle_text(resident, "ik wil een afspraak")
    replies = await choose_team_if_asked(gateway, resident, replies, "klantmanager")
    replies = await gateway.handle_text(resident, "3 januari 2020 om 10 uur")
    assert "al voorbij" in all_text(replies)
    assert any("appointment_time" in p for p in button_payloads(replies))
    assert appointments_of(live_settings.database_url, resident.sender_id) == []


async def book_with_a_klantmanager(gateway: Gateway, resident: Conversation) -> None:
    replies = await gateway.handle_text(resident, "ik wil een afspraak met een klantmanager")
    replies = await choose_team_if_asked(gateway, resident, replies, "klantmanager")
    first_time = [p for p in button_payloads(replies) if "appointment_time" in p][0]
    await gateway.handle_payload(resident, first_time)
    await gateway.handle_text(resident, "ja")


async def test_someone_elses_reference_cannot_be_cancelled(gateway: Gateway,
                                                          live_settings) -> None:
    """A crafted button is refused; a typed reference of another person's appointment is
    unknown (a Telegram chat keeps its own; a web conversation's reference is its key, and
    guessing one stops after three tries: tests/actions/test_booking_actions.py)."""
    owner = Conversation(sender_id=f"telegram:{uuid.uuid4().int % 10**9}", channel="telegram",
                         language="nl")
    intruder = new_resident()
    await book_with_a_klantmanager(gateway, owner)
    [booked] = appointments_of(live_settings.database_url, owner.sender_id)

    [refused] = await gateway.handle_payload(
        intruder, f'/cancel_appointment{{"appointment_reference":"{booked.reference}"}}')
    assert refused.delivered is False
    replies = await gateway.handle_text(intruder, f"annuleer afspraak {booked.reference}")
    assert "vind ik geen afspraak" in all_text(replies), all_text(replies)
    replies = await gateway.handle_text(intruder, booked.reference)
    assert "Dat kenmerk vind ik niet" in all_text(replies), all_text(replies)
    await gateway.handle_text(intruder, "stop")
    [still_booked] = appointments_of(live_settings.database_url, owner.sender_id)
    assert still_booked.cancelled_at is None


async def test_action_server_down_gets_a_friendly_reply(gateway: Gateway, live_stack,
                                                        live_settings) -> None:
    resident = new_resident()
    live_stack.stop_action_server()
    try:
        replies = await gateway.handle_text(resident, "ik wil een afspraak maken")
        assert len(replies) == 1 and not replies[0].delivered
        assert "Er ging iets mis" in replies[0].text
    finally:
        live_stack.start_action_server()
        live_stack.wait_until_ready(60)
    replies = await gateway.handle_text(resident, "hallo")
    assert "digitale assistent" in all_text(replies)


async def test_erasure_empties_our_database_and_rasas_copy(gateway: Gateway, live_stack,
                                                           live_settings) -> None:
    import aiohttp

    resident = new_resident()
    await book_with_a_klantmanager(gateway, resident)
    await gateway.handle_text(resident, "mijn buurman Jan de Vries weet er ook van")
    assert len(appointments_of(live_settings.database_url, resident.sender_id)) == 1

    replies = await gateway.handle_text(resident, "verwijder al mijn gegevens")
    replies = await gateway.handle_payload(resident, "/affirm")
    assert "verwijderd" in all_text(replies)
    assert appointments_of(live_settings.database_url, resident.sender_id) == []

    url = f"{live_settings.rasa_url}/conversations/{resident.sender_id}/tracker"
    async with aiohttp.ClientSession() as session, session.get(
            url, params={"token": live_stack.api_token}) as response:
        tracker = await response.json()
    typed = [e.get("text") for e in tracker["events"] if e.get("event") == "user"]
    assert not any("Jan de Vries" in (text or "") for text in typed), typed
    # Rasa keeps conversations in our database (its SQL tracker store): erased there too.
    with session_scope(conversations_url(live_settings.database_url)) as session:
        stored = session.execute(text("SELECT data FROM events WHERE sender_id = :sender"),
                                 {"sender": resident.sender_id}).scalars().all()
    assert not any("Jan de Vries" in data for data in stored)
    assert not any("verwijder" in data for data in stored), stored

    replies = await gateway.handle_text(resident, "hallo")  # and the person can go on
    assert "digitale assistent" in all_text(replies)
