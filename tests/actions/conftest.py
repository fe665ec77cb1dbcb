"""Running our actions as the action server does: real rasa_sdk Trackers and the real domain."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from assistant.settings import PROJECT_ROOT


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(PROJECT_ROOT / "domain")).as_dict()


def make_tracker(sender_id: str, *, slots: dict | None = None, text: str = "",
                 intent: str = "inform", intent_ranking: list[dict] | None = None,
                 entities: list[dict] | None = None, new_slots: dict | None = None,
                 active_loop: str | None = None, metadata: dict | None = None) -> Tracker:
    """A tracker whose latest user message is ``text``; ``new_slots`` were set after it
    (what a form validation action receives to validate)."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9},
              "intent_ranking": intent_ranking or [{"name": intent, "confidence": 0.9}],
              "entities": entities or [], "metadata": metadata or {}}
    events: list[dict] = [{"event": "user", "text": text, "parse_data": latest,
                           "metadata": metadata or {}}]
    events += [{"event": "slot", "name": name, "value": value}
               for name, value in (new_slots or {}).items()]
    all_slots = {**(slots or {}), **(new_slots or {})}
    return Tracker(sender_id, all_slots, latest, events, False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


async def run_action(action: Action, tracker: Tracker,
                     domain: dict) -> tuple[list[dict], list[dict]]:
    """Run an action; return (the messages it sent, the events it returned)."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return dispatcher.messages, events


def sent_keys(messages: list[dict]) -> list[str]:
    return [m["custom"]["key"] for m in messages]


def slot_events(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
