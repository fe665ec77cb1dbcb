"""Starting a conversation, short topic answers, contact details and handing over to a person."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import current_policy, main_menu_buttons, municipality, say, team_name
from assistant.messages import button, msg

METADATA_SLOTS = ("language", "channel", "role")


class SessionStart(Action):
    """Keep what the front end told us (channel, language, role) in slots for the whole session."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        metadata = tracker.get_slot("session_started_metadata") or {}
        events: list[EventType] = [SessionStarted()]
        events += [SlotSet(name, metadata[name]) for name in METADATA_SLOTS
                   if isinstance(metadata.get(name), str)]
        events.append(ActionExecuted("action_listen"))
        return events


class AnswerTopic(Action):
    """A short, honest answer on a work-and-income topic, its source and the team that helps."""

    def name(self) -> str:
        return "action_answer_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        topic = municipality().topics.get(intent or "")
        if topic is None:
            say(dispatcher, "fallback.not_understood", main_menu_buttons())
            return []
        if topic.provision:
            provision = current_policy().provisions[topic.provision]
            text_key, source, team = (provision.description_key, provision.sources[0],
                                      provision.team or "klantmanager")
        else:
            text_key, source, team = topic.text_key, topic.source, topic.team
        say(dispatcher, text_key)
        say(dispatcher, "topic.source_and_next", [
            button("topic.book_with_team", f'/book_appointment{{"team":"{team}"}}',
                   team=team_name(team)),
            button("menu.request_human", "/request_human"),
        ], source=source, team=team_name(team))
        return [SlotSet("team", team)]


class ShowContact(Action):
    def name(self) -> str:
        return "action_show_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        town = municipality()
        say(dispatcher, "contact.details", [button("menu.book_appointment", "/book_appointment")],
            municipality=msg(town.name_key), phone=town.phone, address=town.address,
            hours=msg(town.hours_key))
        return []


class Handover(Action):
    """Wanting a person: how to reach one now, or an appointment with the right team."""

    def name(self) -> str:
        return "action_handover"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        town = municipality()
        team = tracker.get_slot("team")
        if tracker.get_slot("role") == "employer" and not team:
            team = "werkgeversservicepunt"
        team = team if team in town.teams else "klantmanager"
        say(dispatcher, "handover.how", [
            button("topic.book_with_team", f'/book_appointment{{"team":"{team}"}}',
                   team=team_name(team)),
        ], phone=town.phone, hours=msg(town.hours_key), team=team_name(team))
        return []
