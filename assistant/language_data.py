"""What every language must have: training examples per intent, a held-out set that is never
trained on, and a complete catalog. Used by scripts/check_language_data.py and the tests."""

from __future__ import annotations

import re
import string
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from assistant.settings import PROJECT_ROOT

DOMAIN_DIR = PROJECT_ROOT / "domain"
TRAINING_DIR = PROJECT_ROOT / "nlu_data" / "nlu"
EVAL_DIR = PROJECT_ROOT / "tests" / "nlu_eval"
# Per language: held-out sets in the training data's style (dev to tune and read, test to
# report) and real-style sets written like forums, e-mails and FAQ pages (same split).
EVAL_SETS = ("dev", "test", "real_dev", "real_test")
HELDOUT_SETS = ("dev", "test")
REAL_SETS = ("real_dev", "real_test")
# Other organisations' intents (issue 8's referrals): the real-style sets ask for them.
REFERRAL_PREFIX = "referral_"
LOCALES_DIR = PROJECT_ROOT / "locales"
SOURCE_LANGUAGE = "nl"
MIN_TRAINING_EXAMPLES = 10
MIN_HELDOUT_EXAMPLES = 3
MIN_HELDOUT_OUT_OF_SCOPE = 10
RASA_INTERNAL_INTENTS = {"nlu_fallback"}
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def domain_intents() -> list[str]:
    """Every intent of the domain that people can express (Rasa's own excluded)."""
    names: list[str] = []
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names += [i for i in data.get("intents", []) if i not in RASA_INTERNAL_INTENTS]
    return names


def training_languages() -> list[str]:
    return sorted(p.name for p in TRAINING_DIR.iterdir() if p.is_dir())


def data_language(language: str) -> str:
    """Whose training data a language uses: its own, else its base language's (Dari, fa_AF,
    is understood by the Persian data, which is about a third Dari)."""
    return language if (TRAINING_DIR / language).is_dir() else language.split("_")[0]


def compiled_languages(locales_dir: Path) -> list[str]:
    """The languages people can use: those with a compiled catalog (make compiles them)."""
    return sorted(p.parent.parent.name for p in locales_dir.glob("*/LC_MESSAGES/messages.mo"))


def catalog_languages() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALES_DIR.glob("*/LC_MESSAGES/messages.po"))


def plain_text(example: str) -> str:
    """An example without its entity annotations: "ik ben [29](age)" -> "ik ben 29"."""
    return _ANNOTATION.sub(r"\1", example).strip()


def normalised(text: str) -> str:
    kept = "".join(c for c in text.casefold() if c not in string.punctuation + "؟،")
    return " ".join(kept.split())


def read_examples(paths: list[Path]) -> dict[str, list[str]]:
    """intent -> its examples, as written (annotations kept), from Rasa NLU YAML files."""
    examples: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu", []):
            if "intent" in block:
                examples[block["intent"]] += [
                    line[2:].strip() for line in str(block.get("examples", "")).splitlines()
                    if line.strip().startswith("- ")]
    return dict(examples)


@lru_cache(maxsize=16)  # read once per process; callers do not change the result
def training_examples(language: str) -> dict[str, list[str]]:
    return read_examples(sorted((TRAINING_DIR / language).glob("**/*.yml")))


def eval_path(language: str, kind: str) -> Path:
    return EVAL_DIR / language / f"{kind}.yml"


def eval_examples(language: str, kind: str) -> dict[str, list[str]]:
    path = eval_path(language, kind)
    return read_examples([path]) if path.exists() else {}


def heldout_examples(language: str) -> dict[str, list[str]]:
    """The held-out dev and test sets together (the minimum per intent holds for both)."""
    merged: dict[str, list[str]] = defaultdict(list)
    for kind in HELDOUT_SETS:
        for intent, texts in eval_examples(language, kind).items():
            merged[intent] += texts
    return dict(merged)


def training_problems(language: str) -> list[str]:
    language = data_language(language)
    examples = training_examples(language)
    intents = domain_intents()
    problems = [f"{language}: training data has intent '{name}' that is not in domain/"
                for name in examples if name not in intents]
    minimum = 1 if language == SOURCE_LANGUAGE else MIN_TRAINING_EXAMPLES
    problems += [f"{language}: intent '{name}' has {len(examples.get(name, []))} training "
                 f"examples, needs at least {minimum}"
                 for name in intents if len(examples.get(name, [])) < minimum]
    problems += _duplicates(language, examples)
    return problems


def _duplicates(language: str, examples: dict[str, list[str]]) -> list[str]:
    owners: dict[str, set[str]] = defaultdict(set)
    for intent, texts in examples.items():
        for text in texts:
            owners[normalised(plain_text(text))].add(intent)
    return [f"{language}: '{text}' is an example of several intents: {sorted(names)}"
            for text, names in owners.items() if len(names) > 1]


def cross_language_conflicts() -> list[str]:
    """Sentences that two languages' data give different intents ("budgetcoach" is a Dutch
    word in Turkish data too): one model learns all languages, so they would contradict."""
    owners: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for language in training_languages():
        for intent, texts in training_examples(language).items():
            for text in texts:
                owners[normalised(plain_text(text))].add((intent, language))
    return [f"'{text}' is {', '.join(f'{i} in {lang}' for i, lang in sorted(found))}"
            for text, found in owners.items() if len({i for i, _ in found}) > 1]


def heldout_problems(language: str) -> list[str]:
    language = data_language(language)
    missing = [eval_path(language, kind) for kind in EVAL_SETS
               if not eval_path(language, kind).exists()]
    if missing:
        return [f"{language}: no evaluation set {path.relative_to(PROJECT_ROOT)}"
                for path in missing]
    problems = _leaks(language)
    heldout = heldout_examples(language)
    intents = domain_intents()
    problems += [f"{language}: {kind} set has intent '{name}' that is not in domain/"
                 for kind in EVAL_SETS for name in eval_examples(language, kind)
                 if name not in intents and not name.startswith(REFERRAL_PREFIX)]
    for name in intents:
        if name.startswith(REFERRAL_PREFIX):  # held out in the real-style sets, both of them
            problems += [f"{language}: {kind} set has no example of '{name}'"
                         for kind in REAL_SETS if not eval_examples(language, kind).get(name)]
            continue
        minimum = (MIN_HELDOUT_OUT_OF_SCOPE if name == "out_of_scope"
                   else MIN_HELDOUT_EXAMPLES)
        if len(heldout.get(name, [])) < minimum:
            problems.append(f"{language}: held-out intent '{name}' has "
                            f"{len(heldout.get(name, []))} examples, needs {minimum}")
    return problems


@lru_cache(maxsize=1)
def trained_sentences() -> frozenset[str]:
    return frozenset(normalised(plain_text(t)) for other in training_languages()
                     for texts in training_examples(other).values() for t in texts)


def _leaks(language: str) -> list[str]:
    """An evaluation sentence in any language's training data leaks (one model learns every
    language), and a development sentence in a test set would let tuning see the test."""
    trained = trained_sentences()
    problems: list[str] = []
    seen: dict[str, str] = {}
    for kind in EVAL_SETS:
        for texts in eval_examples(language, kind).values():
            for text in texts:
                key = normalised(plain_text(text))
                if key in trained:
                    problems.append(f"{language}: {kind} example '{text}' is also in the "
                                    f"training data")
                if key in seen and seen[key] != kind:
                    problems.append(f"{language}: '{text}' is in the {seen[key]} and the "
                                    f"{kind} set")
                seen.setdefault(key, kind)
    return problems


@lru_cache(maxsize=16)
def read_catalog(language: str) -> Catalog:
    path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def placeholders(text: str) -> Counter[str]:
    return Counter(name for _, name, _, _ in string.Formatter().parse(text) if name)


def _forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def catalog_problems(language: str) -> list[str]:
    """Every id of the Dutch catalog translated, with the same placeholders and all plural forms."""
    source = read_catalog(SOURCE_LANGUAGE)
    target = read_catalog(language)
    problems: list[str] = []
    for original in source:
        if not original.id:
            continue
        key = original.id if isinstance(original.id, str) else original.id[0]
        translated = target.get(original.id)
        forms = _forms(translated) if translated is not None else []
        if not forms or not all(f.strip() for f in forms):
            problems.append(f"{language}: '{key}' is not translated")
            continue
        if translated.fuzzy:
            problems.append(f"{language}: '{key}' is marked fuzzy")
        if original.pluralizable and len(forms) != target.num_plurals:
            problems.append(f"{language}: '{key}' has {len(forms)} plural forms, "
                            f"{language} needs {target.num_plurals}")
        expected = set(placeholders(_forms(original)[-1]))
        # A singular or dual form may say the number in words instead of {count}.
        optional = {"count"} if original.pluralizable else set()
        problems += [f"{language}: '{key}' has placeholders {sorted(placeholders(f))}, "
                     f"Dutch has {sorted(expected)}"
                     for f in forms
                     if not expected - optional <= set(placeholders(f)) <= expected]
    return problems
