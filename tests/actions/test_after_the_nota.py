"""1 January 2027: Midden-Drenthe's nota 004 (2021-2026) has ended and, as long as the
municipality enters no extension or new nota, only national entries hold. The assistant
keeps working on what still holds and sends people to a klantmanager for the rest; it does
not weigh rules that have ended, and it does not invent new ones (policy/facts.yml, 004's
open_questions)."""

from __future__ import annotations

from datetime import timedelta

import pytest

import actions.common
from actions.conversation import AnswerTopic, ShowTargetGroups
from actions.eligibility import ShowChecks, StartCheck, checks
from assistant.policy import Policy, load_checks, load_policy, read_vocabulary
from assistant.settings import get_settings
from tests.actions.conftest import make_tracker, run_action, sent_keys

ASK_CURRENT_RULES = "policy.next_step.ask_current_rules"


def day_after_004():
    return read_vocabulary(get_settings().policy_dir).documents["004"].period_ends + timedelta(1)


@pytest.fixture
def policy_2027(monkeypatch) -> Policy:
    settings = get_settings()
    policy = load_policy(settings.policy_dir, settings.municipality, on=day_after_004())
    monkeypatch.setattr(actions.common, "current_policy", lambda: policy)
    for module in ("actions.conversation", "actions.eligibility"):
        monkeypatch.setattr(f"{module}.current_policy", lambda: policy)
    return policy


def test_only_checks_that_weigh_a_provision_still_in_force_are_offered(policy_2027) -> None:
    every = load_checks(get_settings().municipality_dir)
    expected = {name for name, check in every.items()
                if set(check.provisions) & set(policy_2027.provisions)}
    assert set(checks()) == expected
    assert expected < set(every), "some checks weigh only 004's provisions"


async def test_a_check_with_nothing_in_force_is_not_started(policy_2027, domain) -> None:
    ended = next(check for check in load_checks(get_settings().municipality_dir).values()
                 if not set(check.provisions) & set(policy_2027.provisions))
    messages, events = await run_action(StartCheck(), make_tracker("web:27", intent=ended.intent),
                                        domain)
    assert ended.intro_key not in sent_keys(messages)
    assert not any(e.get("name") == "check_id" and e.get("value") for e in events)
    menu, _ = await run_action(ShowChecks(), make_tracker("web:27", intent="check_eligibility"),
                               domain)
    payloads = [b["payload"] for m in menu for b in m["custom"].get("buttons", [])]
    assert f"/{ended.intent}" not in payloads


async def test_a_topic_whose_provision_ended_sends_the_person_to_a_klantmanager(
        policy_2027, domain) -> None:
    from assistant.policy import load_municipality

    town = load_municipality(get_settings().municipality_dir)
    ended = [intent for intent, topic in town.topics.items() if topic.provisions
             and not set(topic.provisions) & set(policy_2027.provisions)]
    assert "ask_stark" in ended
    for intent in ended:
        messages, _ = await run_action(AnswerTopic(), make_tracker("web:27", intent=intent),
                                       domain)
        assert sent_keys(messages) == [ASK_CURRENT_RULES], intent
        assert messages[0]["custom"]["buttons"][0]["payload"] == "/request_human"


async def test_target_groups_without_a_nota_send_the_person_to_a_klantmanager(
        policy_2027, domain) -> None:
    assert not policy_2027.target_groups
    messages, _ = await run_action(ShowTargetGroups(), make_tracker("web:27", intent="ask_options"),
                                   domain)
    assert sent_keys(messages) == [ASK_CURRENT_RULES]


async def test_the_checklist_leaves_out_what_rests_on_an_ended_provision(policy_2027,
                                                                      domain) -> None:
    from actions.eligibility import EmployerChecklist

    messages, _ = await run_action(EmployerChecklist(), make_tracker(
        "web:27", intent="ask_employer_checklist"), domain)
    shown = [i["args"]["text"]["key"] for i in messages[0]["custom"]["args"]["items"]["items"]]
    assert "harrie_training" not in policy_2027.provisions
    assert "checklist.harrie_training" not in shown and shown
