"""One spelling for what phone keyboards type in several ways in the Arabic script.

"اريد الغاء موعدي" is how many people type "أريد إلغاء موعدي": the hamza forms of alef
(أ إ آ ٱ) are typed as a bare ا, the alef maksura ى and the yeh ي are written for each
other (and Persian has its own ی and ک beside Arabic ي and ك), a word-final ة is typed as ه,
vowel marks (harakat, tanwin: "غداً") are mostly left out, and the tatweel ـ only stretches
a line. Persian glues "می" to its verb with a zero-width non-joiner, or a space, or nothing.
Each of these is made one form here (the Persian form of a letter, as the typed-answer
matcher always did), for the intent classifier's training and prediction alike
(nlu_components/lexicon.py) and for every typed answer (assistant/typed_answers/text.py,
assistant/when_parser.py): a text spelt either way gives the same features.

Digits of any script ("٣", "۳") become 0-9. Other scripts are left as they are.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that are one letter to a reader but different code points; the Persian form wins.
LETTER_VARIANTS = {
    "ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "ھ": "ه", "أ": "ا", "إ": "ا",
    "آ": "ا", "ٱ": "ا", "ؤ": "و", "ـ": "",
}
_VARIANTS = str.maketrans(LETTER_VARIANTS)
# Arabic vowel and Quranic marks (harakat, tanwin, shadda, sukun, superscript alef).
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
# Zero-width (non-)joiners and direction marks: "می‌خواهم" is "می خواهم".
JOINERS = re.compile("[\u200c\u200d\u200e\u200f]")
# Arabic presentation forms (ligatures such as ﻻ) as the letters they are drawn from.
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def fold_letters(text: str) -> str:
    """``text`` with one form per Arabic-script letter, no vowel marks, no tatweel, a space
    for a zero-width joiner and ASCII digits; case and every other letter as they were."""
    if not text:
        return ""
    text = _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m[0]), text)
    text = _MARKS.sub("", JOINERS.sub(" ", text).translate(_VARIANTS))
    return _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m[0])), text)
