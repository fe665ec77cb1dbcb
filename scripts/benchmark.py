"""Benchmark: intent F1 (cross-validation and held-out set) and per-turn latency.

    make benchmark            # or: .venv/bin/python scripts/benchmark.py [--turns 300] [--folds 3]

Prints figures; it asserts nothing. Latency is measured through the gateway against the
real Rasa server and action server on loopback, with a fresh SQLite database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.language_data import eval_path, training_languages  # noqa: E402
from assistant.settings import load_settings  # noqa: E402
from bot.gateway import Conversation, Gateway  # noqa: E402
from bot.i18n import Translator  # noqa: E402
from bot.services import RasaStack  # noqa: E402

CONVERSATION = [
    ("text", "hallo"),
    ("text", "ik zoek werk"),
    ("text", "wat is loonkostensubsidie"),
    ("text", "ik wil een afspraak maken met de budgetconsulent"),
    ("first_time", None),
    ("text", "ja"),
    ("text", "wanneer is mijn afspraak"),
    ("text", "ik wil mijn afspraak afzeggen"),
    ("text", "ja"),
    ("text", "bedankt doei"),
]


def rasa_nlu_test(arguments: list[str], out: Path) -> dict:
    command = [sys.executable, "-m", "rasa", "test", "nlu", "--config", "config.yml",
               "--out", str(out), "--no-plot", *arguments]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return json.loads((out / "intent_report.json").read_text())


def heldout_tests(folder: Path) -> Path:
    """Every language's held-out test set in one folder, as `rasa test nlu` reads them."""
    folder.mkdir(parents=True)
    for language in training_languages():
        if eval_path(language, "test").exists():
            shutil.copy(eval_path(language, "test"), folder / f"{language}.yml")
    return folder


def print_f1(title: str, report: dict) -> None:
    macro, weighted = report["macro avg"], report["weighted avg"]
    print(f"{title}: macro F1 {macro['f1-score']:.3f}, weighted F1 {weighted['f1-score']:.3f}, "
          f"accuracy {report.get('accuracy', float('nan')):.3f}")
    worst = sorted((name, r["f1-score"]) for name, r in report.items()
                   if isinstance(r, dict) and "support" in r and name not in
                   ("macro avg", "weighted avg", "micro avg"))
    worst = sorted(worst, key=lambda item: item[1])[:5]
    print("  weakest intents: " + ", ".join(f"{name} {f1:.2f}" for name, f1 in worst))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def measure_latency(gateway: Gateway, turns: int) -> list[float]:
    durations: list[float] = []
    while len(durations) < turns:
        person = Conversation(sender_id=f"web:bench-{uuid.uuid4().hex}", channel="web")
        replies = []
        for kind, text in CONVERSATION:
            started = time.perf_counter()
            if kind == "first_time":
                times = [b.payload for r in replies for b in r.buttons
                         if "appointment_time" in b.payload or '"team"' in b.payload]
                replies = await gateway.handle_payload(person, times[0] if times else "/help")
            else:
                replies = await gateway.handle_text(person, text)
            durations.append((time.perf_counter() - started) * 1000)
    return durations[:turns]


def latency(turns: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        settings = replace(load_settings(), database_url=f"sqlite:///{scratch}/bench.sqlite3",
                           rasa_port=free_port(), action_port=free_port())
        stack = RasaStack(settings, log_dir=Path(scratch) / "logs")
        stack.start()
        try:
            translator = Translator(settings.locales_dir, "nl", settings.timezone)
            gateway = Gateway(settings.rasa_url, translator, api_token=stack.api_token)

            async def run() -> list[float]:
                try:
                    return await measure_latency(gateway, turns)
                finally:
                    await gateway.close()

            durations = sorted(asyncio.run(run()))
        finally:
            stack.stop()
    p95 = durations[int(0.95 * (len(durations) - 1))]
    print(f"Latency over {len(durations)} turns through the gateway: "
          f"p50 {statistics.median(durations):.0f} ms, p95 {p95:.0f} ms, "
          f"max {durations[-1]:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--skip-cv", action="store_true", help="only held-out and latency")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        if not options.skip_cv:
            cv = rasa_nlu_test(["--nlu", "nlu_data/nlu", "--cross-validation",
                                "--folds", str(options.folds)], Path(scratch) / "cv")
            print_f1(f"Intent F1, {options.folds}-fold cross-validation", cv)
        held_out = rasa_nlu_test(["--nlu", str(heldout_tests(Path(scratch) / "sets")),
                                  "--model", "models/assistant.tar.gz"],
                                 Path(scratch) / "heldout")
        print_f1("Intent F1, held-out set (never trained on)", held_out)
    latency(options.turns)


if __name__ == "__main__":
    main()
