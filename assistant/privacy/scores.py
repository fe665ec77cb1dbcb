"""Precision and recall of the detectors on labelled messages (see
scripts/privacy_detector_scores.py and tests/privacy/detector_tables.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from assistant.language_data import (
    heldout_examples,
    plain_text,
    training_examples,
    training_languages,
)
from assistant.privacy.detectors import KINDS, find_personal_data


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    mistakes: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        present = self.true_positives + self.false_negatives
        return self.true_positives / present if present else 1.0


def score(positives: dict[str, list[tuple[str, str]]], negatives: dict[str, list[str]],
          today: date) -> dict[str, Score]:
    """Per kind: a finding counts when its kind and its exact text are the expected ones;
    anything else found is a false positive of the kind it was taken for."""
    scores = {kind: Score() for kind in KINDS}
    labelled = [(text, kind, expected) for kind, rows in positives.items()
                for text, expected in rows]
    labelled += [(text, None, None) for rows in negatives.values() for text in rows]
    for text, kind, expected in labelled:
        matched = False
        for finding in find_personal_data(text, today):
            found = text[finding.start:finding.end]
            if finding.kind == kind and found == expected and not matched:
                scores[kind].true_positives += 1
                matched = True
            else:
                scores[finding.kind].false_positives += 1
                scores[finding.kind].mistakes.append(f"found {found!r} in {text!r}")
        if kind is not None and not matched:
            scores[kind].false_negatives += 1
            scores[kind].mistakes.append(f"missed {expected!r} in {text!r}")
    return scores


def resident_messages() -> list[str]:
    """Every training and held-out message of every language: how residents write, and none
    of them holds personal data (a finding there is a false positive)."""
    messages = []
    for language in training_languages():
        for examples in (training_examples(language), heldout_examples(language)):
            messages += [plain_text(text) for texts in examples.values() for text in texts]
    return messages


def false_alarms(messages: list[str]) -> list[str]:
    """What the detectors would take from messages that hold no personal data."""
    return [f"{finding.kind}: {text[finding.start:finding.end]!r} in {text!r}"
            for text in messages for finding in find_personal_data(text)]
