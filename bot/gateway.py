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
import zlib
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import quote

import aiohttp

from assistant.messages import N_, language_menu, with_appointments_button
from assistant.privacy.detectors import PLACEHOLDER, redact
from assistant.privacy.limits import MessageLimits
from assistant.privacy.logs import begin_turn
from assistant.privacy.overview import DOWNLOAD_PAYLOAD
from assistant.privacy.tokens import authorization
from assistant.storage import DATABASE_UNAVAILABLE, OfferedButtons, ProfileStore
from assistant.typed_answers.languages import language_named, telling_words, written_in
from assistant.typed_answers.matcher import Option, Special, understand, understand_yes_no
from assistant.typed_answers.menus import (
    MAX_CHOICE_WORDS,
    MENU_KEYS,
    WHICH_TOPIC,
    menu_choice,
    menu_options,
    topics_asked,
)
from bot.i18n import Translator

if TYPE_CHECKING:
    from bot.callback import SideDialogue
    from bot.feedback import FeedbackDialogue
    from bot.live import LiveChat

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 1000
DONT_KNOW_KEY = "answer.dont_know"  # the "Weet ik niet" button of a check's questions
# A check question's own buttons; its yes and no stay with the form, which tells a yes with
# more after it ("ja, we hebben een vacature") from a yes.
CHOICE_PAYLOAD = '/inform{"choice"'
YES_NO_KEYS = frozenset({"answer.yes", "answer.no"})
MAX_DONT_KNOW_WORDS = 5  # "ik weet het echt niet"; longer is a question of its own
# A lone emoji that means something in any language; other emoji-only messages get a notice.
EMOJI_INTENTS = {"👍": "/affirm", "✅": "/affirm", "👌": "/affirm", "👎": "/deny", "❌": "/deny",
                 "🙏": "/thank", "👋": "/greet"}
_REFERENCE = re.compile(r"[A-Z0-9]{3}-[A-Z0-9]{3}")  # assistant.appointments.new_reference
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
    # The catalog id of the title (our own buttons), for typed choices in a menu
    # (typed_answers.menus); not part of what a button is.
    key: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class CalendarLink:
    """The appointment a message is about, whose .ics file the front end offers with it."""

    reference: str
    cancelled: bool = False


@dataclass(frozen=True)
class FeedbackAsk:
    """"Did this answer help?" under an answer: the question and its two buttons (up, down),
    whose payloads carry the answer's id (bot/feedback.py)."""

    question: str
    up: Button
    down: Button

    @property
    def buttons(self) -> tuple[Button, Button]:
        return (self.up, self.down)


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    # False when the person's message was not (fully) handled: front ends offer it back.
    delivered: bool = True
    language: str = ""  # the language it is written in (after a change: the new one)
    calendar: CalendarLink | None = None
    key: str = field(default="", compare=False)  # the catalog id of its text, when it has one
    # Asked under this reply: did it help? (The front ends show it their own way.)
    feedback: FeedbackAsk | None = field(default=None, compare=False)


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


class TurnFailed(Exception):
    """Rasa did not answer a turn. ``retry_safe``: sending it again cannot act twice (it
    never arrived, or its actions act once per turn id); ``outcome_unknown``: it may have
    been handled."""

    def __init__(self, reason: str, retry_safe: bool, outcome_unknown: bool = False,
                 action_failed: bool = False) -> None:
        super().__init__(reason)
        self.retry_safe = retry_safe
        self.outcome_unknown = outcome_unknown
        self.action_failed = action_failed


class Gateway:
    """Sends user input to Rasa and renders what comes back.

    With several Rasa workers (``rasa_url`` a list) each conversation goes to one worker,
    chosen by its sender id; when that worker is down the turn goes to the next (they share
    the conversations in the database, and the Redis lock store keeps a conversation's
    turns in order). A turn that failed because a worker or its action server was being
    restarted is sent again, with the same turn id, for up to ``retry_seconds``: Rasa
    (``bot/rasa_channel.py``) did not save a turn whose action could not run.
    """

    def __init__(self, rasa_url: str | list[str], translator: Translator,
                 timeout_seconds: float = 30.0, api_token: str = "",
                 profiles: ProfileStore | None = None, retry_seconds: float = 0.0,
                 limits: MessageLimits | None = None, turns_waiting: int = 0,
                 offered: OfferedButtons | None = None) -> None:
        urls = [rasa_url] if isinstance(rasa_url, str) else list(rasa_url)
        self.rasa_urls = [url.rstrip("/") for url in urls]
        self.rasa_url = self.rasa_urls[0]
        self.retry_seconds = retry_seconds
        # Floods: messages per person per minute and hour, and messages sent while earlier
        # ones still wait for their answer (0: no limit); over a limit a friendly refusal.
        self.limits = limits
        self.turns_waiting = turns_waiting
        self._turn_locks: dict[str, list] = {}  # sender id -> [lock, turns waiting or running]
        # The internal token (assistant/privacy/tokens.py): Rasa's REST channel wants it on
        # every turn, its HTTP API (history, erasure) too.
        self.api_token = api_token
        self.translator = translator
        self.profiles = profiles  # where a person's language choice is kept
        self._scripts: dict[str, str | None] = {}  # language -> script, see script_of
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None
        # The payloads of the buttons each conversation was shown: only those are forwarded.
        # In memory, and with ``offered`` in the database too, so that several gateways agree
        # (a button shown by one is pressed at another).
        self._offered: OrderedDict[str, OrderedDict[str, None]] = OrderedDict()
        self.offered_store = offered
        self._writes: set[asyncio.Task] = set()
        # The menu each conversation was shown last (did-you-mean topics, languages), when its
        # last reply was one: a typed title or "de tweede" chooses from it.
        self._menus: OrderedDict[str, tuple[Option, ...]] = OrderedDict()
        # The payload of the "Weet ik niet" button of the question just asked, if it has one.
        self._dont_know: OrderedDict[str, str] = OrderedDict()
        # The choice buttons of the check question just asked (not its yes and no).
        self._choices: OrderedDict[str, tuple[Option, ...]] = OrderedDict()
        # Conversations already told that personal data need not be shared here.
        self._told_about_personal_data: OrderedDict[str, None] = OrderedDict()
        # Residents talking with a medewerker (bot/live.py): their messages go there, not to
        # Rasa. None: no live handover in this process.
        self.live: LiveChat | None = None
        # Short dialogues the gateway holds itself because they ask for a phone number or an
        # e-mail address, which Rasa must never see (bot/callback.py: a call-back request,
        # an employer's lead). Each starts with a button Rasa offered.
        self.side_dialogues: list[SideDialogue] = []
        # Asks for a thumbs up or down under answers worth rating (None: never asks); it is
        # one of the side dialogues too (the press, the remark after a thumbs down).
        self.feedback: FeedbackDialogue | None = None
        self._always_allowed = FRONT_END_PAYLOADS | {
            button["payload"] for button in language_menu(translator.languages())["buttons"]}

    async def close(self) -> None:
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def handle_text(self, conversation: Conversation, text: str | None,
                          turn_id: str | None = None) -> list[Reply]:
        """Something the person typed; ``turn_id`` when the front end sends it again."""
        turn_id = begin_turn(turn_id or new_turn_id())
        if (refused := self._over_a_limit(conversation)) is not None:
            return [refused]
        for dialogue in self.side_dialogues:
            if dialogue.expecting_text(conversation.sender_id):
                typed = clean_user_text(text)[:MAX_MESSAGE_CHARS]
                replies = await dialogue.on_text(conversation, typed)
                if dialogue.passes_on(typed) and all(reply.delivered for reply in replies):
                    replies += await self._answer_text(conversation, text, turn_id)
                return self.remember_offered(conversation.sender_id, replies)
        return self.remember_offered(conversation.sender_id,
                                     await self._answer_text(conversation, text, turn_id))

    async def handle_payload(self, conversation: Conversation, payload: str,
                             turn_id: str | None = None) -> list[Reply]:
        """A button press: forwarded as it is (``/intent{...}``) only when it is a button this
        conversation was offered; anything else a client sends as a payload is refused."""
        turn_id = begin_turn(turn_id or new_turn_id())
        if (refused := self._over_a_limit(conversation)) is not None:
            return [refused]
        if self.live is not None and self.live.talking(conversation.sender_id):
            return [self.refusal("live.buttons_paused", conversation)]
        # The download is the front ends' own (a link, a document): never Rasa's.
        if payload == DOWNLOAD_PAYLOAD or (
                payload not in self._always_allowed
                and not await self.offered(conversation.sender_id, payload)):
            logger.info("refused a payload that was not offered (%d characters)", len(payload))
            return [self.refusal("error.unknown_button", conversation)]
        handler = next((dialogue for dialogue in self.side_dialogues
                        if dialogue.handles(payload)), None)
        for dialogue in self.side_dialogues:  # another button: its question left unanswered
            if dialogue is not handler:
                getattr(dialogue, "interrupted", _nothing)(conversation.sender_id)
        if handler is not None:
            return self.remember_offered(conversation.sender_id,
                                         await handler.on_payload(conversation, payload))
        return self.remember_offered(conversation.sender_id,
                                     await self._ask_rasa(conversation, payload, turn_id))

    def _over_a_limit(self, conversation: Conversation) -> Reply | None:
        """A friendly "slow down" when this person sends too much, too fast (no silent drop:
        the front end offers the message back)."""
        entry = self._turn_locks.get(conversation.sender_id)
        if self.turns_waiting and entry is not None and entry[1] >= self.turns_waiting:
            logger.warning("refused a turn: %d already waiting for this person", entry[1])
            return self.refusal("limits.one_at_a_time", conversation)
        if self.limits is not None and not self.limits.allow(conversation.sender_id):
            logger.warning("refused a turn: over the message limit of this person")
            return self.refusal("limits.slow_down", conversation)
        return None

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
        if self.live is not None and self.live.talking(conversation.sender_id):
            try:
                await self.live.from_resident(conversation.sender_id, cleaned)
            except DATABASE_UNAVAILABLE:
                logger.exception("a line for the medewerker could not be kept")
                return [self.refusal("error.assistant_unavailable", conversation)]
            return notice  # the medewerker answers through the live chat
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
        chosen = menu_choice(cleaned, self._menus.get(conversation.sender_id, ()),
                             conversation.language)
        if chosen is not None:  # "uitkering aanvragen", "de tweede": as that menu's button
            return await self._ask_rasa(conversation, chosen, turn_id)
        if (pressed := self._dont_know_typed(conversation, cleaned)
                or self._choice_typed(conversation, cleaned)) is not None:
            return await self._ask_rasa(conversation, pressed, turn_id)
        if (topics := self._yes_to_did_you_mean(conversation, cleaned)) is not None:
            if len(topics) == 1:  # "yes" to "did you mean <one topic>?"
                return await self._ask_rasa(conversation, str(topics[0].value), turn_id)
            return [self._which_topic(conversation)]
        # A typed leading slash would be read by Rasa as an intent name: only buttons may do that.
        replies = await self._ask_rasa(conversation, cleaned.lstrip("/"), turn_id)
        return notice + replies + self._language_hint(conversation, replies, words)

    def _dont_know_typed(self, conversation: Conversation, text: str) -> str | None:
        """The "Weet ik niet" button's payload when a short message says just that to a
        question with that button: "ما بعرف" (Levantine "I don't know") was read by the
        NLU as a wish for another language (ما بعرف هولندي) and left the check."""
        payload = self._dont_know.get(conversation.sender_id)
        if payload is None or len(text.split()) > MAX_DONT_KNOW_WORDS:
            return None
        understood = understand(text, (), conversation.language, dont_know=True)
        return payload if understood is not None and understood.value is Special.DONT_KNOW \
            else None

    def _choice_typed(self, conversation: Conversation, text: str) -> str | None:
        """The payload of the check question's choice button whose whole title was typed
        ("geen van deze", "statushouder"), as if pressed: the NLU read "Geen van deze" as
        stop, and the stop rule ended the check before the form saw the answer."""
        options = self._choices.get(conversation.sender_id)
        if not options or len(text.split()) > MAX_CHOICE_WORDS:
            return None
        understood = understand(text, options, conversation.language, dont_know=False)
        return str(understood.value) if understood is not None and understood.how in (
            "title", "typo") else None

    def _yes_to_did_you_mean(self, conversation: Conversation,
                             text: str) -> tuple[Option, ...] | None:
        """The topics asked about when ``text`` is a plain "yes" to "is your question about
        one of these topics?" (which says nothing about which one); else None."""
        topics = topics_asked(self._menus.get(conversation.sender_id, ()))
        if not topics:
            return None
        answer = understand_yes_no(text, conversation.language)
        return topics if answer is not None and answer.value is True else None

    def _which_topic(self, conversation: Conversation) -> Reply:
        """The topics of the last "did you mean ...?" again, asking which one."""
        options = self._menus.get(conversation.sender_id, ())
        return self.render({"key": WHICH_TOPIC,
                            "buttons": [{"key": option.keys[0], "payload": option.value}
                                        for option in options]}, conversation.language)

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
        payloads = [button.payload for reply in replies
                    for button in reply.buttons + (reply.feedback.buttons if reply.feedback
                                                   else ())]
        self._remember_menu(sender_id, replies)
        if payloads:
            offered = self._offered.get(sender_id) or OrderedDict()
            for payload in payloads:
                _remember(offered, payload, None, OFFERED_PER_CONVERSATION)
            _remember(self._offered, sender_id, offered, CONVERSATIONS_REMEMBERED)
            self._share_offered(sender_id, payloads)
        return replies

    def _share_offered(self, sender_id: str, payloads: list[str]) -> None:
        """Write the offered buttons to the shared store, off the event loop and without
        waiting: a person takes longer to press one than the write takes."""
        if self.offered_store is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside the event loop (a script, a test)
            self._write_offered(sender_id, payloads)
            return
        task = loop.create_task(asyncio.to_thread(self._write_offered, sender_id, payloads))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    def _write_offered(self, sender_id: str, payloads: list[str]) -> None:
        try:
            self.offered_store.remember(sender_id, payloads)
        except DATABASE_UNAVAILABLE as error:  # this gateway still knows them
            logger.error("could not share the offered buttons: %s", type(error).__name__)

    async def offered(self, sender_id: str, payload: str) -> bool:
        """Whether this conversation was shown ``payload``: by this gateway, or by another
        one of the installation (the shared store)."""
        if self.was_offered(sender_id, payload):
            return True
        if self.offered_store is None:
            return False
        try:
            return await asyncio.to_thread(self.offered_store.was_offered, sender_id, payload)
        except DATABASE_UNAVAILABLE as error:
            logger.error("could not read the offered buttons: %s", type(error).__name__)
            return False

    def _remember_menu(self, sender_id: str, replies: list[Reply]) -> None:
        """The menu of this turn, if it is the only reply with buttons (else none: after a
        question with buttons and the language hint, "2" answers the question in Rasa)."""
        with_buttons = [reply for reply in replies if reply.buttons]
        last = with_buttons[0] if len(with_buttons) == 1 else None
        dont_know = next((b.payload for b in last.buttons if b.key == DONT_KNOW_KEY), None
                         ) if last else None
        if dont_know is not None:
            _remember(self._dont_know, sender_id, dont_know, CONVERSATIONS_REMEMBERED)
        else:
            self._dont_know.pop(sender_id, None)
        choices = tuple(Option(b.payload, (b.key,)) for b in (last.buttons if last else ())
                        if b.key and b.key not in YES_NO_KEYS
                        and b.payload.startswith(CHOICE_PAYLOAD))
        if choices:
            _remember(self._choices, sender_id, choices, CONVERSATIONS_REMEMBERED)
        else:
            self._choices.pop(sender_id, None)
        options = menu_options(last.key, [b.payload for b in last.buttons],
                               [b.key for b in last.buttons]) if last else ()
        if options and last and last.key in MENU_KEYS:
            _remember(self._menus, sender_id, options, CONVERSATIONS_REMEMBERED)
        else:
            self._menus.pop(sender_id, None)

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
            async with self._one_turn_at_a_time(conversation.sender_id):
                items = await self._send_turn(conversation.sender_id, body)
        except TurnFailed as failure:
            logger.error("no answer from Rasa for turn %s: %s", body["metadata"][TURN_ID_KEY],
                         failure)
            if failure.outcome_unknown:
                return [self.outcome_unknown(conversation)]
            if failure.action_failed:
                return [self.no_answer(conversation)]
            return [self.refusal("error.assistant_unavailable", conversation)]
        if self.live is not None:
            self.live.saw(conversation.sender_id, items)
        if any(isinstance(item.get("custom"), dict) and item["custom"].get("forget_conversation")
               for item in items):
            await self._forget(conversation)
        chosen = await self._language_chosen(conversation, items)
        language = chosen or conversation.language
        replies = [self.render_item(item, language) for item in items]
        replies = [reply for reply in replies if reply is not None]
        if self.feedback is not None:
            replies = self.feedback.ask_under(conversation, items, replies)
        if replies and conversation.first_contact and not chosen:
            replies.append(self.language_menu(language))
        if not replies:  # Rasa answers every turn; our actions always say something
            logger.error("Rasa returned no messages for turn %s", body["metadata"][TURN_ID_KEY])
            return [self.no_answer(conversation)]
        return replies

    @asynccontextmanager
    async def _one_turn_at_a_time(self, sender_id: str) -> AsyncIterator[None]:
        """A person's messages go to Rasa one after the other, in the order they came (a
        worker reads concurrent requests in no particular order; the lock store in Redis
        then only keeps them from running at once)."""
        entry = self._turn_locks.setdefault(sender_id, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if not entry[1]:
                del self._turn_locks[sender_id]

    def worker_for(self, sender_id: str, attempt: int = 0) -> str:
        """The Rasa worker of this conversation (the same from every gateway and machine);
        the next ones when it does not answer."""
        first = zlib.crc32(sender_id.encode("utf-8")) % len(self.rasa_urls)
        return self.rasa_urls[(first + attempt) % len(self.rasa_urls)]

    async def _send_turn(self, sender_id: str, body: dict) -> list[dict]:
        """Rasa's answer to one turn, sent again while a worker restarts (when safe)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.retry_seconds
        pause, attempt = 0.25, 0
        while True:
            url = self.worker_for(sender_id, attempt)
            try:
                return await self._post_turn(url, body)
            except TurnFailed as failure:
                if not failure.retry_safe or loop.time() + pause > deadline:
                    raise
                logger.warning("turn %s not answered by %s (%s); trying again",
                               body["metadata"].get(TURN_ID_KEY), url, failure)
            await asyncio.sleep(pause)
            pause, attempt = min(pause * 2, 2.0), attempt + 1

    async def _post_turn(self, url: str, body: dict) -> list[dict]:
        session = await self._client()
        try:
            async with session.post(f"{url}/webhooks/rest/webhook", json=body) as response:
                if response.status == 503:
                    # bot/rasa_channel.py: an action server or the database was down, and
                    # the turn was not saved; the actions act once per turn id.
                    reason = (await response.json(content_type=None) or {}).get("error", "")
                    raise TurnFailed(f"HTTP 503 {reason}", retry_safe=True,
                                     action_failed=reason == "action_failed")
                if response.status == 401:
                    # Refused at the door (bot/rasa_channel.py), nothing ran: while a worker
                    # restarts another installation's Rasa may hold its port for a moment.
                    raise TurnFailed("HTTP 401: this Rasa does not take our internal token",
                                     retry_safe=True)
                if response.status != 200:
                    raise TurnFailed(f"HTTP {response.status}",
                                     retry_safe=response.status >= 500)
                return await response.json() or []
        except aiohttp.ClientConnectorError as error:  # never arrived
            raise TurnFailed(f"not reachable: {error}", retry_safe=True) from error
        except TIMEOUTS as error:
            # It may still be running there: never send it twice at the same time.
            raise TurnFailed(f"no answer in time: {error!r}", retry_safe=False,
                             outcome_unknown=True) from error
        except OUTCOME_UNKNOWN as error:  # the worker died while handling it
            raise TurnFailed(f"connection lost: {error!r}", retry_safe=True,
                             outcome_unknown=True) from error
        except (aiohttp.ClientError, ValueError) as error:
            raise TurnFailed(repr(error), retry_safe=isinstance(error, aiohttp.ClientOSError),
                             outcome_unknown=True) from error

    async def _tracker_request(self, method: str, url: str, events: list[dict],
                               purpose: str) -> bool:
        if not self.api_token:
            logger.error("cannot %s without Rasa's API token", purpose)
            return False
        try:
            session = await self._client()
            async with session.request(method, url, json=events,
                                       params={"token": self.api_token}) as response:
                if response.status == 200:
                    return True
                logger.error("Rasa refused to %s: HTTP %s", purpose, response.status)
        except (aiohttp.ClientError, *TIMEOUTS) as error:
            logger.error("could not %s: %r", purpose, error)
        return False

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
        Dutch conversation) is offered the languages of that script; someone who writes a
        sentence of another language in the same letters (English, Turkish in a Dutch
        conversation: its small words tell) that language first. Only a hint: no detector
        knows Tigrinya and short Dutch is easily misread, so we never switch by ourselves.
        A reference, a number, a time or a date ("ABC-123", "14:00", "7 december") is the
        same in every language, and the Dutch names our texts keep ("klantmanager" in an
        Arabic conversation) are an answer: they hint at no language."""
        if (conversation.first_contact or conversation.language_chosen or not replies
                or replies[-1].language != conversation.language):
            return []
        script = dominant_script(text)
        if script is not None and script != self.script_of(conversation.language):
            script = dominant_script(telling_words(text, conversation.language))
        if script is None:
            return []
        matching = [code for code in self.translator.languages()
                    if self.script_of(code) == script]
        if script == self.script_of(conversation.language):
            # Same letters (English typed in a Dutch conversation): small words may tell.
            guess = written_in(text, matching)
            if guess is None or guess == conversation.language:
                return []
            matching = [guess]
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
        by none; the tracker store then deletes them. Our own data was deleted by the action
        that asked for this."""
        self._offered.pop(conversation.sender_id, None)
        self._dont_know.pop(conversation.sender_id, None)
        self._choices.pop(conversation.sender_id, None)
        for dialogue in self.side_dialogues:
            getattr(dialogue, "interrupted", _nothing)(conversation.sender_id)
        if self.offered_store is not None:
            try:
                await asyncio.to_thread(self.offered_store.forget, conversation.sender_id)
            except DATABASE_UNAVAILABLE as error:
                logger.error("could not forget the offered buttons: %s", type(error).__name__)
        url = self.worker_for(conversation.sender_id)
        await self._tracker_request(
            "PUT", f"{url}/conversations/{quote(conversation.sender_id, safe='')}/tracker/events",
            [], "empty Rasa's copy of a conversation")

    async def tracker(self, sender_id: str) -> dict | None:
        """Rasa's tracker of this conversation (events since the last restart) through its
        HTTP API, whichever tracker store Rasa uses; None when it cannot be read."""
        if not self.api_token:
            return None
        url = f"{self.worker_for(sender_id)}/conversations/{quote(sender_id, safe='')}/tracker"
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
            # One pool of kept-alive connections to the workers, as large as the number of
            # people waiting for an answer at once (aiohttp's default of 100 queued the rest).
            self._session = aiohttp.ClientSession(
                timeout=self.timeout, connector=aiohttp.TCPConnector(limit=0),
                headers=authorization(self.api_token) if self.api_token else None)
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
                   b["payload"], b["key"])
            for b in message.get("buttons") or []
        )
        return Reply(text, buttons, language=language, calendar=calendar_link(message),
                     key=message["key"])


def calendar_link(message: dict) -> CalendarLink | None:
    """The ``calendar`` of an action's message (``assistant.messages.with_calendar``)."""
    calendar = message.get("calendar")
    if not isinstance(calendar, dict) or not isinstance(calendar.get("reference"), str):
        return None
    reference = calendar["reference"]
    if not _REFERENCE.fullmatch(reference):
        return None
    return CalendarLink(reference, calendar.get("cancelled") is True)


def _nothing(_sender_id: str) -> None:
    return None


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
