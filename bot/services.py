"""Starting and stopping the Rasa server and the action server as child processes.

Used by ``python -m bot`` and by the end-to-end tests, so both run the same real servers.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from assistant.privacy.files import start_new_log
from assistant.settings import PROJECT_ROOT, Settings


class StartupError(RuntimeError):
    """A server could not start; the message says what to do."""


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def child_environment(settings: Settings) -> dict[str, str]:
    """The children read the same settings from the environment as this process."""
    env = dict(os.environ)
    env.update({
        "SANIC_HOST": "127.0.0.1",  # the action server listens on loopback only
        "DATABASE_URL": settings.database_url,
        "MUNICIPALITY": settings.municipality,
        "POLICY_DIR": str(settings.policy_dir),
        "ACTION_PORT": str(settings.action_port),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    })
    return env


class RasaStack:
    """The action server (rasa_sdk) and the Rasa server with the trained model, on loopback."""

    def __init__(self, settings: Settings, log_dir: Path | None = None) -> None:
        self.settings = settings
        self.log_dir = log_dir or PROJECT_ROOT / "var" / "logs"
        self.processes: dict[str, subprocess.Popen] = {}
        # Rasa's HTTP API (loopback only) lets the gateway repair a broken conversation.
        # Hex, not token_urlsafe: a token starting with "-" is read by rasa's argument parser
        # as an option, and Rasa then refuses to start (it happened, about 1 run in 64).
        self.api_token = settings.rasa_api_token or secrets.token_hex(24)

    def start(self, timeout_seconds: float = 180.0) -> None:
        self._check_ready_to_start()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.start_action_server()
        self._spawn("rasa", self.rasa_arguments(self._write_endpoints()))
        self.wait_until_ready(timeout_seconds)

    def rasa_arguments(self, endpoints: Path) -> list[str]:
        """``python`` arguments of the Rasa server: REST channel and HTTP API on loopback."""
        return ["-m", "rasa", "run", "--model", str(self.settings.model_path),
                "--endpoints", str(endpoints),
                "--credentials", str(PROJECT_ROOT / "credentials.yml"),
                "--enable-api", f"--auth-token={self.api_token}",  # "=": it may begin with "-"
                "--interface", self.settings.rasa_host, "--port", str(self.settings.rasa_port)]

    def start_action_server(self) -> None:
        self._spawn("actions", ["-m", "rasa_sdk", "--actions", "actions",
                                "--port", str(self.settings.action_port)])

    def stop_action_server(self) -> None:
        """Only for tests of what people see when the action server is down."""
        process = self.processes.pop("actions")
        process.terminate()
        process.wait(timeout=20)

    def wait_until_ready(self, timeout_seconds: float) -> None:
        deadline = time.monotonic() + timeout_seconds
        urls = {"actions": f"http://127.0.0.1:{self.settings.action_port}/health",
                "rasa": f"{self.settings.rasa_url}/"}
        waiting = dict(urls)
        while waiting:
            for name, url in list(waiting.items()):
                if _answers(url):
                    waiting.pop(name)
            self._check_children_alive()
            if time.monotonic() > deadline:
                self.stop()
                raise StartupError(f"{', '.join(waiting)} did not start within "
                                   f"{timeout_seconds:.0f} s; see {self.log_dir}")
            time.sleep(0.5)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()

    def _check_ready_to_start(self) -> None:
        if not self.settings.model_path.exists():
            raise StartupError(f"No trained model at {self.settings.model_path}: run `make run`, "
                               "which trains it, or `make train`.")
        for name, host, port in (("action server", "127.0.0.1", self.settings.action_port),
                                 ("Rasa server", self.settings.rasa_host, self.settings.rasa_port)):
            if not port_is_free(host, port):
                raise StartupError(f"Port {port} for the {name} is in use. Stop what uses it, "
                                   f"or choose another port (ACTION_PORT / RASA_PORT).")

    def _write_endpoints(self) -> Path:
        path = self.log_dir.parent / f"endpoints-{self.settings.action_port}.yml"
        path.write_text(f'action_endpoint:\n  url: "{self.settings.action_url}"\n')
        return path

    def _spawn(self, name: str, arguments: list[str]) -> None:
        path = self.log_dir / f"{name}-{self.settings.rasa_port}.log"
        log = start_new_log(path, self.settings.log_retention_days).open("a")
        self.processes[name] = subprocess.Popen(
            [sys.executable, *arguments], cwd=PROJECT_ROOT, env=child_environment(self.settings),
            stdout=log, stderr=subprocess.STDOUT)
        log.close()  # the child has its own copy of the file descriptor

    def _check_children_alive(self) -> None:
        for process in self.processes.values():
            if process.poll() is not None:
                command = " ".join(process.args[2:4])
                self.stop()
                raise StartupError(f"`{command}` stopped during start-up "
                                   f"(exit {process.returncode}); see {self.log_dir}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False
