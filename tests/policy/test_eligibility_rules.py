"""Every rule of the eligibility checks against the real policy data, at the documents' boundaries.

The expected outcomes are read off the documents (004 and the Participatiewet), not off the
data, so a wrong condition in policy/ fails here.
"""

from __future__ import annotations

from datetime import date

import pytest

from assistant.eligibility import (
    Answers,
    Verdict,
    assess_all,
    next_question,
    parse_answer,
    parse_number,
    team_for,
)
from assistant.policy import Fact, load_checks, load_policy, read_vocabulary
from tests.policy.conftest import POLICY

NOTA_DAY = date(2024, 6, 1)
FITS, NOT, OPEN = Verdict.FITS, Verdict.DOES_NOT_FIT, Verdict.OPEN


@pytest.fixture(scope="module")
def policy():
    return load_policy(POLICY, "midden-drenthe", on=NOTA_DAY)


@pytest.fixture(scope="module")
def checks():
    return load_checks(POLICY / "midden-drenthe")


def verdicts(checks, policy, check_id: str, answers: Answers) -> dict[str, Verdict]:
    return {a.provision.id: a.verdict for a in assess_all(checks[check_id], policy, answers)}


STATUSHOUDER = {"migrant_group": "statushouder", "has_studiefinanciering_right": True}


@pytest.mark.parametrize(("age", "vocational", "encouraged", "placement"), [
    (17, NOT, NOT, NOT),
    (18, FITS, NOT, NOT),
    (26, FITS, NOT, NOT),    # "18 tot 27": obliged to follow vocational education
    (27, NOT, FITS, NOT),    # "27 tot 30": encouraged
    (28, NOT, FITS, NOT),
    (29, NOT, FITS, NOT),
    (30, NOT, NOT, FITS),    # not covered by Actie 18/19; placed in the 30+ route, to verify
    (31, NOT, NOT, FITS),    # "ouder dan 30": placement in vacancies and stages
])
def test_statushouder_route_by_age_band(checks, policy, age, vocational, encouraged, placement):
    found = verdicts(checks, policy, "newcomer_route", {**STATUSHOUDER, "age": age})
    assert (found["route_statushouder_beroepsonderwijs"],
            found["route_statushouder_onderwijs_gestimuleerd"],
            found["route_statushouder_bemiddeling"]) == (vocational, encouraged, placement)
    assert found["duaal_traject"] is FITS  # Actie 17: every statushouder


def test_the_30_year_boundary_is_marked_to_verify(policy):
    condition = policy.provisions["route_statushouder_bemiddeling"].conditions[-1]
    assert (condition.fact, condition.operator, condition.value) == ("age", "ge", 30)
    assert condition.confidence == "to_verify"


def test_young_statushouder_without_studiefinanciering_is_not_obliged(checks, policy):
    found = verdicts(checks, policy, "newcomer_route",
                     {"migrant_group": "statushouder", "age": 22,
                      "has_studiefinanciering_right": False})
    assert found["route_statushouder_beroepsonderwijs"] is NOT


def test_family_migrant_gets_no_statushouder_route(checks, policy):
    found = verdicts(checks, policy, "newcomer_route",
                     {"migrant_group": "gezinsmigrant", "age": 24, "integration_duty": True,
                      "has_language_gap": True})
    assert found["duaal_traject"] is NOT
    assert found["inburgering"] is FITS and found["taalhuis"] is FITS


@pytest.mark.parametrize(("vacancy", "months", "proefplaatsing", "werkstage"), [
    (False, None, OPEN, FITS),    # 004 §5.3: a werkstage is for an employer without vacancy
    (False, 6, FITS, FITS),       # 004 §5.2: "meestal" at a vacancy; the contract decides
    (False, 0, NOT, FITS),
    (True, 0, NOT, NOT),
    (True, 3, NOT, NOT),
    (True, 5, NOT, NOT),
    (True, 6, FITS, NOT),         # 004 §5.2: a contract of at least six months
    (True, 7, FITS, NOT),
    (True, 12, FITS, NOT),
])
def test_werkstage_or_proefplaatsing(checks, policy, vacancy, months, proefplaatsing,
                                      werkstage):
    answers = {"has_vacancy": vacancy, "contract_months_offered": months}
    found = verdicts(checks, policy, "placement_type", answers)
    assert (found["proefplaatsing"], found["werkstage"]) == (proefplaatsing, werkstage)


def test_the_contract_is_asked_with_or_without_a_vacancy(checks, policy):
    """A proefplaatsing is "meestal" at a vacancy (004 §5.2): the promised contract decides,
    so it is asked either way, and nothing more once it is known."""
    for vacancy in (True, False):
        question = next_question(checks["placement_type"], policy, {"has_vacancy": vacancy})
        assert question.fact == "contract_months_offered"
        assert next_question(checks["placement_type"], policy,
                             {"has_vacancy": vacancy, "contract_months_offered": 6}) is None


@pytest.mark.parametrize(("child_age", "exemption"), [(0, FITS), (4, FITS), (5, NOT), (6, NOT)])
def test_single_parent_exemption_until_the_child_is_five(checks, policy, child_age, exemption):
    found = verdicts(checks, policy, "parent_exemption",
                     {"is_single_parent": True, "youngest_child_age": child_age})
    assert found["ontheffing_alleenstaande_ouder"] is exemption


def test_exemption_is_for_single_parents_only(checks, policy):
    found = verdicts(checks, policy, "parent_exemption",
                     {"is_single_parent": False, "youngest_child_age": 2})
    assert found["ontheffing_alleenstaande_ouder"] is NOT
    question = next_question(checks["parent_exemption"], policy, {"is_single_parent": False})
    assert question.fact == "receives_bijstand"  # only the childcare question remains


@pytest.mark.parametrize(("bijstand", "childcare", "kinderopvang"), [
    (True, True, FITS), (True, False, NOT), (False, True, NOT)])
def test_childcare_contribution_on_bijstand(checks, policy, bijstand, childcare, kinderopvang):
    found = verdicts(checks, policy, "parent_exemption",
                     {"receives_bijstand": bijstand, "needs_childcare": childcare})
    assert found["kinderopvang"] is kinderopvang


@pytest.mark.parametrize(("answers", "scholing"), [
    ({"has_studiefinanciering_right": False, "training_needed_for_reintegration": True}, FITS),
    ({"has_studiefinanciering_right": True, "training_needed_for_reintegration": True},
     NOT),   # 004 §5.5: only without studiefinanciering
    ({"has_studiefinanciering_right": False, "training_needed_for_reintegration": False}, NOT),
    ({"has_studiefinanciering_right": False, "training_needed_for_reintegration": None},
     OPEN),  # "weet ik niet"
])
def test_scholing(checks, policy, answers, scholing):
    assert verdicts(checks, policy, "training_funding", answers)["scholing"] is scholing


def test_promising_occupations_are_a_yardstick_not_a_question(checks, policy):
    """004 §5.5 and §3.3 look at UWV's list; the Acties offer scholing whenever it helps
    re-integration, so an eligible resident is never turned away over the list."""
    check = checks["training_funding"]
    asked, answers = [], {}
    script = {"age": 35, "has_studiefinanciering_right": False,
              "has_startkwalificatie": True, "training_needed_for_reintegration": True}
    while (question := next_question(check, policy, answers)) is not None:
        asked.append(question.fact)
        answers[question.fact] = script[question.fact]
    assert "leads_to_promising_occupation" not in asked
    assert verdicts(checks, policy, "training_funding", answers)["scholing"] is FITS


@pytest.mark.parametrize(("age", "studiefinanciering", "school_instead_of_bijstand",
                          "startkwalificatie_help"), [
    (17, True, NOT, FITS),
    (18, True, FITS, FITS),
    (26, True, FITS, FITS),
    (27, True, NOT, NOT),     # Participatiewet art. 13 lid 2 sub c and 004 Actie 6: under 27
    (28, True, NOT, NOT),
    (26, False, NOT, FITS),
])
def test_young_people_and_studiefinanciering(checks, policy, age, studiefinanciering,
                                             school_instead_of_bijstand,
                                             startkwalificatie_help):
    found = verdicts(checks, policy, "training_funding",
                     {"age": age, "has_studiefinanciering_right": studiefinanciering,
                      "has_startkwalificatie": False})
    assert found["geen_bijstand_bij_studiefinanciering"] is school_instead_of_bijstand
    assert found["startkwalificatie_jongeren"] is startkwalificatie_help
    # the Wet van school naar duurzaam werk is in force only from 2026-01-01
    assert "ondersteuning_jongeren_zonder_startkwalificatie" not in found


@pytest.mark.parametrize(("age", "startkwalificatie", "expected"), [
    (20, False, FITS), (26, False, FITS), (27, False, NOT), (20, True, NOT)])
def test_school_to_work_law_from_2026(checks, age, startkwalificatie, expected):
    """Participatiewet art. 7a/8a (Wet van school naar duurzaam werk): support for people
    under 27 without a startkwalificatie, weighed by the training check from 2026."""
    in_2026 = load_policy(POLICY, "midden-drenthe", on=date(2026, 6, 1))
    found = verdicts(checks, in_2026, "training_funding",
                     {"age": age, "has_startkwalificatie": startkwalificatie,
                      "has_studiefinanciering_right": False})
    assert found["ondersteuning_jongeren_zonder_startkwalificatie"] is expected


@pytest.mark.parametrize(("disability", "minimum_wage", "measured", "group", "expected"), [
    (True, False, True, "doelgroepregister",
     {"jobcoach": FITS, "no_riskpolis": FITS, "werkplekaanpassing": FITS,
      "loonkostensubsidie": FITS, "praktijkroute": FITS}),
    (True, True, False, "ziektewet_groep",
     {"jobcoach": FITS, "no_riskpolis": FITS, "werkplekaanpassing": FITS,
      "loonkostensubsidie": NOT, "praktijkroute": NOT}),
    # a work disability alone is no ground for the no-riskpolis (Ziektewet art. 29b/29d)
    (True, True, False, "geen",
     {"jobcoach": FITS, "no_riskpolis": NOT, "werkplekaanpassing": FITS,
      "loonkostensubsidie": NOT, "praktijkroute": NOT}),
    (False, True, False, "geen",
     {"jobcoach": NOT, "no_riskpolis": NOT, "werkplekaanpassing": NOT,
      "loonkostensubsidie": NOT, "praktijkroute": NOT}),
])
def test_employer_hiring_someone_with_a_work_disability(checks, policy, disability,
                                                        minimum_wage, measured, group,
                                                        expected):
    answers = {"has_work_disability": disability, "can_earn_minimum_wage": minimum_wage,
               "wage_value_measured_below_100": measured, "no_riskpolis_group": group}
    assert verdicts(checks, policy, "hiring_support", answers) == expected


def test_no_riskpolis_stays_open_until_the_group_is_known(checks, policy):
    """Someone who can earn the minimum wage no longer gets "past" for the polis on the
    strength of a work disability: the check asks for the register or Ziektewet group."""
    answers = {"has_work_disability": True, "can_earn_minimum_wage": True,
               "wage_value_measured_below_100": False}
    assert verdicts(checks, policy, "hiring_support", answers)["no_riskpolis"] is OPEN
    assert next_question(checks["hiring_support"], policy, answers).fact == "no_riskpolis_group"
    condition = policy.provisions["no_riskpolis"].conditions[0]
    assert condition.confidence == "to_verify" and "29d" in condition.source


@pytest.mark.parametrize(("answers", "bbz", "marginaal"), [
    ({"receives_bijstand": True, "wants_to_start_business": True,
      "small_scale_self_employed": False}, FITS, NOT),
    ({"receives_bijstand": True, "wants_to_start_business": False,
      "small_scale_self_employed": True}, NOT, FITS),   # bijstand implies a benefit
    ({"receives_bijstand": False, "receives_municipal_benefit": False,
      "small_scale_self_employed": True}, NOT, NOT),
    # 004 §6.1: the college's own benefit recipients, e.g. IOAZ, not only bijstand
    ({"receives_bijstand": False, "receives_municipal_benefit": True,
      "wants_to_start_business": False, "small_scale_self_employed": True}, NOT, FITS),
])
def test_bbz_and_small_scale_self_employment(checks, policy, answers, bbz, marginaal):
    found = verdicts(checks, policy, "self_employment", answers)
    assert (found["bbz"], found["marginaal_zelfstandigen"]) == (bbz, marginaal)


def test_implied_answers_are_not_asked(checks, policy):
    answers = {"receives_bijstand": True, "wants_to_start_business": False}
    question = next_question(checks["self_employment"], policy, answers)
    assert question.fact == "small_scale_self_employed"


def test_employer_intake_always_asks_sector_and_hours(checks, policy):
    check = checks["employer_intake"]
    asked, answers = [], {}
    script = {"employer_sector": "logistiek", "has_vacancy": True,
              "contract_months_offered": 6, "hours_per_week": 24, "has_work_disability": False,
              "no_riskpolis_group": "geen"}
    while (question := next_question(check, policy, answers)) is not None:
        asked.append(question.fact)
        answers[question.fact] = script[question.fact]
    assert asked == ["employer_sector", "has_vacancy", "contract_months_offered",
                     "hours_per_week", "has_work_disability", "no_riskpolis_group"]
    found = verdicts(checks, policy, "employer_intake", answers)
    assert found["proefplaatsing"] is FITS and found["jobcoach"] is NOT
    assert team_for(check, assess_all(check, policy, answers)) == "werkgeversservicepunt"


def test_team_of_the_first_fitting_provision(checks, policy):
    check = checks["newcomer_route"]
    answers = {"migrant_group": "statushouder", "age": 35, "integration_duty": True,
               "has_language_gap": True}
    assert team_for(check, assess_all(check, policy, answers)) == "klantmanager"
    nothing = {"migrant_group": "geen", "age": 35, "integration_duty": False,
               "has_language_gap": False}
    assert team_for(check, assess_all(check, policy, nothing)) == check.team


@pytest.fixture(scope="module")
def facts() -> dict[str, Fact]:
    return read_vocabulary(POLICY).facts


@pytest.mark.parametrize(("text", "number"), [
    ("29", 29), ("nee, ik ben 29", 29), ("٢٩", 29), ("۲۹ سال", 29), ("мені 31 рік", 31),
    ("geen idee", None), ("", None)])
def test_numbers_in_any_script(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize(("fact", "kwargs", "expected"), [
    ("has_vacancy", {"choice": "true", "intent": "inform", "text": ""}, (True, True)),
    ("has_vacancy", {"choice": None, "intent": "deny", "text": "nee hoor"}, (True, False)),
    ("has_vacancy", {"choice": "unknown", "intent": "inform", "text": ""}, (True, None)),
    ("has_vacancy", {"choice": None, "intent": "greet", "text": "hallo"}, (False, None)),
    ("age", {"choice": None, "intent": "inform", "text": "ik ben ٢٧"}, (True, 27)),
    ("age", {"choice": None, "intent": "inform", "text": "ik ben 200"}, (False, None)),
    ("migrant_group", {"choice": "statushouder", "intent": "inform", "text": ""},
     (True, "statushouder")),
    ("migrant_group", {"choice": "toerist", "intent": "inform", "text": ""}, (False, None)),
])
def test_reading_answers(facts, fact, kwargs, expected):
    assert parse_answer(facts[fact], **kwargs) == expected


def test_a_municipality_with_other_rules_gives_another_outcome(policy, checks):
    """Midden-Drenthe's nota adds a jobcoach and the praktijkroute (004 Actie 10-11); Emmen
    has only the national rules. The no-riskpolis follows the law in both."""
    emmen = load_policy(POLICY, "emmen", on=NOTA_DAY)
    emmen_checks = load_checks(POLICY / "emmen")
    answers = {"has_work_disability": True, "can_earn_minimum_wage": False,
               "no_riskpolis_group": "ziektewet_groep", "wage_value_measured_below_100": True}
    here = verdicts(checks, policy, "hiring_support", answers)
    there = verdicts(emmen_checks, emmen, "hiring_support", answers)
    assert here["jobcoach"] is FITS and here["praktijkroute"] is FITS
    assert set(there) == {"loonkostensubsidie", "no_riskpolis"}
    assert here["no_riskpolis"] is there["no_riskpolis"] is FITS
    assert set(emmen_checks) == {"hiring_support", "parent_exemption"}
