"""The resident's rights: what we keep about them (with a download), and erasure on request:
everything we stored about this person, after a clear yes."""

from __future__ import annotations

import asyncio

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import AllSlotsReset, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import DatabaseGuard, appointment_book, handover_queue, say
from actions.typed import TypedConfirmation
from assistant.callbacks import CallBacks
from assistant.feedback import FeedbackStore
from assistant.leads import Leads
from assistant.messages import NP_, button, message, msg
from assistant.privacy.overview import DOWNLOAD_PAYLOAD, overview_of
from assistant.settings import get_settings
from assistant.storage import ProfileStore


class ShowMyData(DatabaseGuard, Action):
    """"Welke gegevens hebben jullie van mij?": what we keep, a download and erasure."""

    def name(self) -> str:
        return "action_show_my_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        settings = get_settings()
        overview = await asyncio.to_thread(overview_of, tracker.sender_id, settings)
        say(dispatcher, "privacy.overview",
            [button("privacy.download", DOWNLOAD_PAYLOAD),
             button("intent.delete_my_data", "/delete_my_data")],
            language=msg("language.name"), appointments=overview.active_appointments,
            messages=overview.messages_from_person,
            handovers=len(overview.handover_requests),
            days=settings.conversation_retention_days)
        return []


class DeleteMyData(DatabaseGuard, Action):
    def name(self) -> str:
        return "action_delete_my_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        if not tracker.get_slot("confirmed"):
            say(dispatcher, "privacy.kept")
            return [AllSlotsReset()]
        removed = await asyncio.to_thread(forget, tracker.sender_id)
        # Our database is clean now; the gateway also empties Rasa's copy of the conversation
        # (what the person typed) when it sees forget_conversation.
        dispatcher.utter_message(json_message={
            **message(NP_("privacy.deleted", "privacy.deleted"),
                      count=removed["appointments"]),
            "forget_conversation": True})
        say(dispatcher, "privacy.deleted_what", **removed)  # says what it removed
        return [AllSlotsReset()]


def forget(sender_id: str) -> dict[str, int]:
    """Erase this person's appointments, profile, requests for a person (live lines and
    call-back requests too), employer leads and ratings of answers; returns how many of
    each were removed."""
    return {"appointments": appointment_book().forget(sender_id),
            "requests": handover_queue().forget(sender_id),
            "callbacks": CallBacks(get_settings().database_url).forget(sender_id),
            "leads": Leads(get_settings().database_url).forget(sender_id),
            "feedback": FeedbackStore(get_settings().database_url).forget(sender_id),
            "profile": int(ProfileStore(get_settings().database_url).delete(sender_id))}


class AskDeleteConfirmation(Action):
    def name(self) -> str:
        return "action_ask_delete_data_form_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        say(dispatcher, "privacy.ask_confirm", [button("privacy.yes_delete", "/affirm"),
                                                button("button.no", "/deny")])
        return []


class ValidateDeleteDataForm(TypedConfirmation, FormValidationAction):
    """A typed yes or no ("ja, verwijder alles", "nee") to the erasure question."""

    def name(self) -> str:
        return "validate_delete_data_form"
