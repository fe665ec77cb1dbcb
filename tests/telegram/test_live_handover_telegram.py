"""A live handover with a Telegram resident, through the real python-telegram-bot Application
(a recorded Bot API): the medewerker's joining, lines and leaving reach the chat in the
resident's language, and what the resident types reaches the medewerker, not Rasa."""

from __future__ import annotations

from dataclasses import replace

import aiohttp
from telegram import Update
from telegram_fakes import CHAT_ID, RecordingRequest, message_update

from assistant.handover import QUEUED_MARK, DatabaseQueue
from assistant.policy.municipality import load_municipality
from assistant.settings import PROJECT_ROOT, Settings
from assistant.storage import ButtonStore, ProfileStore
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.staff.accounts import MEDEWERKER
from bot.staff.console import StaffConsole
from bot.telegram import TelegramFrontend
from bot.web import create_app, serve
from tests.fakes import FakeRasa, bot_message
from tests.staff.conftest import PASSWORD, ConsoleServer, Staffer, log_in


async def test_a_medewerker_talks_with_a_telegram_resident(
        settings: Settings, gateway: Gateway, translator: Translator, buttons: ButtonStore,
        profiles: ProfileStore, telegram_api: RecordingRequest, fake_rasa: FakeRasa) -> None:
    resident = f"telegram:{CHAT_ID}"
    profiles.save(resident, "telegram", language="tr")
    ticket = DatabaseQueue(settings.database_url).request(resident, "telegram", "klantmanager",
                                                          "tr", None, {})
    queued = bot_message("handover.queued", {"team": "Klantmanager", "phone": "14 0593",
                                             "hours": "9-17"})
    fake_rasa.answers["Bir insanla konuşmak istiyorum"] = [
        {"custom": {**queued["custom"], QUEUED_MARK: ticket.id}}]
    frontend = TelegramFrontend(settings, gateway, buttons, profiles, request=telegram_api)
    application = frontend.application
    await application.initialize()
    console = StaffConsole(replace(settings, locales_dir=PROJECT_ROOT / "locales"), translator,
                           load_municipality(PROJECT_ROOT / "policy" / "midden-drenthe"),
                           gateway=gateway, push=frontend.push)
    runner = await serve(create_app(gateway, translator, settings, staff_console=console),
                         "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    server = ConsoleServer(f"http://{host}:{port}/staff", console.accounts, console)
    staffer = Staffer(console.accounts.create("klant@gemeente.nl", "Karel", PASSWORD,
                                              MEDEWERKER, frozenset({"klantmanager"})), PASSWORD)

    async def resident_types(update_id: int, text: str) -> None:
        await application.process_update(
            Update.de_json(message_update(update_id, text), application.bot))

    try:
        await resident_types(1, "Bir insanla konuşmak istiyorum")
        assert "bu sohbette kalın" in telegram_api.texts()[-1]
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
            csrf = await log_in(client, server, staffer, settings.database_url)
            async with client.post(f"{server.url}/queue/{ticket.id}/take",
                                   data={"csrf": csrf}) as response:
                assert response.status == 200
            assert telegram_api.texts()[-1] == (
                "Belediyeden Karel şimdi sohbete katıldı. Mesajınızı yazmanız yeterli.")
            to_rasa = len(fake_rasa.received)
            await resident_types(2, "Merhaba, IBAN'ım NL91ABNA0417164300")
            assert len(fake_rasa.received) == to_rasa
            assert [line.text for line in console.queue.lines(ticket.id)][-1] == (
                "Merhaba, IBAN'ım […]")
            async with client.post(f"{server.url}/conversations/{ticket.id}/say",
                                   data={"csrf": csrf, "text": "Merhaba! Size nasıl yardımcı "
                                                               "olabilirim?"}) as response:
                assert response.status == 200
            assert telegram_api.texts()[-1] == "Karel: Merhaba! Size nasıl yardımcı olabilirim?"
            async with client.post(f"{server.url}/conversations/{ticket.id}/close",
                                   data={"csrf": csrf}) as response:
                assert response.status == 200
        assert telegram_api.texts()[-1].startswith("Karel sohbeti sonlandırdı.")
        await resident_types(3, "Teşekkürler")
        assert fake_rasa.messages[-1] == "Teşekkürler"  # the assistant again
    finally:
        await runner.cleanup()
        await application.shutdown()
    assert all(str(sent["chat_id"]) == str(CHAT_ID) for sent in telegram_api.sent("sendMessage"))
