"""municipality.yml as typed models: the real files load, and each kind of mistake (teams,
opening hours, closed days, roles, topics) is reported at its file and line by the one
validator, and refused by load_municipality, so the assistant does not start on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.policy import PolicyError, load_municipality, validate_policy
from assistant.settings import ConfigError
from tests.policy.conftest import Edit, line_of

TOWN = "midden-drenthe/municipality.yml"
SCHULDHULP_HOURS = '      monday:    ["09:00-12:00"]\n      tuesday:   ["13:00-16:00"]'

# (old text, new text, text on the reported line, message)
CASES = [
    ("  apply_benefit:         {team: klantmanager,", "  apply_benefit:         {team: zwembad,",
     "{team: zwembad", "topics.apply_benefit.team: unknown team 'zwembad' (not in teams)"),
    ('{team: klantmanager,          source: "Participatiewet art. 11"}', "{team: klantmanager}",
     "apply_benefit:", "topics.apply_benefit: give either 'provision', or 'team' and 'source'"),
    (SCHULDHULP_HOURS, SCHULDHULP_HOURS.replace("09:00-12:00", "12:00-09:00"), "12:00-09:00",
     "teams.schuldhulp.opening_hours.monday.0: '12:00-09:00' ends before it starts"),
    (SCHULDHULP_HOURS, SCHULDHULP_HOURS.replace("monday:", "maandag:"),
     "opening_hours:\n      maandag",
     "teams.schuldhulp.opening_hours: unknown day 'maandag'"),
    (SCHULDHULP_HOURS, SCHULDHULP_HOURS.replace("09:00-12:00", "negen tot twaalf"),
     "negen tot twaalf", "teams.schuldhulp.opening_hours.monday.0: 'negen tot twaalf' is not "
     "a period like 09:00-12:00"),
    ("    - 2026-12-31", "    - 31-12-2026", "31-12-2026",
     "municipality.closed_days.1: must be a date like 2026-12-31"),
    ('    seats: 1\n    opening_hours:\n' + SCHULDHULP_HOURS,
     '    seats: 0\n    opening_hours:\n' + SCHULDHULP_HOURS, "seats: 0",
     "teams.schuldhulp.seats: ensure this value is greater than 0"),
    ("  employer_desk: werkgeversservicepunt", "  employer_desk: zwembad", "employer_desk: zwembad",
     "roles.employer_desk: unknown team 'zwembad' (not in teams)"),
    ('    phone: "14 0593"\n', "", "contact:", "municipality.contact.phone: field required"),
    ("  klantmanager:\n    name_key:", "  klantmanager:\n    naam: Klantmanager\n    name_key:",
     "naam: Klantmanager", "teams.klantmanager.naam: extra fields not permitted"),
]


@pytest.mark.parametrize(("old", "new", "marker", "message"), CASES,
                         ids=[case[3].split(": ", 1)[0] for case in CASES])
def test_each_mistake_is_reported_at_its_line_and_refused(
        policy_copy: Path, edit: Edit, dutch_keys, old: str, new: str, marker: str,
        message: str) -> None:
    broken = edit(TOWN, old, new)
    where = f"policy/{TOWN}:{line_of(broken, marker)}: "
    problems = [str(p) for p in validate_policy(policy_copy, "midden-drenthe", dutch_keys)]
    assert where + message in [p[:len(where) + len(message)] for p in problems], problems
    with pytest.raises(PolicyError) as refused:
        load_municipality.__wrapped__(policy_copy / "midden-drenthe")
    assert where + message in str(refused.value)


def test_a_topic_names_a_provision_of_the_data(policy_copy: Path, edit: Edit,
                                              dutch_keys) -> None:
    broken = edit(TOWN, "{provision: schuldhulpverlening}", "{provision: schuldhulp_verlening}")
    where = f"policy/{TOWN}:{line_of(broken, 'ask_debt_help:')}: "
    problems = [str(p) for p in validate_policy(policy_copy, "midden-drenthe", dutch_keys)]
    assert problems == [where + "topics.ask_debt_help: unknown provision 'schuldhulp_verlening'"]


def test_the_real_files_load_with_their_teams_hours_and_topics(midden_drenthe) -> None:
    assert set(midden_drenthe.teams) == {"klantmanager", "werkgeversservicepunt",
                                         "taal_inburgering", "schuldhulp"}
    assert all(topic.provision or (topic.source and topic.team)
               for topic in midden_drenthe.topics.values())
    assert all(team.opening_hours for team in midden_drenthe.teams.values())
    schuldhulp = midden_drenthe.team("schuldhulp")
    assert [(p.start.hour, p.end.hour) for p in schuldhulp.opening_hours[1]] == [(13, 16)]
    assert midden_drenthe.topics["ask_social_activation"].provisions == (
        "maatschappelijke_participatie", "sociale_activering")


def test_a_missing_municipality_says_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="MUNICIPALITY"):
        load_municipality(tmp_path / "nowhere")
