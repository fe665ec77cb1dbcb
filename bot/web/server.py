"""The web chat: one HTML page, a small JSON API for it and, optionally, the Telegram webhook.

The person is recognised by a random session cookie; Rasa only ever sees a hash of it
(``web:<sha256>``). Messages are not stored here: a reloaded page reads the conversation so far
back from Rasa's tracker (bot/web/history.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import json
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from aiohttp import web

from assistant.appointments import WEB_OWNER_PREFIX
from assistant.handover import RESIDENT, STAFF, Line
from assistant.messages import N_, with_appointments_button
from assistant.privacy.limits import AddressLimits
from assistant.privacy.overview import DOWNLOAD_FILE_NAME, DOWNLOAD_PAYLOAD
from assistant.settings import Settings
from assistant.storage import DATABASE_UNAVAILABLE
from bot.gateway import Button, Conversation, Gateway, Reply
from bot.health import HealthCheck
from bot.i18n import Translator
from bot.live import LiveChat
from bot.privacy import download_for, statement_message
from bot.web.embed import embed_handler
from bot.web.history import LastActivity, history_messages, idle_since, last_event_time
from bot.web.keep import Keepsakes, calendar_links

if TYPE_CHECKING:
    from bot.appointment_files import AppointmentFiles
    from bot.staff.console import StaffConsole

# True: queued; False: wrong secret; raises ValueError for an update of the wrong shape.
TelegramWebhook = Callable[[dict, str | None], Awaitable[bool]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

STATIC_DIR = Path(__file__).resolve().parent / "static"
SESSION_COOKIE = "webchat_session"
DOWNLOAD_PATH = "/privacy/my-data"
MAX_BODY_BYTES = 20 * 1024
WELCOME_PAYLOAD = "/greet"
_SESSION_TOKEN = re.compile(r"[0-9a-f]{32}")
RETRY_AFTER_SECONDS = 30  # while the database is down; it recovers by itself

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'self'"
)
NOT_FRAMED = "; frame-ancestors 'none'"  # the page of its own; /embed lists who may frame it

PAGE = Template("""<!DOCTYPE html>
<html lang="$html_lang" dir="$dir">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">$reload
<title>$title</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/chat.css">
<script src="/static/chat.js" defer></script>
</head>
<body class="$mode">$launcher
<div class="chat" id="chat" data-language="$language" data-connection-error="$connection_error"
     data-mode="$mode"$hidden>
  <header class="chat-header">
    <h1 class="chat-title">$title</h1>
    <button type="button" class="chat-new" id="new-conversation">$new_conversation</button>$close
  </header>
  <main class="chat-scroll" id="scroll" tabindex="0">
    <p class="chat-intro">$intro</p>
    <noscript><p class="chat-intro">$noscript</p></noscript>
    <div class="chat-log" id="messages" role="log" aria-live="polite"
         aria-label="$conversation_label"></div>
  </main>
  <footer class="chat-footer">
    <p class="chat-typing" id="typing" role="status" hidden>$typing</p>
    <form class="chat-composer" id="composer" autocomplete="off">
      <input class="chat-input" id="message-input" type="text" name="text"
             placeholder="$placeholder" aria-label="$placeholder" enterkeyhint="send">
      <button class="chat-send" id="send-button" type="submit">$send</button>
    </form>
    <p class="chat-privacy">$privacy <a href="/privacy?lang=$language" target="_blank"
       rel="noopener">$privacy_link</a></p>
  </footer>
</div>
</body>
</html>
""")

PRIVACY_PAGE = Template("""<!DOCTYPE html>
<html lang="$html_lang" dir="$dir">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/chat.css">
</head>
<body class="page">
<main class="privacy-page">
<h1>$title</h1>
$paragraphs
<p><a href="$download_path" download="$download_name">$download</a></p>
<p><a href="/?lang=$language">$back</a></p>
</main>
</body>
</html>
""")

# In the embedded widget (bot/web/embed.py) a button opens the chat and another closes it.
LAUNCHER = Template("""
<button type="button" class="widget-launcher" id="widget-launcher" aria-controls="chat"
        aria-expanded="$expanded"$launcher_hidden>$open_chat</button>""")
CLOSE = Template("""
    <button type="button" class="chat-close" id="widget-close">$close_chat</button>""")

PAGE_TEXT_KEYS = {
    "title": N_("web.title"),
    "intro": N_("web.intro"),
    "noscript": N_("web.noscript"),
    "conversation_label": N_("web.conversation_label"),
    "placeholder": N_("web.input_placeholder"),
    "send": N_("web.send"),
    "typing": N_("web.typing"),
    "connection_error": N_("web.error.connection"),
    "new_conversation": N_("web.new_conversation"),
    "privacy": N_("web.privacy"),
    "privacy_link": N_("web.privacy_link"),
    "open_chat": N_("web.widget.open"),
    "close_chat": N_("web.widget.close"),
}


class DatabaseDown(Exception):
    """The person's stored choices cannot be read: the database is down or too slow."""


class BadRequest(Exception):
    """The request body is too large, not JSON, or not a message we understand."""

    def __init__(self, status: int = 400) -> None:
        super().__init__(status)
        self.status = status


def sender_id_for(session_token: str) -> str:
    """Rasa's sender id for a web session: a hash, so the cookie itself never leaves here."""
    return WEB_OWNER_PREFIX + hashlib.sha256(session_token.encode("ascii")).hexdigest()[:32]


def page_texts(translator: Translator, language: str) -> dict[str, str]:
    """The page's own texts and direction in ``language`` (sent again after a change)."""
    texts = {name: translator.text(key, language) for name, key in PAGE_TEXT_KEYS.items()}
    rtl = translator.is_right_to_left(language)
    return {**texts, "language": language, "html_lang": language.replace("_", "-"),
            "dir": "rtl" if rtl else "ltr"}


def render_page(translator: Translator, language: str, notice: str | None = None,
                embedded: bool = False, opened: bool = False) -> str:
    """The chat page with every visible text from the catalog, HTML-escaped; ``notice``
    replaces the introduction and the page reloads itself (while the database is down).
    ``embedded``: the widget in another site's page, closed until its button is pressed
    (``opened``: open already, on the way back from an appointment's confirmation)."""
    values = page_texts(translator, language)
    if notice is not None:
        values["intro"] = notice
    escaped = {name: html.escape(value, quote=True) for name, value in values.items()}
    reload = f'\n<meta http-equiv="refresh" content="{RETRY_AFTER_SECONDS}">' if notice else ""
    return PAGE.substitute(
        escaped, reload=reload, mode="embedded" if embedded else "page",
        launcher=LAUNCHER.substitute(escaped, expanded="true" if opened else "false",
                                     launcher_hidden=" hidden" if opened else "")
        if embedded else "",
        close=CLOSE.substitute(escaped) if embedded else "",
        hidden=" hidden" if embedded and not opened else "")


def reply_to_json(reply: Reply, translator: Translator) -> dict:
    """One message for the page; ``lang`` (BCP 47) lets a screen reader speak it right; a
    message about an appointment carries its ``calendar`` links (bot/web/keep.py)."""
    data = {
        "text": reply.text,
        "lang": reply.language.replace("_", "-"),
        "buttons": [button_to_json(button) for button in reply.buttons],
    }
    if reply.feedback is not None:  # "did this help?": two small buttons under the answer
        data["feedback"] = {"question": reply.feedback.question,
                            "up": button_to_json(reply.feedback.up),
                            "down": button_to_json(reply.feedback.down)}
    links = calendar_links(translator, reply)
    return {**data, "calendar": links} if links else data


def button_to_json(button: Button) -> dict:
    """A button; the download of the person's data is a link (``url``) the page opens."""
    shown = {"title": button.title, "payload": button.payload}
    if button.payload == DOWNLOAD_PAYLOAD:
        shown["url"] = DOWNLOAD_PATH
    return shown


async def read_json_object(request: web.Request, limit: int = MAX_BODY_BYTES) -> dict:
    """The request body as a JSON object (empty body: ``{}``); at most ``limit`` bytes."""
    if request.content_length is not None and request.content_length > limit:
        raise BadRequest(413)
    body = bytearray()
    async for chunk in request.content.iter_any():
        body.extend(chunk)
        if len(body) > limit:
            raise BadRequest(413)
    if not body.strip():
        return {}
    data = parse_json(bytes(body))
    if not isinstance(data, dict):
        raise BadRequest(400)
    return data


def parse_json(body: bytes) -> object:
    """JSON, or BadRequest: invalid text, a wrong encoding, or nesting so deep (thousands of
    brackets) that the parser gives up."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:
        raise BadRequest(400) from error


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Defence in depth: no inline scripts, no MIME sniffing, no referrer leaks; the chat's
    API answers only its own pages (the cookie of an embedded widget is sent cross-site, so
    another site's form or script must not post with it)."""
    if (request.method == "POST" and request.path.startswith("/api/")
            and request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site")):
        return web.json_response({"error": "cross-site request"}, status=403)
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY + NOT_FRAMED)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


class WebChat:
    """The request handlers of one web chat application (``app[WEB_CHAT]``)."""

    def __init__(self, gateway: Gateway, translator: Translator, settings: Settings,
                 health: HealthCheck | None = None,
                 files: AppointmentFiles | None = None) -> None:
        self.gateway = gateway
        self.files = files  # appointments' .ics and confirmation (None: not offered)
        self.translator = translator
        self.settings = settings
        self.health_check = health
        self.activity = LastActivity()  # each conversation's last turn, for the idle check
        self.address_limits = AddressLimits.from_settings(settings)

    def hinted_language(self, request: web.Request) -> str:
        """Until the person chooses: ?lang=, else the browser's Accept-Language, else the
        default. Hints only; a stored choice always wins."""
        requested = request.query.get("lang", "")
        if requested in self.translator.languages():
            return requested
        preferred = [part.split(";")[0]
                     for part in request.headers.get("Accept-Language", "").split(",")]
        return self.translator.best_language(preferred) or self.settings.default_language

    async def stored_language(self, session_token: str | None) -> str | None:
        """The language this person chose, if they did (a database read off the event loop)."""
        profiles = self.gateway.profiles
        if not session_token or profiles is None:
            return None
        try:
            language = await asyncio.to_thread(profiles.language, sender_id_for(session_token))
        except DATABASE_UNAVAILABLE as error:
            raise DatabaseDown() from error
        return language or None

    async def conversation(self, request: web.Request, session_token: str,
                           starting: bool = False) -> Conversation:
        chosen = await self.stored_language(session_token)
        return Conversation(sender_id=sender_id_for(session_token), channel="web",
                            language=chosen or self.hinted_language(request), role="resident",
                            first_contact=starting and chosen is None,
                            language_chosen=chosen is not None)

    async def page(self, request: web.Request, embedded: bool = False,
                   opened: bool = False) -> web.Response:
        """GET /: the chat page. With the database down: the same page in the hinted language,
        saying so, with 503; it reloads itself, and is the normal page once the database is back."""
        session_token = session_token_of(request) or new_session_token()
        try:
            language = (await self.stored_language(session_token)
                        or self.hinted_language(request))
        except DatabaseDown:
            language = self.hinted_language(request)
            page = render_page(self.translator, language,
                               self.database_down_notice(language).text, embedded)
            return web.Response(text=page, content_type="text/html", status=503,
                                headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        response = web.Response(text=render_page(self.translator, language, embedded=embedded,
                                                 opened=opened),
                                content_type="text/html")
        keep_session(request, response, session_token)
        return response

    def database_down_notice(self, language: str) -> Reply:
        return self.gateway.render(with_appointments_button(N_("error.database_unavailable")),
                                   language)

    def database_down(self, request: web.Request, session_token: str) -> web.Response:
        """API calls while the database is down: 503 and the friendly text in the hinted
        language (the page shows it; the person's text is given back to send again)."""
        notice = self.database_down_notice(self.hinted_language(request))
        data = {"messages": [reply_to_json(replace(notice, buttons=()), self.translator)],
                "delivered": False}
        response = self.json_response(request, data, session_token,
                                      status=web.HTTPServiceUnavailable.status_code)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    async def health(self, _request: web.Request) -> web.Response:
        """GET /healthz and /healthz/ready: each part's state; 503 when the assistant cannot
        answer a message now (no worker with both its Rasa and action server, or no database)."""
        if self.health_check is None:  # a web chat without servers of its own (tests)
            return web.json_response({"status": "ok", "web": "ok"})
        ready, report = await self.health_check.report()
        return web.json_response(report, status=200 if ready else 503,
                                 headers={"Cache-Control": "no-store"})

    async def alive(self, _request: web.Request) -> web.Response:
        """GET /healthz/live: this process answers (restart it when it does not)."""
        return web.json_response({"status": "ok"}, headers={"Cache-Control": "no-store"})

    async def messages(self, request: web.Request) -> web.Response:
        """POST /api/messages: ``{"text": ...}`` typed or ``{"payload": ...}`` from a button."""
        session_token = session_token_of(request) or new_session_token()
        if (limited := self.over_address_limit(request, session_token)) is not None:
            return limited
        try:
            conversation = await self.conversation(request, session_token)
            body = await read_json_object(request)
            if await self.idle(conversation):
                return await self.expired(request, conversation)
            replies = await self.answer(conversation, body)
            live = await self.live_state(conversation)
        except BadRequest as error:
            return self.bad_request(request, error.status, session_token)
        except (DatabaseDown, *DATABASE_UNAVAILABLE):
            return self.database_down(request, session_token)
        self.activity.note(conversation.sender_id)
        return self.json_response(request, {**self.replies_data(conversation, replies), **live},
                                  session_token)

    async def live_state(self, conversation: Conversation) -> dict:
        """While a medewerker has or may take this conversation: where the page's long poll
        of /api/live starts (the lines so far are the page's already)."""
        live = self.gateway.live
        if live is None or live.open_ticket(conversation.sender_id) is None:
            return {}
        lines = await asyncio.to_thread(live.queue.lines_of, conversation.sender_id)
        return {"live": {"after": lines[-1].id if lines else 0}}

    async def live_lines(self, request: web.Request) -> web.Response:
        """GET /api/live?after=<line>: the medewerker's lines and the join and leave notices
        after that line, as soon as there is one (a long poll of at most ~20 s);
        ``live`` is false once the handover is over."""
        session_token = session_token_of(request)
        live = self.gateway.live
        try:
            after = max(0, int(request.query.get("after", "0")))
        except ValueError:
            after = 0
        if session_token is None or live is None:
            return web.json_response({"messages": [], "after": after, "live": False},
                                     headers={"Cache-Control": "no-store"})
        try:
            conversation = await self.conversation(request, session_token)
            lines = await live.lines_for_resident(conversation.sender_id, after)
        except (DatabaseDown, *DATABASE_UNAVAILABLE):
            return web.json_response({"messages": [], "after": after, "live": True},
                                     status=503, headers={"Retry-After": "5"})
        return web.json_response({
            "messages": [live_line_json(live, line, conversation.language) for line in lines],
            "after": lines[-1].id if lines else after,
            "live": live.open_ticket(conversation.sender_id) is not None,
        }, headers={"Cache-Control": "no-store"})

    async def idle(self, conversation: Conversation) -> bool:
        """No turn for ``web_idle_minutes``: from this process's memory, or (the first time
        after a restart) from Rasa's tracker."""
        sender = conversation.sender_id
        if sender not in self.activity:
            tracker = await self.gateway.tracker(sender)
            self.activity.note(sender, last_event_time(tracker or {}) or self.activity.clock())
        return idle_since(self.activity.get(sender), self.settings.web_idle_minutes,
                          self.activity.clock())

    async def expired(self, request: web.Request, conversation: Conversation) -> web.Response:
        """The conversation was idle too long: say so and start a new one in the same language
        (the message that came in is not handled; the page gives it back to send again)."""
        session_token = new_session_token()
        fresh = replace(conversation, sender_id=sender_id_for(session_token),
                        first_contact=True, language_chosen=False)
        notice = self.gateway.notice(N_("web.conversation_expired"), conversation)
        replies = await self.gateway.handle_payload(fresh, WELCOME_PAYLOAD)
        self.activity.note(fresh.sender_id)
        data = self.replies_data(fresh, [notice, *replies])
        return self.json_response(request, {**data, "delivered": False, "restarted": True},
                                  session_token)

    async def start(self, request: web.Request) -> web.Response:
        """POST /api/start: the conversation so far (a reload, a new tab), else the welcome
        messages; after ``web_idle_minutes`` of silence, or with ``{"new_conversation": true}``,
        a new conversation (a new session, so a new sender for Rasa)."""
        session_token = session_token_of(request) or new_session_token()
        try:
            body = await read_json_object(request)
        except BadRequest as error:
            return self.bad_request(request, error.status, session_token)
        returning = session_token_of(request) is not None  # else there is nothing to read
        if body.get("new_conversation") is True:
            session_token, returning = new_session_token(), False
        if (limited := self.over_address_limit(request, session_token)) is not None:
            return limited
        try:
            conversation = await self.conversation(request, session_token, starting=True)
            if returning:
                # Read anyway for the history, so the tracker's time is the one that counts.
                tracker = await self.gateway.tracker(conversation.sender_id)
                latest = last_event_time(tracker or {})
                if latest is not None:
                    self.activity.note(conversation.sender_id, latest)
                if idle_since(latest, self.settings.web_idle_minutes, self.activity.clock()):
                    return await self.expired(request, conversation)
                shown = history_messages(self.gateway, (tracker or {}).get("events") or [],
                                         conversation.language)
                if shown:
                    # The buttons the page shows again were offered in this conversation
                    # (they come from its tracker): they work after a restart too.
                    self.gateway.remember_offered(conversation.sender_id, [
                        Reply("", tuple(Button(b["title"], b["payload"]) for b in m["buttons"]))
                        for m in shown if not m["answered"]])
                    return self.json_response(request, {
                        "messages": shown, "delivered": True, "history": True,
                        **await self.live_history(conversation)}, session_token)
        except DatabaseDown:
            return self.database_down(request, session_token)
        replies = await self.gateway.handle_payload(conversation, WELCOME_PAYLOAD)
        self.activity.note(conversation.sender_id)
        return self.replies_response(request, conversation, replies, session_token)

    async def live_history(self, conversation: Conversation) -> dict:
        """A reload during a handover: the live lines of the open request, after the
        assistant's part, and where the long poll goes on."""
        live = self.gateway.live
        ticket = live.open_ticket(conversation.sender_id) if live is not None else None
        if ticket is None:
            return {}
        lines = await asyncio.to_thread(live.queue.lines, ticket.id)
        shown = [line for line in lines if line.author != RESIDENT]
        return {"live_lines": [live_line_json(live, line, conversation.language)
                               for line in shown],
                "live": {"after": lines[-1].id if lines else 0}}

    def over_address_limit(self, request: web.Request, session_token: str) -> web.Response | None:
        """Too many requests, or too many new conversations, from one IP address: 429 with a
        friendly text in the hinted language (the page gives the person their text back)."""
        reason = self.address_limits.refusal(
            client_address(request, self.settings.trusted_proxies), session_token)
        if reason is None:
            return None
        text = self.translator.text(reason, self.hinted_language(request))
        data = {"messages": [{"text": text, "buttons": [],
                              "lang": self.hinted_language(request).replace("_", "-")}],
                "delivered": False}
        response = web.json_response(data, status=429, headers={
            "Cache-Control": "no-store", "Retry-After": str(RETRY_AFTER_SECONDS)})
        return response

    async def privacy(self, request: web.Request) -> web.Response:
        """GET /privacy: what we keep, why, how long and who to ask, in the person's language,
        with the download of their own data."""
        try:
            language = (await self.stored_language(session_token_of(request))
                        or self.hinted_language(request))
        except DatabaseDown:
            language = self.hinted_language(request)
        text = self.gateway.render(statement_message(self.settings), language).text
        paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n")
                               if line.strip())
        values = {name: html.escape(value, quote=True)
                  for name, value in page_texts(self.translator, language).items()}
        page = PRIVACY_PAGE.substitute(
            values, title=html.escape(self.translator.text(N_("web.privacy_link"), language)),
            paragraphs=paragraphs, download_path=DOWNLOAD_PATH,
            download_name=DOWNLOAD_FILE_NAME,
            download=html.escape(self.translator.text(N_("privacy.download"), language)),
            back=html.escape(self.translator.text(N_("web.back_to_chat"), language)))
        return web.Response(text=page, content_type="text/html",
                            headers={"Cache-Control": "no-store"})

    async def my_data(self, request: web.Request) -> web.Response:
        """GET /privacy/my-data: everything we keep about this web session, as a JSON file
        (nothing at all without a session: there is nobody to look up)."""
        session_token = session_token_of(request)
        if session_token is None:
            return web.json_response({"error": "no_conversation"}, status=404,
                                     headers={"Cache-Control": "no-store"})
        try:
            language = (await self.stored_language(session_token)
                        or self.hinted_language(request))
            content = await download_for(self.gateway, self.settings,
                                         sender_id_for(session_token), language)
        except (DatabaseDown, *DATABASE_UNAVAILABLE):
            return self.database_down(request, session_token)
        return web.Response(body=content, content_type="application/json", charset="utf-8",
                            headers={"Cache-Control": "no-store",
                                     "Content-Disposition":
                                         f'attachment; filename="{DOWNLOAD_FILE_NAME}"'})

    async def answer(self, conversation: Conversation, body: dict) -> list[Reply]:
        payload, text = body.get("payload"), body.get("text")
        if isinstance(payload, str):
            return await self.gateway.handle_payload(conversation, payload)
        if isinstance(text, str) and payload is None:
            return await self.gateway.handle_text(conversation, text)
        raise BadRequest(400)

    def replies_response(self, request: web.Request, conversation: Conversation,
                         replies: list[Reply], session_token: str) -> web.Response:
        """HTTP 200 with the replies; ``delivered`` is false when the message was not handled
        (Rasa unreachable, too long, ...), so the page can give the person their text back."""
        return self.json_response(request, self.replies_data(conversation, replies),
                                  session_token)

    def replies_data(self, conversation: Conversation, replies: list[Reply]) -> dict:
        data = {"messages": [reply_to_json(reply, self.translator) for reply in replies],
                "delivered": all(reply.delivered for reply in replies)}
        language = next((r.language for r in reversed(replies) if r.language), "")
        if language and language != conversation.language:  # a new choice: redo the page
            data["page"] = page_texts(self.translator, language)
        return data

    def bad_request(self, request: web.Request, status: int, session_token: str) -> web.Response:
        text = self.translator.text(N_("web.error.bad_request"), self.hinted_language(request))
        data = {"messages": [{"text": text, "buttons": []}], "delivered": False}
        return self.json_response(request, data, session_token, status=status)

    def json_response(self, request: web.Request, data: dict, session_token: str,
                      status: int = 200) -> web.Response:
        response = web.json_response(data, status=status, headers={"Cache-Control": "no-store"})
        keep_session(request, response, session_token)
        return response


WEB_CHAT = web.AppKey("web_chat", WebChat)


def live_line_json(live: LiveChat, line: Line, language: str) -> dict:
    """A medewerker's line (their own words, with their name) or a notice in the person's
    language."""
    if line.author == STAFF:
        return {"author": "staff", "text": line.text, "name": line.staff_name or "", "lang": ""}
    reply = live.reply_of(line, language)
    shown = {"author": "notice", "text": reply.text, "lang": language.replace("_", "-")}
    if reply.buttons:  # nobody was free: the call-back request
        shown["buttons"] = [button_to_json(button) for button in reply.buttons]
    return shown


def client_address(request: web.Request, trusted_proxies: tuple[str, ...]) -> str:
    """The person's IP address: the connection's, or behind a trusted proxy the last address
    in X-Forwarded-For that is not a trusted proxy (what a client writes there itself comes
    before it, so it cannot pick its own address)."""
    address = request.remote or ""
    if address not in trusted_proxies:
        return address
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    for hop in reversed(forwarded):
        if hop and hop not in trusted_proxies:
            return hop
    return address


def session_token_of(request: web.Request) -> str | None:
    """The session token from the cookie, if it has the shape of one we hand out."""
    token = request.cookies.get(SESSION_COOKIE, "")
    return token if _SESSION_TOKEN.fullmatch(token) else None


def new_session_token() -> str:
    return secrets.token_hex(16)  # 128 random bits


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def keep_session(request: web.Request, response: web.Response, session_token: str) -> None:
    """Set the session cookie unless the request already carried this token."""
    if session_token != session_token_of(request):
        embedded = bool(request.app[WEB_CHAT].settings.embed_origins)
        response.headers.add("Set-Cookie", session_cookie(request, session_token, embedded))


def session_cookie(request: web.Request, session_token: str, embedded: bool) -> str:
    """The session cookie; with ``embedded`` (EMBED_ORIGINS set) also for the widget in a
    frame on the municipality's own site, another site than the chat's: ``SameSite=None;
    Secure`` lets the browser send it from that frame, and ``Partitioned`` (CHIPS) keys it to
    the site around the frame, so browsers that block third-party cookies still keep it (and
    it follows nobody from site to site). Without embedding it stays ``SameSite=Lax``.

    ``Secure`` needs https (also behind a proxy that says ``X-Forwarded-Proto: https``). The
    exception is loopback: browsers count http://localhost as a secure context and keep a
    Secure cookie from it, so local runs and the tests get the production cookie. On plain
    http elsewhere a Secure cookie would be dropped: there it is ``SameSite=Lax``, which
    works on the chat's own pages only (embedding on another site needs https anyway)."""
    attributes = [f"{SESSION_COOKIE}={session_token}", "Path=/", "HttpOnly"]
    if embedded and secure_transport(request):
        attributes += ["SameSite=None", "Secure", "Partitioned"]
    else:
        attributes.append("SameSite=Lax")
    return "; ".join(attributes)


def secure_transport(request: web.Request) -> bool:
    """https, or loopback (a secure context for browsers). X-Forwarded-Proto is taken as it
    comes: a client that fakes it only makes its own cookie https-only."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.secure or forwarded == "https" or host_name(request.host) in LOOPBACK_HOSTS


def host_name(host: str) -> str:
    """The name in a Host header, without its port ("[::1]:8000" gives "::1")."""
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def telegram_handler(telegram_webhook: TelegramWebhook) -> Handler:
    """POST /telegram/webhook: hands the update and its secret header to the Telegram bot."""

    async def receive_update(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        if secret is not None and not secret.isascii():
            return web.Response(status=400)  # Telegram's secrets are ASCII: not Telegram
        try:
            update = parse_json(await request.read())
        except BadRequest:
            return web.Response(status=400)
        if not isinstance(update, dict):
            return web.Response(status=400)
        try:
            accepted = await telegram_webhook(update, secret)
        except ValueError:  # an update Telegram would not send (MalformedUpdate)
            return web.Response(status=400)
        return web.Response(status=200 if accepted else 403)

    return receive_update


def create_app(gateway: Gateway, translator: Translator, settings: Settings,
               telegram_webhook: TelegramWebhook | None = None,
               staff_console: StaffConsole | None = None,
               health: HealthCheck | None = None,
               files: AppointmentFiles | None = None) -> web.Application:
    """The web chat application; with ``telegram_webhook`` it also receives Telegram updates,
    with ``staff_console`` it serves the staff console at /staff (bot/staff), with
    ``health`` /healthz reports every part, with ``files`` an appointment's .ics and
    printable confirmation."""
    chat = WebChat(gateway, translator, settings, health, files)
    app = web.Application(middlewares=[security_headers])
    app[WEB_CHAT] = chat
    app.router.add_get("/", chat.page)
    app.router.add_get("/healthz", chat.health)
    app.router.add_get("/healthz/ready", chat.health)
    app.router.add_get("/healthz/live", chat.alive)
    app.router.add_post("/api/messages", chat.messages)
    app.router.add_post("/api/start", chat.start)
    app.router.add_get("/api/live", chat.live_lines)
    app.router.add_get("/embed", embed_handler(chat))
    Keepsakes(chat).install(app)
    app.router.add_get("/privacy", chat.privacy)
    app.router.add_get(DOWNLOAD_PATH, chat.my_data)
    if telegram_webhook is not None:
        app.router.add_post("/telegram/webhook", telegram_handler(telegram_webhook))
    app.router.add_static("/static/", STATIC_DIR)
    if staff_console is not None:
        staff_console.install(app)
    return app


async def serve(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Start serving ``app`` in the running event loop and return at once.

    Stop it with ``await runner.cleanup()``.
    """
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
