"""A conversation's applied events and states kept between predictions (bot/rasa_states.py):
after every event of every training story, rule and test story, and of seeded variations of
them with reverted turns and actions, restarts, new sessions, text featurization, added
entities and follow-up actions, the applied events and both kinds of states (RulePolicy's,
and MemoizationPolicy's without the turns only rules know) are Rasa's own."""

from __future__ import annotations

import copy
import random
import types
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    Event,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from bot import rasa_states

ROOT = Path(__file__).resolve().parent.parent
# What RulePolicy found only in rules when trained on this data, and a slot as well.
RULE_ONLY = {"rule_only_slots": ["team"],
             "rule_only_loops": ["delete_data_form", "booking_form", "reschedule_form",
                                 "cancel_form", "action_two_stage_fallback"]}


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


@pytest.fixture(scope="module")
def conversations(domain: Domain) -> list[list[dict]]:
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(ROOT / "domain"),
        training_data_paths=[str(ROOT / "nlu_data" / "stories"), str(ROOT / "nlu_data" / "rules"),
                             str(ROOT / "tests" / "stories")])
    trackers = TrainingDataGenerator(importer.get_stories(), domain, remove_duplicates=False,
                                     augmentation_factor=0).generate()
    return [[event.as_dict() for event in tracker.events] for tracker in trackers]


def varied(events: list[dict], seed: int) -> list[dict]:
    """``events`` with a few reverts, restarts, featurization changes... at random places."""
    chance = random.Random(seed)
    extras = [UserUtteranceReverted(), ActionReverted(), Restarted(), SessionStarted(),
              DefinePrevUserUtteredFeaturization(True), DefinePrevUserUtteredFeaturization(False),
              EntitiesAdded([{"entity": "team", "value": "schuldhulp"}]),
              FollowupAction("action_listen"), UserUttered("hallo", {"name": "greet"}),
              ActionExecuted("action_listen")]
    result = list(events)
    for _ in range(chance.randint(1, 4)):
        result.insert(chance.randint(0, len(result)), chance.choice(extras).as_dict())
    return result


def assert_same_after_every_event(domain: Domain, events: list[dict]) -> int:
    kept = DialogueStateTracker("kept", domain.slots)
    kept.applied_events = types.MethodType(rasa_states.applied_events, kept)  # type: ignore[method-assign]
    rasas = DialogueStateTracker("rasa", domain.slots)
    rasas.applied_events = types.MethodType(  # type: ignore[method-assign]
        rasa_states._original_applied_events, rasas)
    compared = 0
    for data in events:
        kept.update(Event.from_parameters(data))
        rasas.update(Event.from_parameters(data))
        assert ([e.as_dict() for e in kept.applied_events()]
                == [e.as_dict() for e in rasas.applied_events()])
        for ignore, rule_only in ((False, None), (True, RULE_ONLY)):
            expected = rasa_states._original_states(domain, rasas, False, ignore, rule_only)
            assert rasa_states.states_for_tracker_history(
                domain, kept, False, ignore, rule_only) == expected, (events, ignore)
            compared += 1
    return compared


def test_the_stories_states_are_rasas_after_every_event(
        domain: Domain, conversations: list[list[dict]]) -> None:
    compared = sum(assert_same_after_every_event(domain, events) for events in conversations)
    assert compared > 1500


def test_varied_conversations_states_are_rasas_after_every_event(
        domain: Domain, conversations: list[list[dict]]) -> None:
    compared = sum(assert_same_after_every_event(domain, varied(events, seed))
                   for seed, events in enumerate(conversations * 3))
    assert compared > 4500


def rasas_states(domain: Domain, tracker: DialogueStateTracker) -> list:
    """Rasa's own states for a tracker with ``tracker``'s events (the same objects)."""
    rasas = DialogueStateTracker("rasa", domain.slots)
    rasas.applied_events = types.MethodType(  # type: ignore[method-assign]
        rasa_states._original_applied_events, rasas)
    for event in tracker.events:
        rasas.events.append(event)
    return rasa_states._original_states(domain, rasas, False, True, RULE_ONLY)


def test_a_copy_of_a_tracker_does_not_use_the_originals_kept_states(
        domain: Domain, conversations: list[list[dict]]) -> None:
    events = max(conversations, key=len)
    tracker = DialogueStateTracker("kept", domain.slots)
    tracker.applied_events = types.MethodType(  # type: ignore[method-assign]
        rasa_states.applied_events, tracker)
    for data in events[: len(events) // 2]:
        tracker.update(Event.from_parameters(data))
    rasa_states.states_for_tracker_history(domain, tracker, False, True, RULE_ONLY)
    twin = copy.copy(tracker)  # the same kept entries in its __dict__
    twin.events = copy.copy(tracker.events)
    twin.applied_events = types.MethodType(  # type: ignore[method-assign]
        rasa_states.applied_events, twin)
    twin.update(UserUtteranceReverted())
    for data in events[len(events) // 2:]:
        tracker.update(Event.from_parameters(data))
    for one in (twin, tracker, twin):
        assert (rasa_states.states_for_tracker_history(domain, one, False, True, RULE_ONLY)
                == rasas_states(domain, one))


def snapshot(tracker: DialogueStateTracker, shared: int | None = None) -> dict:
    """Everything a tracker holds (events and event-made attributes by identity; after the
    first ``shared`` events, events by what they say)."""
    own = {rasa_states.KEPT_APPLIED, rasa_states.KEPT_STATES, rasa_states.KEPT_REPLAY}
    events = list(tracker.events)
    shared = len(events) if shared is None else shared

    def event(value: object) -> object:
        if any(value is other for other in events[:shared]):
            return ("event", events.index(value))
        mine = value.as_dict() if value is not None else None  # type: ignore[attr-defined]
        return ("own", mine and {**mine, "timestamp": None})  # made during the replay

    found = {}
    for key, value in vars(tracker).items():
        if key in own:
            continue
        if key == "events":
            found[key] = ([id(e) for e in events[:shared]],
                          [e.as_dict() for e in events[shared:]], value.maxlen, type(value))
        elif key == "slots":
            found[key] = {name: (type(slot), vars(slot)) for name, slot in value.items()}
        elif key in ("latest_message", "latest_bot_utterance"):
            found[key] = event(value)
        elif key == "active_loop":
            found[key] = vars(value) if value is not None else None
        else:
            found[key] = value
    from rasa.shared.core.trackers import EventVerbosity

    found["state"] = tracker.current_state(EventVerbosity.ALL)
    return found


def test_a_copy_from_the_kept_replay_is_rasas_copy(
        domain: Domain, conversations: list[list[dict]]) -> None:
    copies = 0
    for seed, events in enumerate(conversations * 2):
        if seed >= len(conversations):
            events = varied(events, seed)
        tracker = DialogueStateTracker("kept", domain.slots)
        for data in events:
            tracker.update(Event.from_parameters(data))
            duplicate = rasa_states.tracker_copy(tracker)
            assert snapshot(duplicate) == snapshot(rasa_states._original_copy(tracker))
            assert duplicate.slots is not tracker.slots
            # What happens to a copy does not reach the next one.
            duplicate.update(SlotSet("team", "werkgevers"))
            duplicate.update(ActionExecuted("booking_form"))
            duplicate.update(DefinePrevUserUtteredFeaturization(True))
            duplicate.update(EntitiesAdded([{"entity": "team", "value": "x"}]))
            copies += 1
        assert snapshot(rasa_states.tracker_copy(tracker)) == snapshot(
            rasa_states._original_copy(tracker))
    assert copies > 2000


def test_a_forms_temporary_tracker_from_the_kept_replay_is_rasas(
        domain: Domain, conversations: list[list[dict]]) -> None:
    from rasa.core.actions.forms import FormAction

    forms = [FormAction(name, None) for name in domain.form_names[:2]]
    compared = 0
    for seed, events in enumerate(conversations * 2):
        if seed >= len(conversations):
            events = varied(events, seed)
        tracker = DialogueStateTracker("kept", domain.slots)
        for data in events:
            tracker.update(Event.from_parameters(data))
            for form in forms:
                extra = [SlotSet("team", "schuldhulp")]
                mine = rasa_states.temporary_tracker(form, tracker, extra, domain)
                rasas = rasa_states._original_temporary_tracker(form, tracker, extra, domain)
                # The events the form adds are new in both: compared without their times.
                shared = len(tracker.events_after_latest_restart())
                for one in (mine, rasas):
                    for event in list(one.events)[shared:]:
                        event.timestamp = 0.0
                assert snapshot(mine, shared) == snapshot(rasas, shared)
                compared += 1
    assert compared > 4000
