"""Plain Dutch (B1): the readability report's figures, and a floor under the catalog."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assistant.readability import (
    MIN_WORDS,
    combined,
    dutch_texts,
    resident_facing,
    score,
    syllables,
)
from assistant.settings import PROJECT_ROOT


@pytest.mark.parametrize(("word", "count"), [
    ("bijstand", 2), ("uitkeringsgerechtigde", 7), ("werk", 1), ("{team}", 1)])
def test_dutch_syllables(word: str, count: int) -> None:
    assert syllables(word) == count


def test_flesch_douma_by_hand() -> None:
    found = score("x", "Ik zoek werk. U helpt mij.")
    # 2 sentences, 6 words, 6 syllables: 206.835 - 0.93 x 3 - 77 x 1
    assert (found.sentences, found.words, found.syllables) == (2, 6, 6)
    assert found.flesch_douma == pytest.approx(206.835 - 0.93 * 3 - 77)
    hard = score("y", "De uitkeringsgerechtigde ontvangt een beschikking inzake de "
                      "arbeidsinschakelingsverplichtingen conform de verordening.")
    assert hard.flesch_douma < 0 < found.flesch_douma


def test_employer_texts_are_not_counted_as_resident_facing() -> None:
    assert not resident_facing("checklist.plan_van_aanpak")
    assert not resident_facing("policy.sroi.description")
    assert resident_facing("policy.taalhuis.description")


def test_the_dutch_catalog_stays_plain() -> None:
    """After the rewrite: easy overall, and no resident text of some length below 40."""
    scores = [score(k, t) for k, t in dutch_texts().items() if resident_facing(k)]
    assert combined(scores).flesch_douma >= 70
    hard = [(s.key, round(s.flesch_douma)) for s in scores
            if s.words >= MIN_WORDS and s.flesch_douma < 40]
    assert not hard, hard


def test_the_report_prints_its_figures() -> None:
    result = subprocess.run([sys.executable, "scripts/readability.py", "--hardest", "3"],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert "Flesch-Douma (all together):" in result.stdout
    ranked = [line for line in result.stdout.splitlines() if line.startswith("    ")]
    assert len(ranked) == 3 and all("." in line for line in ranked)
