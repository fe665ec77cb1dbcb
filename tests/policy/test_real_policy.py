"""The real policy data: validates clean, is sourced, has Dutch texts and the nota's numbers."""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel.messages.pofile import read_po

from assistant.policy import (
    Entry,
    entries_of,
    load_policy,
    municipalities,
    read_sources,
    validate_policy,
)
from assistant.policy.municipality import load_municipality
from assistant.settings import PROJECT_ROOT
from tests.policy.conftest import POLICY

NOTA_DAY = date(2024, 6, 1)
DUTCH_WORD = re.compile(r"\b(de|het|een|u|is|en)\b")
NOTA_PROVISIONS = {
    "stark", "proefplaatsing", "werkstage", "taalstage", "scholing", "sociale_activering",
    "gezondheid_vitaliteit", "taalhuis", "bbz", "marginaal_zelfstandigen", "sroi",
    "armoedebeleid", "kinderopvang", "schuldhulpverlening", "jobcoach", "no_riskpolis",
    "loonkostensubsidie", "praktijkroute", "beschut_werk", "banenafspraak", "harrie_training",
    "duurzaamheidssubsidie", "individuele_studietoeslag", "werkplekaanpassing"}
NOTA_TARGET_GROUPS = {
    "doelgroep_schoolverlaters", "doelgroep_jongeren", "doelgroep_arbeidsbeperking",
    "doelgroep_statushouders", "doelgroep_50plus", "doelgroep_taalachterstand",
    "doelgroep_alleenstaande_ouders", "doelgroep_ondernemers", "doelgroep_ontheffing",
    "doelgroep_anw_nuggers", "doelgroep_werkgevers"}
NOTA_PARTNERS = {"wspd", "stark", "taalhuis", "welzijnswerk_midden_drenthe", "budgetconsulent",
                 "kindermediair", "team_gezond_midden_drenthe"}


def dutch_texts() -> dict[str, str]:
    path = PROJECT_ROOT / "locales" / "nl" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if isinstance(m.id, str) and m.id}


def all_entries() -> list[Entry]:
    """Every entry of every layer, whatever its date or status."""
    found: dict[tuple[str, str, int], Entry] = {}
    for name in municipalities(POLICY):
        for entry in entries_of(read_sources(POLICY, name)):
            found[(entry.file, entry.section, entry.line)] = entry
    return list(found.values())


def test_both_municipalities_have_policy() -> None:
    assert {"midden-drenthe", "emmen"} <= set(municipalities(POLICY))


@pytest.mark.parametrize("municipality", ["midden-drenthe", "emmen"])
def test_the_real_policy_validates_clean(municipality: str, dutch_keys: frozenset[str]) -> None:
    problems = validate_policy(POLICY, municipality, dutch_keys)
    assert not problems, "\n".join(str(p) for p in problems)


def test_every_entry_and_every_number_has_a_source() -> None:
    for entry in all_entries():
        assert entry.sources, entry.id
        parts = [*entry.conditions, *entry.amounts, *entry.actions]
        parts += [entry.duration] if entry.duration else []
        assert all(part.source for part in parts), entry.id


def test_every_entry_has_a_dutch_title_and_description() -> None:
    texts = dutch_texts()
    for entry in all_entries():
        for key in (entry.title_key, entry.description_key, entry.next_step_key):
            if key is not None:
                assert DUTCH_WORD.search(texts.get(key, "")) or key.endswith(".title"), key
        assert len(texts[entry.description_key].split()) >= 8, entry.description_key


def test_national_entries_name_their_law() -> None:
    national = [e for e in all_entries() if e.layer == "national"]
    assert national and all(e.legal_source for e in national)


def test_what_is_to_be_verified_says_what() -> None:
    unsure = [e for e in all_entries() if e.confidence == "to_verify"]
    assert unsure and all(e.open_questions for e in unsure)


def test_midden_drenthe_has_every_provision_target_group_and_partner_of_the_nota() -> None:
    policy = load_policy(POLICY, "midden-drenthe", NOTA_DAY)
    local = {name for name, e in policy.provisions.items() if e.layer == "midden-drenthe"}
    assert local >= NOTA_PROVISIONS
    assert set(policy.target_groups) == NOTA_TARGET_GROUPS
    assert set(policy.partners) == NOTA_PARTNERS


def _duration(entry: Entry) -> tuple:
    d = entry.duration
    assert d is not None
    return d.unit, d.length, d.extensions, d.extension_length, d.max_length


@pytest.mark.parametrize(("provision", "expected"), [
    ("stark", ("months", 3, 2, None, None)),
    ("werkstage", ("months", 3, 1, 3, 6)),
    ("taalstage", ("months", 3, 2, 3, 9)),
    ("harrie_training", ("days", 2, None, None, None)),
])
def test_durations_are_those_of_the_nota(provision: str, expected: tuple) -> None:
    entry = load_policy(POLICY, "midden-drenthe", NOTA_DAY).provisions[provision]
    assert _duration(entry) == expected
    assert entry.duration and entry.duration.source.startswith("004 ")


def test_amounts_and_contract_length_are_those_of_the_nota() -> None:
    provisions = load_policy(POLICY, "midden-drenthe", NOTA_DAY).provisions
    # since 2022 the law sets minimum amounts by age instead of 004's "about EUR 300" for all
    toeslag = provisions["individuele_studietoeslag"].amounts
    assert [(a.from_age, a.value, a.unit, a.per) for a in toeslag] == [
        (18, 150, "euro", "month"), (19, 180, "euro", "month"), (20, 240, "euro", "month"),
        (21, 300, "euro", "month")]
    assert all(a.confidence == "to_verify" and "minimumbedragen studietoeslag" in a.source
               for a in toeslag)
    contract = [c for c in provisions["proefplaatsing"].conditions
                if c.fact == "contract_months_offered"]
    assert [(c.operator, c.value) for c in contract] == [("ge", 6)]
    assert provisions["taalhuis"].amounts[0].value == 0


def test_older_documents_only_appear_as_history_in_emmen() -> None:
    for entry in all_entries():
        old = all(s[:3] in {"000", "001", "002", "003"} for s in entry.sources)
        if old:
            assert entry.status == "superseded" and entry.superseded_by, entry.id


def test_emmen_uses_the_same_municipality_schema() -> None:
    emmen = load_municipality(POLICY / "emmen")
    assert emmen.code == "emmen" and set(emmen.teams) == {"klantmanager", "werkgeversservicepunt"}
    assert all(topic.team in emmen.teams for topic in emmen.topics.values() if topic.team)


@pytest.mark.parametrize("municipality", ["midden-drenthe", "emmen"])
def test_topics_answered_by_a_provision_find_it_with_a_known_team(municipality: str) -> None:
    town = load_municipality(POLICY / municipality)
    current = load_policy(POLICY, municipality)
    for topic in (t for t in town.topics.values() if t.provisions):
        provision = next(current.provisions[n] for n in topic.provisions
                         if n in current.provisions)
        assert provision.team in town.teams, topic.intent
        assert provision.sources and provision.description_key


def test_every_provision_of_the_nota_is_answerable() -> None:
    """A topic intent for each provision of 004 ch. 4-6, known to the domain and trained."""
    from assistant.language_data import domain_intents, training_examples

    topics = load_municipality(POLICY / "midden-drenthe").topics
    answered = {name: intent for intent, topic in topics.items() for name in topic.provisions}
    examples = training_examples("nl")
    for provision in sorted(NOTA_PROVISIONS):
        intent = answered.get(provision)
        assert intent is not None, f"no topic intent answers '{provision}'"
        assert intent in domain_intents() and len(examples.get(intent, [])) >= 10, intent


@pytest.mark.parametrize("municipality", ["midden-drenthe", "emmen"])
def test_working_on_bijstand_is_national_law_with_its_articles(municipality: str) -> None:
    """Working while on bijstand: the inlichtingenplicht (art. 17 lid 1) and the vrijlating of
    income from work (art. 31 lid 2 onderdeel n) as data with their sources; the maximum
    amount is indexed and not read yet, so there is no euro amount, and what is not read is
    marked to verify with what to check."""
    provision = load_policy(POLICY, municipality).provisions["werken_met_bijstand"]
    assert provision.layer == "national" and provision.team == "klantmanager"
    assert provision.sources[:2] == ("Participatiewet art. 17 lid 1",
                                     "Participatiewet art. 31 lid 2 onderdeel n")
    assert "art. 17 lid 1" in provision.legal_source
    assert "art. 31 lid 2 onderdeel n" in provision.legal_source
    [share] = provision.amounts
    assert (share.name, share.value, share.unit) == ("vrijlating_arbeidsinkomsten", 25, "percent")
    assert share.source == "Participatiewet art. 31 lid 2 onderdeel n"
    assert not any(amount.unit == "euro" for amount in provision.amounts)
    assert (provision.duration.unit, provision.duration.length) == ("months", 6)
    assert provision.confidence == share.confidence == "to_verify"
    assert any("maximum amount" in question for question in provision.open_questions)
    topic = load_municipality(POLICY / municipality).topics["ask_work_on_benefit"]
    assert topic.provisions == ("werken_met_bijstand",)
