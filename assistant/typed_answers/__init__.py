"""Typed answers to questions with buttons, in every language (see matcher.py)."""

from assistant.typed_answers.matcher import (
    Option,
    Special,
    Understood,
    declines,
    number_in,
    ordinal_in,
    says_cannot,
    understand,
    understand_yes_no,
    yes_no_options,
)
from assistant.typed_answers.text import normalize

__all__ = ["Option", "Special", "Understood", "declines", "normalize", "number_in", "ordinal_in",
           "says_cannot", "understand", "understand_yes_no", "yes_no_options"]
