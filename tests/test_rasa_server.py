"""bot/rasa_server.py: the leaner action calls say exactly what Rasa's own code says."""

from __future__ import annotations

import json
import math

import pytest
from jsonschema import validate
from jsonschema.exceptions import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa_sdk.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    FollowupAction,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
)

from bot.rasa_server import clearly_valid, dumps

SCHEMA = RemoteAction.action_response_format_spec()

VALID = [
    {},
    {"events": [], "responses": []},
    {"events": [SlotSet("team", "schuldhulp"), SlotSet("offered_times", ["a", "b"]),
                ActiveLoop("booking_form"), ActiveLoop(None), AllSlotsReset(),
                FollowupAction("action_listen"), UserUtteranceReverted(),
                SessionStarted(), ActionExecuted("action_listen"),
                BotUttered(text=None, data={"custom": {"key": "x"}})],
     "responses": [{"json_message": {"key": "booking.ask_team", "buttons": []}}]},
    {"events": [{"event": "user", "text": "hoi", "parse_data": {
        "intent": {"name": "greet", "confidence": 1.0}, "entities": [
            {"entity": "team", "value": "schuldhulp", "start": 0, "end": 3}]}}]},
]
INVALID = [
    [],
    {"events": {"event": "slot"}},
    {"events": ["slot"]},
    {"events": [{"name": "team", "value": 1}]},  # no kind
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": ["slot"]}]},
    {"events": [{"event": "slot", "name": "team"}]},  # no value
    {"events": [{"event": "slot", "name": 3, "value": 1}]},
    {"events": [{"event": "bot", "timestamp": "now"}]},
    {"events": [{"event": "user", "parse_data": {"entities": [{"value": 1}]}}]},
    {"events": [], "responses": ["hallo"]},
]


def schema_says(result: object) -> bool:
    try:
        validate(result, SCHEMA)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("result", VALID)
def test_a_valid_answer_is_clearly_valid(result: dict) -> None:
    assert schema_says(result)
    assert clearly_valid(SCHEMA)(result)


@pytest.mark.parametrize("result", INVALID)
def test_an_invalid_answer_is_left_to_the_whole_schema(result: object) -> None:
    assert not schema_says(result)
    assert not clearly_valid(SCHEMA)(result)


@pytest.mark.parametrize("value", [
    {"text": "Всё / ok \u00e9 \U0001f44d", "n": 1, "f": 0.1 + 0.2, "t": 1796621067.1805828,
     "none": None, "flags": [True, False], "nested": {"a": [1.5e-300, -0.0]}},
    {"big": 2**70},  # beyond ujson: the standard library writes it
    {"lone": "\ud800"},
    {"nan": math.inf},
])
def test_action_calls_are_written_as_the_standard_library_reads_them(value: dict) -> None:
    written = dumps(value)
    assert json.loads(written) == json.loads(json.dumps(value))
