"""Asking for a call-back in the gateway itself: outside the team's opening hours the handover
action offers "call me back" (``/callback{"team": ...}``); pressing it starts this short
dialogue: the phone number, then a moment, then a task for the team (assistant/callbacks.py).

It runs here, not in Rasa, because the gateway replaces every phone number before Rasa sees a
message. What the person types while asked for their number is read only for the number; it
is not logged and does not reach Rasa.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from assistant.callbacks import MOMENTS, CallBacks, phone_number_in, readable_phone
from assistant.messages import N_, button, message, msg
from bot.gateway import Conversation, Reply

OFFER, MOMENT, STOP = "/callback", "/callback_moment", "/callback_stop"
PAYLOADS = (OFFER, MOMENT, STOP)
MOMENT_KEYS = (N_("callback.moment.asap"), N_("callback.moment.morning"),
               N_("callback.moment.afternoon"))
ASKING_AT_ONCE = 10_000  # people in the middle of this dialogue remembered (oldest forgotten)

Render = Callable[[dict, str], Reply]


class SideDialogue(Protocol):
    """A short dialogue of the gateway's own, begun by a button Rasa offered."""

    def handles(self, payload: str) -> bool: ...

    def expecting_text(self, sender_id: str) -> bool:
        """The person's next typed message is this dialogue's (not Rasa's)."""

    async def on_payload(self, conversation: Conversation, payload: str) -> list[Reply]: ...

    async def on_text(self, conversation: Conversation, text: str) -> list[Reply]: ...

    def passes_on(self, text: str) -> bool:
        """Whether ``text``, once this dialogue took it, is also a question for the assistant."""


def payload_values(payload: str) -> tuple[str, dict]:
    """``/name{"json": ...}`` -> ("/name", {...}); odd JSON gives no values."""
    name, _, arguments = payload.partition("{")
    try:
        values = json.loads("{" + arguments) if arguments else {}
    except ValueError:
        values = {}
    return name, values if isinstance(values, dict) else {}


class CallBackDialogue:
    def passes_on(self, text: str) -> bool:
        return False  # a phone number or a moment: never a question for Rasa

    def __init__(self, store: CallBacks, render: Render,
                 team_name_key: Callable[[str], str | None]) -> None:
        self.store = store
        self.render = render
        self.team_name_key = team_name_key  # a team code -> its name's catalog id (None: unknown)
        self._asking: OrderedDict[str, dict] = OrderedDict()  # sender -> {"team", "phone"}

    def handles(self, payload: str) -> bool:
        return payload.split("{", 1)[0] in PAYLOADS

    def expecting_text(self, sender_id: str) -> bool:
        asking = self._asking.get(sender_id)
        return asking is not None and asking["phone"] is None

    async def on_payload(self, conversation: Conversation, payload: str) -> list[Reply]:
        name, values = payload_values(payload)
        sender = conversation.sender_id
        if name == OFFER and self.team_name_key(str(values.get("team"))) is not None:
            # "soon": offered during opening hours because nobody was free (bot/live.py)
            self._remember(sender, {"team": values["team"], "phone": None,
                                    "soon": values.get("soon") is True})
            return [self._say(N_("callback.ask_phone"), conversation, with_stop=True,
                              team=self._team(values["team"]))]
        asking = self._asking.get(sender)
        if name == MOMENT and asking and asking["phone"] and values.get("moment") in MOMENTS:
            return [await self._store(conversation, asking, values["moment"])]
        self._asking.pop(sender, None)  # stop, or a button of a dialogue that is over
        return [self._say(N_("callback.stopped"), conversation)]

    async def on_text(self, conversation: Conversation, text: str) -> list[Reply]:
        """What the person typed when asked for their number."""
        asking = self._asking[conversation.sender_id]
        phone = phone_number_in(text)
        if phone is None:
            return [self._say(N_("callback.phone_invalid"), conversation, with_stop=True)]
        asking["phone"] = phone
        buttons = [button(key, f'{MOMENT}{{"moment":"{moment}"}}')
                   for key, moment in zip(MOMENT_KEYS, MOMENTS, strict=True)]
        buttons.append(button("callback.stop", STOP))
        return [self.render(message("callback.ask_moment", buttons), conversation.language)]

    async def _store(self, conversation: Conversation, asking: dict, moment: str) -> Reply:
        await asyncio.to_thread(self.store.request, conversation.sender_id,
                                conversation.channel, asking["team"], conversation.language,
                                asking["phone"], moment)
        self._asking.pop(conversation.sender_id, None)
        confirmed = N_("callback.confirmed_soon") if asking.get("soon") else N_(
            "callback.confirmed")
        return self._say(confirmed, conversation, team=self._team(asking["team"]),
                         phone=readable_phone(asking["phone"]),
                         moment=msg(f"callback.moment.{moment}"))

    def _team(self, team_code: str) -> dict:
        return msg(self.team_name_key(team_code) or team_code)

    def _say(self, key: str, conversation: Conversation, with_stop: bool = False,
             **args: object) -> Reply:
        buttons = [button("callback.stop", STOP)] if with_stop else None
        return self.render(message(key, buttons, **args), conversation.language)

    def _remember(self, sender_id: str, asking: dict) -> None:
        self._asking[sender_id] = asking
        self._asking.move_to_end(sender_id)
        while len(self._asking) > ASKING_AT_ONCE:
            self._asking.popitem(last=False)
