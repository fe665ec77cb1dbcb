"""Text as it is compared: what a phone keyboard may or may not type is made equal.

Case, accents and diacritics (é, ë, ı, й, Arabic vowel marks), the Arabic and Persian forms
of the same letter (ي/ی, ك/ک, ة/ه, أ/إ/آ/ا), the tatweel, digits of any script and
punctuation are all levelled, so "Statushoudér", "STATUSHOUDER" and "statushouder" are one
word, and so are "لا أعرف" and "لا اعرف".
"""

from __future__ import annotations

import re
import unicodedata

from nlu_components.spelling import fold_letters

# Beside the Arabic script's letters (nlu_components/spelling.py, which the intent classifier
# reads through too): Turkish dotless i and the apostrophes phones type.
_LETTER_VARIANTS = str.maketrans({"ı": "i", "’": "'", "ʼ": "'", "`": "'"})
_PUNCTUATION = re.compile(r"[^\w\s']|_", re.UNICODE)


def normalize(text: str) -> str:
    """Lower case, no diacritics, one form per letter, ASCII digits, single spaces."""
    text = unicodedata.normalize("NFKD", fold_letters(text).translate(_LETTER_VARIANTS))
    kept = "".join(_plain(ch) for ch in text if not unicodedata.combining(ch))
    kept = _PUNCTUATION.sub(" ", fold_letters(kept.casefold()).translate(_LETTER_VARIANTS))
    return " ".join(kept.replace("'", "").split())


def _plain(char: str) -> str:
    if char.isdecimal():
        return str(unicodedata.decimal(char))
    return char


def words(text: str) -> list[str]:
    """The words of already normalized text."""
    return text.split()


def compact(text: str) -> str:
    """Normalized text without spaces: "yirmi dört" and "yirmidört" are one number."""
    return text.replace(" ", "")
