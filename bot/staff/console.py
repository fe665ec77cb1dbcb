"""The staff console at /staff: an aiohttp sub-application of the web chat's server.

Every page but the login needs a session whose second factor was given (the guard below
sends everyone else to the login), every POST must carry the session's CSRF token (the
login form a double-submit cookie), and opening appointments is written to the audit log.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import segno
from aiohttp import web

from assistant.municipality import Municipality, Team
from assistant.settings import Settings
from bot.i18n import Translator
from bot.staff.accounts import (
    MAX_FAILURES_PER_ACCOUNT,
    MAX_FAILURES_PER_ADDRESS,
    LiveSession,
    StaffAccounts,
    StaffMember,
)
from bot.staff.bookings import StaffBookings
from bot.staff.texts import StaffTexts

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PREFIX = "/staff"
SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# Pages reachable without a session, and those reachable between password and code.
PUBLIC_ROUTES = {"login", "login_post"}
SECOND_FACTOR_ROUTES = {"code", "code_post", "enrol", "enrol_post", "logout"}


class StaffConsole:
    def __init__(self, settings: Settings, translator: Translator,
                 municipality: Municipality) -> None:
        self.settings = settings
        self.translator = translator
        self.municipality = municipality
        self.zone = ZoneInfo(municipality.timezone)
        self.accounts = StaffAccounts(settings.database_url)
        self.bookings = StaffBookings(settings.database_url, municipality.timezone)
        self.texts = StaffTexts.load(settings.locales_dir)
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
            undefined=jinja2.StrictUndefined)
        self.templates.globals.update(_=self.texts, team_name=self.team_name, prefix=PREFIX)

    # rendering

    def team_name(self, team_code: str) -> str:
        team = self.municipality.teams.get(team_code)
        return self.translator.text(team.name_key, "nl") if team else team_code

    def render(self, request: web.Request, template: str, status: int = 200,
               **context: object) -> web.Response:
        live: LiveSession | None = request.get("staff")
        page = self.templates.get_template(template).render(
            me=live.member if live and live.verified else None,
            csrf=live.csrf_token if live else "", **context)
        return web.Response(text=page, content_type="text/html", status=status,
                            headers={"Cache-Control": "no-store"})

    def refuse(self, request: web.Request, status: int, key: str) -> web.Response:
        return self.render(request, "refused.html", status=status, message=self.texts(key))

    # the guard

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(f"{PREFIX}/"):
            return await handler(request)
        route = (request.match_info.route.name or "").removeprefix("staff.")
        if route in PUBLIC_ROUTES:
            return await handler(request)
        live = await asyncio.to_thread(self.accounts.session,
                                       request.cookies.get(SESSION_COOKIE, ""))
        if live is None:
            raise web.HTTPSeeOther(f"{PREFIX}/login")
        if not live.verified and route not in SECOND_FACTOR_ROUTES:
            raise web.HTTPSeeOther(f"{PREFIX}/{'code' if live.member.enrolled else 'enrol'}")
        request["staff"] = live
        if request.method == "POST":
            form = await request.post()
            if not hmac.compare_digest(str(form.get("csrf", "")), live.csrf_token):
                return self.refuse(request, 403, "staff.error.csrf")
        return await handler(request)

    # logging in and out

    async def login_page(self, request: web.Request) -> web.Response:
        return self.login_form(request)

    def login_form(self, request: web.Request, error: str | None = None,
                   email: str = "", status: int = 200) -> web.Response:
        token = secrets.token_urlsafe(32)
        response = self.render(request, "login.html", status=status, login_csrf=token,
                               error=self.texts(error) if error else None, email=email)
        set_cookie(request, response, LOGIN_CSRF_COOKIE, token)
        return response

    async def login(self, request: web.Request) -> web.Response:
        form = await request.post()
        cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(str(form.get("csrf", "")), cookie):
            return self.refuse(request, 403, "staff.error.csrf")
        email, password = str(form.get("email", "")).strip(), str(form.get("password", ""))
        account_key, address_key = f"login:{email.lower()}", f"address:{request.remote}"
        if (await asyncio.to_thread(self.accounts.throttled, account_key,
                                    MAX_FAILURES_PER_ACCOUNT)
                or await asyncio.to_thread(self.accounts.throttled, address_key,
                                           MAX_FAILURES_PER_ADDRESS)):
            return self.login_form(request, "staff.login.throttled", email, status=429)
        member = await asyncio.to_thread(self.accounts.check_password, email, password)
        if member is None:
            await asyncio.to_thread(self.accounts.note_failure, account_key, address_key)
            return self.login_form(request, "staff.login.wrong", email, status=401)
        live = await asyncio.to_thread(self.accounts.start_session, member)
        target = "code" if member.enrolled else "enrol"
        response = web.HTTPSeeOther(f"{PREFIX}/{target}")
        set_cookie(request, response, SESSION_COOKIE, live.token)
        response.del_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
        return response

    async def code_page(self, request: web.Request) -> web.Response:
        live: LiveSession = request["staff"]
        if not live.member.enrolled:
            raise web.HTTPSeeOther(f"{PREFIX}/enrol")
        return self.render(request, "code.html", error=None)

    async def code(self, request: web.Request) -> web.StreamResponse:
        return await self.second_factor(request, "code.html")

    async def enrol_page(self, request: web.Request) -> web.Response:
        live: LiveSession = request["staff"]
        if live.member.enrolled:
            raise web.HTTPSeeOther(f"{PREFIX}/code")
        return self.render(request, "enrol.html", error=None,
                           **await self.enrolment(live.member))

    async def enrol(self, request: web.Request) -> web.StreamResponse:
        return await self.second_factor(request, "enrol.html")

    async def enrolment(self, member: StaffMember) -> dict:
        uri = await asyncio.to_thread(self.accounts.provisioning_uri, member)
        qr = segno.make(uri, error="m")
        secret = uri.split("secret=", 1)[1].split("&", 1)[0]
        return {"qr_svg": qr.svg_inline(scale=5, title=self.texts("staff.enrol.qr_title")),
                "secret": secret}

    async def second_factor(self, request: web.Request, template: str) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        member = live.member
        form = await request.post()
        key = f"code:{member.id}"
        extra = {} if member.enrolled else await self.enrolment(member)
        if await asyncio.to_thread(self.accounts.throttled, key, MAX_FAILURES_PER_ACCOUNT):
            return self.render(request, template, status=429,
                               error=self.texts("staff.code.throttled"), **extra)
        if not await asyncio.to_thread(self.accounts.check_code, member,
                                       str(form.get("code", ""))):
            await asyncio.to_thread(self.accounts.note_failure, key)
            return self.render(request, template, status=401,
                               error=self.texts("staff.code.wrong"), **extra)
        verified = await asyncio.to_thread(self.accounts.verify_session, live)
        response = web.HTTPSeeOther(f"{PREFIX}/")
        set_cookie(request, response, SESSION_COOKIE, verified.token)
        return response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        await asyncio.to_thread(self.accounts.end_session, live.token)
        response = web.HTTPSeeOther(f"{PREFIX}/login")
        response.del_cookie(SESSION_COOKIE, path=PREFIX)
        return response

    # pages

    def visible_teams(self, member: StaffMember) -> list[Team]:
        return [team for code, team in self.municipality.teams.items()
                if member.may_see_team(code)]

    def today(self) -> date:
        return datetime.now(self.zone).date()

    async def home(self, request: web.Request) -> web.Response:
        live: LiveSession = request["staff"]
        return self.render(request, "home.html", teams=self.visible_teams(live.member),
                           today=self.today().isoformat())

    async def team_day(self, request: web.Request) -> web.Response:
        live: LiveSession = request["staff"]
        team_code = request.match_info["team"]
        try:
            day = date.fromisoformat(request.match_info["day"])
        except ValueError:
            return self.refuse(request, 404, "staff.error.not_found")
        if team_code not in self.municipality.teams:
            return self.refuse(request, 404, "staff.error.not_found")
        if not live.member.may_see_team(team_code):
            await asyncio.to_thread(self.accounts.audit, live.member, "team_day.refused",
                                    day.isoformat(), team_code)
            return self.refuse(request, 403, "staff.error.other_team")
        bookings = await asyncio.to_thread(self.bookings.on_day, team_code, day)
        await asyncio.to_thread(self.accounts.audit, live.member, "team_day.view",
                                day.isoformat(), team_code)
        return self.render(request, "day.html", team_code=team_code, day=day,
                           bookings=bookings, previous=(day - timedelta(days=1)).isoformat(),
                           next=(day + timedelta(days=1)).isoformat())

    async def appointment(self, request: web.Request) -> web.Response:
        live: LiveSession = request["staff"]
        booking = await asyncio.to_thread(self.bookings.find, request.match_info["reference"])
        if booking is None:
            return self.refuse(request, 404, "staff.error.not_found")
        if not live.member.may_see_team(booking.team_code):
            await asyncio.to_thread(self.accounts.audit, live.member, "appointment.refused",
                                    booking.reference, booking.team_code)
            return self.refuse(request, 403, "staff.error.other_team")
        await asyncio.to_thread(self.accounts.audit, live.member, "appointment.view",
                                booking.reference, booking.team_code)
        return self.render(request, "appointment.html", booking=booking)

    async def audit_log(self, request: web.Request) -> web.Response:
        live: LiveSession = request["staff"]
        if not live.member.is_beheerder:
            return self.refuse(request, 403, "staff.error.beheerder_only")
        lines = await asyncio.to_thread(self.accounts.audit_lines)
        return self.render(request, "audit.html", lines=lines, zone=self.zone)

    def install(self, app: web.Application) -> None:
        """Add the console's routes and guard to the web chat's application (routes of our
        own under /staff rather than a sub-application: aiohttp 3.9's sub-applications
        cannot resolve a request whose Host carries a port with the yarl Rasa needs)."""
        app.middlewares.append(self.guard)
        for method, path, handler, name in self.routes():
            app.router.add_route(method, PREFIX + path, handler, name=f"staff.{name}")
        app.router.add_get(PREFIX, self.to_home)

    def routes(self) -> list[tuple[str, str, Handler, str]]:
        return [
            ("GET", "/login", self.login_page, "login"),
            ("POST", "/login", self.login, "login_post"),
            ("GET", "/code", self.code_page, "code"),
            ("POST", "/code", self.code, "code_post"),
            ("GET", "/enrol", self.enrol_page, "enrol"),
            ("POST", "/enrol", self.enrol, "enrol_post"),
            ("POST", "/logout", self.logout, "logout"),
            ("GET", "/", self.home, "home"),
            ("GET", "/teams/{team}/{day}", self.team_day, "team_day"),
            ("GET", "/appointments/{reference}", self.appointment, "appointment"),
            ("GET", "/audit", self.audit_log, "audit"),
        ]

    async def to_home(self, _request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(f"{PREFIX}/")


def set_cookie(request: web.Request, response: web.StreamResponse, name: str,
               value: str) -> None:
    response.set_cookie(name, value, path=PREFIX, httponly=True, samesite="Strict",
                        secure=request.secure)
