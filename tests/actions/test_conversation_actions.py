"""Session start, topic answers, handover and the fallback's suggestions."""

from __future__ import annotations

from actions.conversation import AnswerTopic, Handover, SessionStart
from actions.fallback import AskAffirmation
from tests.actions.conftest import make_tracker, run_action, sent_keys, slot_events


async def test_session_start_keeps_the_front_ends_metadata(domain) -> None:
    tracker = make_tracker("telegram:7", slots={"session_started_metadata": {
        "channel": "telegram", "language": "nl", "role": "employer", "unknown": "x"}})
    _, events = await run_action(SessionStart(), tracker, domain)
    assert events[0]["event"] == "session_started"
    assert slot_events(events) == {"channel": "telegram", "language": "nl", "role": "employer"}
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")


async def test_topic_answer_names_source_and_books_with_the_right_team(domain) -> None:
    tracker = make_tracker("web:1", intent="ask_wage_subsidy", text="loonkostensubsidie?")
    messages, events = await run_action(AnswerTopic(), tracker, domain)
    # answered from the policy data: the provision's description, first source and team
    assert sent_keys(messages) == ["policy.loonkostensubsidie.description", "topic.details",
                                   "topic.source_and_next"]
    offer = messages[2]["custom"]
    assert offer["args"]["source"].startswith("004 §4.1.3")
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


async def test_handover_sends_employers_to_the_employer_desk(domain) -> None:
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
