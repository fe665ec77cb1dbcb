"""A conversation's applied events and dialogue states, kept between predictions (loaded by
``bot/rasa_server.py``): the same results as Rasa 3.6, without going through the whole
conversation again at every prediction.

At every prediction (a few per turn) both policies turn the whole conversation into states,
RulePolicy twice: ``Domain.states_for_tracker_history`` asks for the tracker's applied events
(``DialogueStateTracker.applied_events``: every event checked against five event classes,
which are abstract classes, so each check is slow), replays them into a fresh tracker and
takes the state before each action. The processor asks for the applied events a few more
times per turn. Both grow with the conversation; with a booking in it, they were the
largest part of predicting the next action.

- Applied events: the tracker keeps the events it has gone through and what they came to;
  when its events are those same events (the same objects) and new ones after them, only
  the new ones are gone through, from where the kept result stood. Everything else (events
  taken away or replaced, a new form's name among the new events, which changes how the
  earlier events of that form count) is computed from the start, as Rasa does.
- States: a state before an action depends only on the applied events before it, so the
  states already taken are kept on the tracker, with the tracker that replayed them, and
  only the new applied events are replayed. When the applied events are not the kept ones
  plus new ones (a form's repeated runs are taken out of them as the form goes on, a turn
  reverted), the states before the first difference are kept and the rest replayed. What a
  kept state read that a later event can change in place (the user message's featurization
  and entities: ``DefinePrevUserUtteredFeaturization``, ``EntitiesAdded``) is checked, and
  all states are taken again when it changed. The state after the last event is kept as
  long as no event came (the policies ask one after the other). The memoization policy's
  pass over the states (leaving out turns only rules know) is Rasa's own, run over the kept
  states.

- Copies: every action gets a copy of the tracker (``DialogueStateTracker.copy``: a new
  tracker with every event replayed into it). The tracker keeps such a replay, brought up to
  date with its new events like the applied events above, and a copy is a new tracker with
  the replay's attributes, each one that can change in place copied (events, slots, the
  latest action, the active loop; the empty user or bot message a reset made, made anew).
  A form's temporary tracker (for validating and asking, a new tracker with the events since
  the last restart and a few more) is such a copy with those few events, when there was no
  restart and the tracker's slots are the domain's.

``tests/test_rasa_states.py`` compares all three with Rasa's own after every event of the
training stories, rules and test stories and of seeded variations of them.
"""

from __future__ import annotations

import copy
import time
from collections import deque
from itertools import islice
from operator import is_
from typing import Any, NamedTuple

from rasa.core.actions.forms import FormAction
from rasa.shared.core.constants import PREVIOUS_ACTION, REQUESTED_SLOT
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

_original_applied_events = DialogueStateTracker.applied_events
_original_states = Domain.states_for_tracker_history
KEPT_APPLIED = "_applied_events_kept"  # on a tracker: _KeptApplied
KEPT_STATES = "_prior_states_kept"  # on a tracker: _KeptStates
KEPT_REPLAY = "_replay_kept"  # on a tracker: _KeptReplay
_original_copy = DialogueStateTracker.copy
_original_temporary_tracker = FormAction._temporary_tracker
SLOT_VALUE = ("_value", "_has_been_set")  # what a slot holds, not what it is
INFINITY = float("inf")


# --- applied events ------------------------------------------------------------------------


class _KeptApplied(NamedTuple):
    owner: int  # id() of the tracker (a copy of its __dict__ is not its own)
    events: Any  # the tracker's events (deque) they were computed from
    seen: tuple[Event, ...]  # its events then
    applied: list[Event]
    loop_names: frozenset[str]


def _loop_names(events: Any) -> set[str]:
    return {event.name for event in events if isinstance(event, ActiveLoop) and event.name}


def _apply(tracker: DialogueStateTracker, applied: list[Event], events: Any,
           loop_names: frozenset[str]) -> list[Event]:
    """The loop of Rasa 3.6's ``DialogueStateTracker.applied_events`` over ``events``,
    continuing from ``applied``."""
    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied = []
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    return applied


def applied_events(self: DialogueStateTracker) -> list[Event]:
    """``DialogueStateTracker.applied_events``, going only through the events added since
    the last call when the earlier ones are unchanged."""
    events = self.events
    kept = self.__dict__.get(KEPT_APPLIED)
    if (kept is not None and kept.owner == id(self) and kept.events is events
            and len(events) >= len(kept.seen) and all(map(is_, kept.seen, events))):
        if len(events) == len(kept.seen):
            return list(kept.applied)
        new = list(islice(events, len(kept.seen), None))
        if _loop_names(new) <= kept.loop_names:
            applied = _apply(self, list(kept.applied), new, kept.loop_names)
            self.__dict__[KEPT_APPLIED] = kept._replace(seen=(*kept.seen, *new),
                                                        applied=list(applied))
            return applied
    seen = tuple(events)
    loop_names = frozenset(_loop_names(seen))
    applied = _apply(self, [], seen, loop_names)
    self.__dict__[KEPT_APPLIED] = _KeptApplied(id(self), events, seen, list(applied),
                                               loop_names)
    return applied


# --- states --------------------------------------------------------------------------------


class _PriorState(NamedTuple):
    """What ``states_for_tracker_history`` reads of one prior tracker."""

    events: int  # applied events before it
    state: State  # domain.get_active_state(prior)
    hidden: bool  # hide_rule_turn of the action that follows (False at the end)
    previous_action: dict[str, str] | None
    followup_action: str | None
    latest_action_name: str | None
    active_loop_name: str | None
    message: UserUttered | None  # what the user sub-state was made from, and how
    text_featurization: bool | None
    entities: int


class _KeptStates:
    def __init__(self, owner: DialogueStateTracker, domain: Domain) -> None:
        self.owner, self.domain = id(owner), domain
        self.events: list[Event] = []  # the applied events the states are for
        self.priors: list[_PriorState] = []  # the states before each action among them
        self.replay = owner.init_copy()  # a tracker with those events applied
        self.final: _PriorState | None = None  # the state after them


def _prior_state(domain: Domain, prior: DialogueStateTracker, events: int,
                 hidden: bool) -> _PriorState:
    message = prior.latest_message
    return _PriorState(events, domain.get_active_state(prior), hidden, prior.latest_action,
                       prior.followup_action, prior.latest_action_name,
                       prior.active_loop_name, message,
                       message.use_text_for_featurization if message else None,
                       len(message.entities) if message else 0)


def _unchanged(prior: _PriorState) -> bool:
    message = prior.message
    return message is None or (message.use_text_for_featurization == prior.text_featurization
                               and len(message.entities) == prior.entities)


def _prior_states(domain: Domain, tracker: DialogueStateTracker) -> list[_PriorState]:
    """The prior states ``tracker.generate_all_prior_trackers()`` would give, in order."""
    applied = tracker.applied_events()
    kept = tracker.__dict__.get(KEPT_STATES)
    if kept is None or kept.owner != id(tracker) or kept.domain is not domain:
        kept = _KeptStates(tracker, domain)
    same = 0  # applied events the kept ones begin with
    for old, new in zip(kept.events, applied, strict=False):
        if old is not new:
            break
        same += 1
    priors = [prior for prior in kept.priors if prior.events < same]
    if not all(_unchanged(prior) for prior in priors):
        kept, same, priors = _KeptStates(tracker, domain), 0, []
    elif (same == len(applied) == len(kept.events) and kept.final is not None
          and _unchanged(kept.final)):
        return [*priors, kept.final]  # nothing happened since (the policies ask in turn)
    if same < len(kept.events):  # a tracker with the events the kept states are for
        kept.replay = tracker.init_copy()
        for event in applied[:same]:
            kept.replay.update(event)
    replay = kept.replay
    for index in range(same, len(applied)):
        event = applied[index]
        if isinstance(event, ActionExecuted):
            priors.append(_prior_state(domain, replay, index, event.hide_rule_turn))
        replay.update(event)
    kept.events, kept.priors = applied, priors
    kept.final = _prior_state(domain, replay, len(applied), False)
    tracker.__dict__[KEPT_STATES] = kept
    return [*priors, kept.final]


def _copy(state: State) -> State:
    return {kind: dict(sub_state) for kind, sub_state in state.items()}  # type: ignore[misc]


def states_for_tracker_history(domain: Domain, tracker: DialogueStateTracker,
                               omit_unset_slots: bool = False,
                               ignore_rule_only_turns: bool = False,
                               rule_only_data: dict[str, Any] | None = None) -> list[State]:
    """``Domain.states_for_tracker_history`` of Rasa 3.6 from the kept prior states."""
    if omit_unset_slots or type(tracker) is not DialogueStateTracker:
        return _original_states(domain, tracker, omit_unset_slots, ignore_rule_only_turns,
                                rule_only_data)
    if not ignore_rule_only_turns:  # each state as taken (``get_active_state`` cleaned it)
        return [_copy(prior.state) for prior in _prior_states(domain, tracker)]
    states: list[State] = []
    last_ml_action_sub_state = None
    turn_was_hidden = False
    for prior in _prior_states(domain, tracker):
        if ignore_rule_only_turns:
            if not turn_was_hidden:
                last_ml_action_sub_state = prior.previous_action
            if (not prior.followup_action
                    and prior.latest_action_name != prior.active_loop_name):
                turn_was_hidden = prior.hidden
            if turn_was_hidden:
                continue
        state = _copy(prior.state)
        if ignore_rule_only_turns:
            domain._remove_rule_only_features(state, rule_only_data)
            if states:
                domain._substitute_rule_only_user_input(state, states[-1])
            if last_ml_action_sub_state:
                state[PREVIOUS_ACTION] = dict(last_ml_action_sub_state)  # type: ignore[typeddict-item]
        # Only a sub-state left empty (all its slots only in rules) needs cleaning away.
        states.append(domain._clean_state(state) if not all(state.values()) else state)
    return states


# --- copies ------------------------------------------------------------------------------


class _KeptReplay(NamedTuple):
    owner: int  # id() of the tracker
    events: Any  # the tracker's events (deque) replayed
    seen: tuple[Event, ...]  # its events then
    replay: DialogueStateTracker  # init_copy() with them applied


def _replayed(tracker: DialogueStateTracker) -> DialogueStateTracker | None:
    """``tracker.init_copy()`` with all of the tracker's events applied, kept up to date; None
    when an event's time is not one ``travel_back_in_time`` would go past."""
    events = tracker.events
    kept = tracker.__dict__.get(KEPT_REPLAY)
    if (kept is not None and kept.owner == id(tracker) and kept.events is events
            and len(events) >= len(kept.seen) and all(map(is_, kept.seen, events))):
        replay, new = kept.replay, list(events)[len(kept.seen):]
    else:
        replay, new = tracker.init_copy(), list(events)
    if new or kept is None or kept.replay is not replay:
        if not all(event.timestamp <= INFINITY for event in new):
            tracker.__dict__.pop(KEPT_REPLAY, None)
            return None
        for event in new:
            replay.update(event)
        tracker.__dict__[KEPT_REPLAY] = _KeptReplay(id(tracker), events, tuple(events), replay)
    return replay


def _own(event: Event | None, events: Any) -> Event | None:
    """The replay's ``latest_message`` or ``latest_bot_utterance`` when it is one of its
    events, else a copy made now: then it is the empty one a reset made during the replay
    (``UserUttered.empty()``, ``BotUttered.empty()``), which a new replay makes anew."""
    if event is None or any(event is other for other in events):
        return event
    duplicate = copy.deepcopy(event)
    duplicate.timestamp = time.time()
    return duplicate


def tracker_copy(self: DialogueStateTracker) -> DialogueStateTracker:
    """``DialogueStateTracker.copy`` (a new tracker with every event replayed into it) from
    the kept replay: a new tracker with its attributes, each mutable one copied."""
    replay = _replayed(self) if type(self) is DialogueStateTracker else None
    if replay is None:
        return _original_copy(self)
    duplicate = DialogueStateTracker.__new__(DialogueStateTracker)
    attributes = {key: value for key, value in replay.__dict__.items()
                  if key not in (KEPT_APPLIED, KEPT_STATES, KEPT_REPLAY)}
    attributes["events"] = deque(replay.events, replay._max_event_history)
    attributes["slots"] = {name: copy.copy(slot) for name, slot in replay.slots.items()}
    if replay.latest_action is not None:
        attributes["latest_action"] = dict(replay.latest_action)
    attributes["latest_message"] = _own(replay.latest_message, replay.events)
    attributes["latest_bot_utterance"] = _own(replay.latest_bot_utterance, replay.events)
    if replay.active_loop is not None:
        attributes["active_loop"] = copy.copy(replay.active_loop)
    duplicate.__dict__.update(attributes)
    return duplicate


def _same_slots(tracker: DialogueStateTracker, domain: Domain) -> bool:
    """Whether the tracker's slots are the domain's (the same kinds and settings)."""
    if len(domain.slots) != len(tracker.slots):
        return False
    for slot in domain.slots:
        mine = tracker.slots.get(slot.name)
        if type(mine) is not type(slot) or (
                {key: value for key, value in vars(mine).items() if key not in SLOT_VALUE}
                != {key: value for key, value in vars(slot).items() if key not in SLOT_VALUE}):
            return False
    return True


def temporary_tracker(self: FormAction, current_tracker: DialogueStateTracker,
                      additional_events: list[Event], domain: Domain) -> DialogueStateTracker:
    """``FormAction._temporary_tracker`` (a new tracker from the domain's slots with the
    events since the last restart, the requested slot, the form's action and the new events)
    from the kept replay when it is the same: no restart, the domain's slots."""
    if (type(current_tracker) is not DialogueStateTracker or not current_tracker.sender_id
            or current_tracker._max_event_history is not None
            or current_tracker.is_rule_tracker
            or current_tracker.idx_after_latest_restart() != 0
            or not _same_slots(current_tracker, domain)
            or _replayed(current_tracker) is None):
        return _original_temporary_tracker(self, current_tracker, additional_events, domain)
    temporary = tracker_copy(current_tracker)
    for event in [SlotSet(REQUESTED_SLOT, self.get_slot_to_fill(current_tracker)),
                  ActionExecuted(self.name()), *additional_events]:
        temporary.update(event)
    return temporary


def keep_applied_events_and_states() -> None:
    DialogueStateTracker.applied_events = applied_events  # type: ignore[method-assign]
    Domain.states_for_tracker_history = states_for_tracker_history  # type: ignore[method-assign]


def keep_a_replay_to_copy() -> None:
    DialogueStateTracker.copy = tracker_copy  # type: ignore[method-assign]
    FormAction._temporary_tracker = temporary_tracker  # type: ignore[method-assign]
