"""All configuration in one place, read from the environment with embedded defaults.

The defaults run everything on one machine: SQLite in ``var/``, the web chat on
http://localhost:8000, Rasa on 127.0.0.1:5005 and the action server on 127.0.0.1:5055.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


class ConfigError(ValueError):
    """The configuration (settings, municipality, policy data, database) is not usable; the
    message says where and why, and the assistant does not start."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from error


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def _env_origins(name: str) -> tuple[str, ...]:
    """Web origins separated by spaces or commas; each is checked, as it goes into a CSP."""
    origins = tuple(os.environ.get(name, "").replace(",", " ").split())
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise SystemExit(f"{name}: {origin!r} is no origin like https://www.gemeente.nl")
    return origins


@dataclass(frozen=True)
class Settings:
    municipality: str = "midden-drenthe"
    policy_dir: Path = PROJECT_ROOT / "policy"
    locales_dir: Path = PROJECT_ROOT / "locales"
    default_language: str = "nl"
    timezone: str = "Europe/Amsterdam"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'assistant.sqlite3'}"

    web_host: str = "127.0.0.1"
    web_port: int = 8000
    rasa_host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_port: int = 5055
    model_path: Path = PROJECT_ROOT / "models" / "assistant.tar.gz"
    rasa_timeout_seconds: float = 30.0
    # How long a turn may wait for a Rasa or action server that is being restarted.
    turn_retry_seconds: float = 25.0
    workers: int = 0  # Rasa + action server pairs; 0: as many as the machine can carry
    redis_url: str = "redis://127.0.0.1:6379/0"  # Rasa's lock store when workers > 1
    # The secret the gateway, Rasa and the action server show each other (Rasa's HTTP API,
    # its REST channel, the action server). Empty: made once and kept owner-only in
    # ``internal_token_file`` (assistant/privacy/tokens.py); never on a command line.
    internal_token: str = ""
    internal_token_file: Path = PROJECT_ROOT / "var" / "internal-token"

    telegram_token: str = ""
    telegram_webhook_url: str = ""  # public https URL; empty means long polling
    telegram_webhook_secret: str = ""

    booking_days_ahead: int = 28
    slots_offered: int = 5
    min_notice_minutes: int = 60
    # A web conversation without a message for this long is closed: a shared or public
    # computer does not show the next person what the last one said.
    web_idle_minutes: int = 60
    # A handover request nobody took for this long (during opening hours) is closed and the
    # resident is offered a call-back instead (bot/live.py); 0: they wait until it is taken.
    handover_wait_minutes: int = 10
    # The sites that may embed the web chat (widget.js), e.g. https://www.gemeente.nl.
    embed_origins: tuple[str, ...] = ()
    log_retention_days: int = 14  # the servers' log files in var/logs (README: Privacy)
    # Retention (assistant/privacy/retention.py, README: Privacy), run every
    # ``retention_every_minutes`` by the launcher and by ``python -m assistant.privacy.retention``.
    # A conversation (what was typed and answered, in the web chat or on Telegram), the
    # person's profile and their handover requests: this long after their last message.
    conversation_retention_days: int = 30
    # Appointments: anonymised (no link to the person) this long after their date.
    appointment_retention_days: int = 90
    retention_every_minutes: int = 60
    # Limits (assistant/privacy/limits.py): per person (a web session, a Telegram chat) ...
    messages_per_minute: int = 20
    messages_per_hour: int = 200
    turns_waiting_per_person: int = 3  # sent while an earlier message is still answered
    # ... per IP address in the web chat (0: no limit; behind a proxy all share its address) ...
    requests_per_minute_per_address: int = 120
    # A reverse proxy or load balancer in front: its addresses, whose X-Forwarded-For is
    # believed (else every person would share the proxy's address and its limits).
    trusted_proxies: tuple[str, ...] = ()
    new_sessions_per_hour_per_address: int = 30
    # ... and for appointments.
    max_active_appointments: int = 3
    bookings_per_hour: int = 5

    @property
    def rasa_url(self) -> str:
        return f"http://{self.rasa_host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"

    def rasa_urls(self, workers: int) -> list[str]:
        """Worker ``i`` listens on RASA_PORT + i (its action server on ACTION_PORT + i)."""
        return [f"http://{self.rasa_host}:{self.rasa_port + i}" for i in range(workers)]

    @property
    def municipality_dir(self) -> Path:
        return self.policy_dir / self.municipality


def load_settings() -> Settings:
    """Build settings from the environment (call again after changing os.environ)."""
    defaults = Settings()
    return Settings(
        municipality=_env("MUNICIPALITY", defaults.municipality),
        policy_dir=Path(_env("POLICY_DIR", str(defaults.policy_dir))),
        default_language=_env("DEFAULT_LANGUAGE", defaults.default_language),
        timezone=_env("TIMEZONE", defaults.timezone),
        database_url=_env("DATABASE_URL", defaults.database_url),
        web_host=_env("WEB_HOST", defaults.web_host),
        web_port=_env_int("WEB_PORT", defaults.web_port),
        rasa_host=_env("RASA_HOST", defaults.rasa_host),
        rasa_port=_env_int("RASA_PORT", defaults.rasa_port),
        action_port=_env_int("ACTION_PORT", defaults.action_port),
        model_path=Path(_env("MODEL_PATH", str(defaults.model_path))),
        internal_token=_env("INTERNAL_TOKEN", _env("RASA_API_TOKEN", "")),
        internal_token_file=Path(_env("INTERNAL_TOKEN_FILE", str(defaults.internal_token_file))),
        rasa_timeout_seconds=_env_int("RASA_TIMEOUT_SECONDS", int(defaults.rasa_timeout_seconds)),
        turn_retry_seconds=_env_int("TURN_RETRY_SECONDS", int(defaults.turn_retry_seconds)),
        workers=_env_int("WORKERS", defaults.workers),
        redis_url=_env("REDIS_URL", defaults.redis_url),
        telegram_token=_env("TELEGRAM_BOT_TOKEN", ""),
        telegram_webhook_url=_env("TELEGRAM_WEBHOOK_URL", ""),
        telegram_webhook_secret=_env("TELEGRAM_WEBHOOK_SECRET", ""),
        booking_days_ahead=_env_int("BOOKING_DAYS_AHEAD", defaults.booking_days_ahead),
        slots_offered=_env_int("SLOTS_OFFERED", defaults.slots_offered),
        min_notice_minutes=_env_int("MIN_NOTICE_MINUTES", defaults.min_notice_minutes),
        web_idle_minutes=_env_int("WEB_IDLE_MINUTES", defaults.web_idle_minutes),
        handover_wait_minutes=_env_int("HANDOVER_WAIT_MINUTES", defaults.handover_wait_minutes),
        embed_origins=_env_origins("EMBED_ORIGINS"),
        log_retention_days=_env_int("LOG_RETENTION_DAYS", defaults.log_retention_days),
        conversation_retention_days=_env_int("CONVERSATION_RETENTION_DAYS",
                                             defaults.conversation_retention_days),
        appointment_retention_days=_env_int("APPOINTMENT_RETENTION_DAYS",
                                            defaults.appointment_retention_days),
        retention_every_minutes=_env_int("RETENTION_EVERY_MINUTES",
                                         defaults.retention_every_minutes),
        messages_per_minute=_env_int("MESSAGES_PER_MINUTE", defaults.messages_per_minute),
        messages_per_hour=_env_int("MESSAGES_PER_HOUR", defaults.messages_per_hour),
        turns_waiting_per_person=_env_int("TURNS_WAITING_PER_PERSON",
                                          defaults.turns_waiting_per_person),
        requests_per_minute_per_address=_env_int("REQUESTS_PER_MINUTE_PER_ADDRESS",
                                                 defaults.requests_per_minute_per_address),
        trusted_proxies=tuple(os.environ.get("TRUSTED_PROXIES", "").replace(",", " ").split()),
        new_sessions_per_hour_per_address=_env_int("NEW_SESSIONS_PER_HOUR_PER_ADDRESS",
                                                   defaults.new_sessions_per_hour_per_address),
        max_active_appointments=_env_int("MAX_ACTIVE_APPOINTMENTS",
                                         defaults.max_active_appointments),
        bookings_per_hour=_env_int("BOOKINGS_PER_HOUR", defaults.bookings_per_hour),
    )


CONVERSATIONS_SUFFIX = "-conversations"  # assistant.storage knows the file by it


def sqlite_file(database_url: str) -> str | None:
    """The file of a SQLite URL ("" for an in-memory database), None for any other database.

    SQLAlchemy reads the URL: ``sqlite://`` (no path) is in memory just like
    ``sqlite:///:memory:``, and no string splitting turns it into a file named "sqlite:"."""
    try:
        url = make_url(database_url)
    except ArgumentError as error:
        raise ConfigError(f"DATABASE_URL {database_url!r} is no database URL ({error})") from error
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    return "" if database == ":memory:" else database


def conversations_url(database_url: str) -> str:
    """Where Rasa keeps the conversations: the same PostgreSQL database; with SQLite a file
    beside the database file, because SQLite locks the whole file for a write and one slow
    booking would then hold up every conversation."""
    path = sqlite_file(database_url)
    if not path:
        return database_url
    file = Path(path)
    conversations = file.with_name(file.stem + CONVERSATIONS_SUFFIX + file.suffix)
    url = make_url(database_url).set(database=str(conversations))
    return url.render_as_string(hide_password=False)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
