"""The team codes the assistant itself needs, named in municipality.yml (``roles``):
the team a resident is offered when nothing names one, and the employer desk."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Extra, StrictStr, ValidationError

from assistant.policy.data import Problem, model_problems, read_yaml

ROLES_FILE = "municipality.yml"


class TeamRoles(BaseModel):
    resident_default: StrictStr  # residents: a topic or handover without a team of its own
    employer_desk: StrictStr  # employers: their checks, checklist and handovers

    class Config:
        extra = Extra.forbid
        allow_mutation = False


def validate_roles(policy_dir: Path, municipality: str,
                   teams: frozenset[str]) -> list[Problem]:
    """municipality.yml's roles: both named, each a team of the same file (file:line)."""
    path = policy_dir / municipality / ROLES_FILE
    shown = f"policy/{municipality}/{ROLES_FILE}"
    problems: list[Problem] = []
    root = read_yaml(policy_dir, path, problems)
    if root is None or not isinstance(root.value, dict):
        return problems
    found = root.value.get("roles")
    if found is None:
        return [Problem(shown, root.line, "roles: 'resident_default' and 'employer_desk' are "
                                          "missing (the teams the assistant offers itself)")]
    try:
        roles = TeamRoles.parse_obj(found.plain())
    except ValidationError as error:
        return model_problems(shown, found, error, "roles.")
    return [Problem(shown, found.value[role].line,
                    f"roles.{role}: unknown team '{team}' (not in teams)")
            for role, team in roles.dict().items() if team not in teams]
