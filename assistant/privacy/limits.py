"""Limits against floods: how many messages one person, one address or one session may send.

A ``SlidingWindow`` counts events per key over the last ``seconds``; over its ``limit`` the
caller answers with a friendly text in the person's language (never a silent drop). Counts
live in the memory of one gateway process: with several gateways behind a load balancer each
counts its own share (the load balancer's own limits then matter too).
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from assistant.messages import N_
from assistant.settings import Settings

KEYS_REMEMBERED = 100_000  # the oldest keys are forgotten first (memory stays bounded)


class SlidingWindow:
    """At most ``limit`` events per key in any ``seconds``."""

    def __init__(self, limit: int, seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.seconds = seconds
        self.clock = clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, key: str) -> bool:
        """Count an event for ``key`` and say whether it is within the limit (a refused event
        is not counted, so waiting always helps)."""
        if self.limit <= 0:
            return True
        now = self.clock()
        events = self._events.get(key)
        if events is None:
            events = self._events[key] = deque()
        self._events.move_to_end(key)
        while events and events[0] <= now - self.seconds:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        while len(self._events) > KEYS_REMEMBERED:
            self._events.popitem(last=False)
        return True

    def retry_after(self, key: str) -> int:
        """Whole seconds until ``key`` may send again (0: now)."""
        events = self._events.get(key)
        if not events or len(events) < self.limit:
            return 0
        return max(1, int(events[0] + self.seconds - self.clock()) + 1)


class DistinctKeys:
    """At most ``limit`` different keys per owner in any ``seconds`` (web sessions per IP
    address: a session already counted is always allowed)."""

    def __init__(self, limit: int, seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.seconds = seconds
        self.clock = clock
        self._seen: OrderedDict[str, OrderedDict[str, float]] = OrderedDict()

    def allow(self, owner: str, key: str) -> bool:
        if self.limit <= 0:
            return True
        now = self.clock()
        seen = self._seen.setdefault(owner, OrderedDict())
        self._seen.move_to_end(owner)
        for old, at in list(seen.items()):
            if at > now - self.seconds:
                break
            del seen[old]
        if key in seen:
            return True
        if len(seen) >= self.limit:
            return False
        seen[key] = now
        while len(self._seen) > KEYS_REMEMBERED:
            self._seen.popitem(last=False)
        return True


@dataclass
class MessageLimits:
    """Per person (a web session or a Telegram chat): a minute's and an hour's messages."""

    per_minute: SlidingWindow
    per_hour: SlidingWindow

    @classmethod
    def from_settings(cls, settings: Settings,
                      clock: Callable[[], float] = time.monotonic) -> MessageLimits:
        return cls(SlidingWindow(settings.messages_per_minute, 60, clock),
                   SlidingWindow(settings.messages_per_hour, 3600, clock))

    def allow(self, sender_id: str) -> bool:
        return self.per_minute.allow(sender_id) and self.per_hour.allow(sender_id)


@dataclass
class AddressLimits:
    """Per IP address in the web chat: requests per minute and new sessions per hour."""

    requests: SlidingWindow
    sessions: DistinctKeys

    @classmethod
    def from_settings(cls, settings: Settings,
                      clock: Callable[[], float] = time.monotonic) -> AddressLimits:
        return cls(SlidingWindow(settings.requests_per_minute_per_address, 60, clock),
                   DistinctKeys(settings.new_sessions_per_hour_per_address, 3600, clock))

    def refusal(self, address: str, session_token: str) -> str | None:
        """None when this request may go on; else the catalog id of the reason."""
        if not self.requests.allow(address):
            return N_("limits.slow_down")
        if not self.sessions.allow(address, session_token):
            return N_("limits.too_many_conversations")
        return None
