"""The Telegram front end: python-telegram-bot in front of the gateway."""

from bot.telegram.frontend import TelegramFrontend, build_application, split_text

__all__ = ["TelegramFrontend", "build_application", "split_text"]
