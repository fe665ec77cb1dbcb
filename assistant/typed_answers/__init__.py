"""Typed answers to questions with buttons, in every language (see matcher.py)."""

from assistant.typed_answers.matcher import (
    Option,
    Special,
    Understood,
    declines,
    number_in,
    ordinal_in,
    understand,
    understand_yes_no,
    without_what_one_cannot,
    yes_no_options,
)
from assistant.typed_answers.text import normalize

__all__ = ["Option", "Special", "Understood", "declines", "normalize", "number_in", "ordinal_in",
           "understand", "understand_yes_no", "without_what_one_cannot", "yes_no_options"]
