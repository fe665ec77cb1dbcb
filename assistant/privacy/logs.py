"""Log lines without people: one JSON object per line, with the turn's correlation id.

What people type, their names and their Telegram profile never go into a log line; code
logs what happened (a status, a count, an error's type) and the correlation id ties the
lines of one turn together across the gateway, Rasa (as message metadata) and the actions.
A message is JSON-escaped, so a newline in anything logged cannot forge a line.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sys
import traceback
import zlib
from contextvars import ContextVar
from datetime import datetime, timezone

correlation_id: ContextVar[str] = ContextVar("correlation_id", default="")

# Libraries that log whole requests or updates (with names and text) below WARNING, or the
# bot token in request URLs (httpx): never below WARNING, whatever the level asked for.
TALKATIVE_LOGGERS = ("telegram", "httpx", "httpcore", "apscheduler", "sanic.access",
                     "aiohttp.access", "rasa_sdk.endpoint", "rasa_sdk.executor")


def begin_turn(known: str = "") -> str:
    """A new correlation id for this turn (or ``known``), for every log line it writes."""
    value = known or secrets.token_hex(8)
    correlation_id.set(value)
    return value


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "service", "logger", "message", "correlation_id"}`` per line; an
    exception adds its type and stack, not its message (which may quote what was typed)."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        turn = getattr(record, "correlation_id", "") or correlation_id.get()
        if turn:
            line["correlation_id"] = turn
        if record.exc_info and record.exc_info[0] is not None:
            error_type, _error, stack = record.exc_info
            line["error"] = error_type.__name__
            line["stack"] = "".join(traceback.format_tb(stack))
        return json.dumps(line, ensure_ascii=False)


def configure_logging(service: str, level: str | None = None) -> None:
    """JSON lines on stderr for the whole process (``LOG_LEVEL``, default INFO)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel((level or os.environ.get("LOG_LEVEL", "INFO")).upper())
    for name in TALKATIVE_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))



def read_action_call(body: bytes, deflated: bool) -> tuple[str, str]:
    """The action's name and the turn id Rasa passed on with the message (its metadata), read
    from an action call; empty where the call has none."""
    try:
        call = json.loads(zlib.decompress(body) if deflated else body)
    except (ValueError, RecursionError, zlib.error):
        return "", ""
    return action_and_turn(call)


def action_and_turn(call: object) -> tuple[str, str]:
    """The action's name and the turn id in a parsed action call."""
    try:
        action = call.get("next_action", "")  # type: ignore[union-attr]
        turn = call["tracker"]["latest_message"]["metadata"].get("turn_id", "")  # type: ignore[index]
    except (KeyError, TypeError, AttributeError):
        return "", ""
    action = action if isinstance(action, str) and action.isidentifier() else ""
    turn = turn if isinstance(turn, str) and turn.isalnum() and len(turn) <= 64 else ""
    return action, turn


def follow_turns_in_the_action_server() -> bool:
    """In the action server (rasa_sdk on Sanic): JSON log lines, each with the turn id of the
    action call being run. Does nothing where there is no action server (tests, scripts);
    True when there is one."""
    try:
        from sanic import Sanic
        from sanic.exceptions import SanicException

        app = Sanic.get_app("rasa_sdk")
    except (ImportError, SanicException):
        return False
    configure_logging("actions")

    logger = logging.getLogger("actions")

    async def take_turn_id(request) -> None:
        if request.path == "/webhook":
            action, turn = read_request_action_call(request)
            begin_turn(turn)
            logger.info("running %s", action or "an unnamed action")

    app.register_middleware(only_the_assistant, "request")
    app.register_middleware(take_turn_id, "request")
    return True


def read_request_action_call(request) -> tuple[str, str]:
    """``read_action_call`` of a Sanic request. A plain JSON body is parsed by Sanic, which
    keeps the result on the request, so rasa_sdk does not parse the call (Rasa's whole
    tracker) a second time: that was a tenth of the action server's time per turn."""
    if request.headers.get("Content-Encoding") == "deflate":
        return read_action_call(request.body, deflated=True)
    try:
        call = request.json
    except Exception:  # noqa: BLE001 - any body Sanic cannot read: no name, no turn id
        return "", ""
    return action_and_turn(call)


async def only_the_assistant(request):
    """The action server runs actions for Rasa alone: without the internal token, 401 (a
    crafted call once cancelled another person's appointment). /health stays open."""
    from sanic import response

    from assistant.privacy.tokens import is_authorized, token_in_this_process

    if request.path == "/health":
        return None
    if is_authorized(request.headers.get("Authorization"), token_in_this_process()):
        return None
    logging.getLogger("actions").warning("refused a call without the internal token")
    return response.json({"error": "unauthorized"}, status=401)
