"""Per-language evaluation of understanding on sets that are never trained on.

    make evaluate    # or: .venv/bin/python scripts/evaluate_languages.py [--model PATH] [--dev]

Trains an NLU model with config.yml on nlu_data/nlu (every language) in a scratch folder,
then parses, per language, the held-out TEST set (tests/nlu_eval/<language>/test.yml, in the
training data's style) and the REAL-STYLE TEST set (real_test.yml: long questions of several
sentences, website and e-mail phrasing, employers, other organisations' questions, answers
typed inside forms), each message with its language as the gateway sends it (the fallback
threshold is per language). It prints per language and set:

- accuracy and macro F1 of the intent (after the fallback, as the assistant acts on it);
- out-of-scope recall: out-of-scope messages answered with out_of_scope or the fallback;
- referral recall: other organisations' questions routed to the right organisation;
- confident wrong answers: the share of messages that get a wrong intent above the fallback
  threshold (a wrong answer costs trust, a fallback with buttons only a click).

`--dev` evaluates the development sets (dev.yml, real_dev.yml) instead and prints their
confusions: read those, choose thresholds and write data with them; never with the test
sets. The figures are written to var/evaluation.json. It prints figures, it asserts nothing.
Candidate models and thresholds are compared on the development sets by
scripts/compare_models.py (faster: no Rasa training per candidate).
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

from assistant.language_data import REFERRAL_PREFIX, eval_path, training_languages  # noqa: E402

TEST_SETS = {"test": "held-out test", "real_test": "real-style test"}
DEV_SETS = {"dev": "held-out dev", "real_dev": "real-style dev"}
# Issue 8: on the real-style test sets.
TARGET_ACCURACY = {"nl": 0.90}
DEFAULT_TARGET_ACCURACY = 0.80
TARGET_CONFIDENT_WRONG = 0.03
TARGET_REFERRALS = 0.90
TARGET_OUT_OF_SCOPE = 0.90
FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"

Example = tuple[str, str, set[tuple[str, str]]]  # text, intent, {(entity, value)}


@dataclass
class SetResult:
    language: str
    kind: str
    examples: int
    accuracy: float
    macro_f1: float
    out_of_scope_recall: float
    referral_recall: float
    confident_wrong: float
    fallbacks: float
    entities_found: float
    confusions: list[tuple[str, str, int]] = field(default_factory=list)

    def meets_targets(self) -> bool:
        target = TARGET_ACCURACY.get(self.language, DEFAULT_TARGET_ACCURACY)
        return (self.accuracy >= target and self.confident_wrong <= TARGET_CONFIDENT_WRONG
                and not self.referral_recall < TARGET_REFERRALS
                and not self.out_of_scope_recall < TARGET_OUT_OF_SCOPE)


def train_nlu(out_dir: Path) -> Path:
    print("Training an NLU model on nlu_data/nlu only (a few minutes)...", flush=True)
    command = [sys.executable, "-m", "rasa", "train", "nlu", "--config", "config.yml",
               "--nlu", "nlu_data/nlu", "--out", str(out_dir), "--fixed-model-name", "nlu"]
    with (out_dir / "train.log").open("w") as log:
        subprocess.run(command, cwd=ROOT, check=True, stdout=log, stderr=subprocess.STDOUT)
    return out_dir / "nlu.tar.gz"


def read_set(path: Path) -> list[Example]:
    """(text, intent, {(entity, value)}) of one evaluation file, as Rasa reads it."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent"),
             {(e["entity"], str(e["value"])) for e in m.get("entities") or []})
            for m in data.intent_examples]


async def evaluate(model: Path, languages: list[str], kinds: list[str]) -> list[SetResult]:
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage

    agent = Agent.load(str(model))
    results = []
    for language in languages:
        for kind in kinds:
            path = eval_path(language, kind)
            if not path.exists():
                continue
            examples = read_set(path)
            # With the conversation's language, as the gateway sends it (per-language
            # fallback thresholds, nlu_components/language_fallback.py).
            predictions = [await agent.processor.parse_message(
                UserMessage(text, metadata={"language": language}))
                for text, _, _ in examples]
            results.append(score(language, kind, examples, predictions))
    return results


def acted_on(truth: str, predicted: str) -> str:
    """The intent as the assistant acts on it: for an out-of-scope message the fallback
    ("I did not understand, did you mean...") is as right as out_of_scope itself."""
    if truth == OUT_OF_SCOPE and predicted in (OUT_OF_SCOPE, FALLBACK):
        return OUT_OF_SCOPE
    return predicted


def recall(truth: list[str], predicted: list[str], wanted) -> float:
    pairs = [(t, p) for t, p in zip(truth, predicted, strict=True) if wanted(t)]
    return sum(t == p for t, p in pairs) / len(pairs) if pairs else float("nan")


def score(language: str, kind: str, examples: list[Example],
          predictions: list[dict]) -> SetResult:
    from sklearn.metrics import accuracy_score, f1_score

    truth = [intent for _, intent, _ in examples]
    predicted = [acted_on(t, p["intent"]["name"])
                 for t, p in zip(truth, predictions, strict=True)]
    wrong = [(t, p) for t, p in zip(truth, predicted, strict=True) if t != p]
    expected_entities = sum(len(entities) for _, _, entities in examples)
    found_entities = sum(
        len(entities & {(e["entity"], str(e.get("value"))) for e in p.get("entities", [])})
        for (_, _, entities), p in zip(examples, predictions, strict=True))
    return SetResult(
        language=language, kind=kind, examples=len(examples),
        accuracy=accuracy_score(truth, predicted),
        macro_f1=f1_score(truth, predicted, labels=sorted(set(truth)), average="macro",
                          zero_division=0),
        out_of_scope_recall=recall(truth, predicted, lambda t: t == OUT_OF_SCOPE),
        referral_recall=recall(truth, predicted, lambda t: t.startswith(REFERRAL_PREFIX)),
        confident_wrong=sum(p != FALLBACK for _, p in wrong) / len(truth),
        fallbacks=sum(p == FALLBACK for p in predicted) / len(truth),
        entities_found=found_entities / expected_entities if expected_entities else float("nan"),
        confusions=[(t, p, n) for (t, p), n in Counter(wrong).most_common()])


def percent(value: float) -> str:
    return "-" if value != value else f"{value:.1%}"  # NaN: the set has no such example


def report(results: list[SetResult], names: dict[str, str], confusions: bool) -> None:
    print(f"\n{'language':<9}{'set':<17}{'examples':>8}{'accuracy':>10}{'macro F1':>10}"
          f"{'out-of-scope':>14}{'referrals':>11}{'confident wrong':>17}{'fallback':>10}"
          f"{'entities':>10}  targets met")
    for r in results:
        met = ("yes" if r.meets_targets() else "NO") if r.kind == "real_test" else ""
        print(f"{r.language:<9}{names[r.kind]:<17}{r.examples:>8}{r.accuracy:>10.3f}"
              f"{r.macro_f1:>10.3f}{percent(r.out_of_scope_recall):>14}"
              f"{percent(r.referral_recall):>11}{percent(r.confident_wrong):>17}"
              f"{percent(r.fallbacks):>10}{percent(r.entities_found):>10}  {met}")
    if confusions:
        print("\nConfusions (set: intent -> understood as, count):")
        for r in results:
            shown = "; ".join(f"{t} -> {p} ({n})" for t, p, n in r.confusions) or "none"
            print(f"  {r.language} {names[r.kind]}: {shown}")
    print(f"\nTargets on the real-style test sets (issue 8): accuracy >= "
          f"{TARGET_ACCURACY['nl']} for nl and >= {DEFAULT_TARGET_ACCURACY} for every other "
          f"language; confident wrong <= {TARGET_CONFIDENT_WRONG:.0%}; referrals >= "
          f"{TARGET_REFERRALS:.0%}; out-of-scope >= {TARGET_OUT_OF_SCOPE:.0%}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="evaluate this NLU model instead of training")
    parser.add_argument("--dev", action="store_true",
                        help="the development sets and their confusions instead of the tests")
    options = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.disable(logging.WARNING)
    import structlog  # Rasa logs every parse at debug level through structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    names = DEV_SETS if options.dev else TEST_SETS
    with tempfile.TemporaryDirectory() as scratch:
        model = options.model or train_nlu(Path(scratch))
        results = asyncio.run(evaluate(model, training_languages(), list(names)))
    report(results, names, confusions=options.dev)
    out = ROOT / "var" / ("evaluation-dev.json" if options.dev else "evaluation.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps([asdict(r) for r in results], indent=2, ensure_ascii=False) + "\n")
    print(f"Figures written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
