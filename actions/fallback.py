"""When the assistant is unsure: offer the likeliest topics as buttons, not a dead end."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import say
from assistant.messages import button

SUGGESTIONS = 3
# Intents that make no sense as a suggestion on their own.
NOT_SUGGESTED = {"nlu_fallback", "affirm", "deny", "inform", "stop", "greet", "goodbye",
                 "thank", "out_of_scope"}


class AskAffirmation(Action):
    """Replaces Rasa's first fallback stage: "Bedoelt u een van deze onderwerpen?"."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        likely = [entry["name"] for entry in ranking
                  if entry.get("name") not in NOT_SUGGESTED][:SUGGESTIONS]
        buttons = [button(f"intent.{name}", f"/{name}") for name in likely]
        buttons.append(button("fallback.something_else", "/deny"))
        say(dispatcher, "fallback.did_you_mean", buttons)
        return []


class AskRephrase(Action):
    """The second fallback stage: ask to say it differently."""

    def name(self) -> str:
        return "action_default_ask_rephrase"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        say(dispatcher, "fallback.ask_rephrase")
        return []


class GiveUp(Action):
    """Still not understood: offer the menu and a person, and forget the message that
    confused the dialogue so it does not steer what comes next."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        say(dispatcher, "fallback.not_understood", [
            button("menu.help", "/help"), button("menu.request_human", "/request_human")])
        return [UserUtteranceReverted()]
