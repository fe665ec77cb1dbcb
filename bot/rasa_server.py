"""``python -m bot.rasa_server run ...``: Rasa's own command line, made leaner per turn.

Two costs of Rasa 3.6 that a turn does not need, found by profiling a turn (py-spy):

- every call to the action server opened a new HTTP client session, so a new TCP
  connection (``EndpointConfig.request`` does ``async with self.session()``): here each
  endpoint's session is made once per event loop and kept, so the calls reuse connections;
- every answer of the action server was checked with ``jsonschema.validate``, which first
  checks the schema itself, each time: here the validator is built once.

It also makes a turn whose custom action could not run fail as a whole (``rasa_channel``).

Everything else is ``rasa`` unchanged.
"""

from __future__ import annotations

import asyncio
import sys
from types import TracebackType
from typing import Any

import aiohttp
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_channel import note_failed_actions

_new_session = EndpointConfig.session
_sessions: dict[tuple[int, int], aiohttp.ClientSession] = {}


class _KeptSession:
    """``async with`` that hands out the endpoint's lasting session and leaves it open."""

    def __init__(self, endpoint: EndpointConfig) -> None:
        self.endpoint = endpoint

    async def __aenter__(self) -> aiohttp.ClientSession:
        key = (id(self.endpoint), id(asyncio.get_running_loop()))
        session = _sessions.get(key)
        if session is None or session.closed:
            session = _sessions[key] = _new_session(self.endpoint)
        return session

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        traceback: TracebackType | None) -> None:
        return None


def keep_sessions() -> None:
    EndpointConfig.session = lambda endpoint: _KeptSession(endpoint)  # type: ignore[method-assign]


def validate_action_results_with_one_validator() -> None:
    schema = RemoteAction.action_response_format_spec()
    validator = validator_for(schema)(schema)
    original = RemoteAction._validate_action_result

    def validate(action: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError:
            return original(action, result)  # Rasa's own message for the log
        return True

    RemoteAction._validate_action_result = validate  # type: ignore[method-assign]


def main() -> None:
    keep_sessions()
    validate_action_results_with_one_validator()
    note_failed_actions()  # with credentials.yml's channel: a failed turn is a 503
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
