"""Reminders a day ahead, for people on a channel we can write to unasked (Telegram).

The web chat cannot reach people after they close the page, so it is not reminded.
Each reminder is claimed in the database before it is sent: with two processes running,
a person still gets one reminder.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from assistant.appointments import AppointmentBook, describe
from assistant.messages import button, message
from assistant.storage import ProfileStore
from bot.gateway import Gateway, Reply

logger = logging.getLogger(__name__)

Push = Callable[[str, list[Reply]], Awaitable[None]]


class Reminders:
    def __init__(self, book: AppointmentBook, gateway: Gateway, profiles: ProfileStore,
                 push: Push, *, owner_prefix: str = "telegram:",
                 lead_time: timedelta = timedelta(hours=24), default_language: str = "nl"):
        self.book = book
        self.gateway = gateway
        self.profiles = profiles
        self.push = push
        self.owner_prefix = owner_prefix
        self.lead_time = lead_time
        self.default_language = default_language

    async def send_due(self, now: datetime | None = None) -> int:
        """Send every reminder that is due; returns how many were sent."""
        due = await asyncio.to_thread(self.book.due_for_reminder, self.owner_prefix,
                                      within=self.lead_time, now=now)
        sent = 0
        for owner_id, appointment in due:
            if not await asyncio.to_thread(self.book.claim_reminder, appointment.reference):
                continue
            chosen = f'{{"appointment_reference":"{appointment.reference}"}}'
            reminder = message("reminder.upcoming", [
                button("appointments.move", f"/reschedule_appointment{chosen}"),
                button("appointments.cancel", f"/cancel_appointment{chosen}"),
            ], **describe(appointment, self.book.municipality))
            language = await asyncio.to_thread(self._language, owner_id)
            try:
                await self.push(owner_id, [self.gateway.render(reminder, language)])
                sent += 1
            except Exception:  # one blocked chat must not stop the others
                logger.exception("reminder %s could not be sent", appointment.reference)
        return sent

    async def run_forever(self, interval_seconds: float = 300) -> None:
        while True:
            try:
                await self.send_due()
            except Exception:
                logger.exception("reminder round failed")
            await asyncio.sleep(interval_seconds)

    def _language(self, owner_id: str) -> str:
        profile = self.profiles.get(owner_id)
        return (profile.language if profile and profile.language else self.default_language)
