"""policy/<municipality>/checks.yml as typed models: which provisions a check weighs, how each
fact is asked, and the employer checklist.

The file is read with its line numbers (data.read_yaml); pydantic models check its shape
(required fields, types), so a wrong field is reported as ``file:line: problem`` like every
other policy problem. What the models cannot know (facts, teams, provisions, catalog ids) is
checked against the policy in ``validate_checks``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, StrictBool, StrictInt, StrictStr, root_validator

from assistant.policy.models import Entry, Fact
from assistant.policy.reading import Model as _Model
from assistant.policy.reading import Problem, line_of, parse, read_yaml

CHECKS_FILE = "checks.yml"


class ChoiceModel(_Model):
    """A button: ``label_key`` names it in words ("Geen contract"); a whole-number choice
    may instead be named by ``plural_label``, a text with plural forms that shows the value
    itself ("{count} maanden"), so the figure on the button is the data's."""

    value: StrictBool | StrictInt | StrictStr
    label_key: StrictStr | None = None
    plural_label: StrictStr | None = None

    @root_validator(skip_on_failure=True)
    def _one_label(cls, choice: dict) -> dict:  # noqa: N805 - pydantic passes the class
        if (choice["label_key"] is None) == (choice["plural_label"] is None):
            raise ValueError("give either 'label_key' or 'plural_label'")
        if choice["plural_label"] is not None and not _whole(choice["value"]):
            raise ValueError("only a whole-number choice has a plural_label")
        return choice


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class QuestionModel(_Model):
    fact: StrictStr
    question_key: StrictStr
    label_key: StrictStr
    choices: list[ChoiceModel] = Field(default_factory=list)
    implied_by: dict[StrictStr, StrictBool | StrictInt | StrictStr] = Field(
        default_factory=dict)
    always: StrictBool = False


class CheckModel(_Model):
    id: StrictStr
    intent: StrictStr
    title_key: StrictStr
    intro_key: StrictStr
    audience: StrictStr
    team: StrictStr
    provisions: list[StrictStr]
    questions: list[QuestionModel]
    checklist: StrictBool = False


class ChecklistItemModel(_Model):
    key: StrictStr
    source: StrictStr
    provision: StrictStr | None = None  # its text shows this provision's duration ({length})


class ChecksFile(_Model):
    checks: list[CheckModel] = Field(default_factory=list)
    employer_checklist: list[ChecklistItemModel] = Field(default_factory=list)


# The engine works on frozen values (hashable, no parsing left): assistant/eligibility.py.

@dataclass(frozen=True)
class Choice:
    value: Any
    label_key: str
    counted: bool = False  # the label shows the value: render it with count=value

    def label_args(self) -> dict[str, Any]:
        return {"count": self.value} if self.counted else {}


@dataclass(frozen=True)
class Question:
    fact: str
    question_key: str
    label_key: str
    choices: tuple[Choice, ...] = ()
    implied_by: tuple[tuple[str, Any], ...] = ()
    always: bool = False


@dataclass(frozen=True)
class Check:
    id: str
    intent: str
    title_key: str
    intro_key: str
    audience: str
    team: str
    provisions: tuple[str, ...]
    questions: tuple[Question, ...]
    checklist: bool = False

    def question(self, fact: str) -> Question | None:
        return next((q for q in self.questions if q.fact == fact), None)


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    source: str
    provision: str | None = None


@dataclass(frozen=True)
class ChecksData:
    checks: dict[str, Check]
    checklist: tuple[ChecklistItem, ...]
    lines: dict[str, int]  # check id -> line of its entry


def _check(model: CheckModel) -> Check:
    questions = tuple(
        Question(q.fact, q.question_key, q.label_key,
                 tuple(Choice(c.value, c.label_key or c.plural_label, c.plural_label is not None)
                       for c in q.choices),
                 tuple(q.implied_by.items()), q.always)
        for q in model.questions)
    return Check(model.id, model.intent, model.title_key, model.intro_key, model.audience,
                 model.team, tuple(model.provisions), questions, model.checklist)


def read_checks(municipality_dir: Path) -> tuple[ChecksData, list[Problem]]:
    """The checks of a municipality and the problems of the file's shape (file:line)."""
    path = municipality_dir / CHECKS_FILE
    empty = ChecksData({}, (), {})
    if not path.exists():
        return empty, []
    problems: list[Problem] = []
    root = read_yaml(municipality_dir.parent, path, problems)
    shown = f"policy/{municipality_dir.name}/{CHECKS_FILE}"
    if root is None:
        return empty, problems
    parsed = parse(ChecksFile, root, shown, "", problems) if root.value else ChecksFile()
    if parsed is None:
        return empty, problems
    lines = {check.id: line_of(root, ("checks", number))
             for number, check in enumerate(parsed.checks)}
    return ChecksData({c.id: _check(c) for c in parsed.checks},
                      tuple(ChecklistItem(i.key, i.source, i.provision)
                            for i in parsed.employer_checklist),
                      lines), problems


def load_checks(municipality_dir: Path) -> dict[str, Check]:
    """A municipality's checks by id; none when it has no checks.yml (validated with the
    policy: validate_checks)."""
    return read_checks(municipality_dir)[0].checks


def load_checklist(municipality_dir: Path) -> list[ChecklistItem]:
    """What an employer arranges at the start of a placement (checks.yml, employer_checklist)."""
    return list(read_checks(municipality_dir)[0].checklist)


def check_for_intent(checks: dict[str, Check], intent: str) -> Check | None:
    return next((c for c in checks.values() if c.intent == intent), None)


def validate_checks(municipality_dir: Path, entries: list[Entry], facts: dict[str, Fact],
                    teams: frozenset[str], catalog: frozenset[str] | None) -> list[Problem]:
    """Problems of a municipality's checks.yml with file and line: its shape, and unknown
    provisions, facts, teams, choices or catalog ids, and conditions no question can answer.

    A check weighs a provision on the days one of its entries is in force, so every entry
    of it (of any period) counts: the file is as valid on 1 January 2027 as today."""
    data, problems = read_checks(municipality_dir)
    shown = f"policy/{municipality_dir.name}/{CHECKS_FILE}"
    problems += [
        Problem(shown, 1, f"employer_checklist: message id '{item.key}' is missing from the "
                          "Dutch catalog")
        for item in data.checklist if catalog is not None and item.key not in catalog]
    durations = {e.id for e in entries if e.section == "provisions" and e.duration}
    problems += [
        Problem(shown, 1, f"employer_checklist: '{item.key}' names provision "
                          f"'{item.provision}', which has no duration in the policy data")
        for item in data.checklist if item.provision and item.provision not in durations]
    for check in data.checks.values():
        line = data.lines.get(check.id, 1)
        problems += [Problem(shown, line, f"check '{check.id}': {text}")
                     for text in _check_problems(check, entries, facts, teams, catalog)]
    return problems


def _check_problems(check: Check, entries: list[Entry], facts: dict[str, Fact],
                    teams: frozenset[str], catalog: frozenset[str] | None) -> list[str]:
    found = []
    if check.team not in teams:
        found.append(f"team '{check.team}' is not a team of the municipality")
    keys = [check.title_key, check.intro_key]
    asked = {q.fact for q in check.questions}
    for question in check.questions:
        fact = facts.get(question.fact)
        keys += [question.question_key, question.label_key,
                 *(c.label_key for c in question.choices)]
        if fact is None:
            found.append(f"question about unknown fact '{question.fact}'")
            continue
        if fact.type == "enum" and {c.value for c in question.choices} != set(fact.values):
            found.append(f"the choices for '{fact.name}' must be exactly "
                         f"{', '.join(fact.values)}")
        found += [f"choice {choice.value!r} is not {fact.expected()} for '{fact.name}'"
                  for choice in question.choices if not fact.accepts(choice.value)]
    for name in check.provisions:
        versions = [e for e in entries if e.section == "provisions" and e.id == name]
        if not versions:
            found.append(f"provision '{name}' is not in the policy data")
        needed = {c.fact for entry in versions for c in entry.conditions}
        found += [f"provision '{name}' needs '{fact}' but no question asks it"
                  for fact in sorted(needed - asked)]
    if catalog is not None:
        found += [f"message id '{key}' is missing from the Dutch catalog"
                  for key in keys if key not in catalog]
    return found
