"""The staff console at /staff: an aiohttp sub-application of the web chat's server.

Every page but the login needs a session whose second factor was given (the guard below
sends everyone else to the login), every POST must carry the session's CSRF token (the
login form a double-submit cookie), and opening appointments is written to the audit log.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import segno
from aiohttp import web

from assistant.appointments import (
    AppointmentBook,
    BookedAppointment,
    BookingError,
    describe,
)
from assistant.callbacks import CallBacks, readable_phone
from assistant.capacity import Capacity, CapacityError, format_periods, validated_team
from assistant.feedback import FeedbackStore
from assistant.handover import (
    CLOSED,
    MAX_LINE_CHARS,
    TAKEN,
    WAITING,
    HandoverQueue,
    Line,
    Ticket,
    queue_for,
)
from assistant.leads import STATUSES as LEAD_STATUSES
from assistant.leads import Lead, Leads
from assistant.messages import N_, button, message, with_calendar
from assistant.policy.municipality import Municipality, Team
from assistant.settings import Settings
from assistant.storage import ProfileStore
from bot.callback import CallBackDialogue
from bot.feedback import FeedbackDialogue
from bot.gateway import Gateway, Reply, clean_user_text
from bot.i18n import Translator
from bot.lead import LeadDialogue
from bot.live import POLL_SECONDS as LIVE_POLL_SECONDS
from bot.live import WAIT_SECONDS as LIVE_WAIT_SECONDS
from bot.live import LiveChat
from bot.staff.accounts import (
    MAX_FAILURES_PER_ACCOUNT,
    MAX_FAILURES_PER_ADDRESS,
    AccountError,
    LiveSession,
    StaffAccounts,
    StaffMember,
)
from bot.staff.bookings import ATTENDANCE, StaffActions, StaffBookings
from bot.staff.charts import bar_chart, column_chart
from bot.staff.insight import PERIODS, InsightReader, Table, as_csv
from bot.staff.texts import S_, StaffTexts
from bot.web.history import history_messages

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Push = Callable[[str, list[Reply]], Awaitable[None]]  # a message unasked, to telegram:<id>

logger = logging.getLogger(__name__)

PREFIX = "/staff"
SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# Pages reachable without a session, and those reachable between password and code.
PUBLIC_ROUTES = {"login", "login_post"}
DONE_NOTICES = (S_("staff.done.attendance"), S_("staff.done.cancelled"),
                S_("staff.done.cancelled_told"), S_("staff.done.hours"), S_("staff.done.reset"),
                S_("staff.done.reopened"), S_("staff.done.queue_take"),
                S_("staff.done.queue_close"), S_("staff.done.queue_gone"),
                S_("staff.done.account_created"), S_("staff.done.account_changed"),
                S_("staff.done.handed_back"), S_("staff.done.live_closed"),
                S_("staff.done.callback_done"), S_("staff.done.moved"),
                S_("staff.done.moved_told"), S_("staff.done.marked"),
                S_("staff.done.lead_status"))
# Residents' feedback on the insight page: a rating, and the answers that are no topic.
RATING_LABELS = {"up": S_("staff.insight.rating.up"), "down": S_("staff.insight.rating.down")}
ANSWER_LABELS = {"booking": S_("staff.insight.answer.booking"),
                 "goodbye": S_("staff.insight.answer.goodbye"),
                 "check": S_("staff.insight.answer.check")}
SECOND_FACTOR_ROUTES = {"code", "code_post", "enrol", "enrol_post", "logout"}


class StaffConsole:
    def __init__(self, settings: Settings, translator: Translator,
                 municipality: Municipality, *, gateway: Gateway | None = None,
                 push: Push | None = None, queue: HandoverQueue | None = None) -> None:
        self.settings = settings
        self.translator = translator
        self.municipality = municipality
        self.gateway = gateway
        self.push = push  # None: no channel to tell residents on (Telegram off)
        self.zone = ZoneInfo(municipality.timezone)
        self.accounts = StaffAccounts(settings.database_url)
        self.bookings = StaffBookings(settings.database_url, municipality.timezone)
        self.changes = StaffActions(settings.database_url)
        self.capacity = Capacity(settings.database_url)
        self.profiles = ProfileStore(settings.database_url)
        self.queue = queue or queue_for(settings.database_url)
        # The live handover shares the gateway's: the gateway routes a resident's messages.
        self.live: LiveChat | None = None
        if gateway is not None:
            if gateway.live is None:
                gateway.live = LiveChat(self.queue, gateway.render, push,
                                        wait_minutes=settings.handover_wait_minutes,
                                        team_key=self.team_key,
                                        remember=gateway.remember_offered)
            self.live = gateway.live
        self.callbacks = CallBacks(settings.database_url)
        self.insight = InsightReader(settings.database_url, municipality.timezone)
        self.leads = Leads(settings.database_url)
        self.feedback = FeedbackStore(settings.database_url)
        if gateway is not None and not gateway.side_dialogues:
            gateway.feedback = FeedbackDialogue(self.feedback, gateway.render)
            gateway.side_dialogues = [
                CallBackDialogue(self.callbacks, gateway.render, self.team_key),
                LeadDialogue(self.leads, gateway.render,
                             lambda: self.team_key(municipality.employer_team) or ""),
                gateway.feedback]
        self.book = AppointmentBook(
            municipality, settings.database_url, days_ahead=settings.booking_days_ahead,
            min_notice=timedelta(minutes=settings.min_notice_minutes), capacity=self.capacity)
        self.texts = StaffTexts.load(settings.locales_dir)
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
            undefined=jinja2.StrictUndefined)
        self.templates.globals.update(_=self.texts, team_name=self.team_name, prefix=PREFIX,
                                      language_name=self.language_name,
                                      employer_team=municipality.employer_team,
                                      weekday_name=self.weekday_name,
                                      topic_name=self.topic_name)

    # rendering

    def team_name(self, team_code: str) -> str:
        """The team's label for staff (``staff.team.<code>``), else its name for residents."""
        label = self.texts(f"staff.team.{team_code}")
        if label != f"staff.team.{team_code}":
            return label
        team = self.municipality.teams.get(team_code)
        return self.translator.text(team.name_key, "nl") if team else team_code

    def language_name(self, code: str | None) -> str:
        """A resident's language by its Dutch name (``staff.language.<code>``)."""
        if not code:
            return "–"
        label = self.texts(f"staff.language.{code}")
        return code if label == f"staff.language.{code}" else label

    def team_key(self, team_code: str) -> str | None:
        team = self.municipality.teams.get(team_code)
        return team.name_key if team else None

    def topic_name(self, topic: str | None) -> str:
        """A booking's topic (an intent) by its label in the residents' catalog."""
        return self.translator.text(f"intent.{topic}", "nl") if topic else "–"

    def weekday_name(self, weekday: int) -> str:
        return self.texts(f"staff.weekday.{weekday}")

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

    async def appointment(self, request: web.Request, *, status: int = 200,
                          error: str | None = None) -> web.Response:
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
        free = [] if booking.cancelled else await asyncio.to_thread(
            self.book.free_slots, booking.team_code, limit=30)
        return self.render(request, "appointment.html", booking=booking,
                           notice=self.notice(request), error=error, status=status,
                           free=[moment.astimezone(self.zone) for moment in free],
                           can_tell=booking.channel == "telegram" and self.push is not None)

    def notice(self, request: web.Request) -> str | None:
        """A short confirmation after a change (``?done=<what>``, one of ours only)."""
        done = request.query.get("done", "")
        key = f"staff.done.{done}"
        return self.texts(key) if key in DONE_NOTICES else None

    async def own_booking(self, request: web.Request):
        """The appointment of the URL if this staff member may change it, else a refusal."""
        live: LiveSession = request["staff"]
        booking = await asyncio.to_thread(self.bookings.find, request.match_info["reference"])
        if booking is None:
            return None, self.refuse(request, 404, "staff.error.not_found")
        if not live.member.may_see_team(booking.team_code):
            await asyncio.to_thread(self.accounts.audit, live.member, "appointment.refused",
                                    booking.reference, booking.team_code)
            return None, self.refuse(request, 403, "staff.error.other_team")
        return booking, None

    async def attendance(self, request: web.Request) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        booking, refusal = await self.own_booking(request)
        if refusal is not None:
            return refusal
        value = str((await request.post()).get("attendance", ""))
        if value not in (*ATTENDANCE, "none"):
            return self.refuse(request, 400, "staff.error.bad_form")
        await asyncio.to_thread(self.changes.set_attendance, booking.reference,
                                None if value == "none" else value)
        await asyncio.to_thread(self.accounts.audit, live.member, f"appointment.{value}",
                                booking.reference, booking.team_code)
        target = (f"{PREFIX}/teams/{booking.team_code}/{booking.start.date().isoformat()}"
                  if (await request.post()).get("back") == "day"
                  else f"{PREFIX}/appointments/{booking.reference}?done=attendance")
        raise web.HTTPSeeOther(target)

    async def cancel(self, request: web.Request) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        booking, refusal = await self.own_booking(request)
        if refusal is not None:
            return refusal
        cancelled = await asyncio.to_thread(self.changes.cancel, booking.reference,
                                            live.member.email)
        if cancelled is None:
            raise web.HTTPSeeOther(f"{PREFIX}/appointments/{booking.reference}")
        await asyncio.to_thread(self.accounts.audit, live.member, "appointment.cancel",
                                booking.reference, booking.team_code)
        told = await self.tell_resident(*cancelled)
        raise web.HTTPSeeOther(f"{PREFIX}/appointments/{booking.reference}"
                               f"?done={'cancelled_told' if told else 'cancelled'}")

    async def move(self, request: web.Request) -> web.StreamResponse:
        """Move an appointment to another free time for the resident (who is told on
        Telegram); a time that was taken meanwhile or is not offered is refused."""
        live: LiveSession = request["staff"]
        booking, refusal = await self.own_booking(request)
        if refusal is not None:
            return refusal
        try:
            start = datetime.fromisoformat(str((await request.post()).get("start", "")))
        except ValueError:
            start = None
        owner = await asyncio.to_thread(self.changes.owner_of, booking.reference)
        if start is None or start.tzinfo is None or owner is None:
            return await self.appointment(request, status=400,
                                          error=self.texts("staff.appointment.move_error"))
        try:
            moved = await asyncio.to_thread(self.book.reschedule, owner, booking.reference,
                                            start)
        except BookingError:  # taken meanwhile, not offered, in the past, or cancelled
            return await self.appointment(request, status=409,
                                          error=self.texts("staff.appointment.move_taken"))
        await asyncio.to_thread(self.accounts.audit, live.member, "appointment.move",
                                booking.reference, booking.team_code)
        told = await self.tell_resident(owner, moved, N_("appointments.moved_by_municipality"),
                                        [button("menu.list_appointments",
                                                "/list_appointments")])
        raise web.HTTPSeeOther(f"{PREFIX}/appointments/{booking.reference}"
                               f"?done={'moved_told' if told else 'moved'}")

    async def tell_resident(self, owner_id: str, appointment: BookedAppointment,
                            key: str = N_("appointments.cancelled_by_municipality"),
                            buttons: list[dict] | None = None) -> bool:
        """Tell a Telegram resident their appointment was cancelled (or moved); False when
        they cannot be reached (web chat, Telegram off, or the message failed)."""
        if self.push is None or self.gateway is None or not owner_id.startswith("telegram:"):
            return False
        profile = await asyncio.to_thread(self.profiles.get, owner_id)
        language = (profile.language if profile and profile.language
                    else self.settings.default_language)
        notice = message(key, buttons or [button("menu.book_appointment", "/book_appointment")],
                         **describe(appointment, self.municipality))
        # followed by the appointment's .ics as it is now (moved, or cancelled)
        notice = with_calendar(notice, appointment.reference,
                               cancelled=key == N_("appointments.cancelled_by_municipality"))
        try:
            await self.push(owner_id, [self.gateway.render(notice, language)])
        except Exception:  # the cancellation stands; the page says the resident was not told
            logger.exception("could not tell %s about a cancellation", owner_id)
            return False
        return True

    # capacity (beheerders)

    async def capacity_page(self, request: web.Request, *, status: int = 200,
                            error: str | None = None, closed_now: date | None = None,
                            hours_typed: dict[int, str] | None = None) -> web.Response:
        live: LiveSession = request["staff"]
        team_code = request.match_info["team"]
        if team_code not in self.municipality.teams:
            return self.refuse(request, 404, "staff.error.not_found")
        if not live.member.is_beheerder:
            return self.refuse(request, 403, "staff.error.beheerder_only")
        team = await asyncio.to_thread(self.book.team, team_code)
        today = self.today()
        closed = await asyncio.to_thread(self.capacity.closed_days, team_code, today)
        follow_up = {}
        for day in closed:
            follow_up[day.day] = await asyncio.to_thread(self.bookings.active_on_day,
                                                         team_code, day.day)
        free = await asyncio.to_thread(self.book.free_slots, team_code, limit=12)
        hours = hours_typed or {day: format_periods(team.opening_hours.get(day, ()))
                                for day in range(7)}
        own = await asyncio.to_thread(self.capacity.has_own_schedule, team_code)
        return self.render(request, "capacity.html", status=status, team_code=team_code,
                           team=team, hours=hours, own_schedule=own, closed=closed,
                           follow_up=follow_up, closed_now=closed_now, error=error,
                           free=[moment.astimezone(self.zone) for moment in free],
                           notice=self.notice(request), today=today.isoformat())

    def capacity_error(self, error: CapacityError) -> str:
        arguments = dict(error.arguments)
        if isinstance(arguments.get("day"), int):
            arguments["day"] = self.weekday_name(arguments["day"])
        return self.texts(error.key, **arguments)

    async def save_hours(self, request: web.Request) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        team_code = request.match_info["team"]
        if not live.member.is_beheerder or team_code not in self.municipality.teams:
            return await self.capacity_page(request)
        form = await request.post()
        typed = {day: str(form.get(f"hours_{day}", "")) for day in range(7)}
        try:
            team = validated_team(self.municipality.team(team_code), typed,
                                  str(form.get("slot_minutes", "")), str(form.get("seats", "")))
        except CapacityError as error:
            return await self.capacity_page(request, status=400, hours_typed=typed,
                                            error=self.capacity_error(error))
        await asyncio.to_thread(self.capacity.save, team, live.member.email)
        await asyncio.to_thread(self.accounts.audit, live.member, "capacity.hours", "uren",
                                team_code)
        raise web.HTTPSeeOther(f"{PREFIX}/capacity/{team_code}?done=hours")

    async def reset_hours(self, request: web.Request) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        team_code = request.match_info["team"]
        if not live.member.is_beheerder or team_code not in self.municipality.teams:
            return await self.capacity_page(request)
        await asyncio.to_thread(self.capacity.reset, team_code)
        await asyncio.to_thread(self.accounts.audit, live.member, "capacity.reset", "uren",
                                team_code)
        raise web.HTTPSeeOther(f"{PREFIX}/capacity/{team_code}?done=reset")

    async def close_day(self, request: web.Request) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        team_code = request.match_info["team"]
        if not live.member.is_beheerder or team_code not in self.municipality.teams:
            return await self.capacity_page(request)
        form = await request.post()
        try:
            day = date.fromisoformat(str(form.get("day", "")))
        except ValueError:
            return await self.capacity_page(request, status=400,
                                            error=self.texts("staff.capacity.error.date"))
        if day < self.today():
            return await self.capacity_page(request, status=400,
                                            error=self.texts("staff.capacity.error.past"))
        reason = str(form.get("reason", ""))[:200]
        await asyncio.to_thread(self.capacity.close_day, team_code, day, reason,
                                live.member.email)
        await asyncio.to_thread(self.accounts.audit, live.member, "capacity.close",
                                day.isoformat(), team_code)
        return await self.capacity_page(request, closed_now=day)

    async def reopen_day(self, request: web.Request) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        team_code = request.match_info["team"]
        if not live.member.is_beheerder or team_code not in self.municipality.teams:
            return await self.capacity_page(request)
        try:
            day = date.fromisoformat(str((await request.post()).get("day", "")))
        except ValueError:
            return await self.capacity_page(request, status=400,
                                            error=self.texts("staff.capacity.error.date"))
        await asyncio.to_thread(self.capacity.reopen_day, team_code, day)
        await asyncio.to_thread(self.accounts.audit, live.member, "capacity.reopen",
                                day.isoformat(), team_code)
        raise web.HTTPSeeOther(f"{PREFIX}/capacity/{team_code}?done=reopened")

    async def audit_log(self, request: web.Request) -> web.Response:
        live: LiveSession = request["staff"]
        if not live.member.is_beheerder:
            return self.refuse(request, 403, "staff.error.beheerder_only")
        lines = await asyncio.to_thread(self.accounts.audit_lines)
        return self.render(request, "audit.html", lines=lines, zone=self.zone)

    # the handover queue

    async def queue_page(self, request: web.Request) -> web.Response:
        live: LiveSession = request["staff"]
        teams = None if live.member.is_beheerder else live.member.teams
        tickets = await asyncio.to_thread(self.queue.open_tickets, teams)
        await asyncio.to_thread(self.accounts.audit, live.member, "queue.view",
                                str(len(tickets)))
        return self.render(request, "queue.html", tickets=tickets, zone=self.zone,
                           notice=self.notice(request), version=queue_version(tickets),
                           wait_minutes=self.live.wait_minutes if self.live else 0)

    async def queue_rows(self, request: web.Request) -> web.Response:
        """GET …/queue/rows?version=<v>: the queue's table as soon as it differs from the
        version the page shows (a long poll of at most ~20 s; the queue page's live update).
        Woken at once by this process's changes and reading the queue every few seconds for
        another process's. Not audited per poll: opening the page is."""
        live: LiveSession = request["staff"]
        teams = None if live.member.is_beheerder else live.member.teams
        shown = request.query.get("version", "")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LIVE_WAIT_SECONDS
        while True:
            tickets = await asyncio.to_thread(self.queue.open_tickets, teams)
            version = queue_version(tickets)
            left = deadline - loop.time()
            if version != shown or left <= 0 or self.live is None:
                break
            await self.live.queue_changed(min(left, LIVE_POLL_SECONDS))
        data: dict[str, object] = {"version": version,
                                   "waiting": sum(t.status == WAITING for t in tickets)}
        if version != shown:
            data["html"] = self.templates.get_template("queue_rows.html").render(
                me=live.member, csrf=live.csrf_token, tickets=tickets, zone=self.zone)
        return web.json_response(data, headers={"Cache-Control": "no-store"})

    async def queue_change(self, request: web.Request) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        try:
            ticket_id = int(request.match_info["ticket"])
        except ValueError:
            return self.refuse(request, 404, "staff.error.not_found")
        ticket = await asyncio.to_thread(self.queue.find, ticket_id)
        if ticket is None:
            return self.refuse(request, 404, "staff.error.not_found")
        if not live.member.may_see_team(ticket.team_code):
            await asyncio.to_thread(self.accounts.audit, live.member, "queue.refused",
                                    str(ticket_id), ticket.team_code)
            return self.refuse(request, 403, "staff.error.other_team")
        action = request.match_info["action"]
        if action == "take":
            changed = await self.take(ticket_id, live.member)
        elif self.live is not None:
            changed = await self.live.end(ticket, False, live.member.name)
        else:
            changed = await asyncio.to_thread(self.queue.close, ticket_id)
        if changed is None:
            raise web.HTTPSeeOther(f"{PREFIX}/queue?done=queue_gone")
        await asyncio.to_thread(self.accounts.audit, live.member, f"queue.{action}",
                                str(ticket_id), ticket.team_code)
        if action == "take" and self.live is not None:  # on to the conversation
            raise web.HTTPSeeOther(f"{PREFIX}/conversations/{ticket_id}?done=queue_take")
        raise web.HTTPSeeOther(f"{PREFIX}/queue?done=queue_{action}")

    async def take(self, ticket_id: int, member: StaffMember) -> Ticket | None:
        if self.live is None:
            return await asyncio.to_thread(self.queue.take, ticket_id, member.email)
        return await self.live.take(ticket_id, member.email, member.name)

    # the live conversation

    async def own_ticket(self, request: web.Request, audit_as: str):
        """The ticket of the URL if this staff member may see it (audited), else a refusal."""
        live: LiveSession = request["staff"]
        try:
            ticket_id = int(request.match_info["ticket"])
        except ValueError:
            return None, self.refuse(request, 404, "staff.error.not_found")
        ticket = await asyncio.to_thread(self.queue.find, ticket_id)
        if ticket is None or self.live is None:
            return None, self.refuse(request, 404, "staff.error.not_found")
        if not live.member.may_see_team(ticket.team_code):
            await asyncio.to_thread(self.accounts.audit, live.member, "conversation.refused",
                                    str(ticket_id), ticket.team_code)
            return None, self.refuse(request, 403, "staff.error.other_team")
        if audit_as:
            await asyncio.to_thread(self.accounts.audit, live.member, audit_as,
                                    str(ticket_id), ticket.team_code)
        return ticket, None

    def may_answer(self, member: StaffMember, ticket: Ticket) -> bool:
        """Only the medewerker who took it talks with the resident (a beheerder may end it)."""
        return ticket.status == TAKEN and ticket.taken_by == member.email

    async def conversation_page(self, request: web.Request) -> web.Response:
        live: LiveSession = request["staff"]
        ticket, refusal = await self.own_ticket(request, "conversation.view")
        if refusal is not None:
            return refusal
        transcript = await self.transcript(ticket.owner_id)
        lines = await asyncio.to_thread(self.queue.lines, ticket.id)
        return self.render(request, "conversation.html", ticket=ticket, transcript=transcript,
                           lines=[self.line_json(line) for line in lines], zone=self.zone,
                           after=lines[-1].id if lines else 0, notice=self.notice(request),
                           may_answer=self.may_answer(live.member, ticket),
                           may_end=ticket.status != CLOSED and (
                               self.may_answer(live.member, ticket)
                               or live.member.is_beheerder),
                           max_chars=MAX_LINE_CHARS)

    async def transcript(self, owner_id: str) -> list[dict]:
        """The conversation with the assistant so far, from Rasa's tracker: the assistant's
        messages in Dutch, the resident's own words (personal data replaced at the gateway)."""
        tracker = await self.gateway.tracker(owner_id) if self.gateway is not None else None
        if tracker is None:
            return []
        return history_messages(self.gateway, tracker.get("events") or [], "nl")

    def line_json(self, line: Line) -> dict:
        text = line.text
        if line.author == "notice" and self.live is not None:
            text = self.live.text_of(line, "nl")
        return {"id": line.id, "author": line.author, "text": text,
                "name": line.staff_name or "",
                "at": line.created_at.astimezone(self.zone).strftime("%H:%M")}

    async def conversation_lines(self, request: web.Request) -> web.Response:
        """GET …/lines?after=<id>: new lines as JSON, as soon as there is one (a long poll)."""
        ticket, refusal = await self.own_ticket(request, "")
        if refusal is not None:
            return refusal
        try:
            after = max(0, int(request.query.get("after", "0")))
        except ValueError:
            after = 0
        lines = await self.live.lines_for_staff(ticket.id, after)
        current = await asyncio.to_thread(self.queue.find, ticket.id)
        return web.json_response({"lines": [self.line_json(line) for line in lines],
                                  "after": lines[-1].id if lines else after,
                                  "status": current.status if current else CLOSED},
                                 headers={"Cache-Control": "no-store"})

    async def conversation_say(self, request: web.Request) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        ticket, refusal = await self.own_ticket(request, "")
        if refusal is not None:
            return refusal
        if not self.may_answer(live.member, ticket):
            return self.refuse(request, 403, "staff.error.not_yours")
        text = clean_user_text(str((await request.post()).get("text", "")))[:MAX_LINE_CHARS]
        if text:
            await self.live.say(ticket, text, live.member.name)
        if request.headers.get("Accept") == "application/json":  # staff.js: no reload
            return web.json_response({"ok": True}, headers={"Cache-Control": "no-store"})
        raise web.HTTPSeeOther(f"{PREFIX}/conversations/{ticket.id}")

    async def conversation_end(self, request: web.Request) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        ticket, refusal = await self.own_ticket(request, "")
        if refusal is not None:
            return refusal
        if not (self.may_answer(live.member, ticket) or live.member.is_beheerder):
            return self.refuse(request, 403, "staff.error.not_yours")
        action = request.match_info["action"]
        ended = await self.live.end(ticket, action == "handback", live.member.name)
        if ended is None:
            raise web.HTTPSeeOther(f"{PREFIX}/queue?done=queue_gone")
        await asyncio.to_thread(self.accounts.audit, live.member, f"conversation.{action}",
                                str(ticket.id), ticket.team_code)
        done = "handed_back" if action == "handback" else "live_closed"
        raise web.HTTPSeeOther(f"{PREFIX}/queue?done={done}")

    # call-back requests

    async def callbacks_page(self, request: web.Request) -> web.Response:
        live: LiveSession = request["staff"]
        teams = None if live.member.is_beheerder else live.member.teams
        requests = await asyncio.to_thread(self.callbacks.open_requests, teams)
        await asyncio.to_thread(self.accounts.audit, live.member, "callback.view",
                                str(len(requests)))
        return self.render(request, "callbacks.html", requests=requests, zone=self.zone,
                           phone=readable_phone, notice=self.notice(request))

    async def callback_done(self, request: web.Request) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        try:
            callback = await asyncio.to_thread(self.callbacks.find,
                                               int(request.match_info["callback"]))
        except ValueError:
            callback = None
        if callback is None:
            return self.refuse(request, 404, "staff.error.not_found")
        if not live.member.may_see_team(callback.team_code):
            await asyncio.to_thread(self.accounts.audit, live.member, "callback.refused",
                                    str(callback.id), callback.team_code)
            return self.refuse(request, 403, "staff.error.other_team")
        if await asyncio.to_thread(self.callbacks.done, callback.id, live.member.email):
            await asyncio.to_thread(self.accounts.audit, live.member, "callback.done",
                                    str(callback.id), callback.team_code)
        raise web.HTTPSeeOther(f"{PREFIX}/callbacks?done=callback_done")

    # employer leads (the employer desk and beheerders)

    def may_see_leads(self, member: StaffMember) -> bool:
        return member.may_see_team(self.municipality.employer_team)

    def lead_rows(self, lead: Lead) -> list[tuple[str, str]]:
        """A lead's answers as the desk reads them (Dutch labels of the residents' catalog)."""
        rows = []
        for label, value in lead.summary:
            if isinstance(value, dict) and isinstance(value.get("key"), str):
                value = self.translator.text(value["key"], "nl", value.get("args") or {})
            rows.append((self.translator.text(str(label), "nl"), str(value)))
        return rows

    async def leads_page(self, request: web.Request) -> web.Response:
        live: LiveSession = request["staff"]
        if not self.may_see_leads(live.member):
            return self.refuse(request, 403, "staff.error.other_team")
        leads = await asyncio.to_thread(self.leads.all)
        await asyncio.to_thread(self.accounts.audit, live.member, "lead.view", str(len(leads)),
                                self.municipality.employer_team)
        return self.render(request, "leads.html", leads=leads, zone=self.zone,
                           statuses=LEAD_STATUSES, answers=self.lead_rows,
                           provision=lambda key: self.translator.text(key, "nl"),
                           notice=self.notice(request))

    async def lead_status(self, request: web.Request) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        if not self.may_see_leads(live.member):
            return self.refuse(request, 403, "staff.error.other_team")
        status = str((await request.post()).get("status", ""))
        try:
            lead_id = int(request.match_info["lead"])
        except ValueError:
            return self.refuse(request, 404, "staff.error.not_found")
        if status not in LEAD_STATUSES:
            return self.refuse(request, 400, "staff.error.bad_form")
        if await asyncio.to_thread(self.leads.set_status, lead_id, status,
                                   live.member.email) is None:
            return self.refuse(request, 404, "staff.error.not_found")
        await asyncio.to_thread(self.accounts.audit, live.member, "lead.status",
                                f"{lead_id}:{status}", self.municipality.employer_team)
        raise web.HTTPSeeOther(f"{PREFIX}/leads?done=lead_status")

    # insight (beheerders)

    def period(self, request: web.Request) -> int:
        try:
            days = int(request.query.get("days", "30"))
        except ValueError:
            days = 30
        return days if days in PERIODS else 30

    def cell(self, column: str, value: object) -> str:
        """A table's value as staff read it: teams, languages, topics and measures by name."""
        if column == "staff.insight.col.team":
            return self.team_name(str(value))
        if column == "staff.insight.col.language":
            return self.language_name(str(value))
        if column == "staff.insight.col.topic":
            return self.topic_name(str(value))
        if column == "staff.insight.col.measure":
            return self.texts(str(value))
        if column == "staff.insight.col.answer_topic":
            return self.answer_topic_name(str(value))
        if column == "staff.insight.col.rating":
            return self.texts(RATING_LABELS.get(str(value), str(value)))
        return str(value)

    def answer_topic_name(self, topic: str) -> str:
        """What a rated answer was about (assistant/feedback.py ``topic_of``), in Dutch: a
        provision's or check's title, a topic's label, or the booking and the goodbye."""
        kind, _, name = topic.partition(".")
        if kind in ("policy", "check") and name:
            title = self.translator.text(f"{kind}.{name}.title", "nl")
            if title != f"{kind}.{name}.title":
                return title
        if kind == "topic" and name:
            return self.topic_name(name)
        return self.texts(ANSWER_LABELS[topic]) if topic in ANSWER_LABELS else topic

    def charts(self, insight) -> dict:
        label = self.cell
        return {
            "conversations_per_day": column_chart(
                [(day, count) for day, count in insight.conversations_per_day.rows],
                self.texts("staff.insight.per_day")),
            "languages": bar_chart(
                [(label("staff.insight.col.language", language), count)
                 for language, count in insight.languages.rows],
                self.texts("staff.insight.languages")),
            "topics": bar_chart([(label("staff.insight.col.topic", topic), count)
                                 for topic, count in insight.topics.rows],
                                self.texts("staff.insight.topics")),
            "bookings": bar_chart([(label("staff.insight.col.team", row[0]), row[4])
                                   for row in insight.bookings.rows],
                                  self.texts("staff.insight.no_shows")),
            "feedback_per_day": column_chart(  # no chart of zeros before the first rating
                [(day, up + down) for day, up, down, _ in insight.feedback_per_day.rows]
                if insight.feedback_topics.rows else [],
                self.texts("staff.insight.feedback_per_day")),
            "feedback_topics": bar_chart(
                [(label("staff.insight.col.answer_topic", topic),
                  round(up / (up + down) * 100, 1))
                 for topic, up, down, _ in insight.feedback_topics.rows if up + down],
                self.texts("staff.insight.feedback_positive_chart")),
        }

    async def insight_page(self, request: web.Request) -> web.Response:
        live: LiveSession = request["staff"]
        if not live.member.is_beheerder:
            return self.refuse(request, 403, "staff.error.beheerder_only")
        days = self.period(request)
        insight = await asyncio.to_thread(self.insight.read, days)
        await asyncio.to_thread(self.accounts.audit, live.member, "insight.view", str(days))
        return self.render(request, "insight.html", insight=insight, days=days,
                           periods=PERIODS, charts=self.charts(insight), cell=self.cell,
                           notice=self.notice(request))

    async def insight_csv(self, request: web.Request) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        if not live.member.is_beheerder:
            return self.refuse(request, 403, "staff.error.beheerder_only")
        days = self.period(request)
        insight = await asyncio.to_thread(self.insight.read, days)
        table: Table | None = getattr(insight, request.match_info["table"], None)
        if not isinstance(table, Table):
            return self.refuse(request, 404, "staff.error.not_found")
        await asyncio.to_thread(self.accounts.audit, live.member, "insight.export", table.name)
        return web.Response(
            text=as_csv(table, self.texts, self.cell), content_type="text/csv", charset="utf-8",
            headers={"Content-Disposition":
                     f'attachment; filename="{table.name}-{days}d.csv"',
                     "Cache-Control": "no-store"})

    async def insight_mark(self, request: web.Request) -> web.StreamResponse:
        """Mark a question the assistant did not understand as training material."""
        live: LiveSession = request["staff"]
        if not live.member.is_beheerder:
            return self.refuse(request, 403, "staff.error.beheerder_only")
        form = await request.post()
        if await asyncio.to_thread(self.insight.mark, str(form.get("question", "")),
                                   str(form.get("language", "")), live.member.email):
            await asyncio.to_thread(self.accounts.audit, live.member, "insight.mark",
                                    str(form.get("language", ""))[:16])
        raise web.HTTPSeeOther(f"{PREFIX}/insight?days={self.period(request)}&done=marked"
                               "#not_understood")

    # accounts (beheerders)

    async def accounts_page(self, request: web.Request, *, status: int = 200,
                            error: str | None = None) -> web.Response:
        live: LiveSession = request["staff"]
        if not live.member.is_beheerder:
            return self.refuse(request, 403, "staff.error.beheerder_only")
        members = await asyncio.to_thread(self.accounts.all_members)
        return self.render(request, "accounts.html", status=status, members=members,
                           teams=list(self.municipality.teams), error=error,
                           notice=self.notice(request))

    async def create_account(self, request: web.Request) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        if not live.member.is_beheerder:
            return self.refuse(request, 403, "staff.error.beheerder_only")
        form = await request.post()
        teams = frozenset(str(t) for t in form.getall("team", [])
                          if str(t) in self.municipality.teams)
        try:
            created = await asyncio.to_thread(
                self.accounts.create, str(form.get("email", "")), str(form.get("name", "")),
                str(form.get("password", "")), str(form.get("role", "")), teams)
        except AccountError as error:
            return await self.accounts_page(request, status=400, error=self.texts(str(error)))
        await asyncio.to_thread(self.accounts.audit, live.member, "account.create",
                                created.email[:64])
        raise web.HTTPSeeOther(f"{PREFIX}/accounts?done=account_created")

    async def switch_account(self, request: web.Request) -> web.StreamResponse:
        live: LiveSession = request["staff"]
        if not live.member.is_beheerder:
            return self.refuse(request, 403, "staff.error.beheerder_only")
        email = str((await request.post()).get("email", ""))
        disable = request.match_info["action"] == "disable"
        if disable and email.lower() == live.member.email:
            return await self.accounts_page(request, status=400,
                                            error=self.texts("staff.account.error.self"))
        if not await asyncio.to_thread(self.accounts.set_disabled, email, disable):
            return self.refuse(request, 404, "staff.error.not_found")
        await asyncio.to_thread(self.accounts.audit, live.member,
                                f"account.{request.match_info['action']}", email[:64])
        raise web.HTTPSeeOther(f"{PREFIX}/accounts?done=account_changed")

    def install(self, app: web.Application) -> None:
        """Add the console's routes and guard to the web chat's application (routes of our
        own under /staff rather than a sub-application: aiohttp 3.9's sub-applications
        cannot resolve a request whose Host carries a port with the yarl Rasa needs)."""
        app.middlewares.append(self.guard)
        if self.live is not None:
            app.on_startup.append(self.load_live)
            app.on_cleanup.append(self.stop_live)
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
            ("POST", "/appointments/{reference}/attendance", self.attendance, "attendance"),
            ("POST", "/appointments/{reference}/cancel", self.cancel, "cancel"),
            ("POST", "/appointments/{reference}/move", self.move, "move"),
            ("GET", "/capacity/{team}", self.capacity_page, "capacity"),
            ("POST", "/capacity/{team}/hours", self.save_hours, "capacity_hours"),
            ("POST", "/capacity/{team}/reset", self.reset_hours, "capacity_reset"),
            ("POST", "/capacity/{team}/close", self.close_day, "capacity_close"),
            ("POST", "/capacity/{team}/reopen", self.reopen_day, "capacity_reopen"),
            ("GET", "/queue", self.queue_page, "queue"),
            ("GET", "/queue/rows", self.queue_rows, "queue_rows"),
            ("POST", "/queue/{ticket}/{action:take|close}", self.queue_change,
             "queue_change"),
            ("GET", "/conversations/{ticket}", self.conversation_page, "conversation"),
            ("GET", "/conversations/{ticket}/lines", self.conversation_lines,
             "conversation_lines"),
            ("POST", "/conversations/{ticket}/say", self.conversation_say, "conversation_say"),
            ("POST", "/conversations/{ticket}/{action:handback|close}", self.conversation_end,
             "conversation_end"),
            ("GET", "/callbacks", self.callbacks_page, "callbacks"),
            ("POST", "/callbacks/{callback}/done", self.callback_done, "callback_done"),
            ("GET", "/leads", self.leads_page, "leads"),
            ("POST", "/leads/{lead}/status", self.lead_status, "lead_status"),
            ("GET", "/insight", self.insight_page, "insight"),
            ("GET", "/insight/{table}.csv", self.insight_csv, "insight_csv"),
            ("POST", "/insight/mark", self.insight_mark, "insight_mark"),
            ("GET", "/accounts", self.accounts_page, "accounts"),
            ("POST", "/accounts", self.create_account, "accounts_create"),
            ("POST", "/accounts/{action:disable|enable}", self.switch_account,
             "accounts_switch"),
            ("GET", "/audit", self.audit_log, "audit"),
        ]

    async def load_live(self, _app: web.Application) -> None:
        """The requests open at start-up (their residents still talk with their medewerker),
        read again every few seconds (another gateway process may take or end one)."""
        await self.live.load()
        self._live_refresh = asyncio.create_task(self.live.refresh_forever())

    async def stop_live(self, _app: web.Application) -> None:
        task = getattr(self, "_live_refresh", None)
        if task is not None:
            task.cancel()

    async def to_home(self, _request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(f"{PREFIX}/")


def set_cookie(request: web.Request, response: web.StreamResponse, name: str,
               value: str) -> None:
    response.set_cookie(name, value, path=PREFIX, httponly=True, samesite="Strict",
                        secure=request.secure)


def queue_version(tickets: list[Ticket]) -> str:
    """What the queue page shows, in short: it changes when a request comes, is taken or
    ends (the live update sends the table again only then)."""
    shown = ";".join(f"{t.id}:{t.status}:{t.taken_by or ''}" for t in tickets)
    return hashlib.sha256(shown.encode("utf-8")).hexdigest()[:16]
