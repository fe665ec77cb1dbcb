"""The action server builds its word lists when it starts (actions/start.py): a resident's
first typed time or answer afterwards builds none of them."""

from __future__ import annotations

from datetime import date

from actions.common import municipality
from actions.start import build_vocabularies
from assistant import when_parser
from assistant.typed_answers import matcher, vocabulary
from assistant.typed_answers.questions import understand_confirmation, understand_team

BUILT_ONCE = [when_parser.relative_day_words, when_parser.calendar_words,
              when_parser.day_period_words, when_parser._hour_patterns,
              when_parser._spoken_hour_tables,
              vocabulary.catalog_titles, vocabulary.catalog_plurals, vocabulary.language_words,
              matcher.all_filler]


def test_nothing_is_built_at_the_first_typed_answer_after_the_start() -> None:
    for cache in BUILT_ONCE:
        cache.cache_clear()
    build_vocabularies()
    built = {cache.__name__: cache.cache_info().misses for cache in BUILT_ONCE}
    teams = [(code, team.name_key) for code, team in municipality().teams.items()]
    for language in ("nl", "uk", "ar", "ti"):
        when_parser.parse_when("volgende week donderdagochtend om 9:30", date.today())
        when_parser.parse_when("overmorgen", date.today())
        when_parser.parse_when("om elf uur", date.today())
        understand_confirmation("klopt", language)
        understand_team("werkcoach", teams, language)
    assert {cache.__name__: cache.cache_info().misses for cache in BUILT_ONCE} == built
