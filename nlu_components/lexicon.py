"""Official terms in any language mapped to one concept each (nlu_components/lexicon.yml):
"WW", "werkloosheidsuitkering" and "unemployment benefit" all become `unemployment_benefit`,
so a term learnt from one language's examples counts in every other language too."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

LEXICON_FILE = Path(__file__).with_name("lexicon.yml")
# Short terms (WW, AOW, IND, 112) only as whole words; longer ones also inside a compound
# ("zorgtoeslag" in "zorgtoeslagen", "bijstand" in "bijstandsuitkering").
_WHOLE_WORD_UP_TO = 4


def _pattern(terms: list[str]) -> re.Pattern[str]:
    parts = [rf"(?<!\w){re.escape(t)}(?!\w)" if len(t) <= _WHOLE_WORD_UP_TO else re.escape(t)
             for t in sorted({str(term).casefold() for term in terms}, key=len, reverse=True)]
    return re.compile("|".join(parts))


@lru_cache(maxsize=1)
def lexicon() -> dict[str, re.Pattern[str]]:
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    return {concept: _pattern(terms) for concept, terms in data["concepts"].items()}


def concepts(text: str) -> list[str]:
    """The concepts a message names, each once ("ik wil WW" -> ["unemployment_benefit"])."""
    folded = text.casefold()
    return [concept for concept, pattern in lexicon().items() if pattern.search(folded)]
