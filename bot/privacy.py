"""The resident's rights in both front ends: the privacy statement (web page /privacy and the
Telegram command /privacy) and the download of everything we keep about them
(``assistant.privacy.overview``), rendered in the person's language."""

from __future__ import annotations

import asyncio

from assistant.messages import button, message
from assistant.policy.municipality import load_municipality
from assistant.privacy.overview import download, overview_of
from assistant.settings import Settings
from bot.gateway import Conversation, Gateway, Reply

SHOW_PAYLOAD = "/show_my_data"
DELETE_PAYLOAD = "/delete_my_data"


def statement_message(settings: Settings) -> dict:
    """What we keep, why, how long and who to ask; with the buttons to see or erase it."""
    phone = load_municipality(settings.municipality_dir).phone
    return message("privacy.statement",
                   [button("intent.show_my_data", SHOW_PAYLOAD),
                    button("intent.delete_my_data", DELETE_PAYLOAD)],
                   days=settings.conversation_retention_days,
                   appointment_days=settings.appointment_retention_days,
                   log_days=settings.log_retention_days, phone=phone)


def statement(gateway: Gateway, settings: Settings, conversation: Conversation) -> Reply:
    return gateway.render(statement_message(settings), conversation.language)


async def download_for(gateway: Gateway, settings: Settings, sender_id: str,
                       language: str) -> bytes:
    """Everything we keep about ``sender_id`` as JSON, the assistant's messages in
    ``language`` as the person saw them (read off the event loop)."""

    def render(custom: dict) -> str:
        return gateway.render(custom, language).text

    overview = await asyncio.to_thread(overview_of, sender_id, settings, render)
    return download(overview, settings)
