"""The web chat front end: a mobile-first chat page and its JSON API (aiohttp)."""

from bot.web.server import create_app, serve

__all__ = ["create_app", "serve"]
