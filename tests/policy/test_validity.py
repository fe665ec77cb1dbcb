"""What is presented as current is in force on that day: old entries close on their end date,
new law (2026, 2027) takes over by its valid_from, without anyone changing code."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from assistant.policy import SECTIONS, Policy, load_policy
from tests.policy.conftest import POLICY
from tests.policy.test_real_policy import all_entries

MUNICIPALITIES = ("midden-drenthe", "emmen")


def boundaries() -> list[date]:
    """Every day on which some entry starts or ends, and the days either side."""
    days = {date.today()}
    for entry in all_entries():
        for edge in (entry.valid_from, entry.valid_to):
            if edge is not None:
                days |= {edge - timedelta(days=1), edge, edge + timedelta(days=1)}
    return sorted(days)


def presented(policy: Policy) -> list:
    return [entry for section in SECTIONS for entry in getattr(policy, section).values()]


@pytest.mark.parametrize("municipality", MUNICIPALITIES)
def test_no_entry_presented_as_current_has_ended_or_not_yet_started(municipality: str) -> None:
    for day in boundaries():
        for entry in presented(load_policy(POLICY, municipality, on=day)):
            assert entry.valid_from <= day, (day, entry.id, entry.valid_from)
            assert entry.valid_to is None or entry.valid_to >= day, (day, entry.id, entry.valid_to)
            assert entry.status == "current", (day, entry.id)


@pytest.mark.parametrize("municipality", MUNICIPALITIES)
def test_nothing_presented_today_has_a_valid_to_in_the_past(municipality: str) -> None:
    today = date.today()
    stale = [e.id for e in presented(load_policy(POLICY, municipality, on=today))
             if e.valid_to is not None and e.valid_to < today]
    assert not stale


@pytest.mark.parametrize("municipality", MUNICIPALITIES)
def test_the_youth_search_period_changes_on_1_january_2026(municipality: str) -> None:
    """Participatiewet in balans, phase 1: the municipality may waive the four weeks."""
    before, after = (load_policy(POLICY, municipality, on=day).provisions["zoektermijn_jongeren"]
                     for day in (date(2025, 12, 31), date(2026, 1, 1)))
    assert before.description_key == "policy.national.zoektermijn_jongeren.description"
    assert before.valid_to == date(2025, 12, 31)
    assert after.description_key == "policy.national.zoektermijn_jongeren_2026.description"
    assert after.valid_from == date(2026, 1, 1) and after.valid_to is None
    assert after.duration and after.duration.length == 4 and after.duration.unit == "weeks"


def test_maatschappelijke_participatie_replaces_sociale_activering_in_2027() -> None:
    last, first = (load_policy(POLICY, "midden-drenthe", on=day)
                   for day in (date(2026, 12, 31), date(2027, 1, 1)))
    assert "sociale_activering" in last.provisions
    assert "maatschappelijke_participatie" not in last.provisions
    assert "sociale_activering" not in first.provisions
    replacement = first.provisions["maatschappelijke_participatie"]
    assert replacement.layer == "national" and replacement.valid_from == date(2027, 1, 1)
    assert replacement.confidence == "to_verify" and replacement.open_questions


def test_the_school_to_work_law_starts_on_1_january_2026() -> None:
    name = "ondersteuning_jongeren_zonder_startkwalificatie"
    assert name not in load_policy(POLICY, "midden-drenthe", on=date(2025, 12, 31)).provisions
    entry = load_policy(POLICY, "midden-drenthe", on=date(2026, 1, 1)).provisions[name]
    assert "art. 7a" in entry.legal_source and "8a" in entry.legal_source
