"""The conversation so far, read back from Rasa's tracker, for a page that is reloaded or
opened in a new tab. Nothing is kept here: Rasa's tracker store is the one copy.

Bot messages are catalog ids, so they are rendered again in the person's language of now. A
button press is stored as its payload; it is shown as the title of the button that sent it.
"""

from __future__ import annotations

import time

from bot.gateway import Gateway, Reply


def is_idle(tracker: dict, idle_minutes: int, now: float | None = None) -> bool:
    """The conversation had no event for ``idle_minutes`` (a tracker without events is new)."""
    latest = tracker.get("latest_event_time")
    if not isinstance(latest, (int, float)) or not tracker.get("events", True):
        return False
    return (now if now is not None else time.time()) - latest > idle_minutes * 60


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
                shown.append(as_shown("bot", reply))
        elif event.get("event") == "user":
            text = user_text(event, {**languages, **offered})
            offered = {}
            if text:
                for earlier in shown:
                    earlier["answered"] = True
                shown.append(as_shown("user", Reply(text)))
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


def as_shown(author: str, reply: Reply) -> dict:
    return {"author": author, "text": reply.text, "answered": False,
            "lang": reply.language.replace("_", "-"),
            "buttons": [{"title": button.title, "payload": button.payload}
                        for button in reply.buttons]}
