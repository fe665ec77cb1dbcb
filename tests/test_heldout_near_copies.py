"""The Tigrinya and Persian evaluation sets measure understanding, not recall: none of their
sentences is a near-copy (one word or letter changed) of a training sentence."""

from __future__ import annotations

from difflib import SequenceMatcher

import pytest

from assistant.language_data import (
    HELDOUT_SETS,
    eval_examples,
    normalised,
    plain_text,
    training_examples,
)

NEAR = 0.85  # SequenceMatcher ratio from which two sentences count as the same sentence


def near_copies(language: str) -> list[tuple[str, str, float]]:
    trained = [normalised(plain_text(t)) for texts in training_examples(language).values()
               for t in texts]
    found = []
    for kind in HELDOUT_SETS:
        for texts in eval_examples(language, kind).values():
            for text in texts:
                mine = normalised(plain_text(text))
                for other in trained:
                    if abs(len(other) - len(mine)) > max(8, len(mine) * 0.3):
                        continue
                    ratio = SequenceMatcher(None, mine, other).ratio()
                    if ratio >= NEAR:
                        found.append((text, other, round(ratio, 2)))
                        break
    return found


@pytest.mark.parametrize("language", ["ti", "fa"])
def test_no_evaluation_sentence_is_a_near_copy_of_training(language: str) -> None:
    assert not near_copies(language)


def test_the_check_recognises_a_near_copy() -> None:
    assert SequenceMatcher(None, "praktijkroute ከመይ ይሰርሕ",
                           "praktijkroute ብኸመይ ይሰርሕ").ratio() >= NEAR
