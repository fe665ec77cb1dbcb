"""Something to keep of an appointment made in the web chat: "In mijn agenda zetten" (its .ics
file) and a printable confirmation page, both under ``/appointments/<reference>``.

Only the conversation that owns the appointment gets them: the session cookie gives the sender
id, and the appointment book finds the reference for that owner only; any other visitor gets
the same friendly "not found" page as for a made-up reference (404).
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable
from string import Template
from typing import TYPE_CHECKING

from aiohttp import web

from assistant.messages import N_
from assistant.storage import DATABASE_UNAVAILABLE
from bot.appointment_files import ConfirmationTexts
from bot.gateway import Reply
from bot.i18n import Translator
from bot.web.embed import embed_policy

if TYPE_CHECKING:
    from bot.web.server import WebChat

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
REFERENCE = r"{reference:[A-Za-z0-9]{3}-[A-Za-z0-9]{3}}"
CALENDAR_PATH = "/appointments/{reference}.ics"
CONFIRMATION_PATH = "/appointments/{reference}"

PAGE = Template("""<!DOCTYPE html>
<html lang="$html_lang" dir="$dir">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/confirmation.css">
<script src="/static/confirmation.js" defer></script>
</head>
<body>
<main class="confirmation">
$content
</main>
</body>
</html>
""")
DETAILS = Template("""<p class="confirmation-municipality">$municipality</p>
<h1>$title</h1>$cancelled
<dl class="confirmation-details">
  <dt>$team_label</dt><dd>$team</dd>
  <dt>$when_label</dt><dd>$when</dd>
  <dt>$where_label</dt><dd>$location</dd>
  <dt>$reference_label</dt><dd class="confirmation-reference" dir="ltr">$reference</dd>
</dl>$bring
<p class="confirmation-actions">
  <button type="button" id="print-confirmation">$print</button>
  <a href="$calendar_href" download>$calendar_label</a>
  <a href="$back_href">$back_label</a>
</p>""")
NOT_FOUND = Template("""<h1>$title</h1>
<p>$text</p>
<p class="confirmation-actions"><a href="$back_href">$back_label</a></p>""")


def calendar_links(translator: Translator, reply: Reply) -> dict | None:
    """The links a bot message about an appointment carries in the web chat."""
    if reply.calendar is None:
        return None
    reference, language = reply.calendar.reference, reply.language
    label = (N_("calendar.add_cancelled") if reply.calendar.cancelled
             else N_("calendar.add"))
    return {"ics": CALENDAR_PATH.format(reference=reference),
            "ics_label": translator.text(label, language),
            "confirmation": CONFIRMATION_PATH.format(reference=reference),
            "confirmation_label": translator.text(N_("calendar.print"), language)}


class Keepsakes:
    """The handlers of ``/appointments/<reference>(.ics)``."""

    def __init__(self, chat: WebChat) -> None:
        self.chat = chat
        self.files = chat.files
        self.text = chat.translator.text

    def install(self, app: web.Application) -> None:
        app.router.add_get(f"/appointments/{REFERENCE}.ics", self.calendar)
        app.router.add_get(f"/appointments/{REFERENCE}", self.confirmation)

    async def owned(self, request: web.Request):
        """(the appointment if this session owns it, else None; the person's language)."""
        from bot.web.server import DatabaseDown, sender_id_for, session_token_of

        token = session_token_of(request)
        try:
            language = ((await self.chat.stored_language(token)) if token else None) \
                or self.chat.hinted_language(request)
            if token is None or self.files is None:
                return None, language
            found = await asyncio.to_thread(self.files.find, sender_id_for(token),
                                            request.match_info["reference"])
        except (DatabaseDown, *DATABASE_UNAVAILABLE) as error:
            notice = self.chat.database_down_notice(self.chat.hinted_language(request))
            raise web.HTTPServiceUnavailable(text=notice.text,
                                             headers={"Retry-After": "30"}) from error
        return found, language

    async def calendar(self, request: web.Request) -> web.StreamResponse:
        """GET /appointments/<reference>.ics: the appointment's calendar file (a cancelled
        appointment's file cancels the event)."""
        appointment, language = await self.owned(request)
        if appointment is None:
            return self.not_found(request, language)
        ics = await asyncio.to_thread(self.files.calendar_file, appointment, language)
        # A download from the widget's frame is a navigation of that frame: the browser
        # checks frame-ancestors first, so the embedding sites are allowed here too.
        return web.Response(body=ics.content, content_type="text/calendar", charset="utf-8",
                            headers={"Content-Disposition":
                                     f'attachment; filename="{ics.filename}"',
                                     "Cache-Control": "no-store",
                                     "Content-Security-Policy": self.policy()})

    async def confirmation(self, request: web.Request) -> web.StreamResponse:
        """GET /appointments/<reference>: the confirmation to print (in the widget it opens
        inside the chat's frame, ``?embedded=1``, and its link leads back to the chat)."""
        appointment, language = await self.owned(request)
        if appointment is None:
            return self.not_found(request, language)
        texts = await asyncio.to_thread(self.files.confirmation, appointment, language)
        return self.page(request, language, self.details(request, texts, language),
                         N_("confirmation.title"))

    def details(self, request: web.Request, texts: ConfirmationTexts, language: str) -> str:
        text = self.text
        values = {
            "title": text(N_("confirmation.title"), language),
            "team_label": text(N_("confirmation.team"), language),
            "when_label": text(N_("confirmation.when"), language),
            "where_label": text(N_("confirmation.where"), language),
            "reference_label": text(N_("confirmation.reference"), language),
            "print": text(N_("confirmation.print"), language),
            "calendar_label": text(N_("calendar.add_cancelled") if texts.cancelled
                                   else N_("calendar.add"), language),
            "team": texts.team, "when": texts.when, "location": texts.location,
            "reference": texts.reference, "municipality": texts.municipality,
            "calendar_href": CALENDAR_PATH.format(reference=texts.reference),
        }
        escaped = {name: html.escape(value, quote=True) for name, value in values.items()}
        cancelled = html.escape(text(N_("confirmation.cancelled"), language))
        bring = html.escape(text(N_("confirmation.bring"), language))
        return DETAILS.substitute(
            escaped, **self.back(request, language),
            cancelled=f'\n<p class="confirmation-cancelled">{cancelled}</p>'
            if texts.cancelled else "",
            bring="" if texts.cancelled else f'\n<p class="confirmation-bring">{bring}</p>')

    def back(self, request: web.Request, language: str) -> dict[str, str]:
        """The link back to the conversation: the widget's frame, or the chat page."""
        embedded = request.query.get("embedded") == "1"
        href = f"/embed?lang={language}&open=1" if embedded else f"/?lang={language}"
        return {"back_href": html.escape(href, quote=True),
                "back_label": html.escape(self.text(N_("confirmation.back"), language))}

    def not_found(self, request: web.Request, language: str) -> web.Response:
        content = NOT_FOUND.substitute(
            title=html.escape(self.text(N_("confirmation.title"), language)),
            text=html.escape(self.text(N_("confirmation.not_found"), language)),
            **self.back(request, language))
        return self.page(request, language, content, N_("confirmation.title"), status=404)

    def page(self, request: web.Request, language: str, content: str, title_key: str,
             status: int = 200) -> web.Response:
        translator = self.chat.translator
        body = PAGE.substitute(
            html_lang=language.replace("_", "-"),
            dir="rtl" if translator.is_right_to_left(language) else "ltr",
            title=html.escape(self.text(title_key, language)), content=content)
        return web.Response(text=body, content_type="text/html", status=status,
                            headers={"Cache-Control": "no-store",
                                     "Content-Security-Policy": self.policy()})

    def policy(self) -> str:
        """The chat's CSP; these pages may open inside the widget's frame on the sites of
        EMBED_ORIGINS."""
        from bot.web.server import CONTENT_SECURITY_POLICY

        return embed_policy(CONTENT_SECURITY_POLICY, self.chat.settings.embed_origins)
