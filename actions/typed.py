"""Typed answers to the booking, moving, cancelling and erasure forms' buttons: the team
("schulden", "de tweede") and yes/no confirmations ("klopt", "evet", "так") in any language.

Mixed into the forms' validation actions: rasa_sdk calls ``extract_<slot>`` for every
required slot; these take the typed text only while their slot is the one asked for.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import language_of, municipality
from actions.time_choice import typed_preference
from assistant.typed_answers.questions import understand_confirmation, understand_team

ANSWER_INTENTS = {"inform", "nlu_fallback", "out_of_scope", "affirm", "deny"}


def typed_text(tracker: Tracker, slot: str) -> str | None:
    """What the person typed in answer to ``slot``; None for a button press or while
    another slot is being asked."""
    if tracker.get_slot("requested_slot") != slot:
        return None
    text = str(tracker.latest_message.get("text") or "").strip()
    return text if text and not text.startswith("/") else None


class TypedConfirmation:
    """"ja"/"klopt"/"nee hoor"/"evet"/"ні" answer the yes/no buttons of a confirmation, also
    when the NLU heard another intent in them."""

    async def extract_confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        text = typed_text(tracker, "confirmed")
        answer = understand_confirmation(text, language_of(tracker)) if text else None
        return {} if answer is None else {"confirmed": answer}


class TypedTeam:
    """A team typed by (part of) its name in any language, a synonym or an ordinal."""

    async def extract_team(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> dict[str, Any]:
        text = typed_text(tracker, "team")
        teams = [(code, team.name_key) for code, team in municipality().teams.items()]
        if text is None or tracker.slots_to_validate().get("team") in dict(teams):
            return {}  # a button, or a team the NLU found ("klantmanager" in a sentence)
        team = understand_team(text, teams, language_of(tracker))
        if team is not None:
            return {"team": team}
        if typed_preference(text) is not None:
            return {"team": text}  # a day for later: validate_team keeps it
        # Nothing like a team: an answer that was meant as one gets the list of teams again;
        # another request ("mijn afspraak afzeggen") leaves the form to the dialogue as before.
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return {"team": text} if intent in ANSWER_INTENTS else {}
