"""The assistant refuses to start on policy that would give people wrong answers."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT, ConfigError, load_settings
from bot.__main__ import check_configuration
from bot.services import free_ports


def test_valid_policy_starts() -> None:
    check_configuration(replace(load_settings(), web_port=free_ports(1)[0]))


def test_broken_policy_is_refused_with_file_and_line(tmp_path: Path) -> None:
    policy = tmp_path / "policy"
    shutil.copytree(PROJECT_ROOT / "policy", policy)
    provisions = policy / "midden-drenthe" / "provisions.yml"
    provisions.write_text(provisions.read_text().replace("team: schuldhulp", "team: zwembad", 1))
    settings = replace(load_settings(), policy_dir=policy, web_port=free_ports(1)[0])
    with pytest.raises(ConfigError) as refused:
        check_configuration(settings)
    assert "midden-drenthe/provisions.yml:" in str(refused.value)
    assert "zwembad" in str(refused.value)


def test_broken_opening_hours_are_refused_with_file_and_line(tmp_path: Path) -> None:
    """municipality.yml goes through the same validator as the rest of policy/."""
    policy = tmp_path / "policy"
    shutil.copytree(PROJECT_ROOT / "policy", policy)
    town = policy / "midden-drenthe" / "municipality.yml"
    town.write_text(town.read_text().replace('["09:00-12:00"]', '["12:00-09:00"]', 1))
    settings = replace(load_settings(), policy_dir=policy, web_port=free_ports(1)[0])
    with pytest.raises(ConfigError) as refused:
        check_configuration(settings)
    assert "midden-drenthe/municipality.yml:" in str(refused.value)
    assert "'12:00-09:00' ends before it starts" in str(refused.value)


def test_rasas_api_token_is_one_argument_even_when_it_starts_with_a_dash() -> None:
    """A token like "-Xy..." after "--auth-token" is taken by argparse for an option, and
    Rasa refuses to start; "--auth-token=..." cannot be misread. It is added inside the Rasa
    process from its environment (bot/rasa_server.py), never on the command line."""
    from argparse import ArgumentParser

    from bot.rasa_server import rasa_command_line

    arguments = rasa_command_line(["x", "run", "--enable-api", "--debug", "-v"],
                                  {"INTERNAL_TOKEN": "-leading-dash"})
    parser = ArgumentParser()
    parser.add_argument("--auth-token")
    known, _ = parser.parse_known_args(arguments[2:])
    assert known.auth_token == "-leading-dash"
    assert arguments[:3] == ["rasa", "run", "--enable-api"]
    assert "--debug" not in arguments and "-v" not in arguments  # never below INFO


@pytest.mark.parametrize("database_url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_refused_and_creates_no_file(
        database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three processes would each see their own empty database; "sqlite://" once made a file
    named "sqlite:" in the working folder."""
    monkeypatch.chdir(tmp_path)
    settings = replace(load_settings(), database_url=database_url, web_port=free_ports(1)[0])
    with pytest.raises(ConfigError, match="in-memory SQLite"):
        check_configuration(settings)
    assert list(tmp_path.iterdir()) == []


def test_conversations_sit_beside_the_database_file() -> None:
    from assistant.settings import conversations_url

    assert (conversations_url("sqlite:////srv/data/assistant.sqlite3")
            == "sqlite:////srv/data/assistant-conversations.sqlite3")
    assert conversations_url("sqlite://") == "sqlite://"
    postgres = "postgresql://assistent:geheim@db.example/werk"
    assert conversations_url(postgres) == postgres


def test_an_in_memory_engine_creates_no_file(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import text

    from assistant.storage import create_engine_for

    monkeypatch.chdir(tmp_path)
    with create_engine_for("sqlite://").connect() as connection:
        assert connection.execute(text("select 1")).scalar() == 1
    assert list(tmp_path.iterdir()) == []
