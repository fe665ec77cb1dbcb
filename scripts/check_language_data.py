"""Check one language's training data, evaluation sets and catalog; print what is missing.

    .venv/bin/python scripts/check_language_data.py ar

Exit status 1 when something is wrong. The same rules are enforced by the test suite
(tests/test_training_data.py and tests/test_catalogs.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.language_data import (  # noqa: E402
    catalog_problems,
    cross_language_conflicts,
    heldout_problems,
    training_problems,
)
from assistant.typed_answers.vocabulary import answer_word_problems  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    language = argv[0]
    problems = [*training_problems(language), *heldout_problems(language),
                *catalog_problems(language), *answer_word_problems(language),
                *(f"{language}: {c}" for c in cross_language_conflicts() if f" in {language}" in c)]
    for problem in problems:
        print(problem)
    print(f"{language}: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
