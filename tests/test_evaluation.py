"""The evaluation's figures mean what they say: a fallback is not a confident wrong answer,
an out-of-scope message answered with the fallback is recognised, a referral counts only
when it names the right organisation."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from assistant.language_data import EVAL_DIR, PROJECT_ROOT, training_languages


def evaluation_script() -> ModuleType:
    path = PROJECT_ROOT / "scripts" / "evaluate_languages.py"
    spec = importlib.util.spec_from_file_location("evaluate_languages", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def parsed(intent: str) -> dict:
    return {"intent": {"name": intent, "confidence": 0.9}, "entities": []}


def test_fallbacks_confident_wrong_answers_and_referrals_are_told_apart() -> None:
    script = evaluation_script()
    examples = [(f"message {i}", truth, set()) for i, truth in enumerate(
        ["referral_uwv", "referral_uwv", "ask_debt_help", "ask_debt_help", "out_of_scope",
         "out_of_scope", "affirm", "deny"])]
    predictions = [parsed(p) for p in
                   ["referral_uwv", "apply_benefit", "nlu_fallback", "ask_debt_help",
                    "nlu_fallback", "greet", "affirm", "affirm"]]
    result = script.score("nl", "real_test", examples, predictions)
    assert result.accuracy == 4 / 8  # uwv, debt, out of scope by fallback, affirm
    assert result.referral_recall == 1 / 2
    assert result.out_of_scope_recall == 1 / 2
    assert result.confident_wrong == 3 / 8  # apply_benefit, greet, affirm for a no
    assert result.fallbacks == 1 / 8  # the fallback on an out-of-scope message is right
    assert ("referral_uwv", "apply_benefit", 1) in result.confusions
    assert not result.meets_targets()


def test_every_language_has_development_and_test_sets_of_both_kinds() -> None:
    for language in training_languages():
        found = {p.stem for p in (EVAL_DIR / language).glob("*.yml")}
        assert found == {"dev", "test", "real_dev", "real_test"}, language
