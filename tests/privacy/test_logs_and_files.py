"""Log lines: JSON, one per line, with the turn's id and without what an exception says;
files the assistant writes are readable by its own user only."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
import zlib
from dataclasses import replace
from pathlib import Path

from sqlalchemy import text

from assistant.privacy.files import owner_only_file, start_new_log
from assistant.privacy.logs import (
    JsonFormatter,
    begin_turn,
    read_action_call,
    read_request_action_call,
)
from assistant.settings import load_settings
from assistant.storage import forget_engine, get_engine
from bot.services import Child, child_environment


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def record(message: str, *args: object, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("bot.gateway", logging.ERROR, __file__, 1, message, args, exc_info)


def test_a_log_line_is_one_json_object_with_the_turn_id() -> None:
    begin_turn("0123456789abcdef0123456789abcdef")
    line = JsonFormatter("gateway").format(record("Rasa answered HTTP %s\n2026 INFO forged", 500))
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["correlation_id"] == "0123456789abcdef0123456789abcdef"
    assert parsed["message"] == "Rasa answered HTTP 500\n2026 INFO forged"  # escaped: one line
    assert (parsed["level"], parsed["service"]) == ("ERROR", "gateway")


def test_an_exception_is_logged_by_type_and_stack_not_by_what_it_says() -> None:
    typed = "mijn bsn is 111222333, Jan de Vries"
    try:
        raise ValueError(typed)
    except ValueError:
        line = JsonFormatter("actions").format(record("failed", exc_info=sys.exc_info()))
    parsed = json.loads(line)
    assert parsed["error"] == "ValueError"
    assert "test_logs_and_files.py" in parsed["stack"]
    assert "111222333" not in line and "Jan" not in line


def test_the_action_server_reads_the_turn_from_the_action_call() -> None:
    call = {"next_action": "action_book", "tracker": {"latest_message": {
        "text": "Jan", "metadata": {"turn_id": "abc123"}}}}
    body = json.dumps(call).encode()
    assert read_action_call(body, deflated=False) == ("action_book", "abc123")
    assert read_action_call(zlib.compress(body), deflated=True) == ("action_book", "abc123")
    forged = {**call, "next_action": "x\nforged", "tracker": {"latest_message": {
        "metadata": {"turn_id": "a b\n"}}}}
    assert read_action_call(json.dumps(forged).encode(), deflated=False) == ("", "")
    assert read_action_call(b"[" * 5000, deflated=False) == ("", "")


def test_the_action_server_parses_an_action_call_once() -> None:
    """The turn id is read from the JSON Sanic keeps on the request, the one rasa_sdk reads
    next: the call (Rasa's whole tracker) is not parsed twice."""
    from sanic.request import Request

    call = {"next_action": "action_book", "tracker": {"latest_message": {
        "text": "Jan", "metadata": {"turn_id": "abc123"}}}}

    class Kept:
        headers: dict = {}
        body = json.dumps(call).encode()
        parsed_json = None
        json = Request.json
        load_json = Request.load_json

    request = Kept()
    assert read_request_action_call(request) == ("action_book", "abc123")
    assert request.parsed_json == call  # kept for rasa_sdk
    request.body, request.parsed_json = b"[" * 5000, None
    assert read_request_action_call(request) == ("", "")
    request.headers = {"Content-Encoding": "deflate"}
    request.body = zlib.compress(json.dumps(call).encode())
    assert read_request_action_call(request) == ("action_book", "abc123")


def test_the_database_and_its_wal_files_are_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "var" / "assistant.sqlite3"
    url = f"sqlite:///{database}"
    engine = get_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS probe (x INTEGER)"))
        connection.execute(text("INSERT INTO probe VALUES (1)"))
        modes = {p.name: mode(p) for p in tmp_path.glob("var/assistant.sqlite3*")}
    forget_engine(url)
    assert set(modes) >= {"assistant.sqlite3", "assistant.sqlite3-wal", "assistant.sqlite3-shm"}
    assert set(modes.values()) == {0o600}, modes


def test_an_existing_world_readable_file_is_made_owner_only(tmp_path: Path) -> None:
    old = tmp_path / "old.log"
    old.write_text("x")
    old.chmod(0o644)
    owner_only_file(old)
    assert mode(old) == 0o600 and old.read_text() == "x"


def test_the_servers_logs_are_owner_only(tmp_path: Path) -> None:
    settings = replace(load_settings(), rasa_port=5999)
    child = Child("probe", ["-c", "print('started')"], "http://127.0.0.1:1/",
                  start_new_log(tmp_path / "probe-5999.log", settings.log_retention_days),
                  child_environment(settings))
    child.spawn()
    child.process.wait(timeout=30)
    log = tmp_path / "probe-5999.log"
    assert log.read_text().strip() == "started"
    assert mode(log) == 0o600


def test_the_launcher_creates_every_file_owner_only(tmp_path: Path) -> None:
    """``python -m bot`` calls owner_only_from_now_on before it starts anything; its children
    (Rasa, the action server) inherit that."""
    code = ("from assistant.privacy.files import owner_only_from_now_on; "
            "owner_only_from_now_on(); import subprocess, sys; "
            "subprocess.run([sys.executable, '-c', \"open('child.txt', 'w').write('x')\"]); "
            "open('parent.txt', 'w').write('x')")
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True,
                   env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert mode(tmp_path / "parent.txt") == 0o600
    assert mode(tmp_path / "child.txt") == 0o600


def test_each_start_begins_a_new_log_and_old_logs_are_deleted(tmp_path: Path) -> None:
    now = 1_800_000_000.0
    current = tmp_path / "rasa-5005.log"
    current.write_text("yesterday's run")
    os.utime(current, (now - 86400, now - 86400))
    ancient = tmp_path / "rasa-5005.20200101T000000.log"
    ancient.write_text("long ago")
    os.utime(ancient, (now - 30 * 86400, now - 30 * 86400))
    other = tmp_path / "actions-5005.log"
    other.write_text("not this one")

    fresh = start_new_log(current, keep_days=14, now=now)

    assert fresh == current and current.read_text() == "" and mode(current) == 0o600
    [kept] = tmp_path.glob("rasa-5005.2*.log")
    assert kept.read_text() == "yesterday's run"
    assert not ancient.exists() and other.read_text() == "not this one"
