"""Run the whole assistant: ``python -m bot`` (what ``make run`` does).

Starts WORKERS pairs of an action server and a Rasa server on loopback (restarted when
they die), then the web chat on http://localhost:8000 and, when TELEGRAM_BOT_TOKEN is set,
the Telegram bot.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

import uvloop

from assistant.appointments import AppointmentBook
from assistant.migrations import migrate_database
from assistant.policy import catalog_keys, validate_policy
from assistant.policy.municipality import load_municipality
from assistant.privacy.files import owner_only_from_now_on
from assistant.privacy.limits import MessageLimits
from assistant.privacy.logs import configure_logging
from assistant.privacy.retention import keep_applying
from assistant.settings import ConfigError, Settings, get_settings, sqlite_file
from assistant.storage import ButtonStore, OfferedButtons, ProfileStore
from bot.appointment_files import AppointmentFiles
from bot.gateway import Gateway
from bot.health import HealthCheck, Parts
from bot.i18n import Translator
from bot.reminders import Reminders
from bot.services import RasaStack, StartupError, port_is_free
from bot.staff.console import StaffConsole
from bot.web.server import create_app, serve

logger = logging.getLogger("bot")


def check_configuration(settings: Settings) -> None:
    """Refuse to start on configuration that would give people wrong answers."""
    problems = validate_policy(settings.policy_dir, settings.municipality,
                               catalog_keys(settings.locales_dir, settings.default_language))
    if problems:
        listed = "\n".join(f"  {problem}" for problem in problems)
        raise ConfigError(f"the policy files have {len(problems)} problem(s):\n{listed}")
    load_municipality(settings.municipality_dir)  # a missing folder: named with MUNICIPALITY
    if sqlite_file(settings.database_url) == "":
        raise ConfigError("DATABASE_URL is an in-memory SQLite database: the web chat, Rasa "
                          "and the action server are separate processes and would each see "
                          "an empty database of their own. Give a file "
                          "(sqlite:////path/assistant.sqlite3) or a PostgreSQL URL.")
    if not port_is_free(settings.web_host, settings.web_port):
        raise StartupError(f"Port {settings.web_port} for the web chat is in use. "
                           "Stop what uses it, or set WEB_PORT.")


async def run_front_ends(settings: Settings, stack: RasaStack) -> None:
    translator = Translator(settings.locales_dir, settings.default_language, settings.timezone)
    profiles = ProfileStore(settings.database_url)
    gateway = Gateway(stack.rasa_urls, translator, settings.rasa_timeout_seconds,
                      api_token=stack.api_token, profiles=profiles,
                      retry_seconds=settings.turn_retry_seconds,
                      limits=MessageLimits.from_settings(settings),
                      turns_waiting=settings.turns_waiting_per_person,
                      offered=shared_offered_buttons(settings))
    health = HealthCheck(Parts(tuple(stack.rasa_urls), tuple(stack.action_urls),
                               settings.database_url, stack.api_token))
    telegram = None
    # Retention: old conversations, profiles, handover requests and appointments go.
    background: list[asyncio.Task] = [asyncio.create_task(keep_applying(settings))]
    book = AppointmentBook.from_settings(settings)
    files = AppointmentFiles(book, translator)  # .ics and printable confirmation
    if settings.telegram_token:
        from bot.telegram.frontend import TelegramFrontend

        telegram = TelegramFrontend(settings, gateway, ButtonStore(settings.database_url),
                                    profiles, files=files)
        await telegram.start()
        reminders = Reminders(book, gateway, profiles, telegram.push,
                              default_language=settings.default_language)
        background.append(asyncio.create_task(reminders.run_forever()))
    console = StaffConsole(settings, translator, load_municipality(settings.municipality_dir),
                           gateway=gateway, push=telegram.push if telegram else None)
    app = create_app(gateway, translator, settings,
                     telegram_webhook=telegram.handle_webhook if telegram else None,
                     staff_console=console, health=health, files=files)
    runner = await serve(app, settings.web_host, settings.web_port)
    print_welcome(settings, stack.workers)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    await stop.wait()
    for task in background:
        task.cancel()
    if telegram:
        await telegram.stop()
    await runner.cleanup()
    await gateway.close()
    await health.close()


def shared_offered_buttons(settings: Settings) -> OfferedButtons | None:
    """The offered buttons in the database, where several gateways share one (PostgreSQL).
    With SQLite there is one gateway: its memory is enough, and a write per reply would only
    queue behind the bookings for SQLite's one write lock."""
    if settings.database_url.startswith("sqlite"):
        return None
    return OfferedButtons(settings.database_url)


def print_welcome(settings: Settings, workers: int) -> None:
    host = "localhost" if settings.web_host in ("127.0.0.1", "0.0.0.0") else settings.web_host
    lines = [f"Web chat:  http://{host}:{settings.web_port}  (health: /healthz)",
             f"Staff:     http://{host}:{settings.web_port}/staff/ "
             "(first account: python -m bot.staff create-admin)",
             f"Database:  {settings.database_url.split('@')[-1]}",
             f"Workers:   {workers} Rasa + action server pair(s)"
             + (f", lock store Redis at {settings.redis_url.split('@')[-1]}"
                if workers > 1 else "")]
    if settings.telegram_token and settings.telegram_webhook_url:
        lines.append(f"Telegram:  webhook at {settings.telegram_webhook_url}")
    elif settings.telegram_token:
        lines.append("Telegram:  connected (long polling); reminders a day ahead")
    else:
        lines.append("Telegram:  not connected. Create a bot with @BotFather, then run "
                     "TELEGRAM_BOT_TOKEN=<token> make run")
    lines.append("Stop with Ctrl+C.")
    print("\n".join(lines), flush=True)


def main() -> int:
    configure_logging("gateway")
    owner_only_from_now_on()
    settings = get_settings()
    stack: RasaStack | None = None
    try:
        check_configuration(settings)
        migrate_database(settings.database_url)
        stack = RasaStack(settings)
        print(f"Starting {stack.workers} action server(s) and Rasa server(s) "
              "(this takes about half a minute)...", flush=True)
        stack.start(every_worker=False)  # serve once one pair answers
        # uvloop, as Rasa's and the action server's Sanic use: the web chat, the gateway's
        # HTTP to Rasa and Telegram's polling cost less processor time per message.
        uvloop.install()
        asyncio.run(run_front_ends(settings, stack))
    except (ConfigError, StartupError) as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return 1
    finally:
        if stack is not None:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
