"""Every text a user can see exists in the catalogs, and every catalog text is used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from assistant.settings import PROJECT_ROOT

CODE_DIRS = ("actions", "assistant", "bot")
# Calls whose first string argument is a catalog id.
KEY_CALL = re.compile(
    r"""\b(?:say\(dispatcher,\s*|button\(|msg\(|notice\(|refusal\(|message\(|problem=|N_\(|NP_\()\s*"([a-z][\w.]+)\"""")
ANY_KEY_LITERAL = re.compile(r"""["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")


def code_files() -> list[Path]:
    return [p for d in CODE_DIRS for p in (PROJECT_ROOT / d).rglob("*.py")]


def catalog(language: str) -> dict[str, object]:
    path = PROJECT_ROOT / "locales" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0]: m.string
                for m in read_po(handle) if m.id}


def domain_keys() -> set[str]:
    keys: set[str] = set()
    intents: set[str] = set()
    for path in (PROJECT_ROOT / "domain").glob("*.yml"):
        data = yaml.safe_load(path.read_text())
        intents.update(data.get("intents") or [])
        for variants in (data.get("responses") or {}).values():
            for variant in variants:
                custom = variant["custom"]
                keys.add(custom["key"])
                keys.update(b["key"] for b in custom.get("buttons") or [])
    keys.update(f"intent.{name}" for name in intents - {"nlu_fallback"})
    return keys


def municipality_keys() -> set[str]:
    keys: set[str] = set()
    for path in (PROJECT_ROOT / "policy").glob("*/municipality.yml"):
        data = yaml.safe_load(path.read_text())
        town = data["municipality"]
        keys.update([town["name_key"], town["contact"]["hours_key"]])
        for team in data["teams"].values():
            keys.update([team["name_key"], team["description_key"]])
        keys.update(f"topic.{intent}" for intent in data.get("topics") or {})
    return keys


def code_keys() -> set[str]:
    return {key for path in code_files() for key in KEY_CALL.findall(path.read_text())}


def test_every_text_used_has_a_dutch_translation() -> None:
    dutch = catalog("nl")
    needed = domain_keys() | municipality_keys() | code_keys()
    missing = sorted(key for key in needed if not dutch.get(key))
    assert not missing, f"no Dutch text for: {missing}"


def test_every_catalog_text_is_used_somewhere() -> None:
    literals = {key for path in code_files() for key in ANY_KEY_LITERAL.findall(path.read_text())}
    used = domain_keys() | municipality_keys() | literals
    unused = sorted(key for key in catalog("nl") if key not in used)
    assert not unused, f"catalog texts nobody uses: {unused}"


@pytest.mark.parametrize("key", ["appointments.count", "privacy.deleted"])
def test_counted_texts_have_plural_forms(key: str) -> None:
    forms = catalog("nl")[key]
    assert isinstance(forms, tuple) and len(forms) == 2 and all("{count}" in f for f in forms)
