"""What a person keeps of an appointment: its calendar file (.ics) and the texts of a printable
confirmation, in their language, for the conversation that owns the appointment only.

The web chat serves both (``bot/web/keep.py``); Telegram sends the .ics as a document. The file
is made from the database when it is asked for, so it always shows the appointment as it is
now: moved (the same event, a higher SEQUENCE) or cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.appointments import AppointmentBook, BookedAppointment
from assistant.calendar_file import appointment_calendar
from assistant.messages import N_, msg, when
from bot.i18n import Translator

# The UID of an appointment's event: its reference at this name, the same in every file.
UID_DOMAIN = "{municipality}.werk-en-inkomen-assistent"


@dataclass(frozen=True)
class CalendarFile:
    filename: str
    content: bytes
    cancelled: bool


@dataclass(frozen=True)
class ConfirmationTexts:
    """One appointment as the printable confirmation shows it, in the person's language."""

    reference: str
    team: str
    when: str
    location: str
    municipality: str
    cancelled: bool


class AppointmentFiles:
    def __init__(self, book: AppointmentBook, translator: Translator) -> None:
        self.book = book
        self.translator = translator

    def find(self, owner_id: str, reference: str) -> BookedAppointment | None:
        """The appointment when ``owner_id`` owns it (a database read: call off the loop)."""
        return self.book.find(owner_id, reference)

    def calendar_file(self, appointment: BookedAppointment, language: str) -> CalendarFile:
        municipality = self.book.municipality
        team = msg(municipality.team(appointment.team_code).name_key)
        text = self.translator.text
        content = appointment_calendar(
            reference=appointment.reference, start=appointment.start, end=appointment.end,
            summary=text(N_("calendar.summary"), language,
                         {"team": team, "municipality": msg(municipality.name_key)}),
            location=appointment.location,
            description=text(N_("calendar.description"), language,
                             {"reference": appointment.reference, "phone": municipality.phone}),
            timezone=municipality.timezone,
            uid_domain=UID_DOMAIN.format(municipality=municipality.code),
            cancelled=appointment.cancelled, moves=appointment.revision)
        return CalendarFile(f"afspraak-{appointment.reference}.ics", content,
                            appointment.cancelled)

    def confirmation(self, appointment: BookedAppointment, language: str) -> ConfirmationTexts:
        municipality = self.book.municipality
        arg = self.translator.format_arg
        return ConfirmationTexts(
            reference=appointment.reference,
            team=arg(msg(municipality.team(appointment.team_code).name_key), language),
            when=arg(when(appointment.start), language), location=appointment.location,
            municipality=arg(msg(municipality.name_key), language),
            cancelled=appointment.cancelled)
