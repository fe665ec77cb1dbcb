"""Candidate intent models and fallback thresholds side by side, on the DEVELOPMENT sets only.

    .venv/bin/python scripts/compare_models.py                     # every candidate below
    .venv/bin/python scripts/compare_models.py config.yml          # the pipeline as it is
    .venv/bin/python scripts/compare_models.py "C 1.0" --per-language   # names starting so

Trains the intent classifier of nlu_components/tfidf_intent_classifier.py directly with
scikit-learn (no Rasa graph: seconds instead of minutes per candidate; the same examples,
context copies and calibration as `rasa train`), parses the held-out and real-style
development sets of every language and applies the fallback rule of Rasa's
FallbackClassifier (top confidence below the threshold, or the top two closer than the
ambiguity threshold), with the threshold of the message's language where the candidate has
one. Prints per candidate the mean over languages and the Dutch figures: accuracy, confident
wrong answers, referral recall. `--per-language` also chooses a threshold per language for
each model at 0.55 (the rule is in per_language_thresholds) and prints its figures.
`--spread N` trains each model N times, the later runs each without another 50 of the
examples (as if some data had changed; the file order kept), and counts the development
sentences whose outcome (intent or fallback) moved from the first run: a difference between
candidates smaller than the spread between one candidate's runs is noise. `--languages`
also prints each language's figures, referrals included. The test sets are
never read here: they only report the candidate that wins here (make evaluate).
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from evaluate_languages import FALLBACK, SetResult, read_set, score  # noqa: E402

from assistant.language_data import TRAINING_DIR, eval_path, training_languages  # noqa: E402

DEV_KINDS = ("dev", "real_dev")


@dataclass
class Candidate:
    """Classifier options (TfidfIntentClassifier's config) and a fallback rule."""

    name: str
    options: dict = field(default_factory=dict)
    threshold: float = 0.55
    ambiguity: float = 0.1
    per_language: dict[str, float] = field(default_factory=dict)  # language -> threshold


def candidates() -> list[Candidate]:
    """Each model at the usual thresholds; a per-language threshold only for Dutch, whose
    target is higher (the assistant knows the conversation's language from the gateway)."""
    models = {
        "baseline": {},
        "lexicon x2": {"lexicon_weight": 2.0},
        "lexicon x0.5": {"lexicon_weight": 0.5},
        "C 1.0": {"C": 1.0},
        "C 0.25": {"C": 0.25},
        "C 2.0": {"C": 2.0},
        "chars 2-5": {"char_ngrams": [2, 5]},
        "words 1-3": {"word_ngrams": [1, 3]},
        "context 1.0": {"context_share": 1.0},
        "ensemble": {"calibration_ensemble": True},
    }
    found = [from_config()]
    for name, options in models.items():
        found += [Candidate(f"{name} @{t:.2f}", options, threshold=t)
                  for t in (0.45, 0.50, 0.55, 0.60)]
        found += [Candidate(f"{name} @0.55 nl@{t:.2f}", options, per_language={"nl": t})
                  for t in (0.45, 0.50)]
    return found


def from_config() -> Candidate:
    """The model and fallback thresholds config.yml holds now."""
    import yaml

    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    options, fallback = {}, {}
    for step in pipeline:
        name = step["name"].rsplit(".", 1)[-1]
        settings = {k: v for k, v in step.items() if k != "name"}
        if name == "TfidfIntentClassifier":
            options = settings
        elif name in ("FallbackClassifier", "LanguageFallbackClassifier"):
            fallback = settings
    return Candidate("config.yml", options, fallback.get("threshold", 0.55),
                     fallback.get("ambiguity_threshold", 0.1),
                     fallback.get("language_thresholds", {}))


def training_examples() -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(TRAINING_DIR))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples
            if m.get("text") and m.get("intent")]


def fit(options: dict, examples: list[tuple[str, str]], run: int = 0):
    """The classifier trained on the examples; in run n > 0 without 50 of them, drawn with
    seed n, the order kept: as if some data had changed (``--spread``)."""
    from nlu_components.tfidf_intent_classifier import (
        TfidfIntentClassifier,
        enough_for_folds,
        with_context,
    )

    component = TfidfIntentClassifier(options, None, None)
    if run:
        left_out = set(random.Random(run).sample(range(len(examples)), 50))
        examples = [e for i, e in enumerate(examples) if i not in left_out]
    folds = component.config["calibration_folds"]
    examples = examples + with_context(examples, component.config["context_share"])
    texts, labels = zip(*enough_for_folds(examples, folds), strict=True)
    model = component._new_model(folds)
    model.fit(list(texts), np.array(labels))
    return model


def parse(model, texts: list[str], candidate: Candidate, language: str) -> list[dict]:
    threshold = candidate.per_language.get(language, candidate.threshold)
    predictions = []
    for probabilities in model.predict_proba(texts):
        order = np.argsort(-probabilities)
        first, second = probabilities[order[0]], probabilities[order[1]]
        name = str(model.classes_[order[0]])
        if first < threshold or first - second < candidate.ambiguity:
            name = FALLBACK
        predictions.append({"intent": {"name": name, "confidence": float(first)},
                            "entities": []})
    return predictions


def evaluate(model, candidate: Candidate,
             outcomes: dict[tuple[str, str, int], str] | None = None) -> list[SetResult]:
    """Every language's development sets scored; each sentence's outcome (intent or the
    fallback) is written into `outcomes` when given, to count what moves between runs."""
    results = []
    for language in training_languages():
        for kind in DEV_KINDS:
            path = eval_path(language, kind)
            if path.exists():
                examples = read_set(path)
                texts = [text for text, _, _ in examples]
                predictions = parse(model, texts, candidate, language)
                if outcomes is not None:
                    outcomes.update({(language, kind, i): p["intent"]["name"]
                                     for i, p in enumerate(predictions)})
                results.append(score(language, kind, examples, predictions))
    return results


def per_language(results: list[SetResult]) -> str:
    """Per language: real-style and held-out dev accuracy, confident wrong, referrals."""
    lines = []
    for r in results:
        if r.kind == "real_dev":
            lines.append(f"    {r.language} real-style dev: {r.accuracy:.3f} acc, "
                         f"{r.confident_wrong:.1%} wrong "
                         f"({round(r.confident_wrong * r.examples)} of {r.examples}), "
                         f"referrals {r.referral_recall:.1%}")
        else:
            lines.append(f"    {r.language} held-out dev:   {r.accuracy:.3f} acc, "
                         f"{r.confident_wrong:.1%} wrong "
                         f"({round(r.confident_wrong * r.examples)} of {r.examples})")
    return "\n".join(lines)


def print_misses(model, candidate: Candidate, language: str) -> None:
    """The development sets' misses of one language: truth, understood as, confidence."""
    for kind in DEV_KINDS:
        examples = read_set(eval_path(language, kind))
        texts = [text for text, _, _ in examples]
        for (text, truth, _), p in zip(examples, parse(model, texts, candidate, language),
                                       strict=True):
            name = p["intent"]["name"]
            if name != truth and not (truth == "out_of_scope" and name == FALLBACK):
                top = str(model.classes_[np.argmax(model.predict_proba([text])[0])])
                print(f"  {language} {kind}: {truth} -> {name} ({top} "
                      f"{p['intent']['confidence']:.2f}): {text}")


def mean(values: list[float]) -> float:
    values = [v for v in values if v == v]
    return sum(values) / len(values) if values else float("nan")


def summary(name: str, results: list[SetResult]) -> str:
    real = [r for r in results if r.kind == "real_dev"]
    held = [r for r in results if r.kind == "dev"]
    nl = next(r for r in real if r.language == "nl")
    nl_held = next(r for r in held if r.language == "nl")
    return (f"{name:<28}{mean([r.accuracy for r in real]):>7.3f}"
            f"{mean([r.confident_wrong for r in real]):>7.1%}"
            f"{mean([r.referral_recall for r in real]):>7.1%}"
            f"{mean([r.accuracy for r in held]):>7.3f}"
            f"{mean([r.confident_wrong for r in held]):>7.1%}"
            f"{nl.accuracy:>8.3f}{nl.confident_wrong:>7.1%}"
            f"{nl_held.accuracy:>7.3f}{nl_held.confident_wrong:>7.1%}   "
            + " ".join(f"{r.language}:{r.accuracy:.2f}/{r.confident_wrong:.0%}" for r in real))


THRESHOLDS = (0.40, 0.45, 0.50, 0.55, 0.60)


def per_language_thresholds(model, base: Candidate) -> dict[str, float]:
    """Per language the threshold (of THRESHOLDS) with the best accuracy on its two
    development sets together among those that give no more confident wrong answers there
    than the global threshold does; the higher threshold when two are equal."""
    chosen = {}
    print(f"\n{base.name}: per language and threshold, dev sets pooled "
          f"(accuracy / confident wrong)")
    for language in training_languages():
        figures = {}
        for threshold in THRESHOLDS:
            candidate = Candidate(base.name, base.options, threshold, base.ambiguity)
            right = wrong = total = 0
            for kind in DEV_KINDS:
                examples = read_set(eval_path(language, kind))
                r = score(language, kind, examples,
                          parse(model, [t for t, _, _ in examples], candidate, language))
                right += round(r.accuracy * r.examples)
                wrong += round(r.confident_wrong * r.examples)
                total += r.examples
            figures[threshold] = (right / total, wrong / total)
        allowed = figures[base.threshold][1]
        best = max((t for t in THRESHOLDS if figures[t][1] <= allowed),
                   key=lambda t: (figures[t][0], t))
        chosen[language] = best
        print(f"  {language}: " + "  ".join(
            f"{t:.2f} {a:.3f}/{w:.1%}" for t, (a, w) in figures.items()) + f"  -> {best:.2f}")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*",
                        help="only the candidates whose names start with these")
    parser.add_argument("--per-language", action="store_true",
                        help="also choose a threshold per language for each model")
    parser.add_argument("--spread", type=int, default=1, metavar="N",
                        help="train each model N times: on all examples, then each time "
                             "without another 50 (file order kept), and print every run")
    parser.add_argument("--misses", metavar="LANGUAGE", action="append", default=[],
                        help="also print this language's development-set misses")
    parser.add_argument("--languages", action="store_true",
                        help="also print every language's figures (and referrals)")
    options = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.disable(logging.WARNING)
    chosen = [c for c in candidates()
              if not options.names or any(c.name.startswith(n) for n in options.names)]
    examples = training_examples()
    print(f"{len(examples)} training examples; development sets only.\n")
    print(f"{'candidate':<28}{'real-style dev':^21}{'held-out dev':^14}{'nl real dev':^15}"
          f"   real dev per language: accuracy/confident wrong")
    print(f"{'':<28}{'acc':>7}{'wrong':>7}{'refer':>7}{'acc':>7}{'wrong':>7}{'acc':>8}"
          f"{'wrong':>7}{'acc':>7}{'wrong':>7}")
    models: dict[str, object] = {}
    first: dict[tuple[str, str, int], str] = {}  # the candidate's outcomes in its first run
    for candidate, run in ((c, n) for c in chosen for n in range(options.spread)):
        same = repr(sorted(candidate.options.items()))
        key = f"{same} {run}"
        started = time.monotonic()
        if key not in models:  # only this model's runs are kept in memory
            models = {k: m for k, m in models.items() if k.rsplit(" ", 1)[0] == same}
            models[key] = fit(candidate.options, examples, run)
        if run:
            candidate = Candidate(f"{candidate.name} -50 #{run}", candidate.options,
                                  candidate.threshold, candidate.ambiguity,
                                  candidate.per_language)
        outcomes: dict[tuple[str, str, int], str] = {}
        results = evaluate(models[key], candidate, outcomes)
        moved = ""
        if run:
            moved = (f"   moved {sum(first[k] != v for k, v in outcomes.items())} of "
                     f"{len(outcomes)} from run 0")
        else:
            first = outcomes
        for language in options.misses:
            print_misses(models[key], candidate, language)
        if options.per_language and not candidate.per_language and candidate.threshold == 0.55:
            own = per_language_thresholds(models[key], candidate)
            tuned = Candidate(f"{candidate.name} per language", candidate.options,
                              candidate.threshold, candidate.ambiguity, own)
            print(summary(tuned.name, evaluate(models[key], tuned)) + "\n", flush=True)
        print(summary(candidate.name, results)
              + f"   ({time.monotonic() - started:.0f} s){moved}", flush=True)
        if options.languages:
            print(per_language(results), flush=True)


if __name__ == "__main__":
    main()
