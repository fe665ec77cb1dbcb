"""Telegram in front of the gateway (python-telegram-bot).

Every update becomes a ``Conversation`` (``telegram:<chat id>``) and goes through the gateway;
the replies go back as plain-text messages, their buttons as inline keyboards. Telegram allows
64 bytes of callback data, so a button carries a short ``ButtonStore`` token instead of its
payload. Updates arrive by long polling, or by webhook through the web server's
``POST /telegram/webhook`` (``TelegramFrontend.handle_webhook``).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import replace

from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.constants import ChatAction, InlineKeyboardButtonLimit, MessageLimit
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from assistant.messages import N_, with_appointments_button
from assistant.privacy.overview import DOWNLOAD_FILE_NAME, DOWNLOAD_PAYLOAD
from assistant.settings import Settings
from assistant.storage import DATABASE_UNAVAILABLE, ButtonStore, ProfileStore
from bot.appointment_files import AppointmentFiles
from bot.gateway import Conversation, Gateway, Reply
from bot.privacy import download_for, statement
from bot.services import StartupError

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
WELCOME_PAYLOAD = "/greet"
HELP_PAYLOAD = "/help"
CALLBACK_PREFIX = "b:"
TYPING_REFRESH_SECONDS = 4.0  # Telegram shows "typing…" for five seconds per chat action
TELEGRAM_LANGUAGE = re.compile(r"[a-z]{2}")
COMMANDS = (("start", N_("telegram.command.start")), ("help", N_("menu.help")),
            ("taal", N_("menu.language")), ("privacy", N_("telegram.command.privacy")))
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as secret_token


class MalformedUpdate(ValueError):
    """A webhook body that is no Telegram update (the web server answers 400)."""


class _Chat:
    """The update handlers; they share the gateway, the stores and the settings."""

    def __init__(self, settings: Settings, gateway: Gateway, buttons: ButtonStore,
                 profiles: ProfileStore, files: AppointmentFiles | None = None) -> None:
        self.settings = settings
        self.gateway = gateway
        self.buttons = buttons
        self.profiles = profiles
        self.files = files  # an appointment's .ics, sent as a document (None: not sent)

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/start``: the welcome, as if the person pressed a "hello" button; until the person
        has chosen a language, the language menu follows it."""
        conversation = await self.conversation(update, starting=True)
        async with show_typing(context.bot, update.effective_chat.id):
            replies = await self.gateway.handle_payload(conversation, WELCOME_PAYLOAD)
        await self.send(context.bot, update.effective_chat.id, replies)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/help``: what the assistant can do."""
        conversation = await self.conversation(update)
        async with show_typing(context.bot, update.effective_chat.id):
            replies = await self.gateway.handle_payload(conversation, HELP_PAYLOAD)
        await self.send(context.bot, update.effective_chat.id, replies)

    async def language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/taal`` or ``/language``: the language menu (needs no Rasa, so it always works)."""
        conversation = await self.conversation(update)
        await self.send(context.bot, update.effective_chat.id,
                        [self.gateway.language_menu(conversation.language)])

    async def privacy(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/privacy``: what we keep, why, how long and who to ask, with buttons to see
        (and download) or erase it."""
        conversation = await self.conversation(update)
        await self.send(context.bot, update.effective_chat.id,
                        [statement(self.gateway, self.settings, conversation)])

    async def send_download(self, bot: Bot, chat_id: int, conversation: Conversation) -> None:
        """Everything we keep about this person, as a JSON document in the chat."""
        content = await download_for(self.gateway, self.settings, conversation.sender_id,
                                     conversation.language)
        caption = self.gateway.notice("privacy.download_caption", conversation).text
        await bot.send_document(chat_id, InputFile(content, filename=DOWNLOAD_FILE_NAME),
                                caption=caption)

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Anything typed, including other commands and messages without any text."""
        conversation = await self.conversation(update)
        async with show_typing(context.bot, update.effective_chat.id):
            replies = await self.gateway.handle_text(conversation, update.message.text)
        await self.send(context.bot, update.effective_chat.id, replies)

    async def unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, voice notes, files, locations…: we only read text."""
        conversation = await self.conversation(update)
        await self.send(context.bot, update.effective_chat.id,
                        self.gateway.unsupported_content(conversation))

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button press: always answered, so the client stops its spinner."""
        query = update.callback_query
        await query.answer()
        if update.effective_chat is None:  # a button under an inline-mode message: not ours
            return
        chat_id = update.effective_chat.id
        conversation = await self.conversation(update)
        data = query.data or ""
        payload = None
        if data.startswith(CALLBACK_PREFIX):
            payload = await asyncio.to_thread(self.buttons.payload,
                                              data.removeprefix(CALLBACK_PREFIX))
        if payload is None:
            notice = self.gateway.notice("error.unknown_button", conversation)
            await self.send(context.bot, chat_id, [notice])
            return
        await remove_keyboard(update)
        if payload == DOWNLOAD_PAYLOAD and await self.gateway.offered(conversation.sender_id,
                                                                      payload):
            await self.send_download(context.bot, chat_id, conversation)
            return
        async with show_typing(context.bot, chat_id):
            replies = await self.gateway.handle_payload(conversation, payload)
        await self.send(context.bot, chat_id, replies)

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Logs the failure and, when there is a chat, says so kindly: never a traceback.
        The log line names the update by its number only: an update holds the person's
        name, username and text."""
        update_id = update.update_id if isinstance(update, Update) else None
        error = context.error
        logger.error("Telegram update %s failed: %s", update_id, type(error).__name__,
                     exc_info=(type(error), error, error.__traceback__) if error else None)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        database_down = isinstance(context.error, DATABASE_UNAVAILABLE)
        try:
            conversation = await self.conversation(update)
        except Exception:  # the database may be what failed: Telegram's language is a hint
            logger.exception("no profile for the error notice")
            user = update.effective_user
            hint = user.language_code if user is not None and user.language_code else ""
            conversation = Conversation(sender_id(update.effective_chat.id), CHANNEL,
                                        self.hinted_language(hint))
        if database_down:  # it recovers by itself: the next message simply tries again
            notice = self.gateway.render(
                with_appointments_button(N_("error.database_unavailable")), conversation.language)
        else:
            notice = self.gateway.notice("error.no_answer", conversation)
        await context.bot.send_message(update.effective_chat.id, notice.text)

    async def conversation(self, update: Update, starting: bool = False) -> Conversation:
        """Who is talking. The language is the one they chose; until they choose, Telegram's
        language_code is a hint (when we have that language) and /start shows the menu."""
        sender = sender_id(update.effective_chat.id)
        profile = await asyncio.to_thread(self.profiles.get, sender)
        if profile is None:
            profile = await asyncio.to_thread(self.profiles.save, sender, CHANNEL)
        first_contact = starting and not profile.language
        user = update.effective_user
        hint = user.language_code if user is not None and user.language_code else ""
        extra = {"telegram_language_code": hint} if hint else {}
        conversation = Conversation(sender, CHANNEL,
                                    profile.language or self.hinted_language(hint),
                                    extra=extra, first_contact=first_contact,
                                    language_chosen=bool(profile.language))
        return replace(conversation, role=profile.role) if profile.role else conversation

    def hinted_language(self, language_code: str) -> str:
        """Telegram's "uk" or "pt-br" matched to a catalog we have, else the default."""
        return (self.gateway.translator.best_language([language_code])
                or self.settings.default_language)

    async def send(self, bot: Bot, chat_id: int, replies: list[Reply]) -> None:
        """Each reply as plain-text messages; its buttons under the last part (and noted as
        offered to this chat: only those are forwarded when pressed)."""
        self.gateway.remember_offered(sender_id(chat_id), replies)
        for reply in replies:
            markup = await self.keyboard(reply)
            parts = split_text(reply.text)
            for number, part in enumerate(parts, start=1):
                await bot.send_message(chat_id, part,
                                       reply_markup=markup if number == len(parts) else None)
            if reply.calendar is not None:
                await self.send_calendar(bot, chat_id, reply)
            if reply.feedback is not None:
                await self.ask_feedback(bot, chat_id, reply)

    async def ask_feedback(self, bot: Bot, chat_id: int, reply: Reply) -> None:
        """"Did this help?" as a short message of its own with 👍 and 👎 in one row (only
        under answers worth rating, bot/feedback.py; pressing one takes the row away)."""
        ask = reply.feedback
        try:
            tokens = await asyncio.to_thread(self.buttons.save_all,
                                             [choice.payload for choice in ask.buttons])
        except DATABASE_UNAVAILABLE as error:  # a courtesy: the answer itself got through
            logger.warning("could not ask for feedback: %s", type(error).__name__)
            return
        row = [InlineKeyboardButton(f"{glyph} {choice.title}",
                                    callback_data=CALLBACK_PREFIX + token)
               for glyph, choice, token in zip(("👍", "👎"), ask.buttons, tokens, strict=True)]
        await bot.send_message(chat_id, ask.question, reply_markup=InlineKeyboardMarkup([row]))

    async def send_calendar(self, bot: Bot, chat_id: int, reply: Reply) -> None:
        """The appointment's .ics as a document after the message about it (a courtesy: the
        message itself got through, so a failure here is logged, not shown)."""
        if self.files is None or reply.calendar is None:
            return
        try:
            appointment = await asyncio.to_thread(self.files.find, sender_id(chat_id),
                                                  reply.calendar.reference)
            if appointment is None:
                return
            ics = await asyncio.to_thread(self.files.calendar_file, appointment,
                                          reply.language)
            caption = self.gateway.translator.text(
                N_("calendar.telegram_caption_cancelled") if ics.cancelled
                else N_("calendar.telegram_caption"), reply.language)
            await bot.send_document(chat_id, ics.content, filename=ics.filename,
                                    caption=caption)
        except (TelegramError, *DATABASE_UNAVAILABLE) as error:
            logger.warning("could not send the calendar file: %s", type(error).__name__)

    async def keyboard(self, reply: Reply) -> InlineKeyboardMarkup | None:
        """One button per row; the payload stays in the ButtonStore."""
        if not reply.buttons:
            return None
        rows = []
        try:
            tokens = await asyncio.to_thread(self.buttons.save_all,
                                             [button.payload for button in reply.buttons])
        except DATABASE_UNAVAILABLE:  # the text still gets through, without its buttons
            logger.exception("could not store the buttons")
            return None
        for button, token in zip(reply.buttons, tokens, strict=True):
            callback_data = CALLBACK_PREFIX + token
            assert len(callback_data.encode()) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
            rows.append([InlineKeyboardButton(button.title, callback_data=callback_data)])
        return InlineKeyboardMarkup(rows)


def sender_id(chat_id: int) -> str:
    return f"{CHANNEL}:{chat_id}"


async def remove_keyboard(update: Update) -> None:
    """Takes the buttons off the pressed message, so each choice is made once."""
    try:
        await update.callback_query.edit_message_reply_markup(None)
    except BadRequest as error:
        if "message is not modified" not in error.message.lower():
            # e.g. a message too old to edit: the press itself still counts
            logger.warning("could not remove the keyboard: %s", error.message)


@asynccontextmanager
async def show_typing(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Shows "typing…" in the chat for as long as the block runs."""

    async def keep_typing() -> None:
        while True:
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as error:  # only a courtesy: never let it stop the answer
                logger.info("chat action failed: %s", error)
                return
            await asyncio.sleep(TYPING_REFRESH_SECONDS)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut ``text`` into messages Telegram accepts: at line breaks, else at spaces.

    Lengths are counted in UTF-16 code units, as Telegram does.
    """
    parts: list[str] = []
    while _utf16_length(text) > limit:
        fits = len(_utf16_prefix(text, limit))
        window = text[:fits + 1]  # a break right after the part that fits is fine too
        cut = window.rfind("\n")
        if cut <= 0:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = fits
        if text[:cut].strip():
            parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n ")
    if text.strip() or not parts:
        parts.append(text)
    return parts


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _utf16_prefix(text: str, limit: int) -> str:
    """The longest start of ``text`` within ``limit`` UTF-16 code units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return text[:index]
    return text


def build_application(settings: Settings, gateway: Gateway, buttons: ButtonStore,
                      profiles: ProfileStore, request: BaseRequest | None = None,
                      files: AppointmentFiles | None = None) -> Application:
    """The python-telegram-bot application with every handler; ``request`` replaces HTTP."""
    return _wire(settings, _Chat(settings, gateway, buttons, profiles, files), request)


def _wire(settings: Settings, chat: _Chat, request: BaseRequest | None) -> Application:
    builder = Application.builder().token(settings.telegram_token)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    # Only new messages in one-to-one chats: edited messages, channel posts and group chats
    # (where a resident's personal questions do not belong) are ignored quietly.
    new_message = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
    application.add_handlers([
        CommandHandler("start", chat.start, filters=new_message),
        CommandHandler("help", chat.help, filters=new_message),
        CommandHandler(["taal", "language"], chat.language, filters=new_message),
        CommandHandler("privacy", chat.privacy, filters=new_message),
        CallbackQueryHandler(chat.button),
        MessageHandler(new_message & filters.ATTACHMENT, chat.unsupported),
        MessageHandler(new_message & ~filters.StatusUpdate.ALL, chat.text),
    ])
    application.add_error_handler(chat.error)
    return application


class TelegramFrontend:
    """Runs the application: long polling, or webhook updates handed over by the web server."""

    def __init__(self, settings: Settings, gateway: Gateway, buttons: ButtonStore,
                 profiles: ProfileStore, request: BaseRequest | None = None,
                 files: AppointmentFiles | None = None) -> None:
        self.settings = settings
        self._chat = _Chat(settings, gateway, buttons, profiles, files)
        self.application = _wire(settings, self._chat, request)

    async def start(self) -> None:
        webhook_url = self.settings.telegram_webhook_url
        secret = self.settings.telegram_webhook_secret
        if webhook_url and not _WEBHOOK_SECRET.fullmatch(secret):
            raise StartupError(
                "TELEGRAM_WEBHOOK_URL is set, so TELEGRAM_WEBHOOK_SECRET is required: 1-256 "
                "characters from A-Z, a-z, 0-9, _ and - (for example: openssl rand -hex 32)."
            )
        await self.application.initialize()
        await self.application.start()
        await self.describe_commands()
        if webhook_url:
            await self.application.bot.set_webhook(url=webhook_url, secret_token=secret,
                                                   allowed_updates=Update.ALL_TYPES)
            logger.info("Telegram webhook set to %s", webhook_url)
        else:
            # start_polling deletes any webhook first: Telegram allows only one of the two
            await self.application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
            logger.info("Telegram long polling started")

    async def describe_commands(self) -> None:
        """The "/" menu of Telegram in every language: /start, /help, /taal and /privacy, in
        the person's app language (a courtesy: a failure here must not stop the bot)."""
        translator = self._chat.gateway.translator
        for language in [None, *translator.languages()]:
            if language is not None and not TELEGRAM_LANGUAGE.fullmatch(language):
                continue  # Telegram knows two-letter codes only: fa_AF users get fa
            shown = language or self.settings.default_language
            commands = [BotCommand(name, translator.text(key, shown))
                        for name, key in COMMANDS]
            try:
                await self.application.bot.set_my_commands(commands, language_code=language)
            except TelegramError as error:
                logger.warning("could not set the Telegram commands for %s: %s", shown, error)

    async def stop(self) -> None:
        if self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def push(self, sender: str, replies: list[Reply]) -> None:
        """Send replies unasked (a reminder) to ``telegram:<chat id>``."""
        channel, _, chat_id = sender.partition(":")
        if channel != CHANNEL:
            raise ValueError(f"not a Telegram sender: {sender!r}")
        await self._chat.send(self.application.bot, int(chat_id), replies)

    async def handle_webhook(self, data: dict, secret_header: str | None) -> bool:
        """One update POSTed by Telegram; False (and nothing queued) when the secret is wrong."""
        secret = self.settings.telegram_webhook_secret
        if not secret or secret_header is None or not hmac.compare_digest(
                secret_header.encode("utf-8", "surrogateescape"), secret.encode()):
            logger.warning("Telegram webhook call with a wrong secret token")
            return False
        try:
            update = Update.de_json(data, self.application.bot)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise MalformedUpdate(type(error).__name__) from error
        if update is None or not isinstance(update.update_id, int):
            raise MalformedUpdate("no update_id")
        await self.application.update_queue.put(update)
        return True
