"""One conversation's turns one at a time and in the order they came, across Rasa workers
and machines (loaded by the Rasa server when WORKERS > 1).

Rasa's own ``RedisLockStore`` reads a lock object, changes it and writes it back: two
workers taking a ticket for one conversation at the same moment overwrite each other's
ticket or delete the lock while the other waits (``LockError``; in our test two of twenty
rapid messages split over two workers were lost that way). Here every step is one atomic
Redis operation: a ticket is ``INCR``, the turn whose ticket is being served goes, and
finishing serves the next ticket. A turn that died holding the lock, or a ticket whose
request went away while waiting, is skipped once its lease has run out.

Configured by the launcher (``bot/services.py``):
``lock_store: {type: bot.lock_store.OrderedRedisLockStore, url: <REDIS_URL>}``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import redis.asyncio as redis
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

KEY_PREFIX = "assistant:turns:"
POLL_SECONDS = 0.02
# How long the next ticket has to come and take its turn before it counts as gone.
HANDOVER_MS = 10_000
IDLE_EXPIRY_SECONDS = 24 * 3600  # a conversation's counters vanish after a quiet day

# KEYS: next, serving, lease. ARGV: idle expiry s, handover ms. Returns this turn's ticket;
# when it is the one to be served, it gets the handover lease at once (nobody skips it).
_TAKE_TICKET = """
local ticket = redis.call('INCR', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('SET', KEYS[2], ticket) end
if tonumber(redis.call('GET', KEYS[2])) == ticket then
  redis.call('SET', KEYS[3], ticket, 'PX', ARGV[2])
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return ticket
"""
# KEYS: serving, lease. ARGV: ticket, lifetime ms, handover ms. 1: the turn may go.
_TRY_TURN = """
local serving = tonumber(redis.call('GET', KEYS[1]))
local ticket = tonumber(ARGV[1])
if serving == nil or serving > ticket then return 1 end
if serving == ticket then
  redis.call('SET', KEYS[2], ticket, 'PX', ARGV[2])
  return 1
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[1], serving + 1)
  redis.call('SET', KEYS[2], serving + 1, 'PX', ARGV[3])
end
return 0
"""
# KEYS: serving, lease. ARGV: ticket, handover ms.
_FINISH_TURN = """
if tonumber(redis.call('GET', KEYS[1])) == tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1] + 1)
  redis.call('SET', KEYS[2], ARGV[1] + 1, 'PX', ARGV[2])
end
return 0
"""


class OrderedRedisLockStore(LockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        self.url = endpoint_config.url or "redis://127.0.0.1:6379/0"
        self._clients: dict[int, redis.Redis] = {}

    def _client(self) -> redis.Redis:
        loop = id(asyncio.get_running_loop())
        if loop not in self._clients:
            self._clients[loop] = redis.Redis.from_url(self.url, socket_timeout=5,
                                                       socket_connect_timeout=5)
        return self._clients[loop]

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = POLL_SECONDS) -> AsyncIterator[None]:
        client = self._client()
        key = KEY_PREFIX + conversation_id
        serving, lease = f"{key}:serving", f"{key}:lease"
        try:
            ticket = int(await client.eval(_TAKE_TICKET, 3, f"{key}:next", serving, lease,
                                           IDLE_EXPIRY_SECONDS, HANDOVER_MS))
            while not await client.eval(_TRY_TURN, 2, serving, lease, ticket,
                                        int(lock_lifetime * 1000), HANDOVER_MS):
                await asyncio.sleep(POLL_SECONDS)
        except redis.RedisError as error:
            raise LockError(f"Redis lock store at {self.url}: {error}") from error
        try:
            yield None
        finally:
            # Should Redis fail here, the lease runs out and the next turn goes then.
            with suppress(redis.RedisError):
                await client.eval(_FINISH_TURN, 2, serving, lease, ticket, HANDOVER_MS)
