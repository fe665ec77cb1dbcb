"""Loading: national layer plus overrides, filtered by validity; superseded is never current."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.policy import load_policy
from tests.policy.conftest import POLICY, Edit

HISTORY = {"loondispensatie", "wsw_instroom", "gezamenlijke_intake_qwink", "wwb_bijstand",
           "zoektermijn_jongeren"}


def test_a_municipal_entry_replaces_the_national_one() -> None:
    on = date(2024, 6, 1)
    midden, emmen = load_policy(POLICY, "midden-drenthe", on), load_policy(POLICY, "emmen", on)
    assert midden.provisions["loonkostensubsidie"].layer == "midden-drenthe"
    assert emmen.provisions["loonkostensubsidie"].layer == "emmen"
    assert emmen.provisions["loonkostensubsidie"].team == "werkgeversservicepunt"
    assert midden.provisions["bbz"].team == emmen.provisions["bbz"].team == "klantmanager"
    assert (midden.provisions["bbz"].layer, emmen.provisions["bbz"].layer) == (
        "midden-drenthe", "national")
    assert emmen.provisions["zoektermijn_jongeren"].layer == "national"


def test_the_nota_ends_on_2026_12_31() -> None:
    last, after = (load_policy(POLICY, "midden-drenthe", day)
                   for day in (date(2026, 12, 31), date(2027, 1, 1)))
    assert "werkstage" in last.provisions and "werkstage" not in after.provisions
    assert "doelgroep_jongeren" in last.target_groups and not after.target_groups
    assert after.provisions["loonkostensubsidie"].layer == "national"
    assert "ontheffing_alleenstaande_ouder" in after.provisions


def test_an_entry_is_offered_only_from_its_start() -> None:
    before, start = (load_policy(POLICY, "midden-drenthe", day)
                     for day in (date(2021, 12, 31), date(2022, 1, 1)))
    assert "inburgering" not in before.provisions
    assert start.provisions["inburgering"].layer == "midden-drenthe"


@pytest.mark.parametrize("year", range(2004, 2031, 2))
def test_superseded_entries_are_never_current(year: int) -> None:
    for municipality in ("midden-drenthe", "emmen"):
        policy = load_policy(POLICY, municipality, date(year, 6, 1))
        offered = [*policy.provisions.values(), *policy.target_groups.values(),
                   *policy.partners.values()]
        assert all(entry.status == "current" for entry in offered)
        assert not {e.id for e in offered if e.layer == "emmen"} & HISTORY


def test_the_old_rate_gives_way_to_the_new_one() -> None:
    during_old = load_policy(POLICY, "emmen", date(2016, 6, 1))
    assert "vergoeding_werkgeverslasten" not in during_old.provisions
    rate = load_policy(POLICY, "emmen", date(2024, 6, 1)).provisions["vergoeding_werkgeverslasten"]
    assert rate.amounts[0].value == 23.5


def test_superseded_rules_are_kept_to_explain_what_replaced_them() -> None:
    policy = load_policy(POLICY, "emmen", date(2024, 6, 1))
    old = {entry.id: entry for entry in policy.superseded if entry.layer == "emmen"}
    assert set(old) == HISTORY
    assert "Participatiewet" in old["loondispensatie"].superseded_by
    assert "UWV" in old["gezamenlijke_intake_qwink"].superseded_by


def test_a_superseded_override_withdraws_a_national_entry(policy_copy: Path, edit: Edit) -> None:
    edit("emmen/provisions.yml", "partners:\n", """  - id: bbz
    title_key: policy.emmen.wwb_bijstand.title
    description_key: policy.emmen.wwb_bijstand.description
    next_step_key: policy.next_step.ask_current_rules
    audience: [resident]
    team: klantmanager
    sources: ["Besluit bijstandverlening zelfstandigen 2004"]
    legal_source: "Besluit bijstandverlening zelfstandigen 2004"
    valid_from: 2024-01-01
    status: superseded
    superseded_by: "a test successor"

partners:
""")
    assert "bbz" not in load_policy(policy_copy, "emmen", date(2024, 6, 1)).provisions
    assert "bbz" in load_policy(policy_copy, "emmen", date(2023, 6, 1)).provisions
    assert "bbz" in load_policy(policy_copy, "midden-drenthe", date(2024, 6, 1)).provisions
