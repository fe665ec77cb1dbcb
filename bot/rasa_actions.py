"""Actions Rasa runs in its own process instead of calling the action server for them.

``action_session_start`` began every conversation (and every one that had been idle an hour)
with a call to the action server that needs nothing there: it keeps what the front end
sent with the first message (channel, language, role) in slots for the session, and, like
Rasa's own session start with ``carry_over_slots_to_new_session``, nothing else (the
``SessionStarted`` event resets the tracker). Running it here saves an HTTP call, the whole
tracker written and read as JSON, and the action server's turn for it: one action call of
the 16 of the benchmark's visit. The events are the ones the action server returned.

``bot/rasa_server.py`` installs it (``run_session_start_here``); everywhere else in Rasa
(the domain, the stories, ``rasa test``) it is the same ``action_session_start``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rasa.core.actions.action as rasa_actions
from rasa.core.actions.action import Action
from rasa.shared.core.constants import (
    ACTION_LISTEN_NAME,
    ACTION_SESSION_START_NAME,
    SESSION_START_METADATA_SLOT,
)
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet

if TYPE_CHECKING:
    from rasa.core.channels.channel import OutputChannel
    from rasa.core.nlg import NaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

# What the front ends send with every message (bot/gateway.py Conversation.metadata) that
# the dialogue keeps for the session.
METADATA_SLOTS = ("language", "channel", "role")


class SessionStart(Action):
    """A new session that keeps the front end's channel, language and role in slots."""

    def name(self) -> str:
        return ACTION_SESSION_START_NAME

    async def run(self, output_channel: OutputChannel, nlg: NaturalLanguageGenerator,
                  tracker: DialogueStateTracker, domain: Domain) -> list[Event]:
        return session_start_events(tracker.get_slot(SESSION_START_METADATA_SLOT))


def session_start_events(metadata: Any) -> list[Event]:
    """The session start for the metadata the session's first message came with."""
    metadata = metadata or {}
    events: list[Event] = [SessionStarted()]
    events += [SlotSet(name, metadata[name]) for name in METADATA_SLOTS
               if isinstance(metadata.get(name), str)]
    events.append(ActionExecuted(ACTION_LISTEN_NAME))
    return events


def run_session_start_here() -> None:
    """Rasa finds every action by name through ``action_for_name_or_text``: the session
    start (still one of the domain's actions) now comes from here."""
    original = rasa_actions.action_for_name_or_text
    if getattr(original, "session_start_here", False):
        return

    def action_for_name_or_text(action_name_or_text: str, domain: Domain,
                                action_endpoint: Any) -> Action:
        if (action_name_or_text == ACTION_SESSION_START_NAME
                and action_name_or_text in domain.user_actions):
            return SessionStart()
        return original(action_name_or_text, domain, action_endpoint)

    action_for_name_or_text.session_start_here = True  # type: ignore[attr-defined]
    rasa_actions.action_for_name_or_text = action_for_name_or_text
