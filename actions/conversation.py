"""Short topic answers, contact details and handing over to a person."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    appointment_book,
    cited,
    current_policy,
    handover_queue,
    language_of,
    latest_topic,
    main_menu_buttons,
    municipality,
    say,
    team_name,
)
from assistant.handover import QUEUED_MARK, Ticket
from assistant.language_data import compiled_languages
from assistant.messages import (
    N_,
    NP_,
    button,
    euros,
    language_menu,
    lines,
    message,
    msg,
    percent,
)
from assistant.policy import Amount, Duration, Entry, figures_of
from assistant.settings import get_settings
from assistant.storage import DATABASE_UNAVAILABLE
from assistant.typed_answers.languages import languages_mentioned


class AnswerTopic(Action):
    """What it is, who it is for, how long, what to do next, and the source."""

    def name(self) -> str:
        return "action_answer_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return answer_topic(dispatcher, intent or "")


def answer_topic(dispatcher: CollectingDispatcher, intent: str) -> list[EventType]:
    """The municipality's answer on the topic of ``intent``, from its policy data."""
    topic = municipality().topics.get(intent)
    if topic is None:
        say(dispatcher, "fallback.not_understood", main_menu_buttons())
        return []
    if topic.provisions:
        # The first of the topic's provisions in force today: a newer law's entry
        # (maatschappelijke participatie from 2027) takes over by its valid_from.
        policy = current_policy()
        provision = next((policy.provisions[name] for name in topic.provisions
                          if name in policy.provisions), None)
        if provision is None:
            say(dispatcher, "policy.next_step.ask_current_rules", [
                button("menu.request_human", "/request_human")])
            return []
        say(dispatcher, provision.description_key, **provision.text_args(),
            **figures_of(policy.neighbours(provision)))
        details = provision_details(provision)
        if details:
            say(dispatcher, "topic.details", details=lines(*details))
        source = cited(*provision.sources[:2])
        team = provision.team or municipality().resident_team
    else:
        say(dispatcher, topic.text_key)
        source, team = cited(topic.source), topic.team
    say(dispatcher, "topic.source_and_next", [
        button("topic.book_with_team", f'/book_appointment{{"team":"{team}"}}',
               team=team_name(team)),
        button("menu.request_human", "/request_human"),
    ], source=source, team=team_name(team))
    return [SlotSet("team", team)]


def provision_details(provision: Entry) -> list[dict]:
    """Who it is for, how long it lasts and the next step, as far as the data says."""
    policy = current_policy()
    groups = [msg(group.title_key, **group.text_args())
              for group in map(policy.target_groups.get, provision.target_groups) if group]
    details = []
    if groups:
        details.append(msg("topic.for_whom", groups=lines(*groups, separator=", ")))
    if provision.duration:
        details.append(duration_text(provision.duration))
    details += [amount_text(amount) for amount in provision.amounts]
    if provision.next_step_key:
        details.append(msg(provision.next_step_key))
    return details


DURATION_UNITS = {"days": NP_("duration.days", "duration.days"),
                  "weeks": NP_("duration.weeks", "duration.weeks"),
                  "months": NP_("duration.months", "duration.months")}


def duration_text(duration: Duration) -> dict:
    unit = DURATION_UNITS[duration.unit]
    length = msg(unit, count=duration.length)
    if duration.exceptional_extension and duration.max_length:
        return msg("topic.duration_exceptionally_to", length=length,
                   maximum=msg(unit, count=duration.max_length))
    if duration.extensions and duration.max_length:
        return msg(NP_("topic.duration_extendable_to", "topic.duration_extendable_to"),
                   length=length, count=duration.extensions,
                   maximum=msg(unit, count=duration.max_length))
    if duration.extensions:
        return msg(NP_("topic.duration_extendable", "topic.duration_extendable"),
                   length=length, count=duration.extensions)
    return msg("topic.duration", length=length)


# The line each kind of amount is shown with; amounts by age share one line.
AMOUNT_KEYS = {"kosten": N_("topic.amount.kosten"),
               "percentage_loonkosten": N_("topic.amount.percentage_loonkosten"),
               "maximum_percentage_wml": N_("topic.amount.maximum_percentage_wml"),
               "vrijlating_arbeidsinkomsten": N_("topic.amount.vrijlating_arbeidsinkomsten")}
AMOUNT_BY_AGE = N_("topic.amount.from_age")


def amount_text(amount: Amount) -> dict:
    """An amount of the policy data as a line: the figure is an argument, formatted for the
    reader's locale, never part of the catalog text."""
    value = percent(amount.value) if amount.unit == "percent" else euros(amount.value)
    note = msg("check.condition.to_verify") if amount.confidence != "confirmed" else ""
    if amount.from_age is not None:
        return msg(AMOUNT_BY_AGE, age=amount.from_age, amount=value, note=note)
    return msg(AMOUNT_KEYS[amount.name], amount=value, note=note)


class ShowTargetGroups(Action):
    """"Wat kan de gemeente voor mij doen?": the target groups of the policy, and for a chosen
    group what the municipality offers it, with the provisions as buttons."""

    def name(self) -> str:
        return "action_show_target_groups"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        policy = current_policy()
        chosen = next(tracker.get_latest_entity_values("target_group"), None)
        group = policy.target_groups.get(chosen or "")
        if not policy.target_groups:  # the nota that names them has ended, nothing replaced it
            say(dispatcher, "policy.next_step.ask_current_rules", [
                button("menu.request_human", "/request_human")])
            return []
        if group is None:
            say(dispatcher, "options.which_group", [
                button(entry.title_key, f'/ask_options{{"target_group":"{name}"}}',
                       **entry.text_args())
                for name, entry in policy.target_groups.items()])
            return []
        offered = policy.offered_to(group)
        say(dispatcher, group.description_key, **group.text_args(), **figures_of(offered))
        intents = {name: intent for intent, topic in municipality().topics.items()
                   for name in topic.provisions}
        buttons = [button(entry.title_key, f"/{intents[entry.id]}", **entry.text_args())
                   for entry in offered if entry.id in intents][:8]
        say(dispatcher, "options.provisions", [
            *buttons, button("menu.check_eligibility", "/check_eligibility")],
            source=cited(*group.sources[:2]))
        return [SlotSet("team", group.team)]


class ChooseLanguage(Action):
    """A language button was pressed: switch to it (the gateway stores the choice and renders
    in it from this message on). Asked for another language: the menu."""

    def name(self) -> str:
        return "action_choose_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        available = available_languages()
        chosen = next(tracker.get_latest_entity_values("language"), None)
        if chosen not in available:
            chosen = language_asked_for(tracker, available)
        if chosen not in available:
            dispatcher.utter_message(json_message=language_menu(available))
            return []
        dispatcher.utter_message(json_message={**message("language.changed"),
                                               "set_language": chosen})
        return [SlotSet("language", chosen)]


def language_asked_for(tracker: Tracker, available: list[str]) -> str | None:
    """The one other language a typed request names: "can we talk in English?", or "I
    don't speak Dutch well, in English please" in a Dutch conversation (the language
    spoken now is the one to leave). None when it names none or several: the menu."""
    text = str((tracker.latest_message or {}).get("text") or "")
    if text.startswith("/"):
        return None
    named = languages_mentioned(text, available)
    if len(named) > 1:
        named.discard(language_of(tracker))
    return named.pop() if len(named) == 1 else None


def available_languages() -> list[str]:
    """Every language with a compiled catalog; adding one is adding its catalog."""
    return compiled_languages(get_settings().locales_dir)


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


logger = logging.getLogger(__name__)

# Slots the staff see with a handover request: what was chosen, never what was typed.
HANDOVER_SLOTS = ("role", "team", "appointment_time", "booked_reference")


def current_time() -> datetime:
    return datetime.now(timezone.utc)


def join_queue_if_open(tracker: Tracker, team: str, now: datetime | None = None) -> Ticket | None:
    """During the team's opening hours the request joins its queue (for staff to take);
    outside them nobody could, so it does not (a call-back request is for later)."""
    if not appointment_book().is_open(team, now):
        return None
    collected = {name: str(tracker.get_slot(name)) for name in HANDOVER_SLOTS
                 if tracker.get_slot(name)}
    channel = tracker.sender_id.split(":", 1)[0] if ":" in tracker.sender_id else "rest"
    return handover_queue().request(tracker.sender_id, channel, team, language_of(tracker),
                                    latest_topic(tracker), collected)


class Handover(Action):
    """Wanting a person: during the team's opening hours a place in its queue (a medewerker
    joins this chat); otherwise how to reach one, or an appointment with the right team."""

    def name(self) -> str:
        return "action_handover"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        town = municipality()
        team = tracker.get_slot("team")
        if tracker.get_slot("role") == "employer" and not team:
            team = town.employer_team
        team = team if team in town.teams else town.resident_team
        ticket = None
        try:
            ticket = await asyncio.to_thread(join_queue_if_open, tracker, team, current_time())
        except DATABASE_UNAVAILABLE:  # the phone number and the booking still help
            logger.warning("handover request not queued: the database is unavailable")
        buttons = [button("topic.book_with_team", f'/book_appointment{{"team":"{team}"}}',
                          team=team_name(team))]
        args = {"phone": town.phone, "hours": msg(town.hours_key), "team": team_name(team)}
        if ticket is None:  # nobody to chat with now: the phone, an appointment or a call-back
            buttons.append(button("callback.offer", f'/callback{{"team":"{team}"}}'))
            say(dispatcher, "handover.how", buttons, **args)
            return []
        # The mark tells the gateway (bot/live.py) to listen for the medewerker's lines.
        dispatcher.utter_message(json_message={**message("handover.queued", buttons, **args),
                                               QUEUED_MARK: ticket.id})
        return []
