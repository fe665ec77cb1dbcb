"""Per-language evaluation of understanding: train on nlu_data only, test on the held-out sets.

    make evaluate          # or: .venv/bin/python scripts/evaluate_languages.py [--model PATH]

Trains an NLU model with config.yml on nlu_data/nlu (every language) in a scratch folder,
then parses every example of tests/nlu_heldout/<language>.yml, which is never trained on,
and prints per language: intent accuracy, macro F1, how often out-of-scope messages are
recognised as such (out_of_scope or the fallback), how many annotated entities (ages, teams,
numbers) are found, and the confusions that cost most. It prints figures and the targets of
issue 4; it asserts nothing. The figures are also written to var/evaluation.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.language_data import HELDOUT_DIR, training_languages  # noqa: E402

TARGET_F1 = {"nl": 0.95}
DEFAULT_TARGET_F1 = 0.90
TARGET_OUT_OF_SCOPE = 0.90
RECOGNISED_AS_OUT_OF_SCOPE = {"out_of_scope", "nlu_fallback"}


@dataclass
class LanguageResult:
    language: str
    examples: int
    accuracy: float
    macro_f1: float
    out_of_scope_recognised: float
    entities_found: float
    confusions: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def target_f1(self) -> float:
        return TARGET_F1.get(self.language, DEFAULT_TARGET_F1)

    def meets_targets(self) -> bool:
        return (self.macro_f1 >= self.target_f1
                and self.out_of_scope_recognised >= TARGET_OUT_OF_SCOPE)


def train_nlu(out_dir: Path) -> Path:
    print("Training an NLU model on nlu_data/nlu only (a few minutes)...", flush=True)
    command = [sys.executable, "-m", "rasa", "train", "nlu", "--config", "config.yml",
               "--nlu", "nlu_data/nlu", "--out", str(out_dir), "--fixed-model-name", "nlu"]
    with (out_dir / "train.log").open("w") as log:
        subprocess.run(command, cwd=ROOT, check=True, stdout=log, stderr=subprocess.STDOUT)
    return out_dir / "nlu.tar.gz"


def heldout_examples(language: str) -> list[tuple[str, str, set[tuple[str, str]]]]:
    """(text, intent, {(entity, value)}) of one held-out file, as Rasa reads it."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(HELDOUT_DIR / f"{language}.yml"))
    return [(m.get("text"), m.get("intent"),
             {(e["entity"], str(e["value"])) for e in m.get("entities") or []})
            for m in data.intent_examples]


async def evaluate(model: Path, languages: list[str]) -> list[LanguageResult]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    results = []
    for language in languages:
        examples = heldout_examples(language)
        predictions = [await agent.parse_message(text) for text, _, _ in examples]
        results.append(score(language, examples, predictions))
    return results


def score(language: str, examples: list, predictions: list[dict]) -> LanguageResult:
    from sklearn.metrics import accuracy_score, f1_score

    truth = [intent for _, intent, _ in examples]
    # The fallback ("I did not understand, did you mean...") is the right answer to an
    # out-of-scope message, so it counts as recognising it; for any other intent it is a miss.
    predicted = ["out_of_scope" if t == "out_of_scope" and p["intent"]["name"]
                 in RECOGNISED_AS_OUT_OF_SCOPE else p["intent"]["name"]
                 for t, p in zip(truth, predictions, strict=True)]
    out_of_scope = [p for t, p in zip(truth, predicted, strict=True) if t == "out_of_scope"]
    recognised = sum(p == "out_of_scope" for p in out_of_scope)
    expected_entities = sum(len(entities) for _, _, entities in examples)
    found_entities = sum(
        len(entities & {(e["entity"], str(e.get("value"))) for e in p.get("entities", [])})
        for (_, _, entities), p in zip(examples, predictions, strict=True))
    confusions = Counter((t, p) for t, p in zip(truth, predicted, strict=True) if t != p)
    return LanguageResult(
        language=language, examples=len(examples),
        accuracy=accuracy_score(truth, predicted),
        macro_f1=f1_score(truth, predicted, labels=sorted(set(truth)), average="macro",
                          zero_division=0),
        out_of_scope_recognised=(recognised / len(out_of_scope) if out_of_scope
                                 else float("nan")),
        entities_found=found_entities / expected_entities if expected_entities else float("nan"),
        confusions=[(t, p, n) for (t, p), n in confusions.most_common(3)])


def report(results: list[LanguageResult]) -> None:
    print(f"\n{'language':<9}{'examples':>9}{'accuracy':>10}{'macro F1':>10}{'target':>8}"
          f"{'out-of-scope':>14}{'entities':>10}  met")
    for r in results:
        print(f"{r.language:<9}{r.examples:>9}{r.accuracy:>10.3f}{r.macro_f1:>10.3f}"
              f"{r.target_f1:>8.2f}{r.out_of_scope_recognised:>14.1%}{r.entities_found:>10.1%}"
              f"  {'yes' if r.meets_targets() else 'NO'}")
    print("\nConfusions that cost most (held-out intent -> predicted, count):")
    for r in results:
        shown = "; ".join(f"{t} -> {p} ({n})" for t, p, n in r.confusions) or "none"
        print(f"  {r.language}: {shown}")
    print(f"\nTargets: macro F1 >= {TARGET_F1['nl']} for nl and >= {DEFAULT_TARGET_F1} for "
          f"every other language; out-of-scope recognised >= {TARGET_OUT_OF_SCOPE:.0%}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="evaluate this NLU model instead of training")
    options = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.disable(logging.WARNING)
    import structlog  # Rasa logs every parse at debug level through structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    languages = [lang for lang in training_languages()
                 if (HELDOUT_DIR / f"{lang}.yml").exists()]
    with tempfile.TemporaryDirectory() as scratch:
        model = options.model or train_nlu(Path(scratch))
        results = asyncio.run(evaluate(model, languages))
    report(results)
    out = ROOT / "var" / "evaluation.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    print(f"Figures written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
