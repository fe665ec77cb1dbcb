"""Starting, supervising and stopping the Rasa servers and the action servers.

``WORKERS`` pairs of one Rasa server and one action server run as child processes on
loopback; a child that dies is started again (with a growing pause when it keeps dying).
Conversations live in the database (``bot/tracker_store.py``), so a restarted or another
worker continues them; with more than one worker a lock store in Redis
(``bot/lock_store.py``) keeps one conversation's turns in order. Used by ``python -m bot``
and by the end-to-end tests, so both run the same real servers.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

from assistant.privacy.files import start_new_log
from assistant.privacy.tokens import ENVIRONMENT_VARIABLE, authorization, internal_token
from assistant.settings import PROJECT_ROOT, Settings, conversations_url

logger = logging.getLogger(__name__)

FIRST_RESTART_DELAY = 1.0
MAX_RESTART_DELAY = 30.0
STABLE_AFTER_SECONDS = 60.0  # a child up this long starts again at the first delay
MEMORY_PER_WORKER = 1.5 * 1024**3  # a Rasa server with its model and an action server
ACTION_AUTHORIZATION = f"Bearer ${{{ENVIRONMENT_VARIABLE}}}"


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


def free_ports(*counts: int, host: str = "127.0.0.1") -> list[int]:
    """The first port of each of ``counts`` runs of consecutive free ports, none overlapping:
    ``web, rasa, action = free_ports(1, workers, workers)`` (tests, benchmark, scenarios).
    Free when asked: another program may still take one before it is used."""
    taken: set[int] = set()
    found = []
    for count in counts or (1,):
        while True:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.bind((host, 0))  # the system's choice of a free port
                base = probe.getsockname()[1]
            run = set(range(base, base + count))
            if base + count < 65536 and not run & taken and all(
                    port_is_free(host, port) for port in run):
                taken |= run
                found.append(base)
                break
    return found


def child_environment(settings: Settings, token: str = "") -> dict[str, str]:
    """The children read the same settings from the environment as this process, and the
    internal token (the environment of a process is readable by its own user only; its
    command line by everyone)."""
    env = dict(os.environ)
    env.pop("RASA_API_TOKEN", None)
    env.update({
        ENVIRONMENT_VARIABLE: token or internal_token(settings),
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


def redis_answers(redis_url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(redis_url, socket_timeout=1,
                                         socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError, ValueError):
        return False


def available_memory() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 2 * int(MEMORY_PER_WORKER)


def resolve_workers(settings: Settings) -> int:
    """``WORKERS``, or as many as the cores and the memory carry (one without Redis)."""
    if settings.workers > 0:
        if settings.workers > 1 and not redis_answers(settings.redis_url):
            raise StartupError(f"WORKERS={settings.workers} needs Redis (Rasa's lock store) at "
                               f"REDIS_URL={settings.redis_url}, which does not answer. Start "
                               "Redis, set REDIS_URL, or set WORKERS=1.")
        return settings.workers
    carried = max(1, min(os.cpu_count() or 1, available_memory() // int(MEMORY_PER_WORKER)))
    if carried > 1 and not redis_answers(settings.redis_url):
        logger.info("No Redis at %s: one worker (several need Rasa's Redis lock store)",
                    settings.redis_url)
        return 1
    return carried


def endpoints_config(settings: Settings, action_port: int, workers: int) -> dict:
    """What one Rasa server needs: its action server, the project's database for the
    conversations, and with several workers the Redis lock store."""
    config: dict = {
        # Rasa reads ${INTERNAL_TOKEN} from its environment: the token is in no file.
        # Selective domain (Rasa 3.4.3+): the domain goes only with the form validations
        # (validate_*, which read its forms and slots), not with every action call.
        "action_endpoint": {"url": f"http://127.0.0.1:{action_port}/webhook",
                            "headers": {"Authorization": ACTION_AUTHORIZATION},
                            "enable_selective_domain": True},
        "tracker_store": {"type": "bot.tracker_store.ProjectTrackerStore",
                          "url": conversations_url(settings.database_url)},
    }
    if workers > 1:
        config["lock_store"] = {"type": "bot.lock_store.OrderedRedisLockStore",
                                "url": settings.redis_url}
    return config


class Child:
    """One supervised server process."""

    def __init__(self, name: str, arguments: list[str], health_url: str, log_path: Path,
                 env: dict[str, str], health_headers: dict[str, str] | None = None,
                 health_query: dict[str, str] | None = None) -> None:
        self.name = name
        self.arguments = arguments
        # Answers 200 only with the internal token: another installation's server that took
        # the port while this one restarted does not count as this one (bot/health.py).
        self.health_url = health_url
        self.health_headers = health_headers or {}
        self.health_query = health_query or {}
        self.log_path = log_path
        self.env = env
        self.process: subprocess.Popen | None = None
        self.supervised = True
        self.started_at = 0.0
        self.delay = FIRST_RESTART_DELAY / 2
        self.restart_at = 0.0
        self.restarts = 0

    def spawn(self) -> None:
        with self.log_path.open("a") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen([sys.executable, *self.arguments], cwd=PROJECT_ROOT,
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.started_at = time.monotonic()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def answers(self) -> bool:
        """Up, and it is ours: it accepts the internal token."""
        query = f"?{urllib.parse.urlencode(self.health_query)}" if self.health_query else ""
        return _answers(self.health_url + query, self.health_headers)


class RasaStack:
    """``workers`` pairs of a Rasa server (trained model, REST channel, HTTP API) and an
    action server (rasa_sdk), on loopback, restarted when they die."""

    def __init__(self, settings: Settings, log_dir: Path | None = None,
                 workers: int | None = None) -> None:
        self.settings = settings
        self.log_dir = log_dir or PROJECT_ROOT / "var" / "logs"
        self.workers = workers or resolve_workers(settings)
        self.children: dict[str, Child] = {}
        # Rasa's HTTP API and REST channel and the action server want this token
        # (assistant/privacy/tokens.py); the children get it in their environment.
        self.api_token = internal_token(settings)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None

    @property
    def rasa_urls(self) -> list[str]:
        return self.settings.rasa_urls(self.workers)

    @property
    def action_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.settings.action_port + i}" for i in range(self.workers)]

    def start(self, timeout_seconds: float = 180.0, every_worker: bool = True) -> None:
        """Start every pair; return when all answer, or with ``every_worker=False`` as soon
        as one pair answers (the launcher: the gateway sends a conversation whose worker is
        still starting to the next one, and the others join when they are up)."""
        self._check_ready_to_start()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = child_environment(self.settings, self.api_token)
        for worker in range(self.workers):
            action_port = self.settings.action_port + worker
            rasa_port = self.settings.rasa_port + worker
            self.children[f"actions-{worker}"] = Child(
                f"actions-{worker}", ["-m", "rasa_sdk", "--actions", "actions",
                                      "--port", str(action_port)],
                f"http://127.0.0.1:{action_port}/actions",
                start_new_log(self.log_dir / f"actions-{rasa_port}.log",
                              self.settings.log_retention_days), env,
                health_headers=authorization(self.api_token))
            self.children[f"rasa-{worker}"] = Child(
                f"rasa-{worker}", self.rasa_arguments(self._write_endpoints(worker), rasa_port),
                f"http://{self.settings.rasa_host}:{rasa_port}/status",
                start_new_log(self.log_dir / f"rasa-{rasa_port}.log",
                              self.settings.log_retention_days), env,
                health_query={"token": self.api_token})
        for child in self.children.values():
            child.spawn()
        self.wait_until_ready(timeout_seconds, every_worker)
        self._stopping.clear()
        self._supervisor = threading.Thread(target=self._supervise, name="supervisor",
                                            daemon=True)
        self._supervisor.start()
        logger.info("%d worker(s) started: Rasa at %s", self.workers, ", ".join(self.rasa_urls))

    def rasa_arguments(self, endpoints: Path, port: int | None = None) -> list[str]:
        """``python`` arguments of a Rasa server: REST channel and HTTP API on loopback.
        No token here: bot.rasa_server adds ``--auth-token`` from its environment inside the
        process, so the process list does not show it."""
        # bot.rasa_server: Rasa itself, keeping its connections to the action server open.
        return ["-m", "bot.rasa_server", "run", "--model", str(self.settings.model_path),
                "--endpoints", str(endpoints),
                "--credentials", str(PROJECT_ROOT / "credentials.yml"),
                "--enable-api",
                "--interface", self.settings.rasa_host,
                "--port", str(port or self.settings.rasa_port)]

    def pid(self, name: str) -> int | None:
        """The process id of ``rasa-0``, ``actions-1``, ...; None while it is restarting."""
        with self._lock:
            child = self.children[name]
            return child.process.pid if child.running() else None

    def restarts(self, name: str) -> int:
        return self.children[name].restarts

    def stop_action_server(self) -> None:
        """Only for tests of what people see when the action server stays down."""
        with self._lock:
            child = self.children["actions-0"]
            child.supervised = False
        if child.process is not None:
            child.process.terminate()
            child.process.wait(timeout=20)

    def start_action_server(self) -> None:
        with self._lock:
            child = self.children["actions-0"]
            if not child.running():
                child.spawn()
            child.supervised = True

    def wait_until_ready(self, timeout_seconds: float, every_worker: bool = True) -> None:
        deadline = time.monotonic() + timeout_seconds
        waiting = dict(self.children)
        while waiting:
            for name, child in list(waiting.items()):
                if child.answers():
                    waiting.pop(name)
            if not every_worker and any(f"rasa-{i}" not in waiting
                                        and f"actions-{i}" not in waiting
                                        for i in range(self.workers)):
                return
            if self._supervisor is None:
                self._check_children_alive()
            if time.monotonic() > deadline:
                self.stop()
                raise StartupError(f"{', '.join(waiting)} did not start within "
                                   f"{timeout_seconds:.0f} s; see {self.log_dir}")
            time.sleep(0.5)

    def stop(self) -> None:
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=5)
            self._supervisor = None
        processes = [child.process for child in self.children.values() if child.process]
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.children.clear()

    def _supervise(self) -> None:
        while not self._stopping.wait(0.5):
            with self._lock:
                for child in self.children.values():
                    if child.supervised:
                        self._look_after(child)

    def _look_after(self, child: Child) -> None:
        now = time.monotonic()
        if child.process is None:
            if now >= child.restart_at:
                child.restarts += 1
                logger.warning("starting %s again (restart %d)", child.name, child.restarts)
                child.spawn()
            return
        code = child.process.poll()
        if code is None:
            return
        uptime = now - child.started_at
        child.delay = (FIRST_RESTART_DELAY if uptime >= STABLE_AFTER_SECONDS
                       else min(child.delay * 2, MAX_RESTART_DELAY))
        logger.error("%s stopped (exit %s) after %.0f s; starting it again in %.0f s; see %s",
                     child.name, code, uptime, child.delay, child.log_path)
        child.process = None
        child.restart_at = now + child.delay

    def _check_ready_to_start(self) -> None:
        if not self.settings.model_path.exists():
            raise StartupError(f"No trained model at {self.settings.model_path}: run `make run`, "
                               "which trains it, or `make train`.")
        for worker in range(self.workers):
            for name, host, port in (
                    ("action server", "127.0.0.1", self.settings.action_port + worker),
                    ("Rasa server", self.settings.rasa_host, self.settings.rasa_port + worker)):
                if not port_is_free(host, port):
                    raise StartupError(
                        f"Port {port} for the {name} is in use. Stop what uses it, or choose "
                        "other ports (ACTION_PORT / RASA_PORT; worker i uses the port + i).")

    def _write_endpoints(self, worker: int) -> Path:
        action_port = self.settings.action_port + worker
        path = self.log_dir.parent / f"endpoints-{action_port}.yml"
        path.write_text(yaml.safe_dump(endpoints_config(self.settings, action_port,
                                                        self.workers), sort_keys=False))
        return path

    def _check_children_alive(self) -> None:
        for child in self.children.values():
            if child.process is not None and child.process.poll() is not None:
                command = " ".join(child.arguments[:2])
                code = child.process.returncode
                self.stop()
                raise StartupError(f"`{command}` ({child.name}) stopped during start-up "
                                   f"(exit {code}); see {self.log_dir}")


def _answers(url: str, headers: dict[str, str] | None = None) -> bool:
    try:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False
