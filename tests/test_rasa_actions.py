"""bot/rasa_actions.py: the session start Rasa runs itself does what the action server did."""

from __future__ import annotations

import pytest
import rasa.core.actions.action as rasa_actions
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_actions import SessionStart, run_session_start_here, session_start_events

ENDPOINT = EndpointConfig("http://127.0.0.1:1/webhook")


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load("domain")


@pytest.fixture
def session_start_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rasa_actions, "action_for_name_or_text",
                        rasa_actions.action_for_name_or_text)  # restored after the test
    run_session_start_here()


def test_the_front_ends_metadata_is_kept_and_nothing_else() -> None:
    events = session_start_events({"channel": "telegram", "language": "nl",
                                   "role": "employer", "unknown": "x", "turn_id": "abc"})
    assert events == [SessionStarted(), SlotSet("language", "nl"), SlotSet("channel", "telegram"),
                      SlotSet("role", "employer"), ActionExecuted("action_listen")]
    assert session_start_events(None) == [SessionStarted(), ActionExecuted("action_listen")]
    assert session_start_events({"language": 3}) == [SessionStarted(),
                                                      ActionExecuted("action_listen")]


@pytest.mark.usefixtures("session_start_here")
def test_rasa_finds_the_session_start_here_and_every_other_action_as_before(domain) -> None:
    assert isinstance(rasa_actions.action_for_name_or_text(
        "action_session_start", domain, ENDPOINT), SessionStart)
    assert isinstance(rasa_actions.action_for_name_or_text(
        "action_answer_topic", domain, ENDPOINT), RemoteAction)
    run_session_start_here()  # twice: still one layer
    assert isinstance(rasa_actions.action_for_name_or_text(
        "action_session_start", domain, ENDPOINT), SessionStart)


@pytest.mark.usefixtures("session_start_here")
async def test_a_new_session_keeps_the_metadata_slots_only(domain) -> None:
    tracker = DialogueStateTracker.from_events("web:1", [SlotSet("team", "schuldhulp")],
                                               slots=domain.slots)
    # As Rasa's processor does before it runs the session start
    tracker.update(SlotSet("session_started_metadata",
                           {"channel": "web", "language": "uk", "role": "resident"}), domain)
    action = rasa_actions.action_for_name_or_text("action_session_start", domain, ENDPOINT)
    for event in await action.run(None, None, tracker, domain):
        tracker.update(event, domain)
    assert tracker.get_slot("language") == "uk"
    assert tracker.get_slot("channel") == "web"
    assert tracker.get_slot("team") is None
    assert tracker.latest_action_name == "action_listen"
