"""``python -m bot.rasa_server run ...``: Rasa's own command line, made leaner per turn.

Two costs of Rasa 3.6 that a turn does not need, found by profiling a turn (py-spy):

- every call to the action server opened a new HTTP client session, so a new TCP
  connection (``EndpointConfig.request`` does ``async with self.session()``): here each
  endpoint's session is made once per event loop and kept, so the calls reuse connections,
  and it writes an action call's JSON (the whole tracker) with ujson, in less than half
  the time of the standard library's (``json_serialize``, aiohttp's own option);
- every answer of the action server was checked with ``jsonschema.validate``, which first
  checks the schema itself, each time, and then tries each event against all 23 event
  schemas (``oneOf``): here the validators are built once, and each event is checked
  against the schema of its own kind, which says the same (the event schemas differ in
  their ``event`` constant, so only that one can match); anything that is not clearly
  valid that way goes through the whole schema, as before.

It also makes a turn whose custom action could not run fail as a whole (``rasa_channel``),
writes Rasa's log lines as JSON with the turn's correlation id (``assistant.privacy.logs``),
never below INFO (at DEBUG Rasa logs what people typed), with Sanic's access log (request
URLs) off, and adds the API's ``--auth-token`` from the environment inside the process, so
the process list does not show it (``assistant.privacy.tokens``).

RulePolicy looks its rules up by the previous action they require and tests them from a
form made once per rule (``bot/rasa_policies.py``); a conversation's applied events, dialogue
states and a replay to copy it from are kept between predictions (``bot/rasa_states.py``);
the graphs run without Dask and a few per-turn lookups and debug-only copies are gone
(``bot/rasa_turn.py``); ``action_session_start`` runs here, not on the action server
(``bot/rasa_actions.py``).
Everything else is ``rasa`` unchanged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import warnings
from collections.abc import Callable
from types import TracebackType
from typing import Any

import aiohttp
import ujson
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

from assistant.privacy.logs import configure_logging
from assistant.privacy.tokens import ENVIRONMENT_VARIABLE
from bot.rasa_actions import run_session_start_here
from bot.rasa_channel import note_failed_actions
from bot.rasa_policies import index_rules_by_previous_action
from bot.rasa_states import keep_a_replay_to_copy, keep_applied_events_and_states
from bot.rasa_turn import lean_turn_bookkeeping

LOWEST_LEVEL = logging.INFO
# Options that would make Rasa log below INFO (what people typed, whole trackers).
TALKATIVE_OPTIONS = frozenset({"-v", "--verbose", "-vv", "--debug"})

_sessions: dict[tuple[int, int], aiohttp.ClientSession] = {}


def dumps(value: Any) -> str:
    """JSON as ``json.dumps`` writes it, only faster (ujson); whatever ujson cannot write
    (a lone surrogate, an integer beyond 64 bits, an unknown type) the standard library's way."""
    try:
        return ujson.dumps(value, ensure_ascii=False, escape_forward_slashes=False)
    except (TypeError, ValueError, OverflowError):
        return json.dumps(value)


def _new_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """``EndpointConfig.session`` of Rasa 3.6, with ``dumps`` for request bodies."""
    auth = (aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
            if endpoint.basic_auth else None)
    return aiohttp.ClientSession(headers=endpoint.headers, auth=auth,
                                 timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                                 json_serialize=dumps)


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


def clearly_valid(schema: dict[str, Any]) -> Callable[[Any], bool]:
    """True for an action server's answer that ``schema`` (Rasa's response format) accepts,
    checking each event against the schema of its own kind only; False when unsure."""
    kind = validator_for(schema)
    events = schema["properties"]["events"]
    one_event = {key: value for key, value in events["items"].items() if key != "oneOf"}
    by_kind = {option["properties"]["event"]["const"]: kind({"allOf": [one_event, option]})
               for option in events["items"]["oneOf"]}
    responses = kind(schema["properties"]["responses"])

    def check(result: Any) -> bool:
        if not isinstance(result, dict) or not isinstance(result.get("events", []), list):
            return False
        for event in result.get("events", []):
            name = event.get("event") if isinstance(event, dict) else None
            validator = by_kind.get(name) if isinstance(name, str) else None
            if validator is None or not validator.is_valid(event):
                return False
        return "responses" not in result or responses.is_valid(result["responses"])

    return check


def validate_action_results_with_one_validator() -> None:
    schema = RemoteAction.action_response_format_spec()
    validator = validator_for(schema)(schema)
    quick = clearly_valid(schema)
    original = RemoteAction._validate_action_result

    def validate(action: RemoteAction, result: dict[str, Any]) -> bool:
        if quick(result):
            return True
        try:
            validator.validate(result)
        except ValidationError:
            return original(action, result)  # Rasa's own message for the log
        return True

    RemoteAction._validate_action_result = validate  # type: ignore[method-assign]


def rasa_command_line(argv: list[str], environ: dict[str, str]) -> list[str]:
    """Rasa's arguments: without options that log below INFO, and with ``--auth-token`` from
    the environment when the API is on ("=": a token may begin with "-")."""
    arguments = ["rasa", *(a for a in argv[1:] if a not in TALKATIVE_OPTIONS)]
    token = environ.get(ENVIRONMENT_VARIABLE, "")
    if token and "--enable-api" in arguments:
        arguments.append(f"--auth-token={token}")
    return arguments


def pinned_level(requested: str | None) -> str:
    """LOG_LEVEL for Rasa: as asked, but never below INFO."""
    level = logging.getLevelName((requested or "INFO").upper())
    if not isinstance(level, int) or level < LOWEST_LEVEL:
        return logging.getLevelName(LOWEST_LEVEL)
    return logging.getLevelName(level)


def log_as_json() -> None:
    """Rasa's own log set-up (coloured text, Sanic's loggers apart) replaced by ours."""
    import rasa.utils.common
    import rasa.utils.io

    def json_lines(_level: object = None) -> None:
        configure_logging("rasa", os.environ["LOG_LEVEL"])
        # Rasa's own warning filter ("once") let library deprecation notices through as
        # plain text; warnings now become JSON log lines, deprecations none at all.
        warnings.simplefilter("ignore", DeprecationWarning)
        logging.captureWarnings(True)

    def sanic_through_ours(*_args: object, **_kwargs: object) -> None:
        from sanic.log import access_logger, error_logger, logger

        for sanic_logger in (logger, error_logger, access_logger):
            sanic_logger.handlers.clear()
            sanic_logger.propagate = True
            sanic_logger.setLevel(logging.WARNING)
        access_logger.disabled = True  # request URLs, with the API token in them

    rasa.utils.io.configure_colored_logging = json_lines
    rasa.utils.common.update_sanic_log_level = sanic_through_ours


def main() -> None:
    keep_sessions()
    index_rules_by_previous_action()  # bot/rasa_policies.py: the same rules, found faster
    keep_applied_events_and_states()  # bot/rasa_states.py: the same states, kept
    keep_a_replay_to_copy()  # bot/rasa_states.py: the same copies, from a kept replay
    lean_turn_bookkeeping()  # bot/rasa_turn.py: no Dask, no debug-only copies
    validate_action_results_with_one_validator()
    run_session_start_here()  # bot/rasa_actions.py: no action call to begin a session
    note_failed_actions()  # with credentials.yml's channel: a failed turn is a 503
    os.environ["LOG_LEVEL"] = pinned_level(os.environ.get("LOG_LEVEL"))
    os.environ.setdefault("LOG_LEVEL_LIBRARIES", "WARNING")
    log_as_json()
    from rasa.__main__ import main as rasa_main

    sys.argv = rasa_command_line(sys.argv, dict(os.environ))
    rasa_main()


if __name__ == "__main__":
    main()
