"""Every language has what understanding it needs: enough training examples for every intent,
a held-out set that is never trained on, and no sentence claimed by two intents."""

from __future__ import annotations

import pytest

from assistant.language_data import (
    catalog_languages,
    cross_language_conflicts,
    data_language,
    heldout_problems,
    plain_text,
    training_languages,
    training_problems,
)

LANGUAGES = ["ar", "en", "fa", "nl", "ti", "tr", "uk"]  # fa_AF (Dari) shares fa's data


def test_every_language_has_training_data_and_a_catalog() -> None:
    assert training_languages() == LANGUAGES
    assert set(catalog_languages()) == {*LANGUAGES, "fa_AF"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_training_data_covers_every_intent(language: str) -> None:
    assert training_problems(language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_heldout_set_is_complete_and_never_trained_on(language: str) -> None:
    assert heldout_problems(language) == []


def test_annotations_are_removed_for_comparison() -> None:
    assert plain_text('nee ik ben [29](age)') == "nee ik ben 29"
    assert plain_text('[المرشد]{"entity": "team", "value": "klantmanager"}') == "المرشد"


def test_no_sentence_has_different_intents_in_different_languages() -> None:
    assert cross_language_conflicts() == []


def test_a_regional_variant_is_understood_with_its_base_languages_data() -> None:
    assert data_language("fa_AF") == "fa" and data_language("uk") == "uk"
    assert training_problems("fa_AF") == [] and heldout_problems("fa_AF") == []
