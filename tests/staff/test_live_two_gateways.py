"""Two gateway processes (two LiveChat objects on one database): the medewerker works in one,
the resident's messages arrive at the other. The queue is the truth: the resident's gateway
learns of the take on its next refresh, and each side's long poll reads the other's lines
from the database within a poll interval, without a wake-up from its own process."""

from __future__ import annotations

import asyncio
import time

from assistant.handover import DatabaseQueue
from bot import live as live_module
from bot.gateway import Gateway
from bot.live import LiveChat


async def test_a_take_and_lines_cross_from_one_gateway_to_another(
        gateway: Gateway, sqlite_url: str) -> None:
    console_side = LiveChat(DatabaseQueue(sqlite_url), gateway.render)
    resident_side = LiveChat(DatabaseQueue(sqlite_url), gateway.render)
    ticket = DatabaseQueue(sqlite_url).request("web:r", "web", "klantmanager", "en", None, {})
    await resident_side.load()
    assert resident_side.open_ticket("web:r") is not None and not resident_side.talking("web:r")

    await console_side.take(ticket.id, "klant@gemeente.nl", "Karel")
    assert not resident_side.talking("web:r")  # not yet known there
    await resident_side.load()  # what refresh_forever does every REFRESH_SECONDS
    assert resident_side.talking("web:r")

    [joined] = DatabaseQueue(sqlite_url).lines(ticket.id)  # the notice to the resident
    waiting = asyncio.create_task(console_side.lines_for_staff(ticket.id, after=joined.id,
                                                               wait=10))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    await resident_side.from_resident("web:r", "Hello?")
    lines = await asyncio.wait_for(waiting, 10)
    assert [(line.author, line.text) for line in lines] == [("resident", "Hello?")]
    assert time.monotonic() - started <= live_module.POLL_SECONDS + 1.5

    after = max(line.id for line in lines)
    listening = asyncio.create_task(resident_side.lines_for_resident("web:r", after, wait=10))
    await asyncio.sleep(0.1)
    await console_side.end(await asyncio.to_thread(DatabaseQueue(sqlite_url).find, ticket.id),
                           hand_back=True, staff_name="Karel")
    [left] = await asyncio.wait_for(listening, 10)
    assert left.key == "live.handed_back"
    await resident_side.load()
    assert resident_side.open_ticket("web:r") is None
