"""Questions that are another organisation's work: whose it is, what to do there, and when the
municipality does come in (policy/*/referrals.yml). Never a municipal appointment for
another organisation's service: the only buttons lead to municipal topics."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import cited, main_menu_buttons, municipality, say
from assistant.messages import N_, button, lines, msg
from assistant.policy import Organisation, Referral, ReferralMap, Subject, load_referrals
from assistant.settings import get_settings


class AnswerReferral(Action):
    def name(self) -> str:
        return "action_answer_referral"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        latest = tracker.latest_message or {}
        intent = (latest.get("intent") or {}).get("name") or ""
        referral = referrals().resolve(intent, latest.get("text") or "")
        if referral is None:
            say(dispatcher, "fallback.not_understood", main_menu_buttons())
            return []
        answer_referral(dispatcher, referral)
        # a "yes" after this answer must not book with a team for another organisation's work
        return [SlotSet("team", None)]


def referrals() -> ReferralMap:
    settings = get_settings()
    return _referrals(settings.policy_dir, settings.municipality)


@lru_cache(maxsize=2)
def _referrals(policy_dir: Path, municipality_code: str) -> ReferralMap:
    return load_referrals(policy_dir, municipality_code)


def answer_referral(dispatcher: CollectingDispatcher, referral: Referral) -> None:
    organisation, subject = referral.organisation, referral.subject
    say(dispatcher, "referral.whose", organisation=msg(organisation.name_key))
    say(dispatcher, subject.text_key)
    details = contact_lines(organisation)
    if details:
        say(dispatcher, "referral.contact", organisation=msg(organisation.name_key),
            details=lines(*details), source=cited(*organisation.sources[:2]))
    roles, buttons = municipal_roles(subject)
    if roles:
        say(dispatcher, "referral.municipality_comes_in", buttons, roles=lines(*roles))


def contact_lines(organisation: Organisation) -> list[dict]:
    found = [(N_("referral.contact.website"), "website", organisation.website),
             (N_("referral.contact.phone"), "phone", organisation.phone),
             (N_("referral.contact.address"), "address", organisation.address)]
    return [msg(key, **{name: value}) for key, name, value in found if value]


def municipal_roles(subject: Subject) -> tuple[list[dict], list[dict]]:
    """The texts on when the municipality comes in, and a button per municipal topic this
    municipality answers (a topic it does not have gets the text without a button)."""
    topics = municipality().topics
    texts = [msg("referral.municipality.with_source", text=msg(role.when_key),
                 source=cited(role.source)) for role in subject.municipality]
    shown = dict.fromkeys(role.topic for role in subject.municipality
                          if role.topic and role.topic in topics)
    return texts, [button(f"intent.{topic}", f"/{topic}") for topic in shown]
