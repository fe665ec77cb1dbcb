"""The handover action puts a resident's request for a person in the team's queue, during
the team's opening hours only (not in the evening, on a holiday or a day closed in the
console)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from actions import conversation
from actions.common import handover_queue
from actions.conversation import Handover, join_queue_if_open
from assistant.capacity import Capacity
from assistant.handover import QUEUED_MARK
from tests.actions.conftest import make_tracker, run_action

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TUESDAY_TEN = datetime(2026, 12, 8, 10, 0, tzinfo=AMSTERDAM)
TUESDAY_EVENING = datetime(2026, 12, 8, 19, 0, tzinfo=AMSTERDAM)
CHRISTMAS = datetime(2026, 12, 25, 10, 0, tzinfo=AMSTERDAM)


def test_only_during_the_teams_opening_hours(action_settings: str) -> None:
    tracker = make_tracker("telegram:5", slots={"role": "resident", "team": "klantmanager"},
                           text="Ik wil een mens", intent="request_human",
                           metadata={"language": "fa"})
    assert not join_queue_if_open(tracker, "klantmanager", TUESDAY_EVENING)
    assert not join_queue_if_open(tracker, "klantmanager", CHRISTMAS)
    Capacity(action_settings).close_day("klantmanager", TUESDAY_TEN.date(), "", "b@g.nl")
    assert not join_queue_if_open(tracker, "klantmanager", TUESDAY_TEN)
    assert handover_queue().open_tickets(None) == []
    Capacity(action_settings).reopen_day("klantmanager", TUESDAY_TEN.date())

    assert join_queue_if_open(tracker, "klantmanager", TUESDAY_TEN)
    [ticket] = handover_queue().open_tickets(None)
    assert (ticket.owner_id, ticket.channel, ticket.team_code, ticket.language) == (
        "telegram:5", "telegram", "klantmanager", "fa")
    assert ticket.collected == {"role": "resident", "team": "klantmanager"}


async def test_the_handover_action_queues_when_the_team_is_open(
        action_settings: str, domain, monkeypatch: pytest.MonkeyPatch) -> None:
    tracker = make_tracker("web:x", slots={"team": "klantmanager"}, text="medewerker",
                           intent="request_human", metadata={"language": "tr"})
    monkeypatch.setattr(conversation, "current_time", lambda: TUESDAY_EVENING)
    messages, _ = await run_action(Handover(), tracker, domain)
    assert messages[0]["custom"]["key"] == "handover.how"
    assert QUEUED_MARK not in messages[0]["custom"]
    assert [b["payload"] for b in messages[0]["custom"]["buttons"]] == [
        '/book_appointment{"team":"klantmanager"}', '/callback{"team":"klantmanager"}']
    assert handover_queue().open_tickets(None) == []

    monkeypatch.setattr(conversation, "current_time", lambda: TUESDAY_TEN)
    messages, _ = await run_action(Handover(), tracker, domain)
    [queued] = handover_queue().open_tickets(frozenset({"klantmanager"}))
    assert messages[0]["custom"]["key"] == "handover.queued"
    assert messages[0]["custom"][QUEUED_MARK] == queued.id  # the gateway listens for it
    [booking] = messages[0]["custom"]["buttons"]
    assert booking["payload"] == '/book_appointment{"team":"klantmanager"}'
