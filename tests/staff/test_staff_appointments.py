"""Appointments and capacity in the console over real HTTP: attendance, cancelling for the
resident (told on Telegram, not on the web chat), hours and closed days by beheerders only,
the bookings of a newly closed day listed, its free times gone from the offer at once."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp

from assistant.appointments import AppointmentBook
from assistant.capacity import Capacity
from assistant.policy.municipality import Municipality
from assistant.storage import ProfileStore
from bot.staff.texts import StaffTexts
from tests.staff.conftest import ConsoleServer, PushRecorder, Staffer, csrf_of, log_in
from tests.staff.test_staff_access import NO_REDIRECTS, book, local_day

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


async def page_csrf(client: aiohttp.ClientSession, url: str) -> tuple[str, str]:
    async with client.get(url) as response:
        assert response.status == 200, url
        text = await response.text()
        return text, csrf_of(text)


async def test_marking_arrival_and_no_show(console_server: ConsoleServer,
                                           client: aiohttp.ClientSession, medewerker: Staffer,
                                           sqlite_url: str, midden_drenthe: Municipality,
                                           staff_texts: StaffTexts) -> None:
    appointments = AppointmentBook(midden_drenthe, sqlite_url)
    appointment = appointments.book("telegram:7", "klantmanager",
                                    appointments.free_slots("klantmanager", limit=1)[0],
                                    language="ti", topic="apply_benefit")
    await log_in(client, console_server, medewerker, sqlite_url)
    day_url = f"{console_server.url}/teams/klantmanager/{local_day(appointment)}"
    page, csrf = await page_csrf(client, day_url)
    row = page.split(f">{appointment.reference}</a>")[1].split("</tr>")[0]
    assert "<td>Tigrinya</td>" in row and "<td>Uitkering aanvragen</td>" in row
    action = f"{console_server.url}/appointments/{appointment.reference}/attendance"
    async with client.post(action, data={"csrf": csrf, "attendance": "no_show",
                                         "back": "day"}) as response:
        assert str(response.url) == day_url
        assert staff_texts("staff.status.no_show") in await response.text()
    async with client.post(action, data={"csrf": csrf, "attendance": "none"}) as response:
        page = await response.text()
        assert staff_texts("staff.done.attendance") in page
        assert staff_texts("staff.status.booked") in page
    async with client.post(action, data={"csrf": csrf, "attendance": "maybe"}) as response:
        assert response.status == 400
    audit = [line.action for line in console_server.accounts.audit_lines()]
    assert "appointment.no_show" in audit and "appointment.none" in audit


async def test_cancelling_for_a_telegram_resident_tells_them_in_their_language(
        console_server: ConsoleServer, client: aiohttp.ClientSession, medewerker: Staffer,
        sqlite_url: str, midden_drenthe: Municipality, push_recorder: PushRecorder,
        staff_texts: StaffTexts) -> None:
    ProfileStore(sqlite_url).save("telegram:4242", "telegram", language="tr")
    appointment = book(midden_drenthe, sqlite_url, "klantmanager", owner="telegram:4242")
    await log_in(client, console_server, medewerker, sqlite_url)
    url = f"{console_server.url}/appointments/{appointment.reference}"
    page, csrf = await page_csrf(client, url)
    assert staff_texts("staff.appointment.cancel_tells") in page
    async with client.post(f"{url}/cancel", data={"csrf": csrf, "sure": "on"}) as response:
        page = await response.text()
    assert staff_texts("staff.done.cancelled_told") in page
    assert staff_texts("staff.status.cancelled") in page and medewerker.member.email in page
    [(sender, [reply])] = push_recorder.sent
    assert sender == "telegram:4242"
    assert "Belediye randevunuzu iptal etti" in reply.text and appointment.reference in reply.text
    assert [b.payload for b in reply.buttons] == ["/book_appointment"]
    # the slot is free again for others
    offered = AppointmentBook(midden_drenthe, sqlite_url).free_slots("klantmanager", limit=1)
    assert offered[0] == appointment.start


async def test_cancelling_for_a_web_chat_resident_says_to_contact_them(
        console_server: ConsoleServer, client: aiohttp.ClientSession, beheerder: Staffer,
        sqlite_url: str, midden_drenthe: Municipality, push_recorder: PushRecorder,
        staff_texts: StaffTexts) -> None:
    appointment = book(midden_drenthe, sqlite_url, "schuldhulp", owner="web:abc")
    await log_in(client, console_server, beheerder, sqlite_url)
    url = f"{console_server.url}/appointments/{appointment.reference}"
    page, csrf = await page_csrf(client, url)
    assert staff_texts("staff.appointment.cancel_call") in page
    async with client.post(f"{url}/cancel", data={"csrf": csrf}) as response:
        assert staff_texts("staff.done.cancelled") in await response.text()
    assert push_recorder.sent == []


async def test_a_medewerker_cannot_change_another_teams_appointment_or_capacity(
        console_server: ConsoleServer, client: aiohttp.ClientSession, medewerker: Staffer,
        sqlite_url: str, midden_drenthe: Municipality) -> None:
    other = book(midden_drenthe, sqlite_url, "schuldhulp")
    csrf = await log_in(client, console_server, medewerker, sqlite_url)
    for action, data in (("cancel", {}), ("attendance", {"attendance": "arrived"})):
        async with client.post(f"{console_server.url}/appointments/{other.reference}/{action}",
                               data={"csrf": csrf, **data}) as response:
            assert response.status == 403
    async with client.get(f"{console_server.url}/capacity/klantmanager") as response:
        assert response.status == 403  # beheerders only, even for their own team
    async with client.post(f"{console_server.url}/capacity/klantmanager/close",
                           data={"csrf": csrf, "day": local_day(other)}) as response:
        assert response.status == 403
    assert Capacity(sqlite_url).closed_dates("klantmanager") == frozenset()
    still = AppointmentBook(midden_drenthe, sqlite_url).upcoming("telegram:42")
    assert [a.reference for a in still] == [other.reference]


async def test_closing_a_day_lists_its_bookings_and_takes_its_times_off_the_offer(
        console_server: ConsoleServer, client: aiohttp.ClientSession, beheerder: Staffer,
        sqlite_url: str, midden_drenthe: Municipality, staff_texts: StaffTexts) -> None:
    offering = AppointmentBook(midden_drenthe, sqlite_url, capacity=Capacity(sqlite_url))
    appointment = book(midden_drenthe, sqlite_url, "klantmanager")
    day = appointment.start.astimezone(AMSTERDAM).date()
    assert any(m.astimezone(AMSTERDAM).date() == day
               for m in offering.free_slots("klantmanager", limit=30))
    await log_in(client, console_server, beheerder, sqlite_url)
    url = f"{console_server.url}/capacity/klantmanager"
    _, csrf = await page_csrf(client, url)
    async with client.post(f"{url}/close", data={"csrf": csrf, "day": day.isoformat(),
                                                 "reason": "Teamuitje"}) as response:
        page = await response.text()
    assert staff_texts("staff.capacity.closed_now", day=day.strftime("%d-%m-%Y"),
                       count=1) in page
    # linked in the notice and in the closed days' follow-up column
    assert page.count(f'/appointments/{appointment.reference}"') == 2
    assert "Teamuitje" in page
    assert all(m.astimezone(AMSTERDAM).date() != day
               for m in offering.free_slots("klantmanager", limit=30))
    # never dropped: the booking is still active and still on the day list
    assert [a.reference for a in offering.upcoming("telegram:42")] == [appointment.reference]

    async with client.post(f"{url}/reopen", data={"csrf": csrf,
                                                  "day": day.isoformat()}) as response:
        assert staff_texts("staff.done.reopened") in await response.text()
    assert any(m.astimezone(AMSTERDAM).date() == day
               for m in offering.free_slots("klantmanager", limit=30))


async def test_hours_are_validated_and_saved(
        console_server: ConsoleServer, client: aiohttp.ClientSession, beheerder: Staffer,
        sqlite_url: str, midden_drenthe: Municipality, staff_texts: StaffTexts) -> None:
    await log_in(client, console_server, beheerder, sqlite_url)
    url = f"{console_server.url}/capacity/taal_inburgering"
    page, csrf = await page_csrf(client, url)
    assert staff_texts("staff.capacity.source_default") in page
    form = {"csrf": csrf, "slot_minutes": "45", "seats": "3",
            **{f"hours_{day}": "" for day in range(7)}, "hours_2": "13:00-11:00"}
    async with client.post(f"{url}/hours", data=form, **NO_REDIRECTS) as response:
        assert response.status == 400
        page = await response.text()
    assert staff_texts("staff.capacity.error.order", day="woensdag",
                       period="13:00-11:00").replace('"', "&#34;") in page
    assert 'value="13:00-11:00"' in page  # what was typed stays in the form
    form["hours_2"] = "9:00-12:00"
    async with client.post(f"{url}/hours", data=form) as response:
        page = await response.text()
    assert staff_texts("staff.done.hours") in page
    assert staff_texts("staff.capacity.source_own") in page
    offering = AppointmentBook(midden_drenthe, sqlite_url, capacity=Capacity(sqlite_url))
    team = offering.team("taal_inburgering")
    assert (team.slot_minutes, team.seats, list(team.opening_hours)) == (45, 3, [2])
    assert {m.astimezone(AMSTERDAM).strftime("%a %H:%M")
            for m in offering.free_slots("taal_inburgering", limit=50)} == {
        "Wed 09:00", "Wed 09:45", "Wed 10:30", "Wed 11:15"}
    _, csrf = await page_csrf(client, url)
    async with client.post(f"{url}/reset", data={"csrf": csrf}) as response:
        assert staff_texts("staff.capacity.source_default") in await response.text()


async def test_moving_for_a_telegram_resident_tells_them_the_new_time(
        console_server: ConsoleServer, client: aiohttp.ClientSession, medewerker: Staffer,
        sqlite_url: str, midden_drenthe: Municipality, push_recorder: PushRecorder,
        staff_texts: StaffTexts) -> None:
    ProfileStore(sqlite_url).save("telegram:4242", "telegram", language="uk")
    appointment = book(midden_drenthe, sqlite_url, "klantmanager", owner="telegram:4242")
    await log_in(client, console_server, medewerker, sqlite_url)
    url = f"{console_server.url}/appointments/{appointment.reference}"
    page, csrf = await page_csrf(client, url)
    assert staff_texts("staff.appointment.move_tells") in page
    offered = re.findall(r'<option value="([^"]+)">', page)
    assert len(offered) > 3 and appointment.start.isoformat() not in offered
    async with client.post(f"{url}/move", data={"csrf": csrf, "start": "morgen"}) as response:
        assert response.status == 400
        assert staff_texts("staff.appointment.move_error") in await response.text()
    night = datetime.fromisoformat(offered[-1]).replace(hour=3, minute=0)
    first = datetime.fromisoformat(offered[0])
    past = (datetime.now(first.tzinfo) - timedelta(days=1)).replace(minute=0, second=0,
                                                                     microsecond=0)
    for refused in (night, past):  # not a time the team offers; a time gone by
        async with client.post(f"{url}/move", data={"csrf": csrf,
                                                     "start": refused.isoformat()}) as response:
            assert response.status == 409
            assert staff_texts("staff.appointment.move_taken") in await response.text()
    async with client.post(f"{url}/move", data={"csrf": csrf,
                                                 "start": offered[2]}) as response:
        page = await response.text()
    assert staff_texts("staff.done.moved_told") in page
    [moved] = AppointmentBook(midden_drenthe, sqlite_url).upcoming("telegram:4242")
    assert (moved.reference, moved.start) == (appointment.reference,
                                               datetime.fromisoformat(offered[2]))
    [(sender, [reply])] = push_recorder.sent
    assert sender == "telegram:4242" and "Муніципалітет переніс ваш запис" in reply.text
    assert appointment.reference in reply.text
    assert [b.payload for b in reply.buttons] == ["/list_appointments"]
    assert "appointment.move" in [line.action for line in console_server.accounts.audit_lines()]
