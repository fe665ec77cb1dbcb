"""Residents' feedback in the gateway: "did this answer help?" under the answers worth asking
about (assistant/feedback.py ``topic_of``), a thumbs up or down, and after a thumbs down an
optional short remark.

The two buttons carry the answer's id and topic in their payload (``/feedback{...}``). The
gateway forwards a payload only when this conversation was shown that very button, so a
rating is always of an answer the assistant sent to this person; the store takes each answer
id once. Presses and the remark pass the gateway's message limits like any other input, and
never reach Rasa. The remark is stored with personal data replaced.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

from assistant.feedback import DOWN, RATINGS, FeedbackStore, topic_of, valid_answer_id
from assistant.messages import N_, button, message
from assistant.storage import DATABASE_UNAVAILABLE
from bot.callback import ASKING_AT_ONCE, payload_values
from bot.gateway import Button, Conversation, FeedbackAsk, Reply

logger = logging.getLogger(__name__)

RATE, SKIP = "/feedback", "/feedback_skip"
QUESTION, UP, DOWN_LABEL = N_("feedback.question"), N_("feedback.up"), N_("feedback.down")
THANKS, ASK_REMARK = N_("feedback.thanks"), N_("feedback.ask_remark")
REMARK_THANKS, ALREADY = N_("feedback.remark_thanks"), N_("feedback.already")
SKIP_LABEL = N_("feedback.skip")
QUESTION_MARKS = ("?", "؟", "፧", "？")  # Latin, Arabic script, Ethiopic, full width
REMARK_MINUTES = 15  # a remark typed later than this is an ordinary message again
_TOPIC = re.compile(r"[a-z0-9_.]{1,96}")

Render = Callable[[dict, str], Reply]


def rating_payload(answer_id: str, topic: str, rating: str) -> str:
    values = {"answer": answer_id, "topic": topic, "rating": rating}
    return RATE + json.dumps(values, separators=(",", ":"))


class FeedbackDialogue:
    def __init__(self, store: FeedbackStore, render: Render,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.render = render
        self.clock = clock
        self._asking: OrderedDict[str, tuple[str, float]] = OrderedDict()  # sender -> answer

    # asking

    def ask_under(self, conversation: Conversation, items: list[dict],
                  replies: list[Reply]) -> list[Reply]:
        """The replies of one turn, the last one asking for a rating when the turn answered
        something (a new answer id each time)."""
        topic = topic_of(items)
        if topic is None or not replies or not _TOPIC.fullmatch(topic):
            return replies
        answer_id = secrets.token_urlsafe(9)
        language = replies[-1].language or conversation.language
        text = self.render({"key": QUESTION}, language).text

        def choice(key: str, rating: str) -> Button:
            return Button(self.render({"key": key}, language).text,
                          rating_payload(answer_id, topic, rating))

        ask = FeedbackAsk(text, choice(UP, "up"), choice(DOWN_LABEL, DOWN))
        return [*replies[:-1], replace(replies[-1], feedback=ask)]

    # the side dialogue

    def handles(self, payload: str) -> bool:
        return payload.split("{", 1)[0] in (RATE, SKIP)

    def expecting_text(self, sender_id: str) -> bool:
        asking = self._asking.get(sender_id)
        if asking is None:
            return False
        if self.clock() - asking[1] > REMARK_MINUTES * 60:
            self._asking.pop(sender_id, None)
            return False
        return True

    def interrupted(self, sender_id: str) -> None:
        """Another button was pressed (or the data erased): no remark expected any more."""
        self._asking.pop(sender_id, None)

    async def on_payload(self, conversation: Conversation, payload: str) -> list[Reply]:
        name, values = payload_values(payload)
        sender = conversation.sender_id
        if name == SKIP:
            self._asking.pop(sender, None)
            return [self._say(THANKS, conversation)]
        answer_id, topic, rating = values.get("answer"), values.get("topic"), values.get("rating")
        if (not valid_answer_id(answer_id) or rating not in RATINGS
                or not isinstance(topic, str) or not _TOPIC.fullmatch(topic)):
            return [self._say(N_("error.unknown_button"), conversation)]
        try:
            given = await asyncio.to_thread(self.store.give, sender, conversation.channel,
                                            conversation.language, answer_id, topic, rating)
        except DATABASE_UNAVAILABLE as error:
            logger.error("feedback not stored: %s", type(error).__name__)
            return [replace(self._say(N_("error.assistant_unavailable"), conversation),
                            delivered=False)]
        if given is None:
            return [self._say(ALREADY, conversation)]
        if rating != DOWN:
            return [self._say(THANKS, conversation)]
        self._asking[sender] = (answer_id, self.clock())
        self._asking.move_to_end(sender)
        while len(self._asking) > ASKING_AT_ONCE:
            self._asking.popitem(last=False)
        return [self.render(message(ASK_REMARK, [button(SKIP_LABEL, SKIP)]),
                            conversation.language)]

    def passes_on(self, text: str) -> bool:
        """A remark that ends in a question mark ("Waarom krijg ik geen Bbz?") is kept as the
        remark and answered too: a new question typed there must not be lost."""
        return text.rstrip().endswith(QUESTION_MARKS)

    async def on_text(self, conversation: Conversation, text: str) -> list[Reply]:
        """The remark after a thumbs down (personal data replaced before it is stored)."""
        answer_id, _ = self._asking[conversation.sender_id]
        try:
            await asyncio.to_thread(self.store.add_remark, conversation.sender_id, answer_id,
                                    text)
        except DATABASE_UNAVAILABLE as error:  # still asked: the page offers the text back
            logger.error("feedback remark not stored: %s", type(error).__name__)
            return [replace(self._say(N_("error.assistant_unavailable"), conversation),
                            delivered=False)]
        self._asking.pop(conversation.sender_id, None)
        return [self._say(REMARK_THANKS, conversation)]

    def _say(self, key: str, conversation: Conversation) -> Reply:
        return self.render(message(key), conversation.language)
