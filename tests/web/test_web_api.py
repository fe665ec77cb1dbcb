"""The web chat's HTTP API against a fake Rasa REST channel."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from assistant.settings import Settings
from assistant.storage import ProfileStore
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.web import create_app
from bot.web.server import SESSION_COOKIE
from tests.fakes import closed_port_url

ClientFactory = Callable[..., Awaitable[TestClient]]


@pytest.fixture
async def make_client(fake_rasa, translator: Translator, settings: Settings,
                      sqlite_url: str) -> AsyncIterator[ClientFactory]:
    """Builds web chat clients (real Gateway) against the fake Rasa unless told otherwise."""
    clients: list[TestClient] = []
    gateways: list[Gateway] = []

    async def build(rasa_url: str | None = None, translator: Translator = translator,
                    settings: Settings = settings, telegram_webhook=None) -> TestClient:
        gateway = Gateway(rasa_url or fake_rasa.url, translator, timeout_seconds=5,
                          profiles=ProfileStore(sqlite_url))
        app = create_app(gateway, translator, settings, telegram_webhook=telegram_webhook)
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        gateways.append(gateway)
        return client

    yield build
    for client in clients:
        await client.close()
    for gateway in gateways:
        await gateway.close()


@pytest.fixture
async def client(make_client: ClientFactory) -> TestClient:
    return await make_client()


async def send(client: TestClient, body: dict) -> dict:
    response = await client.post("/api/messages", json=body)
    assert response.status == 200
    return await response.json()


def texts(answer: dict) -> list[str]:
    return [message["text"] for message in answer["messages"]]


async def test_page_sets_a_private_session_cookie(client: TestClient) -> None:
    response = await client.get("/")
    assert response.status == 200
    cookie = response.headers["Set-Cookie"]
    assert re.match(rf"{SESSION_COOKIE}=[0-9a-f]{{32}};", cookie)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie  # no site embeds the chat (EMBED_ORIGINS is empty)


@pytest.mark.parametrize(("headers", "cross_site"), [
    ({"Host": "chat.gemeente.nl"}, False),  # plain http: a Secure cookie would be dropped
    ({"Host": "chat.gemeente.nl", "X-Forwarded-Proto": "https"}, True),  # behind a proxy
    ({"Host": "localhost:8000"}, True),  # loopback is a secure context for browsers
    ({"Host": "[::1]:8000"}, True),
])
async def test_with_embedding_sites_the_cookie_works_across_sites_when_it_can(
        make_client: ClientFactory, settings: Settings, headers: dict,
        cross_site: bool) -> None:
    client = await make_client(settings=replace(settings,
                                                embed_origins=("https://www.gemeente.nl",)))
    response = await client.get("/", headers=headers)
    attributes = [part.strip() for part in response.headers["Set-Cookie"].split(";")]
    assert "HttpOnly" in attributes and "Path=/" in attributes
    if cross_site:
        assert {"SameSite=None", "Secure", "Partitioned"} <= set(attributes)
    else:
        assert "SameSite=Lax" in attributes
        assert "Secure" not in attributes and "Partitioned" not in attributes


@pytest.mark.parametrize("fetch_site", ["cross-site", "same-site"])
async def test_another_sites_post_to_the_api_is_refused(client: TestClient, fake_rasa,
                                                        fetch_site: str) -> None:
    """The embedded widget's cookie goes along cross-site: a form or script of another site
    must not use it (browsers say where a request comes from in Sec-Fetch-Site)."""
    for path in ("/api/messages", "/api/start"):
        response = await client.post(path, json={"text": "ja"},
                                     headers={"Sec-Fetch-Site": fetch_site})
        assert response.status == 403
    assert fake_rasa.received == []
    own = await client.post("/api/messages", json={"text": "ja"},
                            headers={"Sec-Fetch-Site": "same-origin"})
    assert own.status == 200 and fake_rasa.messages == ["ja"]


async def test_same_person_keeps_one_sender_id_and_another_gets_another(
        client: TestClient, fake_rasa) -> None:
    first = await client.post("/api/messages", json={"text": "hallo"})
    assert SESSION_COOKIE in first.cookies  # set on the first POST when missing
    await send(client, {"text": "nog een vraag"})
    async with aiohttp.ClientSession(base_url=client.make_url("/")) as other_person:
        response = await other_person.post("/api/messages", json={"text": "hallo"})
        assert response.status == 200

    senders = [body["sender"] for body in fake_rasa.received]
    assert senders[0] == senders[1]
    assert senders[2] != senders[0]
    assert all(re.fullmatch(r"web:[0-9a-f]{32}", sender) for sender in senders)
    token = client.session.cookie_jar.filter_cookies(client.make_url("/"))[SESSION_COOKIE].value
    assert token not in senders[0]  # Rasa only sees a hash of the cookie


async def test_new_conversation_gets_a_new_sender_id(client: TestClient, fake_rasa) -> None:
    await client.post("/api/start", json={})
    await client.post("/api/start", json={"new_conversation": True})
    await send(client, {"text": "hallo"})
    senders = [body["sender"] for body in fake_rasa.received]
    assert senders[0] != senders[1]
    assert senders[1] == senders[2]


async def test_metadata_reaches_rasa(client: TestClient, fake_rasa) -> None:
    await send(client, {"text": "ik wil een afspraak"})
    await send(client, {"text": "ik wil een afspraak"})
    first, second = (body["metadata"] for body in fake_rasa.received)
    turn_ids = first.pop("turn_id"), second.pop("turn_id")
    assert first == {"channel": "web", "language": "nl", "role": "resident"}
    assert turn_ids[0] != turn_ids[1]  # one id per turn, even for the same words


async def test_reply_text_and_buttons_come_from_the_catalog(
        client: TestClient, fake_rasa, translator: Translator) -> None:
    fake_rasa.answer("wat kan ik vragen", "error.no_answer", buttons=[
        {"key": "error.empty_message", "args": {}, "payload": "/greet"}])
    answer = await send(client, {"text": "wat kan ik vragen"})
    assert answer["messages"] == [{
        "text": translator.text("error.no_answer", "nl"),
        "lang": "nl",
        "buttons": [{"title": translator.text("error.empty_message", "nl"),
                     "payload": "/greet"}],
    }]
    assert answer["delivered"] is True


async def test_typed_slash_is_not_sent_as_an_intent(client: TestClient, fake_rasa) -> None:
    await send(client, {"text": '/afspraak_annuleren{"reference": "X"}'})
    assert not fake_rasa.messages[0].startswith("/")


async def test_button_payload_is_sent_as_it_is(client: TestClient, fake_rasa) -> None:
    payload = '/choose_topic{"topic": "uitkering"}'
    fake_rasa.answer("waar kan ik over vragen", "error.no_answer", buttons=[
        {"key": "error.empty_message", "args": {}, "payload": payload}])
    await send(client, {"text": "waar kan ik over vragen"})
    await send(client, {"payload": payload, "title": "Uitkering"})
    assert fake_rasa.messages == ["waar kan ik over vragen", payload]


@pytest.mark.parametrize("payload", [
    "/restart", "/session_start", "/back", '/inform{"appointment_reference": "ABC-DEF"}',
    "/action_cancel_appointment", '/choose_topic{"topic": "uitkering"}\n2026 INFO forged',
])
async def test_a_payload_that_was_not_offered_is_refused(
        client: TestClient, fake_rasa, translator: Translator, payload: str) -> None:
    offered = '/choose_topic{"topic": "uitkering"}'
    fake_rasa.answer("hallo", "error.no_answer", buttons=[
        {"key": "error.empty_message", "args": {}, "payload": offered}])
    await send(client, {"text": "hallo"})
    answer = await send(client, {"payload": payload})
    assert fake_rasa.messages == ["hallo"]
    assert answer["delivered"] is False
    assert answer["messages"][0]["text"] == translator.text("error.unknown_button", "nl")


async def test_start_sends_the_welcome_payload(client: TestClient, fake_rasa,
                                               translator: Translator) -> None:
    fake_rasa.answer("/greet", "web.intro")
    response = await client.post("/api/start")
    assert response.status == 200
    # until a language is chosen, the welcome ends with the language menu
    assert texts(await response.json()) == [translator.text("web.intro", "nl"),
                                            translator.text("language.choose", "nl")]
    assert fake_rasa.messages == ["/greet"]


async def test_the_browser_language_is_a_hint_and_the_choice_wins(
        client: TestClient, fake_rasa, translator: Translator) -> None:
    fake_rasa.answer("/greet", "greet.welcome")
    response = await client.post("/api/start", headers={"Accept-Language": "tr-TR,tr;q=0.9"})
    assert texts(await response.json())[0] == translator.text("greet.welcome", "tr")

    choose = '/choose_language{"language":"ar"}'
    fake_rasa.answers[choose] = [{"custom": {"key": "language.changed", "args": {},
                                             "set_language": "ar"}}]
    answer = await send(client, {"payload": choose})
    assert answer["page"]["dir"] == "rtl" and answer["page"]["language"] == "ar"
    assert answer["page"]["send"] == translator.text("web.send", "ar")
    assert texts(answer) == [translator.directed(translator.text("language.changed", "ar"),
                                                 "ar")]

    page = await client.get("/", params={"lang": "nl"})  # the stored choice beats ?lang=
    assert '<html lang="ar" dir="rtl">' in await page.text()
    fake_rasa.answer("hallo", "greet.welcome")
    answer = await send(client, {"text": "hallo"})
    assert fake_rasa.received[-1]["metadata"]["language"] == "ar"
    assert "page" not in answer


@pytest.mark.parametrize(("text", "key"), [
    ("", "error.empty_message"),
    ("   \n ", "error.empty_message"),
    ("a" * 5000, "error.message_too_long"),
    ("👍🙂", "error.no_words"),
])
async def test_unusable_text_gets_a_dutch_reply_without_rasa(
        client: TestClient, fake_rasa, translator: Translator, text: str, key: str) -> None:
    answer = await send(client, {"text": text})
    expected = translator.text(key, "nl", {"limit": 1000})
    assert texts(answer) == [expected]
    assert expected != key  # a real Dutch text, not the bare message id
    assert fake_rasa.received == []


@pytest.mark.parametrize(("body", "status"), [
    (b"{not json", 400),
    (b"[1, 2]", 400),
    (b"", 400),
    (json.dumps({"text": 42}).encode(), 400),
    (json.dumps({"text": "x" * 25_000}).encode(), 413),
])
async def test_bad_bodies_get_a_friendly_error(client: TestClient, fake_rasa,
                                               translator: Translator, body: bytes,
                                               status: int) -> None:
    response = await client.post("/api/messages", data=body,
                                 headers={"Content-Type": "application/json"})
    assert response.status == status
    answer = await response.json()
    assert texts(answer) == [translator.text("web.error.bad_request", "nl")]
    assert "Traceback" not in json.dumps(answer)
    assert fake_rasa.received == []


async def test_oversized_body_without_length_is_refused(client: TestClient, fake_rasa) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(30):
            yield b"x" * 1024

    response = await client.post("/api/messages", data=chunks())
    assert response.status == 413
    assert "messages" in await response.json()
    assert fake_rasa.received == []


async def test_rasa_down_gives_the_friendly_unavailable_text(
        make_client: ClientFactory, translator: Translator) -> None:
    client = await make_client(rasa_url=closed_port_url())
    answer = await send(client, {"text": "hallo"})
    assert texts(answer) == [translator.text("error.assistant_unavailable", "nl")]
    assert answer["delivered"] is False


async def test_page_escapes_catalog_text_and_sets_lang_and_dir(
        make_client: ClientFactory, compile_catalogs, make_translator, make_settings) -> None:
    locales = compile_catalogs(("nl", "ar"), {"web.intro": '<script>alert(1)</script> & "x"'})
    client = await make_client(translator=make_translator(locales),
                               settings=make_settings(locales))

    page = await (await client.get("/")).text()
    assert '<html lang="nl" dir="ltr">' in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;" in page
    assert "Typ geen BSN of andere persoonsgegevens in de chat." in page

    arabic = await (await client.get("/?lang=ar")).text()
    assert '<html lang="ar" dir="rtl">' in arabic
    unknown = await (await client.get("/?lang=xx")).text()
    assert '<html lang="nl" dir="ltr">' in unknown


async def test_page_language_reaches_rasa(make_client: ClientFactory, fake_rasa,
                                          compile_catalogs, make_translator,
                                          make_settings) -> None:
    locales = compile_catalogs(("nl", "fa_AF"))
    client = await make_client(translator=make_translator(locales),
                               settings=make_settings(locales))
    assert 'lang="fa-AF" dir="rtl"' in await (await client.get("/?lang=fa_AF")).text()
    await client.post("/api/messages?lang=fa_AF", json={"text": "salaam"})
    assert fake_rasa.received[0]["metadata"]["language"] == "fa_AF"


async def test_health_and_static_files(client: TestClient) -> None:
    assert await (await client.get("/healthz")).json() == {"status": "ok", "web": "ok"}
    assert (await client.get("/healthz/live")).status == 200
    assert (await client.get("/static/chat.js")).status == 200
    assert (await client.get("/static/chat.css")).status == 200


async def test_telegram_webhook_checks_the_secret(make_client: ClientFactory) -> None:
    updates: list[tuple[dict, str | None]] = []

    async def telegram_webhook(update: dict, secret: str | None) -> bool:
        updates.append((update, secret))
        return secret == "geheim"

    client = await make_client(telegram_webhook=telegram_webhook)
    update = {"update_id": 1, "message": {"text": "hallo"}}
    accepted = await client.post("/telegram/webhook", json=update,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": "geheim"})
    refused = await client.post("/telegram/webhook", json=update)
    assert (accepted.status, refused.status) == (200, 403)
    assert updates == [(update, "geheim"), (update, None)]


async def test_no_telegram_route_without_webhook(client: TestClient) -> None:
    response = await client.post("/telegram/webhook", json={"update_id": 1})
    assert response.status in (404, 405)
