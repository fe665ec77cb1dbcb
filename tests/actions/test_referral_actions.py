"""Referrals through the real action with real rasa_sdk Trackers: whose work it is, what to do
there, when the municipality comes in, and never a municipal appointment for it."""

from __future__ import annotations

import pytest

from actions.referral import AnswerReferral
from tests.actions.conftest import make_tracker, run_action, sent_keys, slot_events


def buttons_of(messages: list[dict]) -> list[dict]:
    return [b for m in messages for b in m["custom"].get("buttons", [])]


def arg_keys(value: object) -> list[str]:
    """Every catalog key inside a message's arguments (nested msg and lines)."""
    if isinstance(value, dict):
        own = [value["key"]] if value.get("type") == "msg" else []
        return own + [k for v in value.values() for k in arg_keys(v)]
    if isinstance(value, list):
        return [k for v in value for k in arg_keys(v)]
    return []


async def test_ww_goes_to_uwv_with_the_bijstand_supplement_as_the_municipal_part(domain) -> None:
    tracker = make_tracker("web:1", intent="referral_uwv", text="I lost my job, can I get WW?",
                           slots={"team": "klantmanager"})
    messages, events = await run_action(AnswerReferral(), tracker, domain)
    assert sent_keys(messages) == ["referral.whose", "referral.uwv.ww", "referral.contact",
                                   "referral.municipality_comes_in"]
    assert messages[0]["custom"]["args"]["organisation"]["key"] == "referral.org.uwv"
    contact = messages[2]["custom"]["args"]
    assert "referral.contact.phone" in arg_keys(contact["details"])
    assert contact["source"].startswith("https://www.uwv.nl")
    roles = arg_keys(messages[3]["custom"]["args"]["roles"])
    assert "referral.municipality.bijstand_supplement" in roles
    payloads = [b["payload"] for b in buttons_of(messages)]
    assert payloads == ["/apply_benefit", "/ask_debt_help"]
    assert not any(p.startswith("/book_appointment") for p in payloads)
    # a later "yes" must not book a municipal team for UWV's work
    assert slot_events(events) == {"team": None}


async def test_a_doctors_appointment_goes_to_the_huisarts_without_municipal_times(domain) -> None:
    tracker = make_tracker("web:2", intent="referral_health",
                           text="Як мені потрапити на прийом до лікаря?")
    messages, _ = await run_action(AnswerReferral(), tracker, domain)
    assert sent_keys(messages)[:2] == ["referral.whose", "referral.health.huisarts"]
    assert messages[0]["custom"]["args"]["organisation"]["key"] == "referral.org.huisarts"
    assert all("book" not in b["payload"] for b in buttons_of(messages))


@pytest.mark.parametrize(("intent", "text", "organisation", "subject_key"), [
    ("referral_uwv", "Ik ben al 2 jaar ziek, wanneer moet ik de WIA aanvragen?",
     "referral.org.uwv", "referral.uwv.wia"),
    ("referral_belastingdienst", "Hoe vraag ik zorgtoeslag aan?",
     "referral.org.belastingdienst", "referral.belastingdienst.zorgtoeslag"),
    ("referral_duo", "متى يمكنني تقديم inburgeringsexamen", "referral.org.duo",
     "referral.duo.inburgeringsexamen"),
    ("referral_svb", "Коли приходить kinderbijslag?", "referral.org.svb",
     "referral.svb.kinderbijslag"),
    ("referral_ind", "Verblijfsvergunning verlengen", "referral.org.ind",
     "referral.ind.verblijfsvergunning"),
    ("referral_legal_aid", "ik heb een advocaat nodig", "referral.org.juridisch_loket",
     "referral.legal_aid.advies"),
])
async def test_the_answer_is_about_the_subject_the_message_names(
        domain, intent, text, organisation, subject_key) -> None:
    messages, _ = await run_action(AnswerReferral(), make_tracker("web:3", intent=intent,
                                                                  text=text), domain)
    assert messages[0]["custom"]["args"]["organisation"]["key"] == organisation
    assert sent_keys(messages)[1] == subject_key


async def test_the_inburgering_exam_is_duos_but_the_route_is_the_municipalitys(domain) -> None:
    tracker = make_tracker("web:4", intent="referral_duo", text="inburgeringsexamen B1 halen")
    messages, _ = await run_action(AnswerReferral(), tracker, domain)
    roles = arg_keys(messages[-1]["custom"]["args"]["roles"])
    assert roles[:1] == ["referral.municipality.with_source"]
    assert "referral.municipality.civic_integration" in roles
    assert [b["payload"] for b in buttons_of(messages)] == ["/ask_civic_integration"]


async def test_a_subject_without_a_municipal_part_has_no_buttons(domain) -> None:
    tracker = make_tracker("web:5", intent="referral_health", text="ambulance bellen, 112")
    messages, _ = await run_action(AnswerReferral(), tracker, domain)
    assert sent_keys(messages) == ["referral.whose", "referral.health.spoed"]
    assert buttons_of(messages) == []


async def test_local_housing_party_and_statushouder_housing(domain) -> None:
    tracker = make_tracker("web:6", intent="referral_housing", text="ik zoek een huurwoning")
    messages, _ = await run_action(AnswerReferral(), tracker, domain)
    assert messages[0]["custom"]["args"]["organisation"]["key"] == \
        "referral.org.woonservice_drenthe"
    assert "referral.municipality.statushouder_housing" in arg_keys(
        messages[-1]["custom"]["args"]["roles"])


async def test_a_municipality_without_the_topic_gets_the_text_without_a_button(
        domain, monkeypatch) -> None:
    from actions.common import municipality
    from actions.referral import _referrals
    from assistant.settings import get_settings

    monkeypatch.setenv("MUNICIPALITY", "emmen")  # Emmen answers apply_benefit, not debts
    get_settings.cache_clear()
    try:
        assert "ask_debt_help" not in municipality().topics
        tracker = make_tracker("web:7", intent="referral_uwv", text="WW te laag")
        messages, _ = await run_action(AnswerReferral(), tracker, domain)
        roles = arg_keys(messages[-1]["custom"]["args"]["roles"])
        assert "referral.municipality.debts" in roles
        assert [b["payload"] for b in buttons_of(messages)] == ["/apply_benefit"]
        assert messages[0]["custom"]["args"]["organisation"]["key"] == "referral.org.uwv"
    finally:
        monkeypatch.delenv("MUNICIPALITY")
        get_settings.cache_clear()
        _referrals.cache_clear()


async def test_an_intent_that_is_no_referral_gets_the_menu(domain) -> None:
    messages, _ = await run_action(AnswerReferral(), make_tracker("web:8", intent="greet",
                                                                  text="hallo"), domain)
    assert sent_keys(messages) == ["fallback.not_understood"]
