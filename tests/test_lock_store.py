"""The lock store of several workers, on the real Redis: one turn at a time, first come first
served, across processes (two stores with their own connections), and no wait forever."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import OrderedRedisLockStore
from bot.services import redis_answers

REDIS_URL = "redis://127.0.0.1:6379/0"
pytestmark = pytest.mark.skipif(not redis_answers(REDIS_URL), reason="no Redis on 6379")


def two_workers() -> list[OrderedRedisLockStore]:
    return [OrderedRedisLockStore(EndpointConfig(url=REDIS_URL)) for _ in range(2)]


async def test_turns_of_one_conversation_on_two_workers_run_one_at_a_time() -> None:
    stores, conversation = two_workers(), f"test:{uuid.uuid4().hex}"
    log: list[tuple[str, int]] = []

    async def turn(number: int) -> None:
        await asyncio.sleep(0.003 * number)
        async with stores[number % 2].lock(conversation):
            log.append(("start", number))
            await asyncio.sleep(0.01)
            log.append(("end", number))

    await asyncio.gather(*(turn(n) for n in range(30)))
    started = [number for step, number in log if step == "start"]
    assert sorted(started) == list(range(30))
    assert log == [(step, n) for n in started for step in ("start", "end")]  # never two


async def test_waiting_turns_go_in_the_order_they_came() -> None:
    stores, conversation = two_workers(), f"test:{uuid.uuid4().hex}"
    order: list[int] = []

    async def turn(number: int) -> None:
        await asyncio.sleep(0.1 * number)
        async with stores[number % 2].lock(conversation):
            order.append(number)
            if number == 0:
                await asyncio.sleep(0.1 * 9)  # the others queue up behind the first

    await asyncio.gather(*(turn(n) for n in range(8)))
    assert order == list(range(8))


async def test_other_conversations_do_not_wait() -> None:
    [store, _] = two_workers()
    first, second = f"test:{uuid.uuid4().hex}", f"test:{uuid.uuid4().hex}"
    async with store.lock(first):
        started = time.monotonic()
        async with store.lock(second):
            assert time.monotonic() - started < 0.5


async def test_a_turn_that_died_holding_the_lock_is_passed_after_its_lifetime() -> None:
    stores, conversation = two_workers(), f"test:{uuid.uuid4().hex}"
    holder = stores[0].lock(conversation, lock_lifetime=0.5)
    await holder.__aenter__()  # and never leaves: its worker was killed
    started = time.monotonic()
    async with stores[1].lock(conversation):
        waited = time.monotonic() - started
    assert 0.4 < waited < 3
