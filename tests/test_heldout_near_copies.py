"""The evaluation sets measure understanding, not recall: in no language is a sentence of a
development, test or real-style set a near-copy (one word or letter changed) of a training
sentence."""

from __future__ import annotations

from difflib import SequenceMatcher

import pytest
from rapidfuzz import fuzz, process

from assistant.language_data import (
    EVAL_SETS,
    eval_examples,
    normalised,
    plain_text,
    training_examples,
    training_languages,
)

NEAR = 0.85  # SequenceMatcher ratio from which two sentences count as the same sentence


def near_copies(language: str) -> list[tuple[str, str, str, float]]:
    """(set, evaluation sentence, training sentence, ratio) of every near-copy. rapidfuzz's
    ratio (longest common subsequence) is never below difflib's, so it only picks the
    candidates that difflib then judges."""
    trained = [normalised(plain_text(t)) for texts in training_examples(language).values()
               for t in texts]
    found = []
    for kind in EVAL_SETS:
        for texts in eval_examples(language, kind).values():
            for text in texts:
                mine = normalised(plain_text(text))
                for other, _, _ in process.extract(mine, trained, scorer=fuzz.ratio,
                                                   score_cutoff=NEAR * 100 - 1, limit=None):
                    if abs(len(other) - len(mine)) > max(8, len(mine) * 0.3):
                        continue
                    ratio = SequenceMatcher(None, mine, other).ratio()
                    if ratio >= NEAR:
                        found.append((kind, text, other, round(ratio, 2)))
                        break
    return found


@pytest.mark.parametrize("language", training_languages())
def test_no_evaluation_sentence_is_a_near_copy_of_training(language: str) -> None:
    assert not near_copies(language)


def test_the_check_recognises_a_near_copy() -> None:
    assert SequenceMatcher(None, "praktijkroute ከመይ ይሰርሕ",
                           "praktijkroute ብኸመይ ይሰርሕ").ratio() >= NEAR
    assert fuzz.ratio("praktijkroute ከመይ ይሰርሕ", "praktijkroute ብኸመይ ይሰርሕ") >= NEAR * 100 - 1
