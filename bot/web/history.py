"""The conversation so far, read back from Rasa's tracker, for a page that is reloaded or
opened in a new tab. Nothing of it is kept here: Rasa's tracker store is the one copy (only the
moment of each conversation's last turn is remembered, for the idle check: ``LastActivity``).

Bot messages are catalog ids, so they are rendered again in the person's language of now. A
button press is stored as its payload; it is shown as the title of the button that sent it.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from bot.gateway import CONVERSATIONS_REMEMBERED, Gateway, Reply


def last_event_time(tracker: dict) -> float | None:
    """When the tracker's conversation last had an event; None for a new one (no events)."""
    latest = tracker.get("latest_event_time")
    if not isinstance(latest, (int, float)) or not tracker.get("events", True):
        return None
    return float(latest)


def idle_since(latest: float | None, idle_minutes: int, now: float | None = None) -> bool:
    """Nothing happened for ``idle_minutes`` since ``latest`` (None: a new conversation)."""
    if latest is None:
        return False
    return (now if now is not None else time.time()) - latest > idle_minutes * 60


class LastActivity:
    """When each web conversation last had a turn, kept in the web chat's process, so the idle
    check of a message costs no read of Rasa's tracker (which grows with the conversation).

    A conversation this process has not seen since it started is not known here: its first
    request reads the tracker once (``WebChat.last_activity``). The web chat runs as one
    process (``python -m bot``); the oldest entries are forgotten beyond ``limit``."""

    def __init__(self, limit: int = CONVERSATIONS_REMEMBERED,
                 clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.clock = clock
        self._latest: OrderedDict[str, float] = OrderedDict()

    def get(self, sender_id: str) -> float | None:
        return self._latest.get(sender_id)

    def __contains__(self, sender_id: str) -> bool:
        return sender_id in self._latest

    def forget(self, sender_id: str) -> None:
        """Not known here any more: the next request reads the tracker (scripts/idle_check_cost.py
        measures the old check that way)."""
        self._latest.pop(sender_id, None)

    def note(self, sender_id: str, moment: float | None = None) -> None:
        """A turn of ``sender_id`` now (or at ``moment``: what the tracker said)."""
        self._latest[sender_id] = self.clock() if moment is None else moment
        self._latest.move_to_end(sender_id)
        while len(self._latest) > self.limit:
            self._latest.popitem(last=False)


def history_messages(gateway: Gateway, events: list, language: str) -> list[dict]:
    """What the page showed: ``{"author", "text", "buttons", "answered"}`` per message, in order.
    Buttons before the person's last message were answered already (the page disables them)."""
    shown: list[dict] = []
    # The gateway adds the language menu itself (it is not in the tracker): its choices are
    # known whatever the bot said last.
    languages = {button.payload: button.title
                 for button in gateway.language_menu(language).buttons}
    offered: dict[str, str] = {}  # payload -> title of the buttons of the bot's last turn
    for event in events:
        if not isinstance(event, dict):
            continue
        if event.get("event") == "bot":
            reply = bot_reply(gateway, event, language)
            if reply is not None:
                offered.update({button.payload: button.title for button in reply.buttons})
                shown.append(as_shown("bot", reply, gateway))
        elif event.get("event") == "user":
            text = user_text(event, {**languages, **offered})
            offered = {}
            if text:
                for earlier in shown:
                    earlier["answered"] = True
                shown.append(as_shown("user", Reply(text), gateway))
    return shown


def bot_reply(gateway: Gateway, event: dict, language: str) -> Reply | None:
    custom = (event.get("data") or {}).get("custom")
    if isinstance(custom, dict) and isinstance(custom.get("key"), str):
        return gateway.render(custom, language)
    return None


def user_text(event: dict, offered: dict[str, str]) -> str:
    """What the person typed, or the title of the button they pressed; empty for a payload no
    button of the last turn sent (the page never showed such a message)."""
    text = event.get("text")
    if not isinstance(text, str):
        return ""
    if text.startswith("/"):
        return offered.get(text, "")
    return text


def as_shown(author: str, reply: Reply, gateway: Gateway) -> dict:
    from bot.web.server import reply_to_json

    return {"author": author, "answered": False, **reply_to_json(reply, gateway.translator)}
