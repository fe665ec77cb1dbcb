"""Several workers: what each Rasa server is told, how many start, where a conversation goes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from assistant.settings import load_settings
from bot.gateway import Conversation, Gateway
from bot.health import HealthCheck, Parts
from bot.i18n import Translator
from bot.services import RasaStack, StartupError, endpoints_config, resolve_workers
from tests.fakes import FakeRasa, closed_port_url


def test_one_worker_keeps_conversations_in_the_database_and_needs_no_redis() -> None:
    settings = replace(load_settings(), database_url="sqlite:////srv/assistant.sqlite3")
    config = endpoints_config(settings, action_port=5056, workers=1)
    assert config["action_endpoint"] == {"url": "http://127.0.0.1:5056/webhook",
                                         "headers": {"Authorization": "Bearer ${INTERNAL_TOKEN}"},
                                         "enable_selective_domain": True}
    assert config["tracker_store"] == {"type": "bot.tracker_store.ProjectTrackerStore",
                                       "url": "sqlite:////srv/assistant-conversations.sqlite3"}
    assert "lock_store" not in config


def test_several_workers_share_redis_as_rasas_lock_store() -> None:
    settings = replace(load_settings(), database_url="postgresql://bot@db.internal/assistant",
                       redis_url="redis://:s%40cret@redis.internal:6380/2")
    config = endpoints_config(settings, action_port=5055, workers=3)
    assert config["tracker_store"]["url"] == "postgresql://bot@db.internal/assistant"
    assert config["lock_store"] == {"type": "bot.lock_store.OrderedRedisLockStore",
                                    "url": "redis://:s%40cret@redis.internal:6380/2"}


def test_the_launcher_writes_each_workers_endpoints(tmp_path: Path) -> None:
    settings = replace(load_settings(), workers=1, action_port=6100)
    stack = RasaStack(settings, log_dir=tmp_path / "logs")
    written = yaml.safe_load(stack._write_endpoints(0).read_text())
    assert written == endpoints_config(settings, 6100, 1)


def test_several_workers_without_redis_refuse_to_start() -> None:
    settings = replace(load_settings(), workers=2, redis_url="redis://127.0.0.1:1/0")
    with pytest.raises(StartupError, match="REDIS_URL"):
        resolve_workers(settings)


def test_by_default_as_many_workers_as_the_machine_carries_one_without_redis() -> None:
    no_redis = replace(load_settings(), workers=0, redis_url="redis://127.0.0.1:1/0")
    assert resolve_workers(no_redis) == 1
    assert resolve_workers(replace(no_redis, workers=1)) == 1


async def test_a_conversation_stays_with_its_worker_and_moves_on_when_it_is_down(
        translator: Translator) -> None:
    workers = [FakeRasa(), FakeRasa()]
    for worker in workers:
        await worker.start()
    urls = [worker.url for worker in workers]
    gateway = Gateway(urls, translator, timeout_seconds=5)
    people = [Conversation(sender_id=f"web:{n}", channel="web") for n in range(40)]
    try:
        for person in people:
            await gateway.handle_text(person, "hallo")
            await gateway.handle_text(person, "hallo")
        senders = [{body["sender"] for body in worker.received} for worker in workers]
        assert senders[0] and senders[1] and not senders[0] & senders[1]  # spread, sticky

        down = Gateway([closed_port_url(), workers[1].url], translator, timeout_seconds=5,
                       retry_seconds=3)
        person = next(p for p in people if down.worker_for(p.sender_id) != workers[1].url)
        replies = await down.handle_text(person, "hallo")
        assert replies[0].delivered
        assert workers[1].received[-1]["sender"] == person.sender_id
        await down.close()
    finally:
        await gateway.close()
        for worker in workers:
            await worker.stop()


async def test_without_retries_a_worker_that_is_down_gets_a_friendly_notice(
        translator: Translator) -> None:
    gateway = Gateway([closed_port_url()], translator, timeout_seconds=5)
    [reply] = await gateway.handle_text(Conversation(sender_id="web:x", channel="web"), "hallo")
    await gateway.close()
    assert not reply.delivered
    assert reply.text == translator.text("error.assistant_unavailable", "nl")


async def test_a_rasa_that_refuses_our_token_is_not_ours_the_turn_goes_on(
        translator: Translator, tmp_path: Path) -> None:
    """While a worker restarts, another installation's Rasa (another token) may hold its
    port: its 401 means nothing ran, so the turn is sent again, to the next worker, and the
    health report does not count that server as up."""
    ours, theirs = FakeRasa(), FakeRasa()
    for worker in (ours, theirs):
        await worker.start()
        worker.webhook_token = worker.api_token = f"token-{id(worker)}"
    gateway = Gateway([theirs.url, ours.url], translator, timeout_seconds=5,
                      api_token=ours.api_token, retry_seconds=3)
    person = next(Conversation(sender_id=f"web:{n}", channel="web") for n in range(100)
                  if gateway.worker_for(f"web:{n}") == theirs.url)
    database = f"sqlite:///{tmp_path / 'assistant.sqlite3'}"
    health = HealthCheck(Parts((theirs.url, ours.url), (closed_port_url(),) * 2, database,
                               ours.api_token))
    try:
        replies = await gateway.handle_text(person, "hallo")
        assert replies[0].delivered
        assert [body["sender"] for body in ours.received] == [person.sender_id]
        _, report = await health.report()
        assert report["rasa"] == ["down", "ok"]
        without_token = HealthCheck(Parts((theirs.url,), (closed_port_url(),), database))
        _, unchecked = await without_token.report()
        await without_token.close()
        assert unchecked["rasa"] == ["ok"]  # without the token any Rasa there passed
    finally:
        await health.close()
        await gateway.close()
        for worker in (ours, theirs):
            await worker.stop()
