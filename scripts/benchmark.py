"""Benchmark: the whole assistant under load through its web chat API, against a bare Rasa.

    make benchmark      # or: .venv/bin/python scripts/benchmark.py [--seconds 30] [--workers N]
                        #     [--memory 1000,5000] [--skip-training] [--with-nlu]

In one run, on loopback, for our assistant (``python -m bot``: web chat, gateway, Rasa and
action servers, a fresh SQLite database) and for a reference (the ``rasa init`` example,
trained in a temporary folder, on its REST channel): one resident's p50/p95; 50 residents
with 2 s think time; 50 back to back; 200 with 2 s think time. It prints our saturated
throughput as a ratio of the reference's, the memory (RSS) of every process after 1,000
and 5,000 conversations, the cold start and the training time. ``--with-nlu`` adds intent
F1 on the held-out sets and in cross-validation. It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.language_data import eval_path, training_languages  # noqa: E402
from bot.services import free_ports  # noqa: E402

PYTHON = sys.executable
SESSION_COOKIE = "webchat_session"

# A resident's visit: a question, a booking with the first time offered, looking it up,
# cancelling it (so the calendar never fills up), goodbye. ``None``: the first time button.
OUR_CONVERSATION: list[str | None] = [
    "hallo", "ik zoek werk", "wat is loonkostensubsidie",
    "ik wil een afspraak maken met de budgetconsulent", None, "ja",
    "wanneer is mijn afspraak", "ik wil mijn afspraak afzeggen", "ja", "bedankt doei",
]
SHORT_CONVERSATION: list[str | None] = ["wat is loonkostensubsidie", "bedankt doei"]
REFERENCE_CONVERSATION = ["hello", "I am sad", "no", "I am great", "bye",
                          "are you a bot?", "hi", "I am happy", "yes", "goodbye"]
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore",
       "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "RASA_TELEMETRY_ENABLED": "false"}


def wait_for(url: str, timeout: float, process: subprocess.Popen, log: Path) -> float:
    """Seconds until ``url`` answers 200."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
            raise SystemExit(f"{' '.join(map(str, process.args))} stopped "
                             f"(exit {process.returncode}):\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- residents ---------------------------------------------------------------------------


class Resident:
    """One person talking: ``say`` returns the seconds the reply took."""

    async def start(self) -> None:
        """Begin a new conversation."""

    async def say(self, step: str | None) -> None:
        raise NotImplementedError


class WebChatResident(Resident):
    """Talks to our web chat API like the page does: a session cookie, JSON replies."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str) -> None:
        self.http, self.base_url = http, base_url
        self.cookie = ""
        self.buttons: list[str] = []

    async def _post(self, path: str, body: dict) -> None:
        headers = {"Cookie": f"{SESSION_COOKIE}={self.cookie}"} if self.cookie else {}
        async with self.http.post(self.base_url + path, json=body, headers=headers) as response:
            data = await response.json()
            if response.status != 200 or not data.get("delivered", False):
                raise RuntimeError(f"HTTP {response.status}: {str(data)[:120]}")
            morsel = response.cookies.get(SESSION_COOKIE)
            if morsel is not None:
                self.cookie = morsel.value
        self.buttons = [b["payload"] for m in data["messages"] for b in m["buttons"]]

    async def start(self) -> None:
        self.cookie = ""
        await self._post("/api/start", {"new_conversation": True})

    async def say(self, step: str | None) -> None:
        if step is None:
            times = [p for p in self.buttons if "appointment_time" in p or '"team"' in p]
            await self._post("/api/messages", {"payload": times[0] if times else "/help"})
        else:
            await self._post("/api/messages", {"text": step})


class RestResident(Resident):
    """Talks to a bare Rasa's REST channel."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str) -> None:
        self.http, self.base_url = http, base_url
        self.sender = ""

    async def start(self) -> None:
        self.sender = uuid.uuid4().hex

    async def say(self, step: str | None) -> None:
        async with self.http.post(f"{self.base_url}/webhooks/rest/webhook",
                                  json={"sender": self.sender, "message": step}) as response:
            data = await response.json()
            if response.status != 200 or not data:
                raise RuntimeError(f"HTTP {response.status}: {str(data)[:120]}")


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    conversations: int = 0
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)  # process kind -> seconds per reply
    action_calls: float = 0.0  # calls to the action servers per reply

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0

    def line(self) -> str:
        cpu = ", ".join(f"{kind} {seconds * 1000:.1f}" for kind, seconds in self.cpu.items())
        if cpu and self.action_calls:
            cpu += f"; action calls per reply {self.action_calls:.2f}"
        return (f"p50 {self.percentile(0.5):6.0f} ms  p95 {self.percentile(0.95):6.0f} ms  "
                f"{self.throughput:5.1f} replies/s  ({len(self.latencies)} replies, "
                f"{self.errors} errors)" + (f"\n{'':39}processor ms per reply: {cpu}"
                                            if cpu else ""))


Factory = Callable[[], Resident]


async def run_load(make: Factory, script: list, residents: int, think: float, seconds: float,
                   conversations: int | None = None) -> Load:
    """``residents`` people, each going through ``script`` again and again with ``think``
    seconds between a reply and their next message, for ``seconds`` (or until
    ``conversations`` conversations have been finished)."""
    load = Load()
    started = time.perf_counter()
    deadline = started + seconds

    def more() -> bool:
        if conversations is not None:
            return load.conversations < conversations
        return time.perf_counter() < deadline

    async def resident_loop() -> None:
        person = make()
        if think:
            await asyncio.sleep(random.uniform(0, think))
        while more():
            load.conversations += 1
            await person.start()
            for step in script:
                if not more() and conversations is None:
                    return
                sent = time.perf_counter()
                try:
                    await person.say(step)
                    load.latencies.append(time.perf_counter() - sent)
                except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError):
                    load.errors += 1
                if think:
                    await asyncio.sleep(think)

    await asyncio.gather(*(resident_loop() for _ in range(residents)))
    load.seconds = time.perf_counter() - started
    return load


def http_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                 cookie_jar=aiohttp.DummyCookieJar(),
                                 timeout=aiohttp.ClientTimeout(total=120))


CLIENT = "benchmark client"  # this process: the simulated residents themselves
SCENARIOS = {"1 resident": (1, 0.0), "50 residents, 2 s think": (50, 2.0),
             "50 back to back": (50, 0.0), "200 residents, 2 s think": (200, 2.0)}


async def scenarios(make_factory: Callable[[aiohttp.ClientSession], Factory], script: list,
                    seconds: float, pid: int | None = None,
                    action_logs: tuple[Path, ...] = (),
                    only: tuple[str, ...] = ()) -> dict[str, Load]:
    """Every scenario, with the processor time this client spent per reply (``Load.cpu``);
    with ``pid`` also the processor time its process tree spent per reply, which other
    programs on the machine change far less than latency, and with ``action_logs`` the
    action calls per reply. A scenario whose residents wait long
    gets through fewer steps of the visit in its time (200 residents: the first few, which
    call few actions), so its figures per reply describe another mix of turns."""
    results: dict[str, Load] = {}
    async with http_session() as http:
        make = make_factory(http)
        await run_load(make, script, 1, 0, 3)  # warm up: first turns load lazily
        for name, (residents, think) in SCENARIOS.items():
            if only and not name.startswith(only):
                continue
            before = cpu_of_tree(pid) if pid else {}
            calls_before = action_calls(action_logs)
            client_before = time.process_time()
            results[name] = load = await run_load(make, script, residents, think, seconds)
            replies = max(1, len(load.latencies))
            if pid:
                after = cpu_of_tree(pid)
                load.cpu = {kind: (after[kind] - before.get(kind, 0.0)) / replies
                            for kind in after}
                load.action_calls = (action_calls(action_logs) - calls_before) / replies
            # The simulated residents share the cores with what they measure.
            load.cpu[CLIENT] = (time.process_time() - client_before) / replies
    return results


# --- processes -----------------------------------------------------------------------------


def rss_of_tree(pid: int) -> list[tuple[str, int]]:
    """(command, RSS bytes) of ``pid`` and all its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            command = Path(f"/proc/{current}/cmdline").read_bytes().replace(b"\0", b" ")
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        rss = next(int(line.split()[1]) * 1024 for line in status.splitlines()
                   if line.startswith("VmRSS:"))
        found.append((_short(command.decode(errors="replace")), rss))
        todo.extend(int(child) for child in children)
    return found


def action_calls(logs: tuple[Path, ...]) -> int:
    """Action calls the action servers logged so far ("running <action>", one per call)."""
    count = 0
    for log in logs:
        try:
            with log.open(errors="replace") as lines:
                count += sum('"message": "running ' in line for line in lines)
        except OSError:
            continue
    return count


def cpu_of_tree(pid: int) -> dict[str, float]:
    """Processor seconds (user + system) spent so far by ``pid`` and its descendants, per
    kind of process (gateway, Rasa servers, action servers)."""
    tick = os.sysconf("SC_CLK_TCK")
    spent: dict[str, float] = {}
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            command = Path(f"/proc/{current}/cmdline").read_bytes().replace(b"\0", b" ")
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        kind = _short(command.decode(errors="replace")).split(" :")[0]
        spent[kind] = spent.get(kind, 0.0) + (int(fields[11]) + int(fields[12])) / tick
        todo.extend(int(child) for child in children)
    return spent


def _short(command: str) -> str:
    words = command.split()
    if "rasa_sdk" in words:
        return f"action server :{words[words.index('--port') + 1]}"
    if "run" in words and "--port" in words:  # bot.rasa_server run ... (or rasa run)
        return f"rasa server :{words[words.index('--port') + 1]}"
    if "bot" in words:
        return "web chat + gateway + supervisor"
    return " ".join(words[:3])


def start_ours(scratch: Path, workers: int | None,
               first_port: int = 0) -> tuple[subprocess.Popen, str, float, int, tuple[Path, ...]]:
    """The assistant, its web address, its cold start, its workers and its action servers'
    logs (bot/services.py names them after their Rasa server's port)."""
    count = workers or os.cpu_count() or 1
    if first_port:  # web, then the Rasa servers, then the action servers
        web_port, rasa_port, action_port = first_port, first_port + 1, first_port + 1 + count
    else:
        web_port, rasa_port, action_port = free_ports(1, count, count)
    env = {**ENV, "WEB_PORT": str(web_port), "RASA_PORT": str(rasa_port),
           "ACTION_PORT": str(action_port),
           "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
           # One address plays hundreds of people here: no limits per IP address (0).
           "REQUESTS_PER_MINUTE_PER_ADDRESS": "0", "NEW_SESSIONS_PER_HOUR_PER_ADDRESS": "0"}
    if workers:
        env["WORKERS"] = str(workers)
    log = scratch / "assistant.log"
    started = time.monotonic()
    with log.open("w") as output:
        process = subprocess.Popen([PYTHON, "-m", "bot"], cwd=ROOT, env=env, stdout=output,
                                   stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{web_port}"
    wait_for(f"{base}/healthz", 300, process, log)  # a worker can answer
    first_answer(base)
    cold = time.monotonic() - started
    while True:  # measure with every worker up
        report = json.loads(urllib.request.urlopen(f"{base}/healthz", timeout=5).read())
        if report["workers_answering"] == report["workers"]:
            logs = tuple(ROOT / "var" / "logs" / f"actions-{rasa_port + worker}.log"
                         for worker in range(report["workers"]))
            return process, base, cold, report["workers"], logs
        time.sleep(0.5)


def first_answer(base: str) -> None:
    """One message answered through the web chat API, as a resident's first."""
    start = urllib.request.Request(f"{base}/api/start", data=b'{"new_conversation": true}',
                                   headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(start, timeout=60) as response:
        cookie = response.headers["Set-Cookie"].split(";")[0]
    message = urllib.request.Request(f"{base}/api/messages", data=b'{"text": "hallo"}',
                                     headers={"Content-Type": "application/json",
                                              "Cookie": cookie})
    with urllib.request.urlopen(message, timeout=60) as response:
        if not json.loads(response.read()).get("delivered"):
            raise SystemExit("the first message was not answered")


def start_reference(scratch: Path) -> tuple[subprocess.Popen, str, float, float]:
    """``rasa init`` in a temporary folder (it trains its model), then its server."""
    folder = scratch / "reference"
    folder.mkdir()
    started = time.monotonic()
    subprocess.run([PYTHON, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(folder)],
                   cwd=folder, env=ENV, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    training = time.monotonic() - started
    [port] = free_ports(1)
    log = scratch / "reference.log"
    started = time.monotonic()
    with log.open("w") as output:
        process = subprocess.Popen([PYTHON, "-m", "rasa", "run", "--port", str(port),
                                    "--interface", "127.0.0.1", "--model", "models"],
                                   cwd=folder, env=ENV, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/", 300, process, log)
    first = urllib.request.Request(f"{base}/webhooks/rest/webhook",
                                   data=b'{"sender": "cold", "message": "hello"}',
                                   headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(first, timeout=60) as response:
        response.read()
    cold = time.monotonic() - started
    return process, base, cold, training


def train_ours(scratch: Path) -> float:
    started = time.monotonic()
    subprocess.run([PYTHON, "-m", "rasa", "train", "--config", "config.yml", "--domain",
                    "domain", "--data", "nlu_data", "--out", str(scratch / "models"),
                    "--force"], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.monotonic() - started


async def memory_after(base: str, pid: int, marks: list[int]) -> list[tuple[int, list]]:
    """RSS of every process after ``marks`` conversations (50 at a time, back to back)."""
    found, done = [], 0
    async with http_session() as http:
        for mark in marks:
            await run_load(lambda: WebChatResident(http, base), SHORT_CONVERSATION, 50, 0,
                           3600, conversations=mark - done)
            done = mark
            found.append((mark, rss_of_tree(pid)))
    return found


def heldout_tests(folder: Path) -> Path:
    """Every language's held-out test set in one folder, as `rasa test nlu` reads them."""
    folder.mkdir(parents=True)
    for language in training_languages():
        if eval_path(language, "test").exists():
            shutil.copy(eval_path(language, "test"), folder / f"{language}.yml")
    return folder


def nlu_figures(scratch: Path, folds: int) -> None:
    for title, arguments in (
            ("held-out test sets (never trained on)",
             ["--nlu", str(heldout_tests(scratch / "sets")), "--model",
              "models/assistant.tar.gz"]),
            (f"{folds}-fold cross-validation",
             ["--nlu", "nlu_data/nlu", "--cross-validation", "--folds", str(folds)])):
        out = scratch / title.split()[0]
        subprocess.run([PYTHON, "-m", "rasa", "test", "nlu", "--config", "config.yml",
                        "--out", str(out), "--no-plot", *arguments], cwd=ROOT, env=ENV,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        report = json.loads((out / "intent_report.json").read_text())
        print(f"Intent F1, {title}: macro {report['macro avg']['f1-score']:.3f}, "
              f"accuracy {report.get('accuracy', float('nan')):.3f}")


# --- the run -------------------------------------------------------------------------------


def measure(run: Callable[[], Awaitable[dict[str, Load]]]) -> dict[str, Load]:
    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="per load scenario")
    parser.add_argument("--workers", type=int, default=0, help="WORKERS (0: the default)")
    parser.add_argument("--memory", default="1000,5000", help="conversations; empty: skip")
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--with-nlu", action="store_true", help="intent F1 figures too")
    parser.add_argument("--first-port", type=int, default=0,
                        help="our ports from here on (web, Rasa, actions; 0: free ones), "
                             "for machines where others run the assistant too")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--only", default="",
                        help="the scenarios whose names begin so, comma-separated "
                             "(\"1 resident,50 residents\"); empty: all")
    options = parser.parse_args()
    only = tuple(name.strip() for name in options.only.split(",") if name.strip())
    print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start "
          "(other programs on it change the figures)", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        reference: dict[str, Load] = {}
        if not options.skip_reference:
            process, base, cold, training = start_reference(scratch)
            try:
                print(f"Reference (rasa init, REST channel): trained in {training:.0f} s, "
                      f"cold start {cold:.1f} s", flush=True)
                reference = measure(lambda: scenarios(
                    lambda http: lambda: RestResident(http, base), REFERENCE_CONVERSATION,
                    options.seconds, only=only))
                for name, load in reference.items():
                    print(f"  reference  {name:26} {load.line()}", flush=True)
            finally:
                stop(process)
        process, base, cold, workers, action_logs = start_ours(
            scratch, options.workers or None, options.first_port)
        try:
            print(f"Assistant ({workers} worker(s), web chat API): cold start {cold:.1f} s",
                  flush=True)
            ours = measure(lambda: scenarios(
                lambda http: lambda: WebChatResident(http, base), OUR_CONVERSATION,
                options.seconds, process.pid, action_logs, only))
            for name, load in ours.items():
                print(f"  assistant  {name:26} {load.line()}", flush=True)
            if reference and "50 back to back" in ours and "50 back to back" in reference:
                ratio = (ours["50 back to back"].throughput
                         / reference["50 back to back"].throughput)
                print(f"Saturated throughput (50 back to back): {ratio:.2f}x the reference",
                      flush=True)
            marks = [int(mark) for mark in options.memory.split(",") if mark.strip()]
            for mark, processes in asyncio.run(memory_after(base, process.pid, marks)):
                total = sum(rss for _, rss in processes)
                listed = ", ".join(f"{name} {rss / 2**20:.0f}" for name, rss in processes)
                print(f"Memory after {mark} conversations: {total / 2**20:.0f} MB "
                      f"({listed})", flush=True)
        finally:
            stop(process)
        if not options.skip_training:
            print(f"Training our model: {train_ours(scratch):.0f} s", flush=True)
        if options.with_nlu:
            nlu_figures(scratch, options.folds)


if __name__ == "__main__":
    main()
