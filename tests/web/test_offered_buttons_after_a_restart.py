"""The gateway forwards only buttons a conversation was offered, and keeps them in memory: a
page reloaded after a restart shows its last buttons again from Rasa's tracker, and those
work; a payload the conversation never saw is still refused."""

from __future__ import annotations

from dataclasses import replace

from aiohttp.test_utils import TestClient, TestServer

from assistant.settings import Settings
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.web import create_app
from bot.web.server import SESSION_COOKIE

TOPIC = '/choose_topic{"topic": "uitkering"}'


async def test_buttons_shown_again_after_a_restart_still_work(
        fake_rasa, translator: Translator, settings: Settings) -> None:
    fake_rasa.answer("/greet", "web.intro", buttons=[
        {"key": "menu.apply_benefit", "args": {}, "payload": TOPIC}])
    fake_rasa.answer(TOPIC, "error.no_answer")
    settings = replace(settings, web_idle_minutes=30)
    clients = []

    async def web_chat() -> TestClient:  # a fresh gateway: the assistant was restarted
        gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5,
                          api_token=fake_rasa.api_token)
        client = TestClient(TestServer(create_app(gateway, translator, settings),
                                       host="127.0.0.1"))
        await client.start_server()
        clients.append((client, gateway))
        return client

    try:
        before = await web_chat()
        await before.post("/api/start", json={})
        token = before.session.cookie_jar.filter_cookies(before.make_url("/"))[SESSION_COOKIE]
        after = await web_chat()
        after.session.cookie_jar.update_cookies({SESSION_COOKIE: token.value})

        reloaded = await (await after.post("/api/start", json={})).json()
        pressed = await (await after.post("/api/messages", json={"payload": TOPIC})).json()
        crafted = await (await after.post("/api/messages", json={"payload": "/restart"})).json()
    finally:
        for client, gateway in clients:
            await client.close()
            await gateway.close()

    assert reloaded["history"] is True
    assert TOPIC in [b["payload"] for m in reloaded["messages"] for b in m["buttons"]]
    assert pressed["delivered"] is True and fake_rasa.messages.count(TOPIC) == 1
    assert crafted["delivered"] is False and "/restart" not in fake_rasa.messages
