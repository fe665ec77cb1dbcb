"""The slow-database scenario of issue 9, measured: the appointments table is locked (a long
transaction elsewhere) at the moment a resident confirms a booking.

    .venv/bin/python scripts/slow_db_scenario.py [--postgres] [--hold 40] [--timeout 30]

Starts the real Rasa and action servers on a fresh database, brings one resident to "Zal ik
deze afspraak maken?", locks the table for ``--hold`` seconds, and the resident says "ja"
through a gateway that waits ``--timeout`` seconds. Meanwhile a second resident asks a topic
question. Then the first resident says "ja" again and, after the lock, opens "Mijn afspraken".
Prints what each got, how long it took, and how many appointments the resident holds.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.settings import load_settings  # noqa: E402
from assistant.storage import Appointment, ProfileStore, session_scope  # noqa: E402
from bot.gateway import Conversation, Gateway, Reply  # noqa: E402
from bot.i18n import Translator  # noqa: E402

TEAM = "klantmanager"  # two seats: one person could take both


@dataclass
class Outcome:
    confirm_seconds: float
    confirm_answer: str
    neighbour_seconds: float
    again_answer: str
    listed: str
    active_appointments: int


def lock_appointments(database_url: str) -> Callable[[], None]:
    """Lock the appointments table in a transaction of its own; returns the release."""
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(database_url.split("///", 1)[1], isolation_level=None,
                                     check_same_thread=False)
        connection.execute("BEGIN EXCLUSIVE")
    else:
        import psycopg2

        connection = psycopg2.connect(database_url)
        connection.cursor().execute("LOCK TABLE appointments IN ACCESS EXCLUSIVE MODE")

    def release() -> None:
        if isinstance(connection, sqlite3.Connection):
            connection.execute("ROLLBACK")
        else:
            connection.rollback()
        connection.close()
    return release


def text_of(replies: list[Reply]) -> str:
    return " | ".join(reply.text.replace("\n", " ") for reply in replies)


def payloads(replies: list[Reply], containing: str) -> list[str]:
    return [b.payload for reply in replies for b in reply.buttons if containing in b.payload]


def active_appointments(database_url: str, sender_id: str) -> int:
    with session_scope(database_url) as session:
        return session.execute(select(func.count()).select_from(Appointment).where(
            Appointment.owner_id == sender_id, Appointment.cancelled_at.is_(None))).scalar_one()


async def ask(gateway: Gateway, resident: Conversation, text: str) -> tuple[str, float]:
    """One turn; an exception (what the old gateway let through) is reported, not raised."""
    started = time.monotonic()
    try:
        answer = text_of(await gateway.handle_text(resident, text))
    except Exception as error:  # noqa: BLE001 - the measurement records it
        answer = f"EXCEPTION {type(error).__name__} (the web chat answers HTTP 500/504)"
    return answer, time.monotonic() - started


async def slow_confirm(rasa_url: str, database_url: str, translator: Translator, *,
                       hold_seconds: float, gateway_timeout: float) -> Outcome:
    from assistant.privacy.tokens import internal_token

    profiles = ProfileStore(database_url)
    token = internal_token()  # the installation's, which the stack's Rasa wants
    patient = Gateway(rasa_url, translator, timeout_seconds=max(120.0, 3 * hold_seconds),
                      profiles=profiles, api_token=token)
    hurried = Gateway(rasa_url, translator, timeout_seconds=gateway_timeout, profiles=profiles,
                      api_token=token)
    resident = Conversation(f"web:{uuid.uuid4().hex}", "web", language_chosen=True)
    neighbour = Conversation(f"web:{uuid.uuid4().hex}", "web", language_chosen=True)
    try:
        replies = await patient.handle_text(resident, "ik wil een afspraak maken")
        for team_button in payloads(replies, f'"team":"{TEAM}"')[:1]:
            replies = await patient.handle_payload(resident, team_button)
        replies = await patient.handle_payload(resident, payloads(replies, "appointment_time")[0])
        assert "Zal ik deze afspraak maken?" in text_of(replies), text_of(replies)

        release = lock_appointments(database_url)
        timer = threading.Timer(hold_seconds, release)
        timer.start()
        confirm = asyncio.create_task(ask(hurried, resident, "ja"))
        await asyncio.sleep(1.0)
        _, neighbour_seconds = await ask(patient, neighbour, "wat is een werkstage")
        confirm_answer, confirm_seconds = await confirm
        again_answer, _ = await ask(patient, resident, "ja")  # told nothing came back
        timer.join()
        listed = text_of(await patient.handle_payload(resident, "/list_appointments"))
        return Outcome(confirm_seconds, confirm_answer, neighbour_seconds, again_answer, listed,
                       active_appointments(database_url, resident.sender_id))
    finally:
        await patient.close()
        await hurried.close()


def main() -> int:
    from bot.services import RasaStack, free_ports

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true",
                        help="a throwaway database on postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--hold", type=float, default=40.0, help="seconds the table is locked")
    parser.add_argument("--timeout", type=float, default=30.0, help="the gateway's timeout")
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="slow-db-"))
    database_url, drop = f"sqlite:///{workdir / 'assistant.sqlite3'}", None
    if options.postgres:
        database_url, drop = throwaway_postgres()
    rasa_port, action_port = free_ports(1, 1)
    settings = replace(load_settings(), database_url=database_url, rasa_port=rasa_port,
                       action_port=action_port)
    translator = Translator(settings.locales_dir, "nl", settings.timezone)
    stack = RasaStack(settings, log_dir=workdir / "logs")
    stack.start(timeout_seconds=300)
    try:
        outcome = asyncio.run(slow_confirm(settings.rasa_url, database_url, translator,
                                           hold_seconds=options.hold,
                                           gateway_timeout=options.timeout))
    finally:
        stack.stop()
        if drop:
            drop()
    print(f"database: {database_url.split('@')[-1]}; table locked {options.hold:.0f} s; "
          f"gateway timeout {options.timeout:.0f} s")
    print(f"'ja' answered after {outcome.confirm_seconds:.1f} s: {outcome.confirm_answer}")
    print(f"another resident's topic question during the lock: "
          f"{outcome.neighbour_seconds:.1f} s")
    print(f"'ja' again: {outcome.again_answer}")
    print(f"'Mijn afspraken' after the lock: {outcome.listed}")
    print(f"active appointments of the resident: {outcome.active_appointments}")
    return 0


def throwaway_postgres() -> tuple[str, Callable[[], None]]:
    import psycopg2

    admin_url = "postgresql://postgres@127.0.0.1:5432/postgres"
    admin = psycopg2.connect(admin_url)
    admin.autocommit = True
    name = f"slow_db_{uuid.uuid4().hex[:8]}"
    admin.cursor().execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    return f"postgresql://postgres@127.0.0.1:5432/{name}", drop


if __name__ == "__main__":
    sys.exit(main())
