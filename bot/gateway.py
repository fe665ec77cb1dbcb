"""One gateway between every front end and Rasa's REST channel.

A front end hands over who is talking (``Conversation``) and what they typed or pressed;
the gateway checks the input, asks Rasa, and returns ``Reply`` objects rendered in the
user's language. Every failure becomes a friendly reply: front ends never see an exception.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from urllib.parse import quote

import aiohttp

from assistant.messages import N_, language_menu, with_appointments_button
from assistant.privacy.detectors import PLACEHOLDER, redact
from assistant.privacy.logs import begin_turn
from assistant.storage import DATABASE_UNAVAILABLE, ProfileStore
from assistant.typed_answers.languages import language_named
from bot.i18n import Translator

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 1000
# A lone emoji that means something in any language; other emoji-only messages get a notice.
EMOJI_INTENTS = {"👍": "/affirm", "✅": "/affirm", "👌": "/affirm", "👎": "/deny", "❌": "/deny",
                 "🙏": "/thank", "👋": "/greet"}
_EMOJI_MODIFIERS = re.compile("[\ufe0f\U0001f3fb-\U0001f3ff]")
_LETTER_OR_DIGIT = re.compile(r"\w", re.UNICODE)
# The idempotency key of one turn, sent to Rasa as message metadata: the booking, move and
# cancel actions act once per turn id, so a turn sent again (a retry) returns the first outcome.
# It is also the turn's correlation id in every log line (assistant.privacy.logs).
TURN_ID_KEY = "turn_id"
# What the front ends themselves send (/start, /help, the language menu of /taal and 🌐):
# harmless, so never refused. Every other payload must be a button this conversation saw.
FRONT_END_PAYLOADS = frozenset({"/greet", "/help", "/choose_language"})
# Buttons remembered per conversation, and conversations remembered (oldest forgotten first).
OFFERED_PER_CONVERSATION = 64
CONVERSATIONS_REMEMBERED = 10_000
# asyncio.TimeoutError is not the built-in TimeoutError before Python 3.11.
TIMEOUTS = (TimeoutError, asyncio.TimeoutError)
# The request reached Rasa but no answer came back: it may have been handled.
OUTCOME_UNKNOWN = (*TIMEOUTS, aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError)


def new_turn_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    # False when the person's message was not (fully) handled: front ends offer it back.
    delivered: bool = True
    language: str = ""  # the language it is written in (after a change: the new one)


@dataclass(frozen=True)
class Conversation:
    """Who is talking: ``sender_id`` is unique per person and channel (``telegram:123``)."""

    sender_id: str
    channel: str
    language: str = "nl"
    role: str = "resident"
    extra: dict = field(default_factory=dict)
    # The person has not chosen a language yet and this is their first message: after the
    # answer they get the language menu. ``language`` is then only a hint (Telegram's
    # language_code, the web page's ?lang=).
    first_contact: bool = False
    # The person chose ``language`` themselves: no more hints, even when they type Dutch
    # words ("afspraak", "bijstand") in a conversation in Ukrainian.
    language_chosen: bool = False

    def metadata(self) -> dict:
        return {"channel": self.channel, "language": self.language, "role": self.role,
                **self.extra}


class Gateway:
    """Sends user input to Rasa and renders what comes back."""

    def __init__(self, rasa_url: str, translator: Translator, timeout_seconds: float = 30.0,
                 api_token: str = "", profiles: ProfileStore | None = None) -> None:
        self.rasa_url = rasa_url.rstrip("/")
        self.api_token = api_token  # Rasa's HTTP API, used only to repair a broken conversation
        self.translator = translator
        self.profiles = profiles  # where a person's language choice is kept
        self._scripts: dict[str, str | None] = {}  # language -> script, see script_of
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None
        # The payloads of the buttons each conversation was shown: only those are forwarded.
        self._offered: OrderedDict[str, OrderedDict[str, None]] = OrderedDict()
        # Conversations already told that personal data need not be shared here.
        self._told_about_personal_data: OrderedDict[str, None] = OrderedDict()
        self._always_allowed = FRONT_END_PAYLOADS | {
            button["payload"] for button in language_menu(translator.languages())["buttons"]}

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def handle_text(self, conversation: Conversation, text: str | None,
                          turn_id: str | None = None) -> list[Reply]:
        """Something the person typed; ``turn_id`` when the front end sends it again."""
        turn_id = begin_turn(turn_id or new_turn_id())
        return self.remember_offered(conversation.sender_id,
                                     await self._answer_text(conversation, text, turn_id))

    async def handle_payload(self, conversation: Conversation, payload: str,
                             turn_id: str | None = None) -> list[Reply]:
        """A button press: forwarded as it is (``/intent{...}``) only when it is a button this
        conversation was offered; anything else a client sends as a payload is refused."""
        turn_id = begin_turn(turn_id or new_turn_id())
        if payload not in self._always_allowed and not self.was_offered(conversation.sender_id,
                                                                        payload):
            logger.info("refused a payload that was not offered (%d characters)", len(payload))
            return [self.refusal("error.unknown_button", conversation)]
        return self.remember_offered(conversation.sender_id,
                                     await self._ask_rasa(conversation, payload, turn_id))

    async def _answer_text(self, conversation: Conversation, text: str | None,
                           turn_id: str) -> list[Reply]:
        cleaned = clean_user_text(text)
        if not cleaned:
            return [self.refusal("error.empty_message", conversation)]
        if len(cleaned) > MAX_MESSAGE_CHARS:
            return [self.refusal("error.message_too_long", conversation,
                                 limit=MAX_MESSAGE_CHARS)]
        # Personal data is replaced here, before Rasa, a log line or a database sees it.
        redacted = redact(cleaned)
        cleaned, words = redacted.text, redacted.text.replace(PLACEHOLDER, " ")
        notice = self._personal_data_notice(conversation, bool(redacted.findings))
        if not _LETTER_OR_DIGIT.search(words):
            if redacted.findings:  # nothing but personal data: say why there is no answer
                return [self.notice("privacy.personal_data_removed", conversation)]
            meaning = EMOJI_INTENTS.get(_EMOJI_MODIFIERS.sub("", cleaned))
            if meaning:
                return await self._ask_rasa(conversation, meaning, turn_id)
            return [self.refusal("error.no_words", conversation)]
        language = language_named(cleaned, self.translator.languages())
        if language is not None:  # "English", "Türkçe", "بالعربية": as the menu's button
            return await self._ask_rasa(
                conversation, f'/choose_language{{"language":"{language}"}}', turn_id)
        # A typed leading slash would be read by Rasa as an intent name: only buttons may do that.
        replies = await self._ask_rasa(conversation, cleaned.lstrip("/"), turn_id)
        return notice + replies + self._language_hint(conversation, replies, words)

    def _personal_data_notice(self, conversation: Conversation, found: bool) -> list[Reply]:
        """Once per conversation: "you need not share this here; it was not stored"."""
        if not found or conversation.sender_id in self._told_about_personal_data:
            return []
        _remember(self._told_about_personal_data, conversation.sender_id, None,
                  CONVERSATIONS_REMEMBERED)
        return [self.notice("privacy.personal_data_removed", conversation)]

    def remember_offered(self, sender_id: str, replies: list[Reply]) -> list[Reply]:
        """Note the buttons shown to ``sender_id`` (front ends call this for what they send
        without the gateway: menus, reminders); returns ``replies`` unchanged."""
        payloads = [button.payload for reply in replies for button in reply.buttons]
        if payloads:
            offered = self._offered.get(sender_id) or OrderedDict()
            for payload in payloads:
                _remember(offered, payload, None, OFFERED_PER_CONVERSATION)
            _remember(self._offered, sender_id, offered, CONVERSATIONS_REMEMBERED)
        return replies

    def was_offered(self, sender_id: str, payload: str) -> bool:
        return payload in self._offered.get(sender_id, {})

    def unsupported_content(self, conversation: Conversation) -> list[Reply]:
        """Stickers, photos, voice notes: we only read text."""
        return [self.notice("error.unsupported_content", conversation)]

    def notice(self, key: str, conversation: Conversation, **args) -> Reply:
        return self.render({"key": key, "args": args}, conversation.language)

    def refusal(self, key: str, conversation: Conversation, **args) -> Reply:
        """A notice that the message itself was not handled, so it can be offered back."""
        return replace(self.notice(key, conversation, **args), delivered=False)

    def outcome_unknown(self, conversation: Conversation) -> Reply:
        """No answer in time: the turn may have booked, moved or cancelled something, so the
        person is sent to their list (which is right) rather than told nothing happened."""
        return self.render(with_appointments_button(N_("error.outcome_unknown")),
                           conversation.language)

    def no_answer(self, conversation: Conversation) -> Reply:
        """An action failed: it may have done its work first (the action server died after
        booking), so the person is sent to their list rather than told nothing changed."""
        return replace(self.render(with_appointments_button(N_("error.no_answer")),
                                   conversation.language), delivered=False)

    async def _ask_rasa(self, conversation: Conversation, text: str,
                        turn_id: str | None = None) -> list[Reply]:
        body = {"sender": conversation.sender_id, "message": text,
                "metadata": {**conversation.metadata(), TURN_ID_KEY: turn_id or new_turn_id()}}
        try:
            session = await self._client()
            async with session.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body) as resp:
                if resp.status != 200:
                    logger.error("Rasa answered HTTP %s", resp.status)
                    return [self.refusal("error.assistant_unavailable", conversation)]
                items = await resp.json()
        except OUTCOME_UNKNOWN as error:
            logger.error("no answer from Rasa for turn %s: %r", body["metadata"][TURN_ID_KEY],
                         error)
            return [self.outcome_unknown(conversation)]
        except aiohttp.ClientError as error:
            logger.error("Rasa not reachable at %s: %r", self.rasa_url, error)
            return [self.refusal("error.assistant_unavailable", conversation)]
        if any(isinstance(item.get("custom"), dict) and item["custom"].get("forget_conversation")
               for item in items or []):
            await self._forget(conversation)
        chosen = await self._language_chosen(conversation, items or [])
        language = chosen or conversation.language
        replies = [self.render_item(item, language) for item in items or []]
        replies = [reply for reply in replies if reply is not None]
        if replies and conversation.first_contact and not chosen:
            replies.append(self.language_menu(language))
        if not replies:
            # Rasa answers every turn; silence means an action failed (action server down).
            # Its dialogue state is then unreliable, so start this conversation afresh:
            # appointments live in our database and are not affected.
            logger.error("Rasa returned no messages; restarting the conversation")
            await self._restart(conversation)
            return [self.no_answer(conversation)]
        return replies

    async def _restart(self, conversation: Conversation) -> None:
        """Restart the conversation through Rasa's HTTP API. A message would not do: after
        failed actions Rasa's circuit breaker refuses every further turn of this sender."""
        if not self.api_token:
            return
        url = f"{self.rasa_url}/conversations/{quote(conversation.sender_id, safe='')}"
        events = [{"event": "restart"}, {"event": "action", "name": "action_listen"}]
        try:
            session = await self._client()
            async with session.post(f"{url}/tracker/events", json=events,
                                    params={"token": self.api_token}) as response:
                if response.status != 200:
                    logger.error("restart refused: HTTP %s", response.status)
        except (aiohttp.ClientError, *TIMEOUTS) as error:
            logger.error("could not restart the conversation: %r", error)

    async def _language_chosen(self, conversation: Conversation, items: list) -> str | None:
        """The language the person just chose (the dialogue says so with ``set_language``),
        stored for them so that every later message, on any day, is in that language."""
        chosen = next((item["custom"]["set_language"] for item in items
                       if isinstance(item.get("custom"), dict)
                       and item["custom"].get("set_language") in self.translator.languages()),
                      None)
        if chosen and self.profiles is not None:
            try:
                await asyncio.to_thread(self.profiles.save, conversation.sender_id,
                                        conversation.channel, language=chosen)
            except DATABASE_UNAVAILABLE:  # this answer is in the new language all the same
                logger.exception("could not store the language choice")
        return chosen

    def language_menu(self, language: str, first: list[str] | None = None) -> Reply:
        """Every language we have, named in its own script; ``first`` at the top."""
        available = self.translator.languages()
        ordered = [code for code in first or [] if code in available]
        ordered += [code for code in available if code not in ordered]
        return self.render(language_menu(ordered), language)

    def _language_hint(self, conversation: Conversation, replies: list[Reply],
                       text: str) -> list[Reply]:
        """Someone who writes in another script than their language's (Arabic letters in a
        Dutch conversation) is offered the languages of that script. Only a hint: no detector
        knows Tigrinya and short Dutch is easily misread, so we never switch by ourselves."""
        if (conversation.first_contact or conversation.language_chosen or not replies
                or replies[-1].language != conversation.language):
            return []
        script = dominant_script(text)
        if script is None or script == self.script_of(conversation.language):
            return []
        matching = [code for code in self.translator.languages()
                    if self.script_of(code) == script]
        return [self.language_menu(conversation.language, first=matching)] if matching else []

    def script_of(self, language: str) -> str | None:
        """The script a language is written in, read off its own name in its catalog (asked
        for every typed message, so worked out once per language)."""
        if language not in self._scripts:
            name = self.translator.text("language.name", language)
            self._scripts[language] = dominant_script(name)
        return self._scripts[language]

    async def _forget(self, conversation: Conversation) -> None:
        """Erasure: replace Rasa's events of this conversation (everything the person typed)
        by none. Our own data was deleted by the action that asked for this."""
        if not self.api_token:
            logger.error("cannot empty Rasa's copy of a conversation without an API token")
            return
        url = f"{self.rasa_url}/conversations/{quote(conversation.sender_id, safe='')}"
        try:
            session = await self._client()
            async with session.put(f"{url}/tracker/events", json=[],
                                   params={"token": self.api_token}) as response:
                if response.status != 200:
                    logger.error("Rasa refused to forget a conversation: HTTP %s",
                                 response.status)
        except (aiohttp.ClientError, *TIMEOUTS) as error:
            logger.error("could not empty Rasa's copy of a conversation: %r", error)

    async def tracker(self, sender_id: str) -> dict | None:
        """Rasa's tracker of this conversation (events since the last restart) through its
        HTTP API, whichever tracker store Rasa uses; None when it cannot be read."""
        if not self.api_token:
            return None
        url = f"{self.rasa_url}/conversations/{quote(sender_id, safe='')}/tracker"
        try:
            session = await self._client()
            async with session.get(url, params={"token": self.api_token}) as response:
                if response.status != 200:
                    logger.error("Rasa refused to show a conversation: HTTP %s",
                                 response.status)
                    return None
                tracker = await response.json()
        except (aiohttp.ClientError, ValueError, *TIMEOUTS) as error:
            logger.error("could not read a conversation from Rasa: %r", error)
            return None
        return tracker if isinstance(tracker, dict) else None

    async def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        return self._session

    def render_item(self, item: dict, language: str) -> Reply | None:
        """One message from Rasa's REST channel."""
        custom = item.get("custom")
        if isinstance(custom, dict) and "key" in custom:
            return self.render(custom, language)
        if item.get("text"):
            # Only Rasa's own defaults send plain text; ours always use catalog ids.
            logger.warning("untranslated text from Rasa (%d characters)", len(item["text"]))
            buttons = tuple(Button(b.get("title", ""), b.get("payload", ""))
                            for b in item.get("buttons") or [])
            return Reply(item["text"], buttons, language=language)
        return None

    def render(self, message: dict, language: str) -> Reply:
        directed = self.translator.directed
        text = directed(self.translator.text(message["key"], language, message.get("args")),
                        language)
        buttons = tuple(
            Button(directed(self.translator.text(b["key"], language, b.get("args")), language),
                   b["payload"])
            for b in message.get("buttons") or []
        )
        return Reply(text, buttons, language=language)


def _remember(memory: OrderedDict, key: str, value: object, limit: int) -> None:
    """Put ``key`` last in ``memory``, forgetting the oldest entries beyond ``limit``."""
    memory[key] = value
    memory.move_to_end(key)
    while len(memory) > limit:
        memory.popitem(last=False)


def clean_user_text(text: str | None) -> str:
    """Normalise what people type: NFC, no control characters, collapsed whitespace."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C"
                   or ch in "\u200c\u200d")  # keep ZWNJ/ZWJ: Persian and emoji need them
    return " ".join(text.split())


def dominant_script(text: str) -> str | None:
    """The script most letters of ``text`` are in ("ARABIC", "LATIN", "ETHIOPIC", ...)."""
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = unicodedata.name(char, "UNKNOWN").split(" ")[0]
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.get) if counts else None
