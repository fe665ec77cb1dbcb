"""Rasa 3.6's bookkeeping around a turn, the same results with less work (loaded by
``bot/rasa_server.py``). Found by profiling the benchmark's visit through Rasa's agent:

- Rasa runs its graphs (understanding a message; predicting the next action, a few times a
  turn) with Dask's synchronous scheduler, which orders the graph, builds its task state and
  queues each task at every run: a tenth of a turn. ``SequentialGraphRunner`` runs the same
  nodes once each, in an order worked out once per set of targets, each after the nodes it
  needs, in the same thread, and gives the same results and exceptions. The graphs here are
  a chain (the NLU pipeline) and nodes that only read what they get (the policies), so the
  order among independent nodes changes nothing either.
- Each event the action server sends back was looked up by its name among all subclasses
  of ``Event``, listed again (with an ``inspect.isabstract`` per class) for every event:
  the names are looked up in a table made once, in the same order, so the same class wins.
- ``_check_for_unseen_features`` compared the whole domain, turned into a dictionary, with
  an empty domain, also turned into one, at every message: a domain does not change while
  it serves, so whether it is empty is worked out once per domain.
- Recording an action's events made deep copies of them, and of the policy's events, only
  to pass them to debug log lines, which this server never writes (``bot/rasa_server.py``
  keeps Rasa's log level at INFO or above): those copies are no longer made. Likewise the
  memoization policy's deep copy of its states for a debug line.
"""

from __future__ import annotations

from typing import Any

import rasa.core.processor
import rasa.shared.utils.common
from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecutionRejected, Event
from rasa.shared.core.trackers import DialogueStateTracker

IS_EMPTY = "_is_empty_kept"  # on a domain: whether it is empty
_original_resolve_by_type = Event.resolve_by_type
_original_is_empty = Domain.is_empty
_original_log_action_on_tracker = MessageProcessor._log_action_on_tracker
_original_memoization_predict = MemoizationPolicy.predict_action_probabilities


class SequentialGraphRunner(DaskGraphRunner):
    """``DaskGraphRunner`` without Dask: the same nodes, each once, after its needs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._orders: dict[tuple[str, ...], list[tuple[str, list[str]]]] = {}

    def _order(self, targets: tuple[str, ...]) -> list[tuple[str, list[str]]]:
        """The nodes the targets need, each after the nodes it needs, with their needs."""
        order = self._orders.get(targets)
        if order is None:
            schema = self._graph_schema.minimal_graph_schema(list(targets))
            order, placed = [], set()

            def place(name: str) -> None:
                if name in placed or name not in schema.nodes:
                    return
                placed.add(name)
                needs = list(schema.nodes[name].needs.values())
                for need in needs:
                    place(need)
                order.append((name, needs))

            for name in schema.nodes:
                place(name)
            order = self._orders[targets] = order
        return order

    def run(self, inputs: dict[str, Any] | None = None,
            targets: list[str] | None = None) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        order = self._order(tuple(run_targets))
        names = {name for name, _ in order}
        results: dict[str, Any] = {}
        for input_name, input_value in (inputs or {}).items():
            if isinstance(input_value, str) and (input_value in names
                                                 or input_value in results):
                raise GraphRunError(
                    f"Input value '{input_value}' clashes with a node name. Make sure "
                    f"that none of the input names passed to the `run` method are the "
                    f"same as node names in the graph schema.")
            results[input_name] = (input_name, input_value)
        try:
            for name, needs in order:
                if name in results:  # an input named like a node replaces it, as in Dask
                    continue
                node = self._instantiated_nodes[name]
                results[name] = node(*(results.get(need, need) for need in needs))
            return dict(results[target] for target in run_targets)
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error


def _event_classes() -> dict[str, type[Event]]:
    """Each event name's class: the first among ``all_subclasses(Event)``, as Rasa picks."""
    table: dict[str, type[Event]] = {}
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        table.setdefault(cls.type_name, cls)
    return table


def resolve_by_type_from_a_table() -> Any:
    """``Event.resolve_by_type`` with the names looked up in a table made now."""
    table = _event_classes()

    def resolve_by_type(type_name: str, default: type[Event] | None = None
                        ) -> type[Event] | None:
        found = table.get(type_name)
        return found if found is not None else _original_resolve_by_type(type_name, default)

    return resolve_by_type


def is_empty(domain: Domain) -> bool:
    """``Domain.is_empty``, worked out once per domain."""
    kept = domain.__dict__.get(IS_EMPTY)
    if kept is None:
        kept = domain.__dict__[IS_EMPTY] = _original_is_empty(domain)
    return kept


def _log_action_on_tracker(self: MessageProcessor, tracker: DialogueStateTracker,
                           action: Any, events: list[Event] | None,
                           prediction: PolicyPrediction) -> None:
    """``MessageProcessor._log_action_on_tracker`` of Rasa 3.6 without its debug lines."""
    if events is None:
        events = []
    action_was_rejected_manually = any(
        isinstance(event, ActionExecutionRejected) for event in events)
    if not action_was_rejected_manually:
        tracker.update_with_events(prediction.events, self.domain)
        tracker.update(action.event_for_successful_execution(prediction))
    tracker.update_with_events(events, self.domain)


def predict_action_probabilities(self: MemoizationPolicy, tracker: DialogueStateTracker,
                                 domain: Domain,
                                 rule_only_data: dict[str, Any] | None = None,
                                 **kwargs: Any) -> PolicyPrediction:
    """``MemoizationPolicy.predict_action_probabilities`` of Rasa 3.6 without its debug
    lines (one deep copy of the states)."""
    result = self._default_predictions(domain)
    states = self._prediction_states(tracker, domain, rule_only_data=rule_only_data)
    predicted_action_name = self.recall(states, tracker, domain, rule_only_data=rule_only_data)
    if predicted_action_name is not None:
        result = self._prediction_result(predicted_action_name, tracker, domain)
    return self._prediction(result)


def lean_turn_bookkeeping() -> None:
    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner  # type: ignore[misc]
    Event.resolve_by_type = staticmethod(  # type: ignore[method-assign]
        resolve_by_type_from_a_table())
    Domain.is_empty = is_empty  # type: ignore[method-assign]
    MessageProcessor._log_action_on_tracker = _log_action_on_tracker  # type: ignore[method-assign]
    MemoizationPolicy.predict_action_probabilities = (  # type: ignore[method-assign]
        predict_action_probabilities)

