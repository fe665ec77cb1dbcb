"""Rasa's bookkeeping around a turn, leaner (bot/rasa_turn.py): the same results as Rasa's own.
The trained model's graphs give the same understanding of every test-story message and the
same predictions after every event of every story, rule and test story, run by Dask (with
Rasa's MemoizationPolicy) and by SequentialGraphRunner (with the one without debug copies)."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import pytest
import yaml
from rasa.core.channels.channel import UserMessage
from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.processor import MessageProcessor
from rasa.engine import loader
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.settings import get_settings
from bot import rasa_turn
from tests.test_rasa_states import conversations, domain  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def runners() -> tuple:
    model = get_settings().model_path
    if not model.exists():
        pytest.skip(f"no trained model at {model}")
    with tempfile.TemporaryDirectory() as folder:
        metadata, dask = loader.load_predict_graph_runner(Path(folder), model, LocalModelStorage,
                                                          DaskGraphRunner)
        sequential = copy.copy(dask)  # the same loaded components
        sequential.__class__ = rasa_turn.SequentialGraphRunner
        sequential._orders = {}
        yield metadata, dask, sequential


def test_the_sequential_runner_understands_messages_as_dask_does(runners: tuple) -> None:
    metadata, dask, sequential = runners
    texts = [step["user"].strip() for path in sorted((ROOT / "tests" / "stories").glob("*.yml"))
             for story in yaml.safe_load(path.read_text())["stories"]
             for step in story["steps"] if "user" in step][:150]
    assert len(texts) > 50
    for text in texts:
        found = [runner.run(inputs={"__message__": [UserMessage(text, message_id="m")]},
                            targets=[metadata.nlu_target])[metadata.nlu_target][0].as_dict()
                 for runner in (dask, sequential)]
        assert found[0] == found[1], text


def test_the_sequential_runner_predicts_as_dask_does(
        runners: tuple, domain: Domain, conversations: list) -> None:  # noqa: F811
    metadata, dask, sequential = runners
    predicted = 0
    original = rasa_turn._original_memoization_predict
    for events in conversations:
        tracker = DialogueStateTracker("test", domain.slots)
        for data in events:
            tracker.update(Event.from_parameters(data))
            if not isinstance(tracker.events[-1], (ActionExecuted, UserUttered)):
                continue
            found = []
            for runner, memoization in ((dask, original),
                                        (sequential, rasa_turn.predict_action_probabilities)):
                MemoizationPolicy.predict_action_probabilities = memoization
                try:
                    found.append(runner.run(inputs={"__tracker__": tracker},
                                            targets=[metadata.core_target]))
                finally:
                    MemoizationPolicy.predict_action_probabilities = original
            assert found[0] == found[1]
            predicted += 1
    assert predicted > 700


def test_the_sequential_runner_refuses_an_input_named_like_a_node(runners: tuple) -> None:
    metadata, _, sequential = runners
    with pytest.raises(GraphRunError):
        sequential.run(inputs={"__tracker__": "domain_provider"}, targets=[metadata.core_target])


def test_events_are_found_by_name_as_rasa_finds_them() -> None:
    original = rasa_turn._original_resolve_by_type
    resolve_by_type = rasa_turn.resolve_by_type_from_a_table()
    names = set(rasa_turn._event_classes())
    assert {"user", "bot", "action", "slot", "active_loop", "session_started", "restart",
            "rewind", "undo", "followup", "loop_interrupted", "entities",
            "user_featurization", "action_execution_rejected"} <= names
    for name in names:
        assert resolve_by_type(name) is original(name)
    assert resolve_by_type("topic") is None
    assert resolve_by_type("unknown", SlotSet) is SlotSet
    with pytest.raises(ValueError):
        resolve_by_type("unknown")


def test_whether_a_domain_is_empty_is_rasas_answer(domain: Domain) -> None:  # noqa: F811
    for one in (domain, Domain.empty()):
        assert rasa_turn.is_empty(one) == rasa_turn._original_is_empty(one)
        assert rasa_turn.is_empty(one) == rasa_turn._original_is_empty(one)  # kept


def test_an_actions_events_are_recorded_as_rasa_records_them(domain: Domain) -> None:  # noqa: F811
    from rasa.core.actions.action import ActionListen
    from rasa.core.policies.policy import PolicyPrediction

    prediction = PolicyPrediction([1.0], "RulePolicy", events=[SlotSet("team", "schuldhulp")])
    for events in ([SlotSet("role", "resident")], None,
                   [ActionExecutionRejected("booking_form")]):
        trackers = []
        for record in (rasa_turn._original_log_action_on_tracker,
                       rasa_turn._log_action_on_tracker):
            tracker = DialogueStateTracker("test", domain.slots)
            processor = MessageProcessor.__new__(MessageProcessor)
            processor.domain = domain
            record(processor, tracker, ActionListen(), copy.deepcopy(events), prediction)
            trackers.append([(type(e), e.as_dict() | {"timestamp": 0}) for e in tracker.events])
        assert trackers[0] == trackers[1]
