"""Residents read a policy document's title where the data cites it by number."""

from __future__ import annotations

from assistant.policy import read_vocabulary
from assistant.policy.citation import cite
from assistant.settings import PROJECT_ROOT

DOCUMENTS = read_vocabulary(PROJECT_ROOT / "policy").documents
NOTA = "Re-integratienota Midden-Drenthe 2021-2026"


def test_a_document_is_named_once_with_its_sections_in_order() -> None:
    assert (cite(["004 §4.1.3 Actie 10", "004 §4.1.1 Actie 2"], DOCUMENTS)
            == f"{NOTA} §4.1.3 Actie 10, §4.1.1 Actie 2")


def test_a_law_is_cited_as_written_beside_a_document() -> None:
    assert (cite(["Participatiewet art. 17 lid 1", "004 §6.6"], DOCUMENTS)
            == f"Participatiewet art. 17 lid 1; {NOTA} §6.6")


def test_a_document_without_a_short_title_goes_by_its_title() -> None:
    assert cite(["001 §3"], DOCUMENTS) == f"{DOCUMENTS['001'].title} §3"


def test_no_document_number_reaches_a_resident() -> None:
    """Every number a source may use has a title to show instead."""
    for number, document in DOCUMENTS.items():
        assert number not in cite([f"{number} §1"], DOCUMENTS)
        assert (document.short_title or document.title) in cite([f"{number} §1"], DOCUMENTS)
