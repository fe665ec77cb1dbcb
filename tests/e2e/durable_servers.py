"""Servers the fault tests may break: their own Rasa stacks and a private PostgreSQL.

The shared stack of the other e2e tests is never killed; a private PostgreSQL (initdb on a
temporary directory and port) is restarted instead of the machine's own server.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from assistant.settings import Settings, load_settings
from bot.services import RasaStack, free_ports


@contextmanager
def running_stack(database_url: str, model_path: Path, log_dir: Path,
                  workers: int = 1) -> Iterator[RasaStack]:
    rasa_port, action_port = free_ports(workers, workers)
    settings: Settings = replace(load_settings(), database_url=database_url, workers=workers,
                                 rasa_port=rasa_port, action_port=action_port,
                                 model_path=model_path)
    stack = RasaStack(settings, log_dir=log_dir)
    stack.start(timeout_seconds=240)
    try:
        yield stack
    finally:
        stack.stop()


def postgres_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """A PostgreSQL server of this test alone (trust auth on 127.0.0.1, a free port)."""

    def __init__(self) -> None:
        binaries = postgres_binaries()
        if binaries is None:
            raise RuntimeError("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
        self.bin = binaries
        # Not under pytest's own temporary folder: the postgres user must reach it.
        self.directory = Path(tempfile.mkdtemp(prefix="assistant-test-pg-"))
        self.data = self.directory / "data"
        [self.port] = free_ports(1)
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *arguments: str) -> None:
        command = [str(self.bin / arguments[0]), *arguments[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.directory, "postgres")
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120)

    def start(self) -> None:
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                      "--no-sync")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.directory / "server.log"),
                  "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 "
                        f"-k {self.directory} -c fsync=off", "-w", "start")

    def restart(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


def wait_until(condition, timeout: float, pause: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(pause)
    return condition()
