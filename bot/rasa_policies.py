"""Rasa 3.6's RulePolicy, the same predictions with less work per prediction (loaded by
``bot/rasa_server.py``).

At every prediction (several per turn) RulePolicy narrows its rules (about 160 here) down to
those that fit the conversation, starting with the current state, where it tests every rule
(``_get_possible_keys`` -> ``_is_rule_applicable``): a third of the policy's time. A rule
whose last state names a previous action can only fit a current state with that same
previous action (``_does_rule_match_state`` compares them, and a state without one fits no
rule with one), so here the rules are indexed by that action once, and only the rules
indexed under the current state's previous action, and those that name none, are tested,
by Rasa's own code. The rules found are the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.nlu.constants import ACTION_NAME

_original = RulePolicy._get_possible_keys
ANY = None  # index entry of the rules that name no previous action in their last state


def required_action(policy: RulePolicy, rule: str) -> str | None:
    """The previous action a rule's last state requires, or ``ANY``."""
    states = policy._rule_key_to_state(rule)
    if not states:
        return ANY
    name = (states[-1].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
    return name if isinstance(name, str) and name and name != SHOULD_NOT_BE_SET else ANY


def _index(policy: RulePolicy, lookup: dict[str, Any]) -> tuple[dict[str | None, list[str]], int]:
    """The rules of ``lookup`` by the previous action they require, and the number of states
    of the longest rule (kept per table)."""
    kept = policy.__dict__.setdefault("_rules_by_action", {})
    entry = kept.get(id(lookup))
    if entry is None or entry[0] is not lookup or entry[1] != len(lookup):
        index: dict[str | None, list[str]] = {}
        for rule in lookup:
            index.setdefault(required_action(policy, rule), []).append(rule)
        longest = max((len(policy._rule_key_to_state(rule)) for rule in lookup), default=0)
        entry = kept[id(lookup)] = (lookup, len(lookup), index, longest)
    return entry[2], entry[3]


def _possible_keys(self: RulePolicy, lookup: dict[str, Any], states: list) -> set[str]:
    if not states:
        return _original(self, lookup, states)
    index, longest = _index(self, lookup)
    current = (states[-1].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
    candidates: Iterable[str] = index.get(ANY, [])
    if current is not None:
        candidates = [*candidates, *index.get(current, [])]
    # A rule fits every state further back than its own length: only the last states count.
    return _original(self, dict.fromkeys(candidates), states[max(0, len(states) - longest):])


# --- one rule against one state, checked from a form made once per rule ----------------------
#
# ``RulePolicy._is_rule_applicable`` (called for each candidate rule and each of the last
# states) parsed nothing again (the rule's states are cached) but reversed them into a new
# list at every call, and ``_does_rule_match_state`` turned each list value into a tuple
# each time. Here each rule's reversed states are kept with those values already tuples;
# the checks, their order and the answers are Rasa's own.

_original_is_rule_applicable = RulePolicy._is_rule_applicable
# A rule state: whether it names a previous action, and per sub-state its keys and values.
RuleState = tuple[bool, list[tuple[str, list[tuple[str, Any]]]]]
_reversed_rules: dict[str, list[RuleState]] = {}


def _reversed_rule(rule_key: str) -> list[RuleState]:
    """The rule's states from the last: whether each names a previous action (sub-state not
    empty), and its sub-states' values, lists as tuples (``_does_rule_match_state``)."""
    found = _reversed_rules.get(rule_key)
    if found is None:
        found = [
            (bool(state.get(PREVIOUS_ACTION)),
             [(kind, [(key, tuple(value) if isinstance(value, list) else value)
                      for key, value in sub_state.items()])
              for kind, sub_state in state.items()])
            for state in reversed(RulePolicy._rule_key_to_state(rule_key))]
        _reversed_rules[rule_key] = found
    return found


def is_rule_applicable(self: RulePolicy, rule_key: str, turn_index: int,
                       conversation_state: dict) -> bool:
    """``RulePolicy._is_rule_applicable`` with ``_does_rule_match_state`` of Rasa 3.6."""
    reversed_rule_states = _reversed_rule(rule_key)
    if turn_index >= len(reversed_rule_states):
        return True
    rule_previous_action, sub_states = reversed_rule_states[turn_index]
    current_previous_action = conversation_state.get(PREVIOUS_ACTION)
    if not rule_previous_action and not current_previous_action:
        return True
    if not rule_previous_action or not current_previous_action:
        return False
    for state_type, values in sub_states:
        conversation_sub_state = conversation_state.get(state_type, {})
        for key, value_from_rules in values:
            value_from_conversation = conversation_sub_state.get(key)
            if (
                value_from_rules
                and value_from_rules != SHOULD_NOT_BE_SET
                and value_from_conversation != value_from_rules
            ) or (
                value_from_rules == SHOULD_NOT_BE_SET
                and value_from_conversation
                and value_from_conversation != SHOULD_NOT_BE_SET
            ):
                return False
    return True


def index_rules_by_previous_action() -> None:
    RulePolicy._get_possible_keys = _possible_keys  # type: ignore[method-assign]
    RulePolicy._is_rule_applicable = is_rule_applicable  # type: ignore[method-assign]

