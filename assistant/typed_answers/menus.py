"""Typed choices in the menus the gateway knows: the fallback's "Bedoelt u ...?" topics and
the language menu. Their buttons are plain payloads ("/apply_benefit", "/choose_language
{...}") that Rasa's NLU cannot tell from a new question, so a typed title ("uitkering
aanvragen", "Iets anders"), its number or an ordinal ("de tweede", "2") is turned into the
button's payload before Rasa sees it. A longer message is a new question and goes to Rasa.

The open menus (the welcome, help, "what shall we check?" and the target groups' menus)
take only a position ("de tweede", "الثاني", "2") or a whole title: one word of a title is
left to the NLU there ("afspraak verzetten" is no "Afspraak maken")."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from assistant.messages import N_
from assistant.typed_answers.matcher import Option, all_filler, understand
from assistant.typed_answers.text import normalize
from assistant.typed_answers.vocabulary import LOCALES_DIR, answer_languages, language_words

DID_YOU_MEAN = "fallback.did_you_mean"
WHICH_TOPIC = N_("fallback.which_topic")  # the same topics again after a bare "yes"
LANGUAGE_MENU = "language.choose"
# Menus of topics: "de tweede" typed where "Waar wilt u naar kijken?" shows seven checks
# went to the NLU, which took it for a new question (the help menu).
OPEN_MENUS = frozenset({"check.menu", "greet.welcome", "help.menu", "options.which_group",
                        "options.provisions"})
MENU_KEYS = frozenset({DID_YOU_MEAN, WHICH_TOPIC, LANGUAGE_MENU}) | OPEN_MENUS
SOMETHING_ELSE = ("/deny", "fallback.something_else")
MAX_CHOICE_WORDS = 5  # "ik bedoel uitkering aanvragen"; longer messages are new questions
MAX_SINGLE_WORD = 2   # one word of a title ("uitkering") counts only in a reply this short
_INTENT_PAYLOAD = re.compile(r"/(\w+)")
_LANGUAGE_PAYLOAD = re.compile(r"/choose_language(\{.*\})")


class OpenMenuOption(Option):
    """A button of an open menu (OPEN_MENUS): chosen by its position or its whole title."""


def menu_options(key: str, payloads: Sequence[str],
                 title_keys: Sequence[str | None] = ()) -> tuple[Option, ...]:
    """The buttons of a menu as options whose value is the payload to send, or () when the
    message is not a menu typed answers are taken for here. ``title_keys``: the catalog ids
    of the buttons' titles, where the menu's key does not tell them."""
    if key in OPEN_MENUS:
        keys = list(title_keys) + [None] * (len(payloads) - len(title_keys))
        return tuple(OpenMenuOption(payload, (title,) if title else ())
                     for payload, title in zip(payloads, keys, strict=False))
    if key in (DID_YOU_MEAN, WHICH_TOPIC):
        return tuple(Option(payload, (_title_key(payload),)) for payload in payloads
                     if _title_key(payload))
    if key == LANGUAGE_MENU:
        return tuple(Option(payload, ()) for payload in payloads
                     if _language_of(payload) is not None)
    return ()


def menu_choice(text: str, options: Sequence[Option], language: str, *,
                locales_dir: Path = LOCALES_DIR) -> str | None:
    """The payload a short typed reply chooses from these options, or None."""
    words = normalize(text).split()
    if not options or not words or len(words) > MAX_CHOICE_WORDS:
        return None
    understood = understand(text, options, language, dont_know=False, locales_dir=locales_dir)
    if understood is None:
        return None
    if understood.how == "word" and len(words) > MAX_SINGLE_WORD:
        return None
    if isinstance(options[0], OpenMenuOption) and understood.how not in ("title", "ordinal"):
        return None
    if understood.how == "ordinal" and not _only_a_position(words, locales_dir):
        return None  # "mijn eerste afspraak" names no button
    return str(understood.value)


def topics_asked(options: Sequence[Option]) -> tuple[Option, ...]:
    """The topics of a "did you mean ...?" menu (not its "something else"); () for another
    menu. A "yes" to that question names none of them: the gateway asks which one."""
    if not any(option.value == SOMETHING_ELSE[0] for option in options):
        return ()
    return tuple(option for option in options if option.value != SOMETHING_ELSE[0])


def _only_a_position(words: list[str], locales_dir: Path) -> bool:
    """"de tweede", "the second one", "nummer 2", "3": nothing but a position is said."""
    tables = [language_words(code, locales_dir) for code in answer_languages(locales_dir)]
    filler = all_filler(locales_dir)
    meaningful = [word for word in words if word not in filler]
    return len(meaningful) <= 1 or any(" ".join(meaningful) in table.ordinals
                                       for table in tables)


def _title_key(payload: str) -> str | None:
    """The catalog id of a did-you-mean button's title: intent.<name>, or "Iets anders"."""
    if payload == SOMETHING_ELSE[0]:
        return SOMETHING_ELSE[1]
    found = _INTENT_PAYLOAD.fullmatch(payload)
    return f"intent.{found.group(1)}" if found else None


def _language_of(payload: str) -> str | None:
    found = _LANGUAGE_PAYLOAD.fullmatch(payload)
    if not found:
        return None
    try:
        chosen = json.loads(found.group(1)).get("language")
    except (ValueError, AttributeError):
        return None
    return chosen if isinstance(chosen, str) else None
