"""The gateway's own rules, before anything reaches Rasa: a real Gateway against a fake Rasa."""

from __future__ import annotations

import pytest

from bot.gateway import MAX_MESSAGE_CHARS, Conversation, Gateway, clean_user_text
from bot.i18n import Translator
from tests.fakes import FakeRasa

CONVERSATION = Conversation(sender_id="web:0123456789abcdef", channel="web")


def dutch(translator: Translator, key: str, **args: object) -> str:
    assert translator.has(key, "nl"), f"{key} is missing from the Dutch catalog"
    return translator.text(key, "nl", args)


def test_cleaning_keeps_words_and_joiners_but_drops_control_characters() -> None:
    assert clean_user_text("  hallo\u0000 \u200b daar\n\n") == "hallo daar"
    assert clean_user_text("می\u200cخواهم") == "می\u200cخواهم"  # Persian needs ZWNJ
    assert clean_user_text(None) == ""


@pytest.mark.parametrize(("emoji", "intent"), [
    ("\U0001f44d\U0001f3fd", "/affirm"),  # 👍🏽: thumbs up with a skin tone
    ("\U0001f44e", "/deny"),  # 👎
], ids=["thumbs-up-skin-tone", "thumbs-down"])
async def test_meaningful_emoji_reach_rasa_as_intents(
        gateway: Gateway, fake_rasa: FakeRasa, translator: Translator,
        emoji: str, intent: str) -> None:
    [reply] = await gateway.handle_text(CONVERSATION, emoji)

    assert fake_rasa.messages == [intent]
    assert fake_rasa.received[0]["sender"] == CONVERSATION.sender_id
    assert reply.delivered is True
    assert reply.text == dutch(translator, "error.no_answer")  # Rasa's (default) answer


async def test_other_emoji_do_not_reach_rasa(gateway: Gateway, fake_rasa: FakeRasa,
                                             translator: Translator) -> None:
    [reply] = await gateway.handle_text(CONVERSATION, "\U0001f937")  # 🤷

    assert fake_rasa.received == []
    assert reply.delivered is False
    assert reply.text == dutch(translator, "error.no_words")


@pytest.mark.parametrize(("text", "key"), [
    ("a" * 5000, "error.message_too_long"),
    ("", "error.empty_message"),
], ids=["5000-characters", "empty"])
async def test_unusable_text_does_not_reach_rasa(gateway: Gateway, fake_rasa: FakeRasa,
                                                 translator: Translator, text: str,
                                                 key: str) -> None:
    [reply] = await gateway.handle_text(CONVERSATION, text)

    assert fake_rasa.received == []
    assert reply.delivered is False
    assert reply.text == dutch(translator, key, limit=MAX_MESSAGE_CHARS)


async def test_typed_intent_is_sent_without_its_leading_slash(
        gateway: Gateway, fake_rasa: FakeRasa) -> None:
    [reply] = await gateway.handle_text(CONVERSATION, '/book_appointment{"team": "schuldhulp"}')

    assert fake_rasa.messages == ['book_appointment{"team": "schuldhulp"}']
    assert reply.delivered is True


async def test_payload_without_a_slash_is_refused(gateway: Gateway, fake_rasa: FakeRasa,
                                                  translator: Translator) -> None:
    [reply] = await gateway.handle_payload(CONVERSATION, 'book_appointment{"team": "x"}')

    assert fake_rasa.received == []
    assert reply.delivered is False
    assert reply.text == dutch(translator, "error.unknown_button")
