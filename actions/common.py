"""What every action needs: the appointment book, the municipality and a way to speak."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from rasa_sdk.executor import CollectingDispatcher

from assistant.appointments import AppointmentBook, BookedAppointment, describe
from assistant.messages import button, message, msg
from assistant.municipality import Municipality, load_municipality
from assistant.policy import Policy, load_policy
from assistant.settings import get_settings


def municipality() -> Municipality:
    return load_municipality(get_settings().municipality_dir)


def current_policy() -> Policy:
    """The policy in force today (national layer plus this municipality's overrides)."""
    settings = get_settings()
    return _policy_on(settings.policy_dir, settings.municipality, date.today())


@lru_cache(maxsize=2)
def _policy_on(policy_dir: Path, municipality_code: str, day: date) -> Policy:
    return load_policy(policy_dir, municipality_code, on=day)


def local_zone() -> ZoneInfo:
    return ZoneInfo(municipality().timezone)


@lru_cache(maxsize=1)
def appointment_book() -> AppointmentBook:
    return AppointmentBook.from_settings(get_settings())


def say(dispatcher: CollectingDispatcher, key: str, buttons: list[dict] | None = None,
        **args) -> None:
    """Send one catalog message; the gateway renders it in the user's language."""
    dispatcher.utter_message(json_message=message(key, buttons, **args))


def team_name(team_code: str) -> dict:
    return msg(municipality().team(team_code).name_key)


def appointment_args(appointment: BookedAppointment) -> dict:
    """The arguments every message about one appointment uses."""
    return describe(appointment, municipality())


def main_menu_buttons() -> list[dict]:
    return [
        button("menu.book_appointment", "/book_appointment"),
        button("menu.list_appointments", "/list_appointments"),
        button("menu.request_human", "/request_human"),
    ]
