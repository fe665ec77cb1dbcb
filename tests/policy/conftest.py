"""Copies of the real policy data, so tests can break them without touching the originals."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.policy import catalog_keys
from assistant.settings import PROJECT_ROOT

POLICY = PROJECT_ROOT / "policy"
Edit = Callable[[str, str, str], str]


@pytest.fixture(scope="session")
def dutch_keys() -> frozenset[str]:
    return catalog_keys(PROJECT_ROOT / "locales")


@pytest.fixture
def policy_copy(tmp_path: Path) -> Path:
    target = tmp_path / "policy"
    shutil.copytree(POLICY, target)
    return target


@pytest.fixture
def edit(policy_copy: Path) -> Edit:
    """Replace the first occurrence of ``old`` by ``new`` in one file of the copy."""

    def change(relative: str, old: str, new: str) -> str:
        path = policy_copy / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {relative}"
        changed = text.replace(old, new, 1)
        path.write_text(changed, encoding="utf-8")
        return changed

    return change


def line_of(text: str, marker: str, after: str = "", nth: int = 1) -> int:
    """The 1-based line of the ``nth`` ``marker`` that follows the first ``after``."""
    position = text.index(after)
    for _ in range(nth):
        position = text.index(marker, position) + 1
    return text[:position].count("\n") + 1
