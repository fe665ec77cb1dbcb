"""The console's texts (locales/nl/LC_MESSAGES/staff.po, Dutch only): every id the console
uses has a Dutch text, every text is used, and ids built at run time all exist."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from actions.conversation import HANDOVER_SLOTS
from assistant.callbacks import MOMENTS
from assistant.catalog_extract import extract_catalog
from assistant.handover import CLOSED, OPEN
from assistant.leads import STATUSES as LEAD_STATUSES
from assistant.settings import PROJECT_ROOT
from bot.staff import accounts
from bot.staff.texts import StaffTexts, staff_catalog_path

STAFF_DIR = PROJECT_ROOT / "bot" / "staff"
FULL_ID = re.compile(r"""["'](staff\.[a-zA-Z0-9_.]*[a-zA-Z0-9_])["']""")
BUILT_ID = re.compile(r"""["'](staff\.[a-z_.]*\.)["']\s*\+""")


def staff_sources() -> list[Path]:
    return sorted([*STAFF_DIR.glob("**/*.py"), *STAFF_DIR.glob("templates/*.html"),
                   PROJECT_ROOT / "assistant" / "capacity.py"])


def used_ids() -> set[str]:
    found = set()
    for path in staff_sources():
        found |= set(FULL_ID.findall(path.read_text(encoding="utf-8")))
    return {key for key in found if not key.endswith(".po")}


def catalog() -> dict[str, str]:
    with staff_catalog_path(PROJECT_ROOT / "locales").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def test_every_console_text_used_has_a_dutch_text() -> None:
    texts = catalog()
    assert len(used_ids()) > 40
    missing = sorted(key for key in used_ids() if not texts.get(key))
    assert not missing, f"no Dutch text in staff.po for: {missing}"


def test_every_console_text_is_used() -> None:
    unused = sorted(set(catalog()) - used_ids())
    assert not unused, f"staff.po texts nobody uses: {unused}"


def test_ids_built_at_run_time_exist_for_every_value() -> None:
    texts = StaffTexts.load(PROJECT_ROOT / "locales")
    prefixes = set()
    for path in staff_sources():
        prefixes |= set(BUILT_ID.findall(path.read_text(encoding="utf-8")))
    assert prefixes == {"staff.role.", "staff.status.", "staff.audit.action.",
                        "staff.queue.slot.", "staff.queue.status.", "staff.live.author.",
                        "staff.callbacks.moment.", "staff.lead.status."}
    for role in accounts.ROLES:
        assert texts(f"staff.role.{role}") != f"staff.role.{role}"
    for slot in HANDOVER_SLOTS:
        assert texts(f"staff.queue.slot.{slot}") != f"staff.queue.slot.{slot}"
    for status in LEAD_STATUSES:
        assert texts(f"staff.lead.status.{status}") != f"staff.lead.status.{status}"
    for moment in MOMENTS:
        assert texts(f"staff.callbacks.moment.{moment}") != f"staff.callbacks.moment.{moment}"
    for status in (*OPEN, CLOSED):
        assert texts(f"staff.queue.status.{status}") != f"staff.queue.status.{status}"
    marked = used_ids()
    for prefix in prefixes:
        assert sum(key.startswith(prefix) for key in marked) >= 2


def test_console_texts_stay_out_of_the_residents_catalogs() -> None:
    """The residents' catalogs need every id in eight languages; the console's are Dutch only."""
    assert not [m.id for m in extract_catalog() if m.id and str(m.id).startswith("staff.")]


def test_every_language_and_team_has_a_label_for_staff(midden_drenthe) -> None:
    texts = StaffTexts.load(PROJECT_ROOT / "locales")
    languages = [path.parent.parent.name
                 for path in (PROJECT_ROOT / "locales").glob("*/LC_MESSAGES/messages.po")]
    assert len(languages) == 8
    for code in [*languages, *midden_drenthe.teams]:
        key = f"staff.language.{code}" if code in languages else f"staff.team.{code}"
        assert texts(key) != key, f"no label for staff: {key}"
