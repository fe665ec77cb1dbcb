"""Every text a user can see exists in the catalogs, and every catalog text is used.

"Used" means pybabel extracts it (assistant/catalog_extract.py, babel.cfg): what it does
not extract, ``make extract-messages`` would drop from the catalogs.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from assistant.catalog_extract import extract_catalog
from assistant.language_data import catalog_languages, catalog_problems
from assistant.settings import PROJECT_ROOT


def catalog(language: str) -> dict[str, object]:
    path = PROJECT_ROOT / "locales" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0]: m.string
                for m in read_po(handle) if m.id}


@pytest.fixture(scope="module")
def extracted() -> dict[str, bool]:
    """Message id -> whether it has plural forms."""
    return {(m.id if isinstance(m.id, str) else m.id[0]): m.pluralizable
            for m in extract_catalog() if m.id}


def test_every_text_used_has_a_dutch_translation(extracted) -> None:
    dutch = catalog("nl")
    missing = sorted(key for key in extracted if not dutch.get(key))
    assert not missing, f"no Dutch text for: {missing}"


def test_every_catalog_text_is_used_somewhere(extracted) -> None:
    unused = sorted(key for key in catalog("nl") if key not in extracted)
    assert not unused, f"catalog texts nobody uses (or pybabel cannot find): {unused}"


def test_extraction_finds_ids_in_code_yaml_and_markers(extracted) -> None:
    # one of each way a message id is used: say(), a domain response, a municipality key,
    # an intent label, a marked id and a plural
    for key in ("booking.confirmed", "greet.welcome", "team.schuldhulp.name",
                "intent.ask_debt_help", "topic.apply_benefit", "policy.werkstage.description",
                "web.title", "format.date_at_time"):
        assert key in extracted
    assert extracted["appointments.count"] is True


def test_counted_texts_have_plural_forms(extracted) -> None:
    dutch = catalog("nl")
    for key in (k for k, plural in extracted.items() if plural):
        forms = dutch[key]
        # the singular may say "één" in words; the plural must show the number
        assert isinstance(forms, tuple) and len(forms) == 2 and all(forms)
        assert "{count}" in forms[-1]


@pytest.mark.parametrize("language", [lang for lang in catalog_languages() if lang != "nl"])
def test_every_language_translates_every_text_with_the_same_placeholders(language) -> None:
    """Completeness fails the build: every Dutch id translated, placeholders identical,
    every CLDR plural form filled."""
    assert catalog_problems(language) == []


@pytest.mark.parametrize("language", catalog_languages())
def test_every_text_is_in_its_catalog_once(language) -> None:
    """A second entry with the same id is silently ignored (Babel keeps the first): a
    translator who edits it changes nothing."""
    path = PROJECT_ROOT / "locales" / language / "LC_MESSAGES" / "messages.po"
    ids = re.findall(r'^msgid "(.+)"$', path.read_text("utf-8"), re.MULTILINE)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
