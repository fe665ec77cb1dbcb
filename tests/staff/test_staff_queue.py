"""The handover queue page over real HTTP: a medewerker sees their teams' requests only,
takes one (once), closes it; another team's request is refused; the page reloads itself."""

from __future__ import annotations

import aiohttp

from assistant.handover import DatabaseQueue
from bot.staff.texts import StaffTexts
from tests.staff.conftest import ConsoleServer, Staffer, csrf_of, log_in


async def test_a_medewerker_takes_and_closes_their_teams_requests(
        console_server: ConsoleServer, client: aiohttp.ClientSession, medewerker: Staffer,
        beheerder: Staffer, sqlite_url: str, staff_texts: StaffTexts) -> None:
    queue = DatabaseQueue(sqlite_url)
    own = queue.request("telegram:1", "telegram", "klantmanager", "ar", "apply_benefit",
                        {"role": "resident", "team": "klantmanager"})
    other = queue.request("web:2", "web", "schuldhulp", "uk", "ask_debt_help", {})
    await log_in(client, console_server, medewerker, sqlite_url)
    async with client.get(f"{console_server.url}/queue") as response:
        page = await response.text()
    assert '<meta http-equiv="refresh" content="15">' in page
    assert f'data-ticket="{own.id}"' in page and f'data-ticket="{other.id}"' not in page
    assert "Uitkering aanvragen" in page and "Rol: resident" in page
    assert "<td>Arabisch</td>" in page and "<td>Klantmanagers werk en inkomen</td>" in page
    csrf = csrf_of(page)

    async with client.post(f"{console_server.url}/queue/{other.id}/take",
                           data={"csrf": csrf}) as response:
        assert response.status == 403
    async with client.post(f"{console_server.url}/queue/{own.id}/take", data={}) as response:
        assert response.status == 403  # no CSRF token
    async with client.post(f"{console_server.url}/queue/{own.id}/take",
                           data={"csrf": csrf}) as response:
        page = await response.text()
    assert staff_texts("staff.done.queue_take") in page
    assert f"{staff_texts('staff.queue.status.taken')} ({medewerker.member.email})" in page
    async with client.post(f"{console_server.url}/queue/{own.id}/take",
                           data={"csrf": csrf}) as response:
        assert staff_texts("staff.done.queue_gone") in await response.text()
    async with client.post(f"{console_server.url}/queue/{own.id}/close",
                           data={"csrf": csrf}) as response:
        page = await response.text()
    assert staff_texts("staff.done.queue_close") in page and f'data-ticket="{own.id}"' not in page

    assert queue.find(other.id).status == "waiting"
    actions = [line.action for line in console_server.accounts.audit_lines()]
    assert {"queue.view", "queue.take", "queue.close", "queue.refused"} <= set(actions)

    client.cookie_jar.clear()
    await log_in(client, console_server, beheerder, sqlite_url)
    async with client.get(f"{console_server.url}/queue") as response:
        assert f'data-ticket="{other.id}"' in await response.text()  # every team
