"""Topic answers, handover and the fallback's suggestions."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from actions import conversation
from actions.conversation import AnswerTopic, Handover
from actions.fallback import AskAffirmation
from tests.actions.conftest import make_tracker, run_action, sent_keys, slot_events


async def test_topic_answer_names_source_and_books_with_the_right_team(domain) -> None:
    tracker = make_tracker("web:1", intent="ask_wage_subsidy", text="loonkostensubsidie?")
    messages, events = await run_action(AnswerTopic(), tracker, domain)
    # answered from the policy data: the provision's description, first source and team
    assert sent_keys(messages) == ["policy.loonkostensubsidie.description", "topic.details",
                                   "topic.source_and_next"]
    offer = messages[2]["custom"]
    # the document by its title, not the number the data uses ("004 §4.1.3 ...")
    assert offer["args"]["source"].startswith("Re-integratienota Midden-Drenthe 2021-2026 §4.1.3")
    assert offer["buttons"][0]["payload"] == '/book_appointment{"team":"werkgeversservicepunt"}'
    assert slot_events(events) == {"team": "werkgeversservicepunt"}


async def test_topic_without_a_provision_uses_its_own_text_and_source(domain) -> None:
    tracker = make_tracker("web:1", intent="apply_benefit", text="bijstand aanvragen")
    messages, events = await run_action(AnswerTopic(), tracker, domain)
    assert sent_keys(messages) == ["topic.apply_benefit", "topic.source_and_next"]
    assert messages[1]["custom"]["args"]["source"] == "Participatiewet art. 11"
    assert slot_events(events) == {"team": "klantmanager"}


async def test_topic_answer_for_an_unknown_topic_offers_the_menu(domain) -> None:
    messages, _ = await run_action(AnswerTopic(), make_tracker("web:1", intent="greet"), domain)
    assert sent_keys(messages) == ["fallback.not_understood"]


async def test_handover_sends_employers_to_the_employer_desk(
        domain, monkeypatch: pytest.MonkeyPatch) -> None:
    # in the evening: nobody to chat with, so the phone number and an appointment
    monkeypatch.setattr(conversation, "current_time", lambda: datetime(
        2026, 12, 8, 19, 0, tzinfo=ZoneInfo("Europe/Amsterdam")))
    tracker = make_tracker("web:1", slots={"role": "employer"}, intent="request_human")
    messages, _ = await run_action(Handover(), tracker, domain)
    assert sent_keys(messages) == ["handover.how"]
    assert messages[0]["custom"]["args"]["phone"] == "14 0593"
    assert "werkgeversservicepunt" in messages[0]["custom"]["buttons"][0]["payload"]


async def test_fallback_suggests_the_likeliest_real_topics(domain) -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.5},
               {"name": "ask_debt_help", "confidence": 0.3},
               {"name": "affirm", "confidence": 0.2},
               {"name": "apply_benefit", "confidence": 0.1},
               {"name": "search_work", "confidence": 0.05},
               {"name": "ask_training", "confidence": 0.01}]
    tracker = make_tracker("web:1", intent="nlu_fallback", intent_ranking=ranking)
    messages, _ = await run_action(AskAffirmation(), tracker, domain)
    payloads = [b["payload"] for b in messages[0]["custom"]["buttons"]]
    assert payloads == ["/ask_debt_help", "/apply_benefit", "/search_work", "/deny"]


# --- Figures come from the data, rendered for the reader's locale ------------------------

def rendered(message: dict, language: str) -> str:
    """The message as the gateway shows it, with the real compiled catalogs."""
    from assistant.settings import PROJECT_ROOT
    from tests.fakes import translator_for

    custom = message["custom"]
    return translator_for(PROJECT_ROOT / "locales").text(custom["key"], language, custom["args"])


async def test_study_allowance_amounts_by_age_come_from_the_data(domain) -> None:
    tracker = make_tracker("web:1", intent="ask_study_allowance", text="studietoeslag")
    messages, _ = await run_action(AnswerTopic(), tracker, domain)
    assert sent_keys(messages)[:2] == ["policy.individuele_studietoeslag.description",
                                       "topic.details"]
    dutch, turkish = rendered(messages[1], "nl"), rendered(messages[1], "tr")
    assert "Vanaf 18 jaar: minstens €\xa0150 per maand" in dutch
    assert "Vanaf 21 jaar: minstens €\xa0300 per maand" in dutch
    assert "moet de gemeente nog bevestigen" in dutch  # the amounts are marked to_verify
    assert "€150" in turkish and "300" not in rendered(messages[0], "nl")


async def test_the_werkstage_extension_is_only_for_special_cases(domain) -> None:
    tracker = make_tracker("web:1", intent="ask_work_experience", text="werkstage")
    messages, _ = await run_action(AnswerTopic(), tracker, domain)
    details = rendered(messages[1], "nl")
    assert "Duur: 3 maanden, alleen in bijzondere gevallen langer, samen hooguit 6 maanden" in (
        details)


async def test_social_activation_turns_into_maatschappelijke_participatie_in_2027(
        domain, monkeypatch) -> None:
    from datetime import date

    import actions.conversation
    from assistant.policy import load_policy
    from assistant.settings import get_settings

    tracker = make_tracker("web:1", intent="ask_social_activation", text="vrijwilligerswerk")
    settings = get_settings()
    replaced = "policy.national.maatschappelijke_participatie.description"
    for day, key in ((date(2026, 12, 31), "policy.sociale_activering.description"),
                     (date(2027, 1, 1), replaced)):
        policy = load_policy(settings.policy_dir, settings.municipality, on=day)
        monkeypatch.setattr(actions.conversation, "current_policy", lambda p=policy: p)
        messages, _ = await run_action(AnswerTopic(), tracker, domain)
        assert sent_keys(messages)[0] == key


@pytest.mark.parametrize(("now", "typed", "chosen"), [
    ("nl", "I don't speak Dutch well, can we talk in English?", "en"),
    ("nl", "kunnen we verder in het Arabisch?", "ar"),
    ("en", "Can we continue in Ukrainian please", "uk"),
    ("nl", "ik wil liever Turks praten", "tr"),
    ("nl", "Ik spreek geen Engels, kan het in het Arabisch?", None),  # two others: the menu
    ("nl", "in welke talen kan ik praten?", None),
])
async def test_a_language_named_in_a_longer_request_is_chosen(domain, now: str, typed: str,
                                                              chosen: str | None) -> None:
    from actions.conversation import ChooseLanguage

    tracker = make_tracker("web:lang", text=typed, intent="choose_language",
                           metadata={"language": now})
    messages, events = await run_action(ChooseLanguage(), tracker, domain)
    if chosen is None:
        assert events == [] and messages[0]["custom"]["key"] == "language.choose"
    else:
        assert messages[0]["custom"]["set_language"] == chosen
        assert slot_events(events) == {"language": chosen}


async def test_working_on_bijstand_report_it_and_part_of_the_wages_without_an_amount(
        domain) -> None:
    """"Ik heb bijstand en heb werk gevonden": report it at once (art. 17), the wages are
    deducted with a supplement, and part may be kept for a while up to a maximum that is
    not stated (it is indexed): from the national policy data, with both articles."""
    tracker = make_tracker("web:1", intent="ask_work_on_benefit", text="werk naast bijstand")
    messages, events = await run_action(AnswerTopic(), tracker, domain)
    assert sent_keys(messages) == ["policy.national.werken_met_bijstand.description",
                                   "topic.details", "topic.source_and_next"]
    description, details = rendered(messages[0], "nl"), rendered(messages[1], "nl")
    assert "meteen door" in description and "aanvulling" in description
    assert "Duur: 6 maanden" in details and "25" in details and "maximumbedrag" in details
    assert "€" not in description + details  # no amount without a source that is read
    source = messages[2]["custom"]["args"]["source"]
    assert "Participatiewet art. 17 lid 1" in source
    assert "Participatiewet art. 31 lid 2 onderdeel n" in source
    assert slot_events(events) == {"team": "klantmanager"}
    for language in ("en", "uk", "tr", "ar", "ti", "fa", "fa_AF"):
        assert "25" in rendered(messages[1], language) or "٢٥" in rendered(messages[1], language)
