"""Eligibility checks: one question at a time, then the outcome with its reasons and sources.

The questions and the provisions a check weighs are data (policy/<municipality>/checks.yml),
the rules are the provisions' conditions; assistant/eligibility.py does the reasoning. The
form ``eligibility_form`` has one slot, ``check_answer``, that is asked again and again with
a different question until no open provision depends on a further answer. The answers so far
live in ``check_answers`` (fact -> value), so "nee, ik ben 29" can correct an earlier one.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import cited, current_policy, language_of, municipality, say, team_name
from actions.conversation import DURATION_UNITS, answer_topic
from assistant.eligibility import (
    Answers,
    Assessment,
    ConditionResult,
    Verdict,
    assess_all,
    next_question,
    parse_answer,
    parse_number,
    team_for,
)
from assistant.messages import N_, NP_, button, lines, msg
from assistant.policy import (
    Check,
    ChecklistItem,
    Condition,
    Fact,
    Policy,
    Question,
    check_for_intent,
    figures_of,
    load_checklist,
    load_checks,
    read_vocabulary,
)
from assistant.settings import get_settings
from assistant.typed_answers.matcher import Special
from assistant.typed_answers.questions import (
    choices_named,
    facts_stated,
    understand_check_answer,
)

# Entities the NLU finds in any language, and the fact each one answers.
ENTITY_FACTS = {"age": "age", "child_age": "youngest_child_age",
                "months": "contract_months_offered"}
VERDICT_KEYS = {Verdict.FITS: N_("check.outcome.fits"),
                Verdict.DOES_NOT_FIT: N_("check.outcome.does_not_fit"),
                Verdict.OPEN: N_("check.outcome.open")}
RULE_KEYS = {"eq": N_("check.rule.eq"), "ne": N_("check.rule.ne"), "lt": N_("check.rule.lt"),
             "le": N_("check.rule.le"), "gt": N_("check.rule.gt"), "ge": N_("check.rule.ge"),
             "in": N_("check.rule.in"), "not_in": N_("check.rule.not_in")}
CHECK_SLOTS = ("check_id", "check_answers", "check_answer")
# Button titles that show a choice's own value (checks.yml ``plural_label``), for
# ``make extract-messages``: "{count} uur", "{count} maanden of meer" (duration.months is
# marked where durations are shown).
PLURAL_LABELS = (NP_("duration.hours", "duration.hours"),
                 NP_("check.choice.months_or_more", "check.choice.months_or_more"))


def checks() -> dict[str, Check]:
    """The checks that weigh a provision in force today. When a nota ends and nothing takes
    its place (Midden-Drenthe's 004 on 31 December 2026), its checks are no longer offered:
    the assistant does not weigh rules that no longer hold, nor invent new ones."""
    policy = current_policy()
    return {name: check for name, check in _checks_of(get_settings().municipality_dir).items()
            if any(provision in policy.provisions for provision in check.provisions)}


@lru_cache(maxsize=4)
def _checks_of(municipality_dir: Path) -> dict[str, Check]:
    return load_checks(municipality_dir)


@lru_cache(maxsize=4)
def checklist_of(municipality_dir: Path) -> list[ChecklistItem]:
    return load_checklist(municipality_dir)


def facts() -> dict[str, Fact]:
    return _facts_of(get_settings().policy_dir)


@lru_cache(maxsize=2)
def _facts_of(policy_dir: Path) -> dict[str, Fact]:
    return read_vocabulary(policy_dir).facts


def current_check(tracker: Tracker) -> Check | None:
    return checks().get(tracker.get_slot("check_id") or "")


def answers_of(tracker: Tracker) -> Answers:
    return dict(tracker.get_slot("check_answers") or {})


def entity_answers(tracker: Tracker, check: Check) -> Answers:
    """Ages and numbers the NLU found in the latest message, for facts this check asks."""
    found: Answers = {}
    for entity in tracker.latest_message.get("entities") or []:
        fact_name = ENTITY_FACTS.get(entity.get("entity", ""))
        number = parse_number(str(entity.get("value", "")))
        fact = facts().get(fact_name or "")
        if fact and check.question(fact.name) and number is not None and fact.accepts(number):
            found[fact.name] = number
    return found


# --- Starting a check -------------------------------------------------------------------------

class ShowChecks(Action):
    """"Waar heb ik recht op?": the checks this municipality offers, employers' first for them."""

    def name(self) -> str:
        return "action_show_checks"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        employer = tracker.get_slot("role") == "employer"
        offered = sorted(checks().values(),  # the checks for one's own audience first
                         key=lambda check: (check.audience == "employer") != employer)
        if not offered:
            say(dispatcher, "check.none_here", [button("menu.request_human", "/request_human")])
            return []
        say(dispatcher, "check.menu",
            [button(check.title_key, f"/{check.intent}") for check in offered])
        return []


class StartCheck(Action):
    """Choose the check of the intent, forget an earlier check's answers, keep what the
    person already said ("ik ben 24 en wil weten ...")."""

    def name(self) -> str:
        return "action_start_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        check = check_for_intent(checks(), intent)
        if check is None:  # this municipality has no such check: answer the topic if it can
            events: list[EventType] = []
            if intent in municipality().topics:
                events = answer_topic(dispatcher, intent)
            else:
                say(dispatcher, "check.none_here",
                    [button("menu.request_human", "/request_human")])
            return [*events, *(SlotSet(name, None) for name in CHECK_SLOTS)]
        policy = current_policy()
        say(dispatcher, check.intro_key, **figures_of(
            policy.provisions[name] for name in check.provisions if name in policy.provisions))
        events: list[EventType] = [SlotSet("check_id", check.id),
                                   SlotSet("check_answers", opening_answers(tracker, check)),
                                   SlotSet("check_answer", None)]
        if check.audience == "employer":
            events.append(SlotSet("role", "employer"))
        return events


def opening_answers(tracker: Tracker, check: Check) -> Answers:
    """What the message that started the check already tells: ages and numbers the NLU
    found, choices it names ("ik ben statushouder, kan ik ...") and yes/no facts it states
    ("ik ben alleenstaande moeder"). A button press
    (``/check_newcomer_route``) tells nothing more."""
    text = str(tracker.latest_message.get("text") or "")
    if text.startswith("/"):
        return entity_answers(tracker, check)
    language = language_of(tracker)
    return {**choices_named(text, check.questions, facts(), language),
            **facts_stated(text, check.questions, facts(), language),
            **entity_answers(tracker, check)}


# --- Asking and understanding -------------------------------------------------------------------

class AskCheckAnswer(Action):
    """The next question of the running check, with buttons for its answers."""

    def name(self) -> str:
        return "action_ask_check_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        check = current_check(tracker)
        question = check and next_question(check, current_policy(), answers_of(tracker))
        if check is None or question is None:
            return []
        say(dispatcher, question.question_key, answer_buttons(question, facts()[question.fact]))
        return []


def answer_buttons(question: Question, fact: Fact) -> list[dict]:
    if fact.type == "boolean":
        choices = [button("answer.yes", '/inform{"choice":"true"}'),
                   button("answer.no", '/inform{"choice":"false"}')]
    else:
        choices = [button(choice.label_key, f'/inform{{"choice":"{choice.value}"}}',
                          **choice.label_args()) for choice in question.choices]
    return [*choices, button("answer.dont_know", '/inform{"choice":"unknown"}')]


class ValidateEligibilityForm(FormValidationAction):
    """Turns each reply into an answer (or a correction of an earlier one)."""

    def name(self) -> str:
        return "validate_eligibility_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        check = current_check(tracker)
        if check is None or next_question(check, current_policy(), answers_of(tracker)) is None:
            return []
        return domain_slots

    async def validate_check_answer(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        check = current_check(tracker)
        answers = answers_of(tracker)
        question = check and next_question(check, current_policy(), answers)
        if check is None or question is None or value is None:
            # None: the form was just opened by the message that started the check (that
            # message is no answer; what it told, an age, is in check_answers already)
            return {"check_answer": None}
        corrections = {name: number for name, number in entity_answers(tracker, check).items()
                       if name != question.fact and name in answers
                       and answers[name] != number}
        if corrections:
            answers.update(corrections)
            for name, number in corrections.items():
                say(dispatcher, "check.corrected",
                    label=msg(check.question(name).label_key), answer=number)
        else:
            understood, answer = understand(tracker, check, question, value)
            if not understood:
                # "typ een getal" only where a number is asked; else: the buttons' words
                say(dispatcher, N_("answer.with_more") if answer is Special.WITH_MORE
                    else N_("check.not_understood") if facts()[question.fact].type
                    not in ("boolean", "enum") else N_("check.not_understood_choice"))
                return {"check_answer": None}
            answers[question.fact] = answer
        return {"check_answer": None, "check_answers": answers}


def understand(tracker: Tracker, check: Check, question: Question,
               typed: Any) -> tuple[bool, Any]:
    """(understood, value): an age or number the NLU found, a button, a typed answer (a
    button's title in any language, "weet ik niet", "de tweede", "vierentwintig"), else
    yes/no as the NLU heard it. A yes or no followed by a new topic or question ("ja, we
    hebben een vacature" to another question) is (False, Special.WITH_MORE): asked again,
    whatever the NLU heard."""
    found = entity_answers(tracker, check).get(question.fact)
    if found is not None:
        return True, found
    entities = tracker.latest_message.get("entities") or []
    choice = next((str(e.get("value")) for e in entities if e.get("entity") == "choice"), None)
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    text = str(typed or tracker.latest_message.get("text") or "")
    fact = facts()[question.fact]
    if choice is None and not text.startswith("/"):
        understood, value = understand_check_answer(text, question, fact, language_of(tracker))
        if understood or value is Special.WITH_MORE:
            return understood, value
    return parse_answer(fact, choice=choice, intent=intent, text=text)



# --- The outcome ----------------------------------------------------------------------------------

class CheckOutcome(Action):
    """Per provision: fits, does not fit or still open, with each condition and its source;
    then that the municipality decides, and the next step with the right team."""

    def name(self) -> str:
        return "action_check_outcome"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        check = current_check(tracker)
        if check is None:
            return []
        answers = answers_of(tracker)
        assessments = assess_all(check, current_policy(), answers)
        say(dispatcher, "check.outcome.title", title=msg(check.title_key))
        for assessment in assessments:
            say(dispatcher, VERDICT_KEYS[assessment.verdict],
                provision=msg(assessment.provision.title_key,
                             **assessment.provision.text_args()),
                reasons=lines(*reasons(check, assessment, answers)))
        team = team_for(check, assessments)
        fitting = next((a.provision for a in assessments if a.verdict is Verdict.FITS), None)
        next_step = msg(fitting.next_step_key) if fitting and fitting.next_step_key else msg(
            "check.next_step.talk", team=team_name(team))
        say(dispatcher, "check.outcome.municipality_decides", [
            button("topic.book_with_team", f'/book_appointment{{"team":"{team}"}}',
                   team=team_name(team)),
            button("menu.request_human", "/request_human"),
            button("check.another", "/check_eligibility"),
        ], next_step=next_step)
        if check.checklist:
            show_checklist(dispatcher)
        if check.audience == "employer":
            offer_lead(dispatcher, check, answers, assessments)
        return [SlotSet("team", team), SlotSet("check_answer", None)]


def offer_lead(dispatcher: CollectingDispatcher, check: Check, answers: Answers,
               assessments: list[Assessment]) -> None:
    """The employer may let the werkgeversservicepunt contact them about this: the button
    carries their answers and what fits as catalog ids (the gateway asks for the contact,
    bot/lead.py, and the desk reads them in the console)."""
    values = {"check": check.id, "summary": lead_summary(check, answers),
              "fits": [a.provision.title_key for a in assessments
                       if a.verdict is Verdict.FITS]}
    desk = municipality().employer_team
    say(dispatcher, "lead.offer_text", [
        button("lead.offer", "/employer_lead" + json.dumps(values, separators=(",", ":"),
                                                          ensure_ascii=False))],
        team=team_name(desk))


def lead_summary(check: Check, answers: Answers) -> list[list]:
    """Each answered question as [label id, the answer's catalog text or the value]."""
    rows = []
    for question in check.questions:
        if question.fact not in answers:
            continue
        value = answers[question.fact]
        choice = next((c for c in question.choices if c.value == value), None)
        if choice is not None:
            shown: object = {"key": choice.label_key, "args": choice.label_args()}
        elif isinstance(value, bool):
            shown = {"key": "button.yes" if value else "button.no", "args": {}}
        else:
            shown = str(value)
        rows.append([question.label_key, shown])
    return rows


class EmployerChecklist(Action):
    """What an employer arranges at the start of a placement (004 bijlage 1)."""

    def name(self) -> str:
        return "action_employer_checklist"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        show_checklist(dispatcher)
        desk = municipality().employer_team
        say(dispatcher, "checklist.next", [
            button("topic.book_with_team", f'/book_appointment{{"team":"{desk}"}}',
                   team=team_name(desk)),
            button("check.hiring_support.title", "/check_hiring_support"),
        ])
        return [SlotSet("role", "employer")]


def show_checklist(dispatcher: CollectingDispatcher) -> None:
    policy = current_policy()
    items = [msg("checklist.item", text=msg(item.key, **checklist_args(item, policy)),
                 source=cited(item.source))
             for item in checklist_of(get_settings().municipality_dir)
             if item.provision is None or item.provision in policy.provisions]
    if items:
        say(dispatcher, "checklist.title", items=lines(*items))


def checklist_args(item: ChecklistItem, policy: Policy) -> dict[str, Any]:
    """The duration of the provision an item names ("de HARRIE-training van 2 dagen"); an
    item whose provision is not in force is not shown (show_checklist)."""
    provision = policy.provisions.get(item.provision or "")
    if provision is None or provision.duration is None:
        return {}
    return {"length": msg(DURATION_UNITS[provision.duration.unit],
                          count=provision.duration.length)}


def reasons(check: Check, assessment: Assessment, answers: Answers) -> list[dict]:
    """One line per condition: met, not met or not known, with its source."""
    return [reason(check, result, answers) for result in assessment.results]


def reason(check: Check, result: ConditionResult, answers: Answers) -> dict:
    condition = result.condition
    question = check.question(condition.fact)
    label = msg(question.label_key) if question else condition.fact
    key = {True: N_("check.condition.met"), False: N_("check.condition.not_met"),
           None: N_("check.condition.unknown")}[result.holds]
    to_verify = msg("check.condition.to_verify") if condition.confidence != "confirmed" else ""
    return msg(key, label=label, answer=answer_text(question, answers.get(condition.fact)),
               rule=rule_text(question, condition), source=cited(condition.source),
               note=to_verify)


def answer_text(question: Question | None, value: Any) -> Any:
    if value is None:
        return msg("answer.dont_know")
    if isinstance(value, bool):
        key = N_("answer.yes") if value else N_("answer.no")
        return msg(key)
    choice = next((c for c in (question.choices if question else ()) if c.value == value), None)
    return msg(choice.label_key, **choice.label_args()) if choice else value


def rule_text(question: Question | None, condition: Condition) -> dict:
    values = condition.value if isinstance(condition.value, (list, tuple)) else [condition.value]
    shown = [answer_text(question, v) for v in values]
    return msg(RULE_KEYS[condition.operator], value=shown[0] if len(shown) == 1
               else lines(*shown, separator=", "))
