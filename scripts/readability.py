"""Readability of the Dutch catalog (plain language, B1): Flesch-Douma and sentence length.

    .venv/bin/python scripts/readability.py [--hardest 15]

Prints the score over all resident-facing texts, the share of long sentences and the
hardest texts, so a writer knows which ones to rewrite first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.readability import (  # noqa: E402
    LONG_SENTENCE,
    MIN_WORDS,
    combined,
    dutch_texts,
    resident_facing,
    score,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hardest", type=int, default=15)
    options = parser.parse_args()
    scores = [score(key, text) for key, text in sorted(dutch_texts().items())
              if resident_facing(key)]
    total = combined(scores)
    long_texts = [s for s in scores if s.longest > LONG_SENTENCE]
    print(f"Dutch catalog, resident-facing texts: {len(scores)}, "
          f"{total.sentences} sentences, {total.words} words")
    print(f"Flesch-Douma (all together): {total.flesch_douma:.1f}")
    print(f"Words per sentence: {total.words / max(total.sentences, 1):.1f}; "
          f"texts with a sentence over {LONG_SENTENCE} words: {len(long_texts)}")
    # a score means little for a label of two words: rank the texts of some length
    ranked = sorted((s for s in scores if s.words >= MIN_WORDS), key=lambda s: s.flesch_douma)
    print(f"\nHardest {options.hardest} texts of {MIN_WORDS} words or more "
          "(Flesch-Douma, longest sentence in words):")
    for found in ranked[:options.hardest]:
        print(f"  {found.flesch_douma:6.1f}  {found.longest:3d}  {found.key}")


if __name__ == "__main__":
    main()
