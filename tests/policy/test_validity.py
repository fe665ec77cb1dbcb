"""What is presented as current is in force on that day: old entries close on their end date,
new law (2026, 2027) takes over by its valid_from, without anyone changing code."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from assistant.language_data import catalog_languages
from assistant.policy import SECTIONS, Policy, load_policy, read_vocabulary, validate_policy
from tests.policy.conftest import POLICY
from tests.policy.test_real_policy import all_entries
from tests.test_catalog_figures import texts

MUNICIPALITIES = ("midden-drenthe", "emmen")


def boundaries() -> list[date]:
    """Every day on which some entry starts or ends, and the days either side."""
    days = {date.today()}
    for entry in all_entries():
        for edge in (entry.valid_from, entry.valid_to):
            if edge is not None:
                days |= {edge - timedelta(days=1), edge, edge + timedelta(days=1)}
    return sorted(days)


def presented(policy: Policy) -> list:
    return [entry for section in SECTIONS for entry in getattr(policy, section).values()]


@pytest.mark.parametrize("municipality", MUNICIPALITIES)
def test_no_entry_presented_as_current_has_ended_or_not_yet_started(municipality: str) -> None:
    for day in boundaries():
        for entry in presented(load_policy(POLICY, municipality, on=day)):
            assert entry.valid_from <= day, (day, entry.id, entry.valid_from)
            assert entry.valid_to is None or entry.valid_to >= day, (day, entry.id, entry.valid_to)
            assert entry.status == "current", (day, entry.id)


@pytest.mark.parametrize("municipality", MUNICIPALITIES)
def test_nothing_presented_today_has_a_valid_to_in_the_past(municipality: str) -> None:
    today = date.today()
    stale = [e.id for e in presented(load_policy(POLICY, municipality, on=today))
             if e.valid_to is not None and e.valid_to < today]
    assert not stale


@pytest.mark.parametrize("municipality", MUNICIPALITIES)
def test_the_youth_search_period_changes_on_1_january_2026(municipality: str) -> None:
    """Participatiewet in balans, phase 1: the municipality may waive the four weeks."""
    before, after = (load_policy(POLICY, municipality, on=day).provisions["zoektermijn_jongeren"]
                     for day in (date(2025, 12, 31), date(2026, 1, 1)))
    assert before.description_key == "policy.national.zoektermijn_jongeren.description"
    assert before.valid_to == date(2025, 12, 31)
    assert after.description_key == "policy.national.zoektermijn_jongeren_2026.description"
    assert after.valid_from == date(2026, 1, 1) and after.valid_to is None
    assert after.duration and after.duration.length == 4 and after.duration.unit == "weeks"


def test_maatschappelijke_participatie_replaces_sociale_activering_in_2027() -> None:
    last, first = (load_policy(POLICY, "midden-drenthe", on=day)
                   for day in (date(2026, 12, 31), date(2027, 1, 1)))
    assert "sociale_activering" in last.provisions
    assert "maatschappelijke_participatie" not in last.provisions
    assert "sociale_activering" not in first.provisions
    replacement = first.provisions["maatschappelijke_participatie"]
    assert replacement.layer == "national" and replacement.valid_from == date(2027, 1, 1)
    assert replacement.confidence == "to_verify" and replacement.open_questions


def test_the_school_to_work_law_starts_on_1_january_2026() -> None:
    name = "ondersteuning_jongeren_zonder_startkwalificatie"
    assert name not in load_policy(POLICY, "midden-drenthe", on=date(2025, 12, 31)).provisions
    entry = load_policy(POLICY, "midden-drenthe", on=date(2026, 1, 1)).provisions[name]
    assert "art. 7a" in entry.legal_source and "8a" in entry.legal_source


YEAR = re.compile(r"(?<![\d٠-٩۰-۹])([12١٢۱۲][\d٠-٩۰-۹]{3})(?![\d٠-٩۰-۹])")


def years_in(text: str) -> set[int]:
    """Four-digit years in any script's digits ("2026", "٢٠٢٦", "۲۰۲۶")."""
    return {int(found.translate(DIGITS)) for found in YEAR.findall(text)}


DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


@pytest.mark.parametrize("language", catalog_languages())
def test_an_entry_that_ends_does_not_speak_of_the_years_after_it(language: str) -> None:
    """A current rule is shown only while it is in force, so its text reads as of that
    time: the youth search period that ends on 2025-12-31 does not tell what happens in 2026.
    (A superseded entry is the other kind: it explains, today, what no longer holds.)"""
    found = [(entry.id, key, sorted(later)) for entry in all_entries()
             if entry.valid_to and entry.status == "current"
             for key in (entry.title_key, entry.description_key)
             if (later := {y for y in years_in(texts(language).get(key, ""))
                           if y > entry.valid_to.year})]
    assert not found, found


def test_the_year_finder_reads_every_script() -> None:
    assert years_in("Sinds 1 januari 2026, ۲۰۲۷ of ٢٠٢٨; niet 14 0593 of 23,5") == {
        2026, 2027, 2028}


def rests_only_on(entry, documents: dict) -> set[str]:
    cited = {source.split(" ", 1)[0] for source in entry.sources}
    return cited if cited <= documents.keys() else set()


@pytest.mark.parametrize("municipality", MUNICIPALITIES)
def test_after_a_documents_period_nothing_resting_on_it_is_presented(municipality: str) -> None:
    """Midden-Drenthe's 004 covers 2021-2026: from 1 January 2027 what rests only on it is
    no longer presented (only what the law or a newer document carries), and the data says
    why (policy/facts.yml, the document's open_questions)."""
    documents = read_vocabulary(POLICY).documents
    for code, document in documents.items():
        if document.period_ends is None:
            continue
        assert document.open_questions, code
        after = load_policy(POLICY, municipality, on=document.period_ends + timedelta(days=1))
        stale = [e.id for e in presented(after) if code in rests_only_on(e, documents)]
        assert not stale, (code, stale)


def test_on_1_january_2027_midden_drenthe_still_loads_and_validates(dutch_keys) -> None:
    """Nothing in the data depends on the day it is checked: the checks name provisions
    that are out of force by then, and that is no reason to refuse to start."""
    day = read_vocabulary(POLICY).documents["004"].period_ends + timedelta(days=1)
    policy = load_policy(POLICY, "midden-drenthe", on=day)
    assert policy.provisions, "the national entries still hold"
    assert validate_policy(POLICY, "midden-drenthe", dutch_keys) == []
