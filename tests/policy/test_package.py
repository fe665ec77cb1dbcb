"""The policy package: typed models for every policy file (facts.yml, municipality.yml,
provisions.yml, checks.yml, referrals.yml), one validator with one error style
(file:line: problem), and imports that go one way."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.policy import PolicyError, load_municipality, validate_policy
from assistant.settings import PROJECT_ROOT
from tests.policy.conftest import Edit, line_of

CHECKS = "midden-drenthe/checks.yml"
TOWN = "midden-drenthe/municipality.yml"
PACKAGE = PROJECT_ROOT / "assistant" / "policy"


def problems_at(policy_copy: Path, dutch_keys, file: str, line: int) -> list[str]:
    return [p.message for p in validate_policy(policy_copy, "midden-drenthe", dutch_keys)
            if (p.file, p.line) == (f"policy/{file}", line)]


@pytest.mark.parametrize(("old", "new", "marker", "message"), [
    ("        always: true\n", '        always: "ja"\n', 'always: "ja"',
     "checks.0.questions.0.always: value is not a valid boolean"),
    ("        label_key: check.label.has_vacancy\n",
     "        label_key: check.label.has_vacancy\n        vraag: welke?\n", "vraag: welke?",
     "extra fields not permitted"),
    ("    intent: check_hiring_support\n", "", "- id: hiring_support",
     "checks.1.intent: field required"),
])
def test_the_shape_of_checks_yml_is_typed_and_reported_at_its_line(
        policy_copy: Path, edit: Edit, dutch_keys, old: str, new: str, marker: str,
        message: str) -> None:
    broken = edit(CHECKS, old, new)
    found = problems_at(policy_copy, dutch_keys, CHECKS, line_of(broken, marker))
    assert any(message in text for text in found), found


def test_team_roles_are_named_and_checked(policy_copy: Path, edit: Edit, dutch_keys) -> None:
    broken = edit(TOWN, "  employer_desk: werkgeversservicepunt",
                  "  employer_desk: zwembad")
    found = problems_at(policy_copy, dutch_keys, TOWN, line_of(broken, "employer_desk: zwembad"))
    assert found == ["roles.employer_desk: unknown team 'zwembad' (not in teams)"]
    with pytest.raises(PolicyError, match="roles.employer_desk: unknown team 'zwembad'"):
        load_municipality.__wrapped__(policy_copy / "midden-drenthe")


def test_missing_roles_are_reported(policy_copy: Path, edit: Edit, dutch_keys) -> None:
    edit(TOWN, "  resident_default: klantmanager", "  resident_team: klantmanager")
    found = [str(p) for p in validate_policy(policy_copy, "midden-drenthe", dutch_keys)]
    assert any(f"policy/{TOWN}:" in p and "resident_default" in p and "field required" in p
               for p in found), found


def test_actions_take_the_employer_desk_from_the_data(policy_copy: Path, edit: Edit,
                                                      monkeypatch) -> None:
    """A municipality whose employers go to the klantmanager gets that, not a hard-coded desk."""
    import asyncio

    import actions.conversation
    from actions.conversation import Handover
    from tests.actions.conftest import make_tracker, run_action

    edit(TOWN, "  employer_desk: werkgeversservicepunt", "  employer_desk: klantmanager")
    town = load_municipality.__wrapped__(policy_copy / "midden-drenthe")
    assert (town.employer_team, town.resident_team) == ("klantmanager", "klantmanager")
    monkeypatch.setattr(actions.conversation, "municipality", lambda: town)
    tracker = make_tracker("web:1", slots={"role": "employer"}, intent="request_human")
    messages, _ = asyncio.run(run_action(Handover(), tracker, {}))
    assert messages[0]["custom"]["buttons"][0]["payload"] == (
        '/book_appointment{"team":"klantmanager"}')


def imports_of(module: Path) -> tuple[set[str], list[str]]:
    """(modules imported at top level, imports found inside functions)."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    top = {node.module for node in tree.body
           if isinstance(node, ast.ImportFrom) and node.module}
    inner = [f"{module.name}:{node.lineno}" for function in ast.walk(tree)
             if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
             for node in ast.walk(function) if isinstance(node, (ast.Import, ast.ImportFrom))]
    return top, inner


def test_the_package_imports_one_way_without_lazy_imports() -> None:
    order = ["reading", "models", "municipality", "data", "validation", "checks", "referrals",
             "service", "cli"]
    for rank, name in enumerate(order):
        top, inner = imports_of(PACKAGE / f"{name}.py")
        assert not inner, inner
        inside = {m.rsplit(".", 1)[-1] for m in top if m.startswith("assistant.policy.")}
        assert "assistant.policy" not in top, name  # a submodule never imports the package
        assert inside <= set(order[:rank]), (name, inside)
    for name in order:  # each module can be imported on its own, first
        subprocess.run([sys.executable, "-c", f"import assistant.policy.{name}"],
                       cwd=PROJECT_ROOT, check=True)


@pytest.mark.parametrize(("old", "new", "marker", "message"), [
    ("    max: 120\n", "", "  age:", "fact 'age': an integer fact needs min and max"),
    ("    description: Age in years.\n", "    descriptoin: Age in years.\n", "descriptoin",
     "fact 'age': descriptoin: extra fields not permitted"),
    ("values: [statushouder, gezinsmigrant, overige_migrant, geen]",
     "values: [statushouder, Gezinsmigrant, overige_migrant, geen]", "values: [statushouder",
     "fact 'migrant_group': values.1: must be a lower-case name like werkstage"),
])
def test_facts_yml_is_typed_and_reported_at_its_line(policy_copy: Path, edit: Edit, dutch_keys,
                                                     old: str, new: str, marker: str,
                                                     message: str) -> None:
    broken = edit("facts.yml", old, new)
    found = [p.message for p in validate_policy(policy_copy, "midden-drenthe", dutch_keys)
             if (p.file, p.line) == ("policy/facts.yml", line_of(broken, marker))]
    assert any(text.startswith(message) for text in found), found
