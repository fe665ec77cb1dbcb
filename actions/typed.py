"""Typed answers to the booking, moving, cancelling and erasure forms' buttons: the team
("schulden", "de tweede") and yes/no confirmations ("klopt", "evet", "так") in any language.

Mixed into the forms' validation actions: rasa_sdk calls ``extract_<slot>`` for every
required slot; these take the typed text only while their slot is the one asked for.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import language_of, municipality, say
from actions.time_choice import typed_preference
from assistant.messages import N_
from assistant.typed_answers.matcher import Special
from assistant.typed_answers.questions import understand_confirmation, understand_team

ANSWER_INTENTS = {"inform", "nlu_fallback", "out_of_scope", "affirm", "deny"}


def typed_text(tracker: Tracker, slot: str) -> str | None:
    """What the person typed in answer to ``slot``; None for a button press or while
    another slot is being asked."""
    if tracker.get_slot("requested_slot") != slot:
        return None
    text = str(tracker.latest_message.get("text") or "").strip()
    return text if text and not text.startswith("/") else None


# What each form's confirmation asks (its words are no new topic after a "ja").
CONFIRMATION_TEXTS = {
    "booking_form": ("booking.ask_confirm", "booking.ask_time"),
    "reschedule_form": ("reschedule.ask_confirm", "booking.ask_time"),
    "cancel_form": ("cancel.ask_confirm",),
    "delete_data_form": ("privacy.ask_confirm",),
}


class TypedConfirmation:
    """"ja"/"klopt"/"nee hoor"/"evet"/"ні" answer the yes/no buttons of a confirmation, also
    when the NLU heard another intent in them. A yes or no with a new topic or question after
    it ("yes, and how about my vacancy?") confirms nothing, even when the NLU heard a yes:
    the person is told so and asked again."""

    async def extract_confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        text = typed_text(tracker, "confirmed")
        about = CONFIRMATION_TEXTS.get((tracker.active_loop or {}).get("name") or "", ())
        answer = understand_confirmation(text, language_of(tracker), about=about) if text \
            else None
        if answer is Special.WITH_MORE:
            return {"confirmed": Special.WITH_MORE.value}  # replaces the NLU's affirm/deny
        return {} if answer is None else {"confirmed": answer}

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> list[EventType]:
        if tracker.slots_to_validate().get("confirmed") == Special.WITH_MORE.value:
            say(dispatcher, N_("answer.with_more"))
            return [SlotSet("confirmed", None)]  # the form asks for the confirmation again
        return await super().get_validation_events(  # type: ignore[misc]
            dispatcher, tracker, domain)


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
