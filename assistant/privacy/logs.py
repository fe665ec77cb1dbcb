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
from contextvars import ContextVar
from datetime import datetime, timezone

correlation_id: ContextVar[str] = ContextVar("correlation_id", default="")

# Libraries that log whole requests or updates (with names and text) below WARNING, or the
# bot token in request URLs (httpx): never below WARNING, whatever the level asked for.
TALKATIVE_LOGGERS = ("telegram", "httpx", "httpcore", "apscheduler", "sanic.access",
                     "aiohttp.access", "rasa_sdk.endpoint", "rasa_sdk.executor")
LOG_FILE_MODE = 0o600


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


def owner_only_file(path: os.PathLike | str) -> None:
    """Create ``path`` if needed and make it readable and writable by its owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, LOG_FILE_MODE)
    os.close(descriptor)
    os.chmod(path, LOG_FILE_MODE)
