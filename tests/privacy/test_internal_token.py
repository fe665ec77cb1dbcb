"""The internal token: made once, kept owner-only, the same for every process of one
installation, never on a command line."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

from assistant.privacy.tokens import (
    ENVIRONMENT_VARIABLE,
    authorization,
    internal_token,
    is_authorized,
)
from assistant.settings import load_settings
from bot.services import RasaStack, child_environment, endpoints_config


def test_made_on_the_first_run_kept_owner_only_and_the_same_afterwards(tmp_path: Path) -> None:
    settings = replace(load_settings(), internal_token="",
                       internal_token_file=tmp_path / "var" / "internal-token")
    first = internal_token(settings)
    assert len(first) == 64 and int(first, 16) >= 0
    assert stat.S_IMODE(settings.internal_token_file.stat().st_mode) == 0o600
    assert internal_token(settings) == first
    assert internal_token(replace(settings, internal_token="from-the-environment")) == (
        "from-the-environment")


def test_only_the_right_bearer_token_is_authorized() -> None:
    assert is_authorized(authorization("abc123")["Authorization"], "abc123")
    for header in (None, "", "abc123", "Bearer abc124", "Bearer ", "Basic abc123",
                   "Bearer abc123 ", "Bearer \udcff"):
        assert not is_authorized(header, "abc123"), header
    assert not is_authorized("Bearer ", "")  # no token: nobody gets in


def test_the_token_is_in_the_childrens_environment_not_on_their_command_line(
        tmp_path: Path) -> None:
    settings = replace(load_settings(), internal_token="a1b2c3d4" * 8, workers=1)
    stack = RasaStack(settings, log_dir=tmp_path / "logs")
    arguments = " ".join(stack.rasa_arguments(tmp_path / "endpoints.yml"))
    assert settings.internal_token not in arguments and "--auth-token" not in arguments
    assert child_environment(settings, stack.api_token)[ENVIRONMENT_VARIABLE] == (
        settings.internal_token)
    written = stack._write_endpoints(0).read_text()
    assert settings.internal_token not in written
    headers = endpoints_config(settings, 5055, 1)["action_endpoint"]["headers"]
    assert headers == {"Authorization": "Bearer ${INTERNAL_TOKEN}"}
