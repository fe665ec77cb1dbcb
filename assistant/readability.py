"""How plain the Dutch texts are: Flesch-Douma and sentence length (B1 plain language).

Flesch-Douma is Flesch's reading ease with Douma's constants for Dutch:
    206.835 - 0.93 x (words per sentence) - 77 x (syllables per word)
60 and above reads easily for most adults; B1 guidance keeps sentences short (at most about
15 words). Syllables are counted with pyphen's Dutch hyphenation patterns, one more than the
hyphenation points of a word; placeholders such as {team} count as one short word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen
from babel.messages.pofile import read_po

from assistant.settings import PROJECT_ROOT

SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
WORD = re.compile(r"\{[a-z_]+\}|[^\W\d_]+(?:[-'][^\W\d_]+)*|\d+(?:[.,]\d+)?", re.UNICODE)
LONG_SENTENCE = 15  # words; B1 plain-language guidance
MIN_WORDS = 15  # texts shorter than this are labels: no reading score
EMPLOYER_ONLY = re.compile(
    r"^(checklist\.|check\.(employer_intake|hiring_support)\.|check\.question\.(employer_|"
    r"candidate_|wage_value|hours_per_week|no_riskpolis)|check\.label\.(candidate_|employer_|"
    r"wage_value|no_riskpolis|hours_per_week)|policy\.(sroi|harrie_training|praktijkroute|"
    r"duurzaamheidssubsidie|jobcoach|werkplekaanpassing|no_riskpolis|national\.no_riskpolis|"
    r"national\.vergoeding_werkgeverslasten|emmen\.no_riskpolis|doelgroep_werkgevers|"
    r"partner\.wspd|next_step\.werkgeversservicepunt)|topic\.offer_vacancy|"
    r"topic\.amount\.(percentage_loonkosten|maximum_percentage_wml))")


@dataclass(frozen=True)
class Score:
    key: str
    sentences: int
    words: int
    syllables: int
    longest: int  # words in the longest sentence

    @property
    def flesch_douma(self) -> float:
        if not self.words or not self.sentences:
            return 100.0
        return (206.835 - 0.93 * self.words / self.sentences
                - 77 * self.syllables / self.words)


@lru_cache(maxsize=1)
def _dutch() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="nl_NL")


def syllables(word: str) -> int:
    if word.startswith("{") or word.isdigit():
        return 1
    return len(_dutch().positions(word.lower())) + 1


def score(key: str, text: str) -> Score:
    sentences = [s for s in SENTENCE_END.split(text.strip()) if WORD.search(s)]
    counts = [WORD.findall(s) for s in sentences]
    words = [w for sentence in counts for w in sentence]
    return Score(key, len(sentences), len(words), sum(syllables(w) for w in words),
                 max((len(c) for c in counts), default=0))


def resident_facing(key: str) -> bool:
    """Texts an inhabitant reads (the employer desk's texts are for employers)."""
    return not EMPLOYER_ONLY.match(key) and not key.startswith(("format.", "language."))


def combined(scores: list[Score]) -> Score:
    return Score("all", sum(s.sentences for s in scores), sum(s.words for s in scores),
                 sum(s.syllables for s in scores), max((s.longest for s in scores), default=0))


def dutch_texts() -> dict[str, str]:
    """Message id -> Dutch text (the plural form for counted texts)."""
    with (PROJECT_ROOT / "locales" / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {(m.id if isinstance(m.id, str) else m.id[0]):
                (m.string[-1] if isinstance(m.string, tuple) else m.string)
                for m in read_po(handle) if m.id}
