"""The message contract between the dialogue side (Rasa, actions) and the front ends.

Rasa never sends finished text. Every bot message is a ``custom`` payload naming a
message id in the Babel catalogs plus typed arguments; the gateway renders it in the
user's language and locale. So a changed translation needs no retraining, and dates,
times and amounts are formatted for the reader, not for the server.

    {"key": "booking.confirmed",
     "args": {"when": {"type": "datetime", "value": "2026-11-24T08:30:00+00:00"},
              "team": {"type": "msg", "key": "team.klantmanager.name"}},
     "buttons": [{"key": "button.list_appointments", "args": {}, "payload": "/list_appointments"}]}
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

Arg = Any
Message = dict[str, Any]


def message(key: str, buttons: list[dict] | None = None, **args: Arg) -> Message:
    """A bot message: catalog id, arguments and optional buttons."""
    result: Message = {"key": key, "args": args}
    if buttons:
        result["buttons"] = buttons
    return result


def button(key: str, payload: str, **args: Arg) -> dict:
    """A button whose title is a catalog id and whose payload goes back to Rasa."""
    return {"key": key, "args": args, "payload": payload}


def when(moment: datetime) -> dict:
    """A moment in time; rendered as date and time in Europe/Amsterdam for the user's locale."""
    if moment.tzinfo is None:
        raise ValueError("moments sent to users must be timezone-aware")
    return {"type": "datetime", "value": moment.isoformat()}


def day(value: date) -> dict:
    return {"type": "date", "value": value.isoformat()}


def msg(key: str, **args: Arg) -> dict:
    """An argument that is itself a catalog text (a team name, a topic label)."""
    return {"type": "msg", "key": key, "args": args}


def lines(*items: Arg, separator: str = "\n") -> dict:
    """Several texts (catalog texts, numbers) shown together, one per line by default."""
    return {"type": "lines", "items": list(items), "separator": separator}


def money(amount_in_cents: int, currency: str = "EUR") -> dict:
    return {"type": "money", "value": amount_in_cents, "currency": currency}


def euros(amount: float) -> dict:
    """An amount of the policy data in euros; whole euros are shown without cents."""
    return money(round(amount * 100))


def percent(value: float) -> dict:
    """A percentage of the policy data (23.5 is 23,5 % in Dutch, %23,5 in Turkish)."""
    return {"type": "percent", "value": value}


def short_when(moment: datetime) -> dict:
    """A moment for a button label: weekday, day, month and time, nothing more."""
    if moment.tzinfo is None:
        raise ValueError("moments sent to users must be timezone-aware")
    return {"type": "short_datetime", "value": moment.isoformat()}


def N_(key: str) -> str:  # noqa: N802 - the gettext convention, so pybabel finds the id
    """Mark a catalog id that is stored before it is sent, for ``make extract-messages``."""
    return key


def NP_(singular_id: str, plural_id: str) -> str:  # noqa: N802 - gettext convention
    """Mark a catalog id with plural forms (pass the same id twice); the text is chosen by
    the ``count`` argument in the reader's language."""
    return singular_id


def language_menu(languages: list[str]) -> Message:
    """"Which language?": one button per language, each named in its own language and script."""
    return message("language.choose", [
        button("language.option", f'/choose_language{{"language":"{code}"}}',
               name={**msg("language.name"), "language": code})
        for code in languages])


def with_calendar(result: Message, reference: str, cancelled: bool = False) -> Message:
    """A message about one appointment that the front ends follow with its calendar file
    (.ics): a link in the web chat, a document on Telegram. ``cancelled``: the file that
    takes the event out of the person's calendar."""
    return {**result, "calendar": {"reference": reference, "cancelled": cancelled}}


def with_appointments_button(key: str) -> Message:
    """A notice that sends the person to their own list of appointments (which is right):
    after a turn with an unknown outcome, or while the database cannot be reached."""
    return message(key, [button("menu.list_appointments", "/list_appointments")],
                   appointments=msg("menu.list_appointments"))
