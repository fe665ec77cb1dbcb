"""Fixtures of the web chat tests (catalogs, translator and fake Rasa: tests/conftest.py)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.settings import Settings
from bot.i18n import Translator
from tests.fakes import compile_dutch, translator_for


def settings_for(locales_dir: Path) -> Settings:
    return Settings(locales_dir=locales_dir, default_language="nl")


@pytest.fixture
def compile_catalogs(tmp_path: Path) -> Callable[..., Path]:
    """``compile_catalogs(languages, overrides)``: a catalog directory of this test's own."""
    return functools.partial(compile_dutch, tmp_path / "locales")


@pytest.fixture
def make_translator() -> Callable[[Path], Translator]:
    return translator_for


@pytest.fixture
def make_settings() -> Callable[[Path], Settings]:
    return settings_for


@pytest.fixture
def settings(locales_dir: Path) -> Settings:
    return settings_for(locales_dir)
