"""The web chat as a widget on the municipality's own pages.

A site adds one tag (see README):
``<script src="https://chat.gemeente.nl/static/widget.js" data-language="nl"
data-municipality="midden-drenthe" async></script>``. widget.js puts an iframe of /embed on the
page; the button that opens the chat and the chat itself live inside that frame.

Why an iframe and not shadow DOM: in the frame the chat keeps its own origin, so its strict CSP
(no inline script or style), its session cookie and its fetches stay exactly those of the chat
page, and neither the page's scripts nor ours can reach into the other's document. Shadow DOM
would isolate the styles only: our script would run under the site's CSP and next to its
scripts, and the session would have to cross origins. widget.js only places and sizes the frame.

Who may embed it: the CSP ``frame-ancestors`` of /embed lists ``EMBED_ORIGINS``; browsers refuse
to show it in any other site's page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from bot.web.server import WebChat

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def embed_policy(base_policy: str, origins: tuple[str, ...]) -> str:
    """The chat's CSP, allowing only ``origins`` (and the chat itself) to frame it."""
    ancestors = " ".join(("'self'", *origins))
    return f"{base_policy}; frame-ancestors {ancestors}"


def embed_handler(chat: WebChat) -> Handler:
    """GET /embed?lang=..&municipality=..: the chat page in widget form."""
    from bot.web.server import CONTENT_SECURITY_POLICY

    async def embed(request: web.Request) -> web.StreamResponse:
        municipality = request.query.get("municipality", chat.settings.municipality)
        if municipality != chat.settings.municipality:  # a mistake in the site's tag
            raise web.HTTPNotFound(text=f"This server does not serve {municipality[:60]!r}.")
        response = await chat.page(request, embedded=True,
                                   opened=request.query.get("open") == "1")
        response.headers["Content-Security-Policy"] = embed_policy(
            CONTENT_SECURITY_POLICY, chat.settings.embed_origins)
        return response

    return embed
