"""What ``/healthz`` reports: each part the assistant needs, asked over the network.

The assistant can answer when the database answers and at least one worker's Rasa server
and action server both do (the gateway sends a conversation to the next worker when its own
is down). Liveness is only about this process: a process manager restarts the web server when
it stops answering, not when Rasa is down.

With the internal token (``Parts.token``) a server counts as up only when it accepts that
token: Rasa's ``/status`` and the action server's ``/actions`` both want it. A restarted
worker is then not reported ready before it is really ours and can take turns: ``/`` and
``/health`` answer 200 for any Rasa or action server that listens on the port, also another
installation's that took the port while ours restarted (its answer to our turns: HTTP 401).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import aiohttp
from sqlalchemy import text

from assistant.privacy.tokens import authorization
from assistant.storage import get_engine

CHECK_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Parts:
    """Where the parts are: one Rasa server and one action server per worker."""

    rasa_urls: tuple[str, ...]
    action_urls: tuple[str, ...]
    database_url: str
    token: str = ""  # the internal token (assistant/privacy/tokens.py); empty: not checked


class HealthCheck:
    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self._session: aiohttp.ClientSession | None = None
        self.started = time.monotonic()

    async def report(self) -> tuple[bool, dict]:
        """(ready, report): ready when the assistant can answer a message now."""
        token = self.parts.token
        if token:
            checks = [self._answers(f"{url}/status", params={"token": token})
                      for url in self.parts.rasa_urls]
            checks += [self._answers(f"{url}/actions", headers=authorization(token))
                       for url in self.parts.action_urls]
        else:
            checks = [self._answers(f"{url}/") for url in self.parts.rasa_urls]
            checks += [self._answers(f"{url}/health") for url in self.parts.action_urls]
        checks.append(self._database_answers())
        results = await asyncio.gather(*checks)
        workers = len(self.parts.rasa_urls)
        rasa, actions, database = results[:workers], results[workers:-1], results[-1]
        pairs = [r and a for r, a in zip(rasa, actions, strict=False)]
        ready = database and any(pairs)
        return ready, {
            "status": "ok" if ready else "unavailable",
            "web": "ok",
            "rasa": [_state(up) for up in rasa],
            "action_server": [_state(up) for up in actions],
            "database": _state(database),
            "workers_answering": sum(pairs),
            "workers": workers,
            "uptime_seconds": round(time.monotonic() - self.started),
        }

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _answers(self, url: str, params: dict | None = None,
                       headers: dict | None = None) -> bool:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=CHECK_TIMEOUT_SECONDS))
        try:
            async with self._session.get(url, params=params, headers=headers) as response:
                return response.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError):
            return False

    async def _database_answers(self) -> bool:
        try:
            return await asyncio.wait_for(asyncio.to_thread(self._select_one),
                                          CHECK_TIMEOUT_SECONDS)
        except (asyncio.TimeoutError, TimeoutError):
            return False

    def _select_one(self) -> bool:
        try:
            with get_engine(self.parts.database_url).connect() as connection:
                return connection.execute(text("SELECT 1")).scalar() == 1
        except Exception:  # any driver error means: not answering  # noqa: BLE001
            return False


def _state(up: bool) -> str:
    return "ok" if up else "down"
