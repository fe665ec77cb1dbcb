"""Rendering catalog messages in the user's language and locale (Babel).

Message ids are stable keys (``booking.confirmed``); the Dutch text lives in
``locales/nl/LC_MESSAGES/messages.po`` like every other language.
"""

from __future__ import annotations

import logging
from copy import copy
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, negotiate_locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import NullTranslations, Translations

from assistant.language_data import compiled_languages
from assistant.messages import N_

logger = logging.getLogger(__name__)

RIGHT_TO_LEFT = "right-to-left"
RLM = "\u200f"  # right-to-left mark: a line that starts with it is laid out right to left
FSI, PDI = "\u2068", "\u2069"  # first-strong isolate: a Dutch term or number keeps its order


class Translator:
    """Looks up message ids in the compiled catalogs and formats typed arguments."""

    def __init__(self, locales_dir: Path, default_language: str, timezone: str) -> None:
        self.locales_dir = locales_dir
        self.default_language = default_language
        self.zone = ZoneInfo(timezone)
        # Catalogs are compiled before start-up; asked on every web request, so read once.
        self._languages = compiled_languages(locales_dir)

    def languages(self) -> list[str]:
        return list(self._languages)

    def best_language(self, preferred: list[str]) -> str | None:
        """The first of ``preferred`` we have ("en_GB" gives en, "fa_IR" fa), else None."""
        wanted = [code.strip().replace("-", "_") for code in preferred if code.strip()]
        return negotiate_locale(wanted, self._languages) if wanted else None

    @lru_cache(maxsize=64)  # noqa: B019 - one translator per process; catalogs are immutable
    def _catalog(self, language: str) -> NullTranslations:
        chain = [language, self.default_language]
        return Translations.load(str(self.locales_dir), chain, domain="messages")

    def has(self, key: str, language: str) -> bool:
        return self._catalog(language).gettext(key) != key

    def text(self, key: str, language: str, args: dict[str, Any] | None = None) -> str:
        """The translation of ``key`` with its arguments filled in."""
        catalog = self._catalog(language)
        count = (args or {}).get("count")
        if isinstance(count, int):  # plural forms follow the language's CLDR rules
            template = catalog.ngettext(key, key, count)
        else:
            template = catalog.gettext(key)
        if template == key:
            logger.error("message id %r has no text in %s or %s", key, language,
                         self.default_language)
        values = {name: self.isolated(self.format_arg(value, language), language)
                  for name, value in (args or {}).items()}
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            logger.exception("message %r could not be filled with %r", key, sorted(values))
            return template

    @lru_cache(maxsize=64)  # noqa: B019 - asked for every inserted value; locales are fixed
    def is_right_to_left(self, language: str) -> bool:
        return self.locale(language).character_order == RIGHT_TO_LEFT

    def isolated(self, text: str, language: str) -> str:
        """An inserted value inside right-to-left text, isolated so that a Dutch term, a
        number or a date cannot reorder the sentence around it."""
        # An isolate cannot span lines: a multi-line value (the reasons of a check) is made
        # of whole sentences in the reader's language anyway.
        if not text or "\n" in text or not self.is_right_to_left(language):
            return text
        return FSI + text + PDI

    def directed(self, text: str, language: str) -> str:
        """Text for a screen: in a right-to-left language every line starts with a
        right-to-left mark, so it is shown right to left even when it opens with a Dutch
        term, a number or an emoji (Telegram and dir="auto" go by the first strong letter)."""
        if not self.is_right_to_left(language):
            return text
        return "\n".join(line if line.startswith(RLM) else RLM + line
                         for line in text.split("\n"))

    def locale(self, language: str) -> Locale:
        try:
            return Locale.parse(language.replace("-", "_"))
        except (ValueError, TypeError):
            return Locale.parse(self.default_language)

    @staticmethod
    def money(cents: int, currency: str, locale: Locale) -> str:
        """An amount for the locale; whole amounts without cents ("€ 300", not "€ 300,00")."""
        if cents % 100:
            return format_currency(cents / 100, currency, locale=locale)
        pattern = copy(locale.currency_formats["standard"])
        pattern.frac_prec = (0, 0)
        return pattern.apply(cents // 100, locale, currency=currency, currency_digits=False)

    def format_arg(self, value: Any, language: str) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            return format_decimal(value, locale=self.locale(language))
        if not isinstance(value, dict) or "type" not in value:
            return str(value)
        kind = value["type"]
        locale = self.locale(language)
        if kind == "msg":  # "language" names a text shown in its own language (language menu)
            return self.text(value["key"], value.get("language") or language, value.get("args"))
        if kind == "lines":
            return value.get("separator", "\n").join(
                self.format_arg(item, language) for item in value.get("items", []))
        if kind == "datetime":
            moment = datetime.fromisoformat(value["value"]).astimezone(self.zone)
            day_text = format_date(moment.date(), format="full", locale=locale)
            time_text = format_time(moment, format="short", locale=locale)
            return self.text(N_("format.date_at_time"), language,
                             {"date": day_text, "time": time_text})
        if kind == "short_datetime":
            moment = datetime.fromisoformat(value["value"]).astimezone(self.zone)
            return format_datetime(moment, format="EEE d MMM HH:mm", locale=locale)
        if kind == "date":
            return format_date(date.fromisoformat(value["value"]), format="full", locale=locale)
        if kind == "money":
            return self.money(value["value"], value.get("currency", "EUR"), locale)
        if kind == "percent":
            return format_percent(value["value"] / 100, locale=locale, decimal_quantization=False)
        logger.error("unknown argument type %r", kind)
        return str(value.get("value", ""))
