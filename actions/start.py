"""What the action server builds when it starts rather than at a resident's first message.

The word lists behind typed answers and typed dates (weekday and month names of every
language from CLDR, dateparser's relative days, the answers.yml of every language, every
catalog's button titles and plural forms) took about 1.1 s to build on first use: the first
resident to type a time or an answer after a (re)start waited for it, and everyone behind
them in the queue too. ``actions/__init__.py`` calls ``build_vocabularies`` in the action
server only (tests and scripts import the actions without it).
"""

from __future__ import annotations

import logging
import time
from datetime import date

from actions.common import current_policy, municipality
from assistant.typed_answers.questions import understand_confirmation, understand_team
from assistant.typed_answers.vocabulary import answer_languages, counted_phrases
from assistant.when_parser import parse_when

logger = logging.getLogger(__name__)

# Typed the way residents type them: each reaches another of the word lists.
SAMPLE_TIMES = ("morgen om 10 uur", "dinsdagmiddag", "3 maart om half 2", "de tweede",
                "om tien uur")


def build_vocabularies() -> None:
    started = time.perf_counter()
    today = date.today()
    for text in SAMPLE_TIMES:
        parse_when(text, today)
    teams = [(code, team.name_key) for code, team in municipality().teams.items()]
    for language in answer_languages():
        understand_confirmation("ja", language)
        understand_team("de tweede", teams, language)
    counted_phrases("duration.months", 3)
    current_policy()
    logger.info("word lists built in %.2f s", time.perf_counter() - started)
