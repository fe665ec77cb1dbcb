"""The eligibility form's actions with real rasa_sdk Trackers: start, ask, understand, correct,
and the outcome with reasons, sources and the right team."""

from __future__ import annotations

import json

import pytest

from actions.conversation import AnswerTopic, ShowTargetGroups
from actions.eligibility import (
    AskCheckAnswer,
    CheckOutcome,
    EmployerChecklist,
    ShowChecks,
    StartCheck,
    ValidateEligibilityForm,
)
from tests.actions.conftest import make_tracker, run_action, sent_keys, slot_events

FORM = "eligibility_form"


def answering(answers: dict, *, text: str, intent: str = "inform",
              entities: list[dict] | None = None, check: str = "newcomer_route"):
    """The tracker the form's validation sees after the person replied ``text``."""
    return make_tracker("web:9", slots={"check_id": check, "check_answers": answers,
                                        "requested_slot": "check_answer"},
                        text=text, intent=intent, entities=entities,
                        new_slots={"check_answer": text}, active_loop=FORM)


async def test_start_keeps_an_age_given_in_the_first_message(domain) -> None:
    tracker = make_tracker("web:9", text="ik ben 24, welke route past bij mij",
                           intent="check_newcomer_route",
                           entities=[{"entity": "age", "value": "24"}])
    messages, events = await run_action(StartCheck(), tracker, domain)
    assert sent_keys(messages) == ["check.newcomer_route.intro"]
    assert slot_events(events) == {"check_id": "newcomer_route", "check_answers": {"age": 24},
                                   "check_answer": None}


@pytest.mark.parametrize(("language", "text"), [
    ("nl", "ik ben alleenstaande moeder, moet ik nu gaan werken?"),
    ("en", "I'm a single mum, do I have to work?"),
    ("tr", "Bekar anneyim, çalışmak zorunda mıyım?"),
    ("uk", "Я мама-одиначка, чи мушу я працювати?"),
    ("ar", "أنا أم عزباء، هل لازم اشتغل؟"),
    ("en", "I'm an alleenstaande ouder, must I work?"),  # a Dutch term in English
])
async def test_start_keeps_a_fact_the_first_message_states(domain, language, text) -> None:
    """"I'm a single mum, do I have to work?" was asked "do you raise your children alone?"
    next."""
    tracker = make_tracker("web:9", text=text, intent="check_parent_exemption",
                           metadata={"language": language})
    _, events = await run_action(StartCheck(), tracker, domain)
    assert slot_events(events)["check_answers"] == {"is_single_parent": True}


async def test_a_parent_check_opened_without_saying_so_asks_it(domain) -> None:
    tracker = make_tracker("web:9", text="moet ik werken met kleine kinderen?",
                           intent="check_parent_exemption", metadata={"language": "nl"})
    _, events = await run_action(StartCheck(), tracker, domain)
    assert slot_events(events)["check_answers"] == {}


async def test_employer_check_marks_the_role(domain) -> None:
    tracker = make_tracker("web:9", text="iemand aannemen", intent="check_hiring_support")
    _, events = await run_action(StartCheck(), tracker, domain)
    assert slot_events(events)["role"] == "employer"


async def test_first_question_has_a_button_per_choice_and_dont_know(domain) -> None:
    tracker = make_tracker("web:9", slots={"check_id": "newcomer_route", "check_answers": {}})
    messages, _ = await run_action(AskCheckAnswer(), tracker, domain)
    assert sent_keys(messages) == ["check.question.migrant_group"]
    payloads = [b["payload"] for b in messages[0]["custom"]["buttons"]]
    assert payloads == ['/inform{"choice":"statushouder"}', '/inform{"choice":"gezinsmigrant"}',
                        '/inform{"choice":"overige_migrant"}', '/inform{"choice":"geen"}',
                        '/inform{"choice":"unknown"}']


async def test_a_button_answer_is_stored_and_the_form_goes_on(domain) -> None:
    tracker = answering({}, text='/inform{"choice":"statushouder"}',
                        entities=[{"entity": "choice", "value": "statushouder"}])
    messages, events = await run_action(ValidateEligibilityForm(), tracker, domain)
    assert messages == []
    slots = slot_events(events)
    assert slots["check_answers"] == {"migrant_group": "statushouder"}
    # check_answer is empty again, so Rasa's form asks it again: the next question
    assert slots["check_answer"] is None and "requested_slot" not in slots


async def test_a_typed_age_in_arabic_digits_is_understood(domain) -> None:
    tracker = answering({"migrant_group": "statushouder"}, text="عمري ٢٩")
    _, events = await run_action(ValidateEligibilityForm(), tracker, domain)
    assert slot_events(events)["check_answers"] == {"migrant_group": "statushouder", "age": 29}


async def test_yes_no_questions_are_answered_by_affirm_and_deny(domain) -> None:
    answers = {"migrant_group": "statushouder", "age": 22}
    tracker = answering(answers, text="nee", intent="deny")
    _, events = await run_action(ValidateEligibilityForm(), tracker, domain)
    assert slot_events(events)["check_answers"]["has_studiefinanciering_right"] is False


async def test_a_correction_changes_the_earlier_answer_not_the_current_question(domain) -> None:
    answers = {"migrant_group": "statushouder", "age": 31}
    tracker = answering(answers, text="nee, ik ben 26", intent="deny",
                        entities=[{"entity": "age", "value": "26"}])
    messages, events = await run_action(ValidateEligibilityForm(), tracker, domain)
    assert sent_keys(messages) == ["check.corrected"]
    assert messages[0]["custom"]["args"]["answer"] == 26
    # the "nee" did not answer the pending question; with 26 studiefinanciering matters again
    assert slot_events(events)["check_answers"] == {"migrant_group": "statushouder", "age": 26}
    ask, _ = await run_action(AskCheckAnswer(), make_tracker(
        "web:9", slots={"check_id": "newcomer_route", "check_answers": {
            "migrant_group": "statushouder", "age": 26}}), domain)
    assert sent_keys(ask) == ["check.question.has_studiefinanciering_right"]


async def test_an_answer_that_is_not_understood_is_asked_again(domain) -> None:
    tracker = answering({"migrant_group": "statushouder"}, text="hallo", intent="greet")
    messages, events = await run_action(ValidateEligibilityForm(), tracker, domain)
    assert sent_keys(messages) == ["check.not_understood"]
    assert "check_answers" not in slot_events(events)
    assert slot_events(events)["check_answer"] is None


async def test_the_form_ends_when_nothing_can_change_the_outcome(domain) -> None:
    # without a vacancy the promised contract still decides the proefplaatsing (004 §5.2
    # "meestal" at a vacancy), so the form asks it; "geen contract" then settles both
    tracker = answering({}, text="nee", intent="deny", check="placement_type")
    _, events = await run_action(ValidateEligibilityForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["check_answers"] == {"has_vacancy": False} and "requested_slot" not in slots
    tracker = answering({"has_vacancy": False}, text='/inform{"choice":"0"}',
                        entities=[{"entity": "choice", "value": "0"}], check="placement_type")
    _, events = await run_action(ValidateEligibilityForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["check_answers"] == {"has_vacancy": False, "contract_months_offered": 0}
    assert slots["requested_slot"] is None


async def test_outcome_gives_reasons_with_sources_and_books_with_the_right_team(domain) -> None:
    tracker = make_tracker("web:9", slots={"check_id": "placement_type", "check_answers": {
        "has_vacancy": True, "contract_months_offered": 6}})
    messages, events = await run_action(CheckOutcome(), tracker, domain)
    assert sent_keys(messages) == ["check.outcome.title", "check.outcome.fits",
                                   "check.outcome.does_not_fit",
                                   "check.outcome.municipality_decides"]
    fits = messages[1]["custom"]["args"]
    assert fits["provision"]["key"] == "policy.proefplaatsing.title"
    reasons = fits["reasons"]["items"]
    assert [r["key"] for r in reasons] == ["check.condition.met"]
    nota = "Re-integratienota Midden-Drenthe 2021-2026"
    assert [r["args"]["source"] for r in reasons] == [f"{nota} §5.2"]
    not_fitting = messages[2]["custom"]["args"]["reasons"]["items"]
    assert not_fitting[0]["key"] == "check.condition.not_met"
    assert not_fitting[0]["args"]["source"] == f"{nota} §5.3"
    decides = messages[3]["custom"]
    assert decides["buttons"][0]["payload"] == (
        '/book_appointment{"team":"werkgeversservicepunt"}')
    assert decides["args"]["next_step"]["key"] == "policy.next_step.werkgeversservicepunt"
    assert slot_events(events)["team"] == "werkgeversservicepunt"


async def test_outcome_marks_a_rule_still_to_verify(domain) -> None:
    tracker = make_tracker("web:9", slots={"check_id": "newcomer_route", "check_answers": {
        "migrant_group": "statushouder", "age": 30, "integration_duty": True,
        "has_language_gap": False}})
    messages, _ = await run_action(CheckOutcome(), tracker, domain)
    placement = next(m["custom"]["args"] for m in messages
                     if m["custom"]["args"].get("provision", {}).get("key")
                     == "policy.route_statushouder_bemiddeling.title")
    age_reason = placement["reasons"]["items"][1]
    assert age_reason["args"]["note"]["key"] == "check.condition.to_verify"


async def test_employer_intake_ends_with_the_checklist(domain) -> None:
    tracker = make_tracker("web:9", slots={"check_id": "employer_intake", "check_answers": {
        "employer_sector": "zorg", "has_vacancy": False, "hours_per_week": 16,
        "has_work_disability": True}})
    messages, _ = await run_action(CheckOutcome(), tracker, domain)
    assert sent_keys(messages)[-2:] == ["checklist.title", "lead.offer_text"]
    items = messages[-2]["custom"]["args"]["items"]["items"]
    nota = "Re-integratienota Midden-Drenthe 2021-2026"
    assert {i["args"]["source"] for i in items} >= {f"{nota} bijlage 1 punt 5",
                                                   f"{nota} §4.2 Actie 44"}


async def test_an_employer_check_offers_a_lead_with_the_answers(domain) -> None:
    tracker = make_tracker("web:9", slots={"check_id": "employer_intake", "check_answers": {
        "employer_sector": "zorg", "has_vacancy": True, "contract_months_offered": 6,
        "hours_per_week": 16}})
    messages, _ = await run_action(CheckOutcome(), tracker, domain)
    [offer] = messages[-1]["custom"]["buttons"]
    name, _, values = offer["payload"].partition("{")
    lead = json.loads("{" + values)
    assert name == "/employer_lead" and lead["check"] == "employer_intake"
    assert lead["summary"] == [
        ["check.label.employer_sector", {"key": "check.choice.sector_zorg", "args": {}}],
        ["check.label.has_vacancy", {"key": "button.yes", "args": {}}],
        ["check.label.contract_months_offered", {"key": "duration.months",
                                                 "args": {"count": 6}}],
        ["check.label.hours_per_week", {"key": "duration.hours", "args": {"count": 16}}]]
    # a resident's check offers no lead
    tracker = make_tracker("web:9", slots={"check_id": "newcomer_route", "check_answers": {}})
    messages, _ = await run_action(CheckOutcome(), tracker, domain)
    assert "lead.offer_text" not in sent_keys(messages)


async def test_checklist_on_request(domain) -> None:
    messages, events = await run_action(EmployerChecklist(), make_tracker(
        "web:9", intent="ask_employer_checklist"), domain)
    assert sent_keys(messages) == ["checklist.title", "checklist.next"]
    assert slot_events(events) == {"role": "employer"}
    items = messages[0]["custom"]["args"]["items"]["items"]
    harrie = next(i["args"]["text"] for i in items
                  if i["args"]["text"]["key"] == "checklist.harrie_training")
    assert harrie["args"]["length"]["args"]["count"] == 2  # harrie_training's duration


async def test_check_menu_puts_employer_checks_first_for_employers(domain) -> None:
    messages, _ = await run_action(ShowChecks(), make_tracker(
        "web:9", slots={"role": "employer"}, intent="check_eligibility"), domain)
    payloads = [b["payload"] for b in messages[0]["custom"]["buttons"]]
    assert payloads[:2] == ["/offer_vacancy", "/check_hiring_support"]
    assert len(payloads) == 7


async def test_target_groups_lead_to_their_provisions(domain) -> None:
    menu, _ = await run_action(ShowTargetGroups(), make_tracker("web:9", intent="ask_options"),
                               domain)
    assert len(menu[0]["custom"]["buttons"]) == 11  # the eleven target groups of 004 §4.1-4.2
    tracker = make_tracker("web:9", intent="ask_options", entities=[
        {"entity": "target_group", "value": "doelgroep_statushouders"}])
    messages, events = await run_action(ShowTargetGroups(), tracker, domain)
    assert sent_keys(messages) == ["policy.doelgroep_statushouders.description",
                                   "options.provisions"]
    payloads = [b["payload"] for b in messages[1]["custom"]["buttons"]]
    assert "/ask_civic_integration" in payloads and "/ask_language_internship" in payloads
    assert slot_events(events) == {"team": "taal_inburgering"}
    ages = messages[0]["custom"]["args"]  # the routes' ages, from their conditions
    assert (ages["route_statushouder_beroepsonderwijs_age_ge"],
            ages["route_statushouder_beroepsonderwijs_age_lt"],
            ages["route_statushouder_bemiddeling_age_ge"]) == (18, 27, 30)


async def test_the_single_parent_check_says_the_childs_age_of_the_data(domain) -> None:
    tracker = make_tracker("web:9", intent="check_parent_exemption", text="alleenstaande ouder")
    messages, _ = await run_action(StartCheck(), tracker, domain)
    assert sent_keys(messages) == ["check.parent_exemption.intro"]
    assert messages[0]["custom"]["args"][
        "ontheffing_alleenstaande_ouder_youngest_child_age_lt"] == 5


async def test_every_provision_of_the_nota_answers_with_duration_and_next_step(domain) -> None:
    tracker = make_tracker("web:9", intent="ask_language_internship", text="taalstage")
    messages, _ = await run_action(AnswerTopic(), tracker, domain)
    details = messages[1]["custom"]["args"]["details"]["items"]
    duration = next(d for d in details if d["key"].startswith("topic.duration"))
    assert duration["args"]["length"]["args"]["count"] == 3
    assert duration["args"]["maximum"]["args"]["count"] == 9
    assert details[-1]["key"] == "policy.next_step.taal_inburgering"


async def test_a_municipality_without_the_check_answers_the_topic_or_offers_a_person(
        domain, monkeypatch) -> None:
    from assistant.settings import get_settings

    monkeypatch.setenv("MUNICIPALITY", "emmen")  # Emmen has no intake and no route check
    get_settings.cache_clear()
    try:
        vacancy = make_tracker("web:9", intent="offer_vacancy", text="vacature melden")
        messages, events = await run_action(StartCheck(), vacancy, domain)
        assert sent_keys(messages) == ["topic.offer_vacancy", "topic.source_and_next"]
        assert slot_events(events)["check_id"] is None
        route = make_tracker("web:9", intent="check_newcomer_route", text="welke route")
        messages, _ = await run_action(StartCheck(), route, domain)
        assert sent_keys(messages) == ["check.none_here"]
    finally:
        monkeypatch.delenv("MUNICIPALITY")
        get_settings.cache_clear()


def test_an_in_condition_shows_its_values_as_words_not_a_tuple() -> None:
    """The no-riskpolis condition is `in [doelgroepregister, ziektewet_groep]`; the outcome
    names both choices in the reader's language."""
    from actions.eligibility import checks, current_policy, rule_text
    from assistant.settings import PROJECT_ROOT
    from tests.fakes import translator_for

    condition = current_policy().provisions["no_riskpolis"].conditions[0]
    question = checks()["hiring_support"].question("no_riskpolis_group")
    rule = rule_text(question, condition)
    screen = translator_for(PROJECT_ROOT / "locales")
    dutch = screen.format_arg(rule, "nl")
    assert dutch == "een van: In het doelgroepregister, Andere groep van de Ziektewet"
    assert "(" not in screen.format_arg(rule, "uk") and "'" not in dutch
