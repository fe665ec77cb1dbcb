"""Official terms in any language mapped to one concept each (nlu_components/lexicon.yml):
"WW", "werkloosheidsuitkering" and "unemployment benefit" all become `unemployment_benefit`,
so a term learnt from one language's examples counts in every other language too.

Dutch terms are often glued to a preposition or article of the sentence's own script:
Tigrinya "ንAOW" (for AOW), "ብWW", "ኣብUWV", Arabic "بالـWW", "للـAOW", "الinburgering".
`split_scripts` puts a space where the script changes inside a word, so that the lexicon and
the classifier's word n-grams see "AOW" as the word it is.

Arabic and Persian are read with one spelling per letter (nlu_components/spelling.py):
"اريد الغاء موعدي" gives the same n-grams and concepts as "أريد إلغاء موعدي"."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from nlu_components.spelling import fold_letters

LEXICON_FILE = Path(__file__).with_name("lexicon.yml")
# Short terms (WW, AOW, IND, 112) only as whole words; longer ones also inside a compound
# ("zorgtoeslag" in "zorgtoeslagen", "bijstand" in "bijstandsuitkering").
_WHOLE_WORD_UP_TO = 4
# Letters of the scripts our languages are written in (Arabic with its tatweel "ـ" and its
# presentation forms); a word that changes from one to another is two words.
_SCRIPT_LETTERS = {
    "latin": "A-Za-z\u00c0-\u024f",
    "arabic": "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff",
    "ethiopic": "\u1200-\u139f\u2d80-\u2ddf",
    "cyrillic": "\u0400-\u052f",
}
_SCRIPT_CHANGE = re.compile("|".join(
    rf"(?<=[{letters}])(?=[{other}])"
    for name, letters in _SCRIPT_LETTERS.items()
    for other_name, other in _SCRIPT_LETTERS.items() if other_name != name))


def split_scripts(text: str) -> str:
    """A space where a word changes script: "ንAOW" -> "ን AOW", "بالـWW" -> "بالـ WW"."""
    return _SCRIPT_CHANGE.sub(" ", text)


def preprocess(text: str) -> str:
    """The classifier's n-grams' view of a message: scripts split, one spelling per Arabic
    script letter, lower case (what scikit-learn's default preprocessing does, which a
    preprocessor of our own replaces)."""
    return fold_letters(split_scripts(text)).lower()


def plain(text: str) -> str:
    """As a term is looked up: one spelling per Arabic-script letter, no case, no accents,
    Turkish dotless i as i ("cocuk parasi" names "çocuk parası", "kira yardimi" "kira
    yardımı": phones without a Turkish keyboard type them so)."""
    text = unicodedata.normalize("NFKD", fold_letters(text).casefold().replace("ı", "i"))
    return unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c)))


def _pattern(terms: list[str]) -> re.Pattern[str]:
    folded = {plain(str(term)) for term in terms}
    parts = [rf"(?<!\w){re.escape(t)}(?!\w)" if len(t) <= _WHOLE_WORD_UP_TO else re.escape(t)
             for t in sorted(folded, key=len, reverse=True)]
    return re.compile("|".join(parts))


@lru_cache(maxsize=1)
def lexicon() -> dict[str, re.Pattern[str]]:
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    return {concept: _pattern(terms) for concept, terms in data["concepts"].items()}


def concepts(text: str) -> list[str]:
    """The concepts a message names, each once ("ik wil WW" -> ["unemployment_benefit"])."""
    folded = plain(split_scripts(text))
    return [concept for concept, pattern in lexicon().items() if pattern.search(folded)]
