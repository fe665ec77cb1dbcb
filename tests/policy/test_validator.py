"""Broken copies of the policy data: each kind of problem is reported at its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.policy import PolicyError, load_policy, main, validate_policy
from tests.policy.conftest import Edit, line_of

MD = "midden-drenthe/provisions.yml"
NATIONAL = "national/provisions.yml"
EMMEN = "emmen/provisions.yml"
SROI = '    sources: ["004 §6.3"]\n'

# (file, old text, new text, text on the line the problem is reported, message, municipality)
CASES = [
    (MD, '{fact: has_vacancy, operator: eq, value: false, source: "004 §5.3"}',
     '{fact: leeftijd, operator: eq, value: false, source: "004 §5.3"}', "fact: leeftijd",
     "provision 'werkstage': unknown fact 'leeftijd'", "midden-drenthe"),
    (MD, "{fact: has_language_gap, operator: eq,", "{fact: has_language_gap, operator: gelijk,",
     "operator: gelijk", "provision 'taalstage': conditions.0.operator: unexpected value; "
     "permitted: 'eq'", "midden-drenthe"),
    (MD, "{fact: has_language_gap, operator: eq,", "{fact: has_language_gap, operator: lt,",
     "operator: lt", "provision 'taalstage': operator 'lt' does not apply to fact "
     "'has_language_gap' (boolean)", "midden-drenthe"),
    (MD, "operator: ge, value: 6,", 'operator: ge, value: "zes",', 'value: "zes"',
     "provision 'proefplaatsing': value 'zes' of fact 'contract_months_offered' must be a whole "
     "number from 0 to 600", "midden-drenthe"),
    (MD, "value: grote_afstand", "value: heel_groot", "value: heel_groot",
     "provision 'sociale_activering': value 'heel_groot' of fact 'distance_to_labour_market' "
     "must be one of geen, afstand, grote_afstand", "midden-drenthe"),
    (MD, "value: [statushouder, gezinsmigrant, overige_migrant]", "value: statushouder",
     "value: statushouder,\n", "target group 'doelgroep_statushouders': value 'statushouder' of "
     "fact 'migrant_group' must be a non-empty list", "midden-drenthe"),
    (MD, SROI, "", "- id: sroi", "provision 'sroi': sources: field required", "midden-drenthe"),
    (MD, '{fact: tender_with_sroi, operator: eq, value: true, source: "004 §6.3"}',
     "{fact: tender_with_sroi, operator: eq, value: true}", "fact: tender_with_sroi",
     "provision 'sroi': conditions.0.source: field required", "midden-drenthe"),
    (MD, SROI, '    sources: ["nota 2021"]\n', '"nota 2021"',
     "provision 'sroi': source 'nota 2021' names no document", "midden-drenthe"),
    (MD, SROI, '    sources: ["003 §5.3.2"]\n', '"003 §5.3.2"',
     "provision 'sroi': a current rule cannot rest only on documents from before the "
     "Participatiewet", "midden-drenthe"),
    (MD, "title_key: policy.sroi.title", "title_key: policy.sroi.titel", "policy.sroi.titel",
     "provision 'sroi': no Dutch text for 'policy.sroi.titel' in the nl catalog",
     "midden-drenthe"),
    (MD, "team: schuldhulp", "team: zwembad", "team: zwembad",
     "provision 'schuldhulpverlening': unknown team 'zwembad' (not in "
     "policy/midden-drenthe/municipality.yml)", "midden-drenthe"),
    (NATIONAL, "team: klantmanager", "team: taal_inburgering", "team: taal_inburgering",
     "provision 'banenafspraak': unknown team 'taal_inburgering' (not in "
     "policy/emmen/municipality.yml)", "emmen"),
    (MD, "  - id: sroi\n", "  - id: sroi\n    kosten: gratis\n", "kosten: gratis",
     "provision 'sroi': kosten: extra fields not permitted", "midden-drenthe"),
    (MD, "target_groups: [doelgroep_statushouders, doelgroep_taalachterstand]",
     "target_groups: [doelgroep_statushouders, doelgroep_taalachterstnd]", "taalachterstnd",
     "provision 'taalstage': unknown target group 'doelgroep_taalachterstnd'", "midden-drenthe"),
    (MD, "partners: [kindermediair]", "partners: [kinderopvang_bv]", "kinderopvang_bv",
     "provision 'kinderopvang': unknown partner 'kinderopvang_bv'", "midden-drenthe"),
    (MD, "audience: [resident, employer, statushouder]",
     "audience: [resident, werkgever, statushouder]", "resident, werkgever",
     "provision 'proefplaatsing': unknown audience 'werkgever'", "midden-drenthe"),
    (MD, "{number: 31, provisions: [stark]", "{number: 31, provisions: [strak]", "[strak]",
     "target group 'doelgroep_alleenstaande_ouders': action uses unknown provision 'strak'",
     "midden-drenthe"),
    (EMMEN, '    status: superseded\n    superseded_by: "Participatiewet (2015)"\n',
     "    status: superseded  # successor forgotten\n", "successor forgotten",
     "provision 'wwb_bijstand': status: a superseded entry needs 'superseded_by'", "emmen"),
    (NATIONAL, '    legal_source: "Besluit bijstandverlening zelfstandigen 2004"\n', "",
     "- id: bbz", "provision 'bbz': a national entry needs a legal_source", "emmen"),
    (MD, '    legal_source: "Participatiewet art. 10b"\n', "", "- id: beschut_werk",
     "provision 'beschut_werk': overrides national 'beschut_werk' but drops its legal_source",
     "midden-drenthe"),
    (MD, "valid_from: 2021-01-01", "valid_from: begin 2021", "begin 2021",
     "provision 'stark': valid_from: must be a date like 2026-12-31", "midden-drenthe"),
    (MD, "valid_to: 2026-12-31", "valid_to: 2020-12-31", "valid_to: 2020",
     "provision 'stark': valid_to: lies before valid_from", "midden-drenthe"),
    (MD, "max_length: 9", "max_length: 12", "max_length: 12",
     "provision 'taalstage': duration.max_length: does not equal length + extensions x "
     "extension_length", "midden-drenthe"),
    (MD, "{name: minimum_18, value: 150,", '{name: minimum_18, value: "ongeveer 150",',
     "ongeveer 150", "provision 'individuele_studietoeslag': amounts.0.value: must be a number of "
     "zero or more", "midden-drenthe"),
    (MD, "from_age: 19,", "from_age: negentien,", "from_age: negentien",
     "provision 'individuele_studietoeslag': amounts.1.from_age: value is not a valid "
     "integer",
     "midden-drenthe"),
    (MD, "status: current", "status: geldig", "status: geldig",
     "provision 'stark': status: unexpected value; permitted: 'current', 'superseded'",
     "midden-drenthe"),
]


@pytest.mark.parametrize(("relative", "old", "new", "marker", "message", "municipality"), CASES,
                         ids=[case[4].split(": ", 1)[-1][:40] for case in CASES])
def test_each_problem_is_reported_with_file_and_line(
        policy_copy: Path, edit: Edit, dutch_keys: frozenset[str], relative: str, old: str,
        new: str, marker: str, message: str, municipality: str) -> None:
    broken = edit(relative, old, new)
    problems = validate_policy(policy_copy, municipality, dutch_keys)
    where = (f"policy/{relative}", line_of(broken, marker))
    matching = [p for p in problems if (p.file, p.line) == where and message in p.message]
    assert matching, f"{where} {message!r} not in:\n" + "\n".join(map(str, problems))


def test_a_problem_reads_as_file_line_message(
        policy_copy: Path, edit: Edit, dutch_keys: frozenset[str]) -> None:
    broken = edit(MD, "{fact: has_vacancy, operator: eq, value: false,",
                  "{fact: leeftijd, operator: eq, value: false,")
    line = line_of(broken, "fact: leeftijd")
    shown = [str(p) for p in validate_policy(policy_copy, "midden-drenthe", dutch_keys)]
    assert shown == [f"policy/midden-drenthe/provisions.yml:{line}: provision 'werkstage': "
                     "unknown fact 'leeftijd'"]


def test_overlapping_validity_of_one_id_is_reported(
        policy_copy: Path, edit: Edit, dutch_keys: frozenset[str]) -> None:
    broken = edit(NATIONAL, "valid_from: 2018-01-01", "valid_from: 2017-06-01")
    first = line_of(broken, "- id: vergoeding_werkgeverslasten")
    second = line_of(broken, "- id: vergoeding_werkgeverslasten", nth=2)
    problems = validate_policy(policy_copy, "midden-drenthe", dutch_keys)
    assert [str(p) for p in problems] == [
        f"policy/national/provisions.yml:{second}: provision 'vergoeding_werkgeverslasten': "
        f"validity overlaps the entry with the same id on line {first}"]


def test_invalid_yaml_and_missing_files_are_reported(
        policy_copy: Path, edit: Edit, dutch_keys: frozenset[str]) -> None:
    edit(MD, "  - id: sroi\n", "  - id: [sroi\n")
    (policy_copy / "emmen" / "provisions.yml").unlink()
    broken = validate_policy(policy_copy, "midden-drenthe", dutch_keys)
    assert any(p.file == f"policy/{MD}" and "not valid YAML" in p.message for p in broken)
    missing = validate_policy(policy_copy, "emmen", dutch_keys)
    assert [str(p) for p in missing] == ["policy/emmen/provisions.yml:1: file is missing"]


def test_duplicate_keys_and_unknown_facts_types_are_reported(
        policy_copy: Path, edit: Edit, dutch_keys: frozenset[str]) -> None:
    broken = edit(MD, "  - id: sroi\n", "  - id: sroi\n    status: current\n")
    facts = edit("facts.yml", "  age:\n    type: integer", "  age:\n    type: getal")
    problems = [str(p) for p in validate_policy(policy_copy, "midden-drenthe", dutch_keys)]
    sroi_status = line_of(broken, "    status: current", after="  - id: sroi\n", nth=2)
    assert f"policy/{MD}:{sroi_status}: key 'status' appears twice" in problems
    assert (f"policy/facts.yml:{line_of(facts, 'type: getal')}: fact 'age': type: unexpected "
            "value; permitted: 'boolean', 'integer', 'enum'") in problems


def test_load_policy_refuses_broken_data(policy_copy: Path, edit: Edit) -> None:
    edit(MD, "team: schuldhulp", "team: zwembad")
    with pytest.raises(PolicyError) as refused:
        load_policy(policy_copy, "midden-drenthe")
    assert any("unknown team 'zwembad'" in p.message for p in refused.value.problems)
    assert "policy/midden-drenthe/provisions.yml:" in str(refused.value)


def test_the_command_line_exits_with_1_on_problems(
        policy_copy: Path, edit: Edit, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("POLICY_DIR", str(policy_copy))
    assert main(["validate"]) == 0
    edit(MD, "team: schuldhulp", "team: zwembad")
    assert main(["validate", "--municipality", "midden-drenthe"]) == 1
    assert "unknown team 'zwembad'" in capsys.readouterr().out


CHECKS = "midden-drenthe/checks.yml"
CHECK_CASES = [
    ("provisions: [proefplaatsing, werkstage]", "provisions: [proefplaatsing, werkstages]",
     "- id: placement_type", "check 'placement_type': provision 'werkstages' is not in the policy "
     "data"),
    ("      - fact: wants_to_start_business\n", "      - fact: wants_to_start_a_business\n",
     "- id: self_employment", "check 'self_employment': question about unknown fact "
     "'wants_to_start_a_business'"),
    ("    team: klantmanager\n    provisions: [bbz", "    team: zwembad\n    provisions: [bbz",
     "- id: self_employment", "check 'self_employment': team 'zwembad' is not a team"),
    ("          - {value: overige_migrant, label_key: check.choice.overige_migrant}\n", "",
     "- id: newcomer_route", "check 'newcomer_route': the choices for 'migrant_group' must be "
     "exactly statushouder, gezinsmigrant, overige_migrant, geen"),
    ("          - {value: 0, label_key: check.choice.no_contract}",
     "          - {value: -1, label_key: check.choice.no_contract}", "- id: employer_intake",
     "check 'employer_intake': choice -1 is not a whole number from 0 to 600"),
    ("title_key: check.placement_type.title", "title_key: check.placement_type.titel",
     "- id: placement_type", "check 'placement_type': message id 'check.placement_type.titel' "
     "is missing"),
]


@pytest.mark.parametrize(("old", "new", "marker", "message"), CHECK_CASES,
                         ids=[case[3].split(": ", 1)[-1][:40] for case in CHECK_CASES])
def test_broken_checks_are_reported_at_their_check(
        policy_copy: Path, edit: Edit, dutch_keys: frozenset[str], old: str, new: str,
        marker: str, message: str) -> None:
    broken = edit(CHECKS, old, new)
    problems = validate_policy(policy_copy, "midden-drenthe", dutch_keys)
    where = (f"policy/{CHECKS}", line_of(broken, marker))
    assert [p for p in problems if (p.file, p.line) == where and message in p.message], (
        f"{where} {message!r} not in:\n" + "\n".join(map(str, problems)))


def test_a_condition_no_question_can_answer_is_reported(
        policy_copy: Path, edit: Edit, dutch_keys: frozenset[str]) -> None:
    edit(CHECKS, "    provisions: [proefplaatsing, werkstage]",
         "    provisions: [proefplaatsing, werkstage, sroi]")
    problems = [p.message for p in validate_policy(policy_copy, "midden-drenthe", dutch_keys)]
    assert ("check 'placement_type': provision 'sroi' needs 'tender_with_sroi' but no question "
            "asks it") in problems
