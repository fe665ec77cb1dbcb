"""The municipality's configuration: the real one loads, broken ones are refused with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.municipality import ConfigError, load_municipality
from assistant.settings import PROJECT_ROOT

REAL = PROJECT_ROOT / "policy" / "midden-drenthe" / "municipality.yml"


def test_midden_drenthe_has_the_four_teams_and_sourced_topics(midden_drenthe) -> None:
    assert set(midden_drenthe.teams) == {"klantmanager", "werkgeversservicepunt",
                                         "taal_inburgering", "schuldhulp"}
    assert all(topic.provision or (topic.source and topic.team)
               for topic in midden_drenthe.topics.values())
    assert all(team.opening_hours for team in midden_drenthe.teams.values())


def broken(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(REAL.read_text())
    change(data)
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "municipality.yml").write_text(yaml.safe_dump(data))
    return folder


@pytest.mark.parametrize(("change", "complaint"), [
    (lambda d: d["topics"]["apply_benefit"].update(team="zwembad"), "unknown team 'zwembad'"),
    (lambda d: d["topics"]["apply_benefit"].pop("source"), "topics.apply_benefit: 'source'"),
    (lambda d: d["teams"]["schuldhulp"]["opening_hours"].update(monday=["12:00-09:00"]),
     "ends before it starts"),
    (lambda d: d["teams"]["schuldhulp"]["opening_hours"].update(maandag=["09:00-12:00"]),
     "unknown day 'maandag'"),
    (lambda d: d["teams"]["schuldhulp"]["opening_hours"].update(monday=["negen tot twaalf"]),
     "not a period"),
    (lambda d: d["municipality"]["closed_days"].append("31-12-2026"), "not a date"),
    (lambda d: d["teams"]["schuldhulp"].update(seats=0), "must be positive"),
])
def test_broken_configuration_is_refused_with_its_place(tmp_path, change, complaint) -> None:
    folder = broken(tmp_path, change)
    with pytest.raises(ConfigError) as refused:
        load_municipality(folder)
    assert complaint in str(refused.value)
    assert str(folder / "municipality.yml") in str(refused.value)


def test_a_missing_municipality_says_so(tmp_path) -> None:
    with pytest.raises(ConfigError, match="MUNICIPALITY"):
        load_municipality(tmp_path / "nowhere")
