"""The insight page over real HTTP, from Rasa's own events table (its SQL tracker store's
model) and our tables: conversations per day and language, topics, the fallback and handover
rates, not-understood questions (marked as training material), bookings and no-shows,
handovers; SVG charts, CSV exports (a formula-looking question stays text), beheerders only."""

from __future__ import annotations

import csv
import io
import json
import time

import aiohttp
from rasa.core.tracker_store import SQLTrackerStore

from assistant.appointments import AppointmentBook
from assistant.handover import DatabaseQueue
from assistant.policy.municipality import Municipality
from assistant.settings import conversations_url
from assistant.storage import get_engine
from bot.staff.bookings import StaffActions
from bot.staff.texts import StaffTexts
from tests.staff.conftest import ConsoleServer, Staffer, csrf_of, log_in

DAY = 24 * 3600
FORMULA = "=SOM(A1) wat betekent dit"


def rasa_events(database_url: str, turns: list[tuple[str, float, str, str, str]]) -> None:
    """User turns as Rasa's SQL tracker store writes them: (sender, age in s, intent, text,
    language)."""
    engine = get_engine(conversations_url(database_url))
    SQLTrackerStore.Base.metadata.create_all(engine)
    table = SQLTrackerStore.SQLEvent.__table__
    with engine.begin() as connection:
        for sender, age, intent, text, language in turns:
            stamp = time.time() - age
            data = {"event": "user", "timestamp": stamp, "text": text,
                    "parse_data": {"intent": {"name": intent, "confidence": 0.9}},
                    "metadata": {"channel": sender.split(":")[0], "language": language}}
            connection.execute(table.insert().values(
                sender_id=sender, type_name="user", timestamp=stamp, intent_name=intent,
                action_name=None, data=json.dumps(data)))


async def test_a_beheerder_reads_the_figures_and_exports_them(
        console_server: ConsoleServer, client: aiohttp.ClientSession, beheerder: Staffer,
        medewerker: Staffer, sqlite_url: str, midden_drenthe: Municipality,
        staff_texts: StaffTexts) -> None:
    rasa_events(sqlite_url, [
        ("web:a", 3600, "apply_benefit", "hoe vraag ik bijstand aan", "nl"),
        ("web:a", 3500, "nlu_fallback", FORMULA, "nl"),
        ("web:b", 2 * DAY, "request_human", "أريد موظفا", "ar"),
        ("telegram:c", DAY, "apply_benefit", "як подати заяву", "uk"),
        ("telegram:c", DAY - 60, "affirm", "/affirm", "uk"),
        ("web:old", 100 * DAY, "ask_debt_help", "schulden", "nl"),
    ])
    book = AppointmentBook(midden_drenthe, sqlite_url)
    appointment = book.book("web:a", "klantmanager", book.free_slots("klantmanager",
                                                                     limit=1)[0])
    StaffActions(sqlite_url).set_attendance(appointment.reference, "no_show")
    queue = DatabaseQueue(sqlite_url)
    queue.take(queue.request("web:b", "web", "klantmanager", "ar", None, {}).id,
               "klant@midden-drenthe.nl")

    await log_in(client, console_server, medewerker, sqlite_url)
    async with client.get(f"{console_server.url}/insight") as response:
        assert response.status == 403
    client.cookie_jar.clear()
    await log_in(client, console_server, beheerder, sqlite_url)
    async with client.get(f"{console_server.url}/insight?days=30") as response:
        page = await response.text()
    assert page.count('<svg class="staff-chart"') == 4
    assert '<td dir="auto">Oekraïens</td>' in page and "Uitkering aanvragen" in page
    assert "schulden" not in page  # 100 days ago: outside the period
    rates = page.split('id="table-rates"')[1].split("</table>")[0]
    assert "<td dir=\"auto\">1</td><td dir=\"auto\">4</td><td dir=\"auto\">25,0</td>" in rates
    assert "<td dir=\"auto\">1</td><td dir=\"auto\">3</td><td dir=\"auto\">33,3</td>" in rates

    async def table(name: str) -> list[list[str]]:
        async with client.get(f"{console_server.url}/insight/{name}.csv?days=30") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/csv")
            return list(csv.reader(io.StringIO(await response.text())))

    assert await table("languages") == [["Taal", "Gesprekken"], ["Arabisch", "1"],
                                        ["Nederlands", "1"], ["Oekraïens", "1"]]
    assert (await table("not_understood"))[1][2] == "'" + FORMULA
    assert await table("bookings") == [
        ["Team", "Geboekt", "Afgezegd", "Aanwezig", "Niet gekomen"],
        ["Klantmanagers werk en inkomen", "1", "0", "0", "1"]]
    assert (await table("handovers"))[1][:3] == ["Klantmanagers werk en inkomen", "1", "1"]
    async with client.get(f"{console_server.url}/insight/nothing.csv") as response:
        assert response.status == 404

    async with client.post(f"{console_server.url}/insight/mark?days=30", data={
            "csrf": csrf_of(page), "question": FORMULA, "language": "nl"}) as response:
        page = await response.text()
    assert staff_texts("staff.done.marked") in page
    marked = page.split('id="table-not_understood"')[1].split("</table>")[0]
    assert "<td dir=\"auto\">ja</td>" in marked and staff_texts("staff.insight.mark") not in marked
    actions = [line.action for line in console_server.accounts.audit_lines()]
    assert {"insight.view", "insight.export", "insight.mark"} <= set(actions)
