"""An employer's lead for the werkgeversservicepunt, asked in the gateway: at the end of an
employer's check the assistant offers "let the werkgeversservicepunt contact me"
(``/employer_lead{...}`` with the answers as catalog ids, a button Rasa offered, so its
values are the check's own); pressing it is the employer's agreement. The gateway then asks
for a phone number or an e-mail address (which Rasa must never see) and stores the lead
(assistant/leads.py).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable

from assistant.callbacks import phone_number_in
from assistant.leads import Leads
from assistant.messages import N_, button, message, msg
from assistant.privacy.detectors import find_personal_data
from bot.callback import ASKING_AT_ONCE, payload_values
from bot.gateway import Conversation, Reply

OFFER, STOP = "/employer_lead", "/employer_lead_stop"

Render = Callable[[dict, str], Reply]


def contact_in(text: str) -> str | None:
    """The first e-mail address or valid phone number in ``text``."""
    for finding in find_personal_data(text):
        if finding.kind == "email":
            return text[finding.start:finding.end]
    return phone_number_in(text)


class LeadDialogue:
    def __init__(self, store: Leads, render: Render, desk_name_key: Callable[[], str]) -> None:
        self.store = store
        self.render = render
        self.desk_name_key = desk_name_key  # the employer desk's name (a catalog id)
        self._asking: OrderedDict[str, dict] = OrderedDict()

    def handles(self, payload: str) -> bool:
        return payload.split("{", 1)[0] in (OFFER, STOP)

    def expecting_text(self, sender_id: str) -> bool:
        return sender_id in self._asking

    def passes_on(self, text: str) -> bool:
        return False  # the employer's contact details: never a question for Rasa

    async def on_payload(self, conversation: Conversation, payload: str) -> list[Reply]:
        name, values = payload_values(payload)
        if name != OFFER or not isinstance(values.get("summary"), list):
            self._asking.pop(conversation.sender_id, None)
            return [self._say(N_("lead.stopped"), conversation)]
        self._asking[conversation.sender_id] = values
        self._asking.move_to_end(conversation.sender_id)
        while len(self._asking) > ASKING_AT_ONCE:
            self._asking.popitem(last=False)
        return [self._say(N_("lead.ask_contact"), conversation, with_stop=True,
                          team=msg(self.desk_name_key()))]

    async def on_text(self, conversation: Conversation, text: str) -> list[Reply]:
        contact = contact_in(text)
        if contact is None:
            return [self._say(N_("lead.contact_invalid"), conversation, with_stop=True)]
        values = self._asking.pop(conversation.sender_id)
        fits = [str(key) for key in values.get("fits") or [] if isinstance(key, str)]
        await asyncio.to_thread(self.store.add, conversation.sender_id, conversation.channel,
                                conversation.language, str(values.get("check", "")),
                                values["summary"], fits, contact)
        return [self._say(N_("lead.confirmed"), conversation, team=msg(self.desk_name_key()))]

    def _say(self, key: str, conversation: Conversation, with_stop: bool = False,
             **args: object) -> Reply:
        buttons = [button("callback.stop", STOP)] if with_stop else None
        return self.render(message(key, buttons, **args), conversation.language)
