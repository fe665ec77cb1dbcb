"""Prints the personal-data detectors' precision and recall on the test tables.

    .venv/bin/python scripts/privacy_detector_scores.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.privacy.scores import false_alarms, resident_messages, score  # noqa: E402
from tests.privacy.detector_tables import NEGATIVES, POSITIVES, TODAY  # noqa: E402


def main() -> int:
    scores = score(POSITIVES, NEGATIVES, TODAY)
    negatives = sum(len(rows) for rows in NEGATIVES.values())
    print(f"{sum(len(r) for r in POSITIVES.values())} messages with personal data, "
          f"{negatives} without")
    print(f"{'kind':<14}{'TP':>4}{'FP':>4}{'FN':>4}{'precision':>11}{'recall':>8}")
    for kind, result in scores.items():
        print(f"{kind:<14}{result.true_positives:>4}{result.false_positives:>4}"
              f"{result.false_negatives:>4}{result.precision:>11.2f}{result.recall:>8.2f}")
    for kind, result in scores.items():
        for mistake in result.mistakes:
            print(f"  {kind}: {mistake}")
    total = {name: sum(getattr(s, name) for s in scores.values())
             for name in ("true_positives", "false_positives", "false_negatives")}
    tp, fp, fn = total["true_positives"], total["false_positives"], total["false_negatives"]
    print(f"{'all':<14}{tp:>4}{fp:>4}{fn:>4}{tp / (tp + fp):>11.2f}{tp / (tp + fn):>8.2f}")
    messages = resident_messages()
    alarms = false_alarms(messages)
    print(f"\nresidents' messages without personal data (NLU training and held-out sets, "
          f"every language): {len(messages)}, taken for personal data: {len(alarms)}")
    for alarm in alarms:
        print(f"  {alarm}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
