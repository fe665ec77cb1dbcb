"""Checking the policy data: every rule of the vocabulary (policy/facts.yml) and of the entry
schema, reported as ``file:line: problem``. Used by ``assistant.policy.validate_policy`` and
``load_policy``; ``assistant/eligibility.py`` checks the checks.yml files on top.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from assistant.policy.data import (
    AMOUNT_PERIODS,
    AMOUNT_UNITS,
    CONFIDENCES,
    DOCUMENT,
    DURATION_UNITS,
    FIELD_KINDS,
    KINDS,
    LAW,
    LIST_OPERATORS,
    NATIONAL,
    OPERATORS,
    OPTIONAL,
    PARTICIPATIEWET,
    PARTS,
    REQUIRED,
    SECTIONS,
    STATUSES,
    Fact,
    Item,
    Layer,
    Problem,
    Sources,
    Vocabulary,
    is_date,
    is_name,
    is_text,
)


@dataclass(frozen=True)
class Context:
    vocabulary: Vocabulary
    teams: frozenset[str]
    teams_file: str
    ids: dict[str, frozenset[str]]  # section -> ids defined in any layer
    national_laws: frozenset[str]  # national provisions that name a legal_source
    catalog: frozenset[str] | None


@dataclass(frozen=True)
class Where:
    """The entry a problem is about."""

    file: str
    layer: str
    section: str
    name: str

    def problem(self, line: int, text: str) -> Problem:
        return Problem(self.file, line, f"{SECTIONS[self.section]} '{self.name}': {text}")


def check_sources(sources: Sources, catalog: frozenset[str] | None) -> list[Problem]:
    context = _context(sources, catalog)
    problems: list[Problem] = []
    for layer in sources.layers:
        for section, items in layer.sections.items():
            problems += _check_overlaps(layer, section, items)
            for item in items:
                problems += _check_entry(item, _where(layer, section, item), context)
    return problems


def _context(sources: Sources, catalog: frozenset[str] | None) -> Context:
    ids = {section: frozenset(_id(item) for layer in sources.layers
                              for item in layer.sections.get(section, ()))
           for section in SECTIONS}
    national = sources.layers[0].sections.get("provisions", ())
    laws = frozenset(_id(i) for i in national if _field(i, "legal_source") is not None)
    return Context(sources.vocabulary, sources.teams, sources.teams_file, ids, laws, catalog)


def _id(item: Item) -> str:
    found = _field(item, "id")
    return str(found.value) if found is not None else "?"


def _field(item: Item, name: str) -> Item | None:
    return item.value.get(name) if isinstance(item.value, dict) else None


def _where(layer: Layer, section: str, item: Item) -> Where:
    return Where(layer.file, layer.name, section, _id(item))


def _check_overlaps(layer: Layer, section: str, items: list[Item]) -> list[Problem]:
    problems = []
    spans: dict[str, list[tuple[date, date, int]]] = {}
    for item in items:
        start, end = _field(item, "valid_from"), _field(item, "valid_to")
        if start is None or not is_date(start.value) or (end and not is_date(end.value)):
            continue
        span = (start.value, end.value if end else date.max, item.line)
        for other in spans.setdefault(_id(item), []):
            if span[0] <= other[1] and other[0] <= span[1]:
                problems.append(_where(layer, section, item).problem(
                    item.line, f"validity overlaps the entry with the same id on line {other[2]}"))
        spans[_id(item)].append(span)
    return problems


def _check_entry(item: Item, where: Where, context: Context) -> list[Problem]:
    if not isinstance(item.value, dict):
        return [where.problem(item.line, "must be a mapping of fields")]
    problems = _check_fields(item, where)
    known = (*REQUIRED[where.section], *OPTIONAL[where.section])
    fields = {name: found for name, found in item.value.items()
              if name in known and KINDS[FIELD_KINDS[name]][0](found.plain())}
    for check in ENTRY_CHECKS:
        problems += check(fields, item, where, context)
    return problems


def _check_fields(item: Item, where: Where) -> list[Problem]:
    known = (*REQUIRED[where.section], *OPTIONAL[where.section])
    problems = [where.problem(item.line, f"'{name}' is missing")
                for name in REQUIRED[where.section] if name not in item.value]
    for name, found in item.value.items():
        if name not in known:
            problems.append(where.problem(found.line, f"unknown key '{name}'"))
        elif not KINDS[FIELD_KINDS[name]][0](found.plain()):
            problems.append(where.problem(found.line, f"'{name}' must be "
                                          + KINDS[FIELD_KINDS[name]][1]))
    return problems


Fields = dict[str, Item]


def _check_status(fields: Fields, item: Item, where: Where, context: Context) -> list[Problem]:
    status, successor = fields.get("status"), fields.get("superseded_by")
    problems = _check_choice(fields.get("confidence"), CONFIDENCES, "confidence", where)
    problems += _check_choice(status, STATUSES, "status", where)
    if status and status.value == "superseded" and successor is None:
        problems.append(where.problem(status.line, "a superseded entry needs 'superseded_by'"))
    if status and status.value == "current" and successor is not None:
        problems.append(where.problem(successor.line, "a current entry cannot be superseded_by"))
    start, end = fields.get("valid_from"), fields.get("valid_to")
    if start and end and end.value < start.value:
        problems.append(where.problem(end.line, "valid_to lies before valid_from"))
    return problems


def _check_choice(found: Item | None, choices: Iterable[str], name: str,
                  where: Where) -> list[Problem]:
    if found is None or found.value in choices:
        return []
    return [where.problem(found.line, f"{name} '{found.value}' is not one of "
                          + ", ".join(choices))]


def _check_sources(fields: Fields, item: Item, where: Where, context: Context) -> list[Problem]:
    found = fields.get("sources")
    if found is None:
        return []
    problems = [where.problem(found.line, text) for source in found.value
                if (text := _source_problem(source.value, context))]
    if _rests_on_old_documents(fields, context):
        problems.append(where.problem(found.line, "a current rule cannot rest only on documents "
                                      "from before the Participatiewet; cite 004 or a law"))
    return problems


def _source_problem(source: object, context: Context) -> str | None:
    if not is_text(source):
        return "a source must be a non-empty text"
    document = DOCUMENT.match(str(source))
    if document and document.group(1) in context.vocabulary.documents:
        return None
    if not document and LAW.search(str(source)):
        return None
    return f"source '{source}' names no document of policy/facts.yml and no law"


def _rests_on_old_documents(fields: Fields, context: Context) -> bool:
    status, end = fields.get("status"), fields.get("valid_to")
    if status is None or status.value != "current" or (end and end.value < PARTICIPATIEWET):
        return False
    old = context.vocabulary.documents
    texts = [s.value for s in fields["sources"].value if isinstance(s.value, str)]
    return all((m := DOCUMENT.match(t)) and old.get(m.group(1)) for t in texts)


def _check_references(fields: Fields, item: Item, where: Where,
                      context: Context) -> list[Problem]:
    problems = []
    team = fields.get("team")
    if team and team.value not in context.teams:
        problems.append(where.problem(team.line, f"unknown team '{team.value}' (not in "
                                      f"{context.teams_file})"))
    for name, known in (("audience", context.vocabulary.audiences),
                        ("target_groups", context.ids["target_groups"]),
                        ("partners", context.ids["partners"])):
        found = fields.get(name)
        problems += [where.problem(found.line, f"unknown {SECTIONS.get(name, name)} '{ref.value}'")
                     for ref in (found.value if found else ()) if ref.value not in known]
    return problems


def _check_keys(fields: Fields, item: Item, where: Where, context: Context) -> list[Problem]:
    if context.catalog is None:
        return []
    return [where.problem(found.line, f"no Dutch text for '{found.value}' in the nl catalog")
            for name, found in fields.items()
            if name.endswith("_key") and found.value not in context.catalog]


def _check_legal_source(fields: Fields, item: Item, where: Where,
                        context: Context) -> list[Problem]:
    if where.section != "provisions" or "legal_source" in item.value:
        return []
    if where.layer == NATIONAL:
        return [where.problem(item.line, "a national entry needs a legal_source (law, article)")]
    status = fields.get("status")
    if where.name in context.national_laws and status and status.value == "current":
        return [where.problem(item.line, f"overrides national '{where.name}' but drops its "
                              "legal_source")]
    return []


def _check_parts(fields: Fields, item: Item, where: Where, context: Context) -> list[Problem]:
    problems = []
    for name, label, check in (("conditions", "condition", _check_condition),
                               ("amounts", "amount", _check_amount),
                               ("actions", "action", _check_action)):
        for part in fields[name].value if name in fields else ():
            problems += _check_part(part, label, where, context, check)
    if "duration" in fields:
        problems += _check_part(fields["duration"], "duration", where, context, _check_duration)
    return problems


PartCheck = Callable[[Fields, Where, Context], list[Problem]]


def _check_part(part: Item, label: str, where: Where, context: Context,
                check: PartCheck) -> list[Problem]:
    if not isinstance(part.value, dict):
        return [where.problem(part.line, f"each {label} must be a mapping")]
    required, optional = PARTS[label]
    problems = [where.problem(part.line, f"{label}: '{name}' is missing")
                for name in required if name not in part.value]
    problems += [where.problem(found.line, f"{label}: unknown key '{name}'")
                 for name, found in part.value.items() if name not in (*required, *optional)]
    fields = part.value
    if "source" in fields and (text := _source_problem(fields["source"].value, context)):
        problems.append(where.problem(fields["source"].line, f"{label}: {text}"))
    problems += _check_choice(fields.get("confidence"), CONFIDENCES, f"{label} confidence", where)
    return problems + check(fields, where, context)


def _check_condition(fields: Fields, where: Where, context: Context) -> list[Problem]:
    fact_item, operator_item = fields.get("fact"), fields.get("operator")
    fact = context.vocabulary.facts.get(fact_item.value) if fact_item else None
    operator = operator_item.value if operator_item else None
    problems = []
    if fact_item and fact is None:
        problems.append(where.problem(fact_item.line, f"unknown fact '{fact_item.value}'"))
    if operator_item and operator not in OPERATORS:
        problems.append(where.problem(operator_item.line, f"unknown operator '{operator}'"))
    if fact is None or operator not in OPERATORS:
        return problems
    if fact.type not in OPERATORS[operator]:
        return [*problems, where.problem(operator_item.line, f"operator '{operator}' does not "
                                         f"apply to fact '{fact.name}' ({fact.type})")]
    return problems + _check_value(fact, operator, fields.get("value"), where)


def _check_value(fact: Fact, operator: str, found: Item | None, where: Where) -> list[Problem]:
    if found is None:
        return []
    if operator in LIST_OPERATORS:
        good = isinstance(found.value, list) and bool(found.value) and all(
            fact.accepts(v.value) for v in found.value)
        expected = f"a non-empty list, each {fact.expected()}"
    else:
        good, expected = fact.accepts(found.value), fact.expected()
    if good:
        return []
    shown = found.plain()
    return [where.problem(found.line, f"value {shown!r} of fact '{fact.name}' must be {expected}")]


def _check_amount(fields: Fields, where: Where, context: Context) -> list[Problem]:
    problems = _check_choice(fields.get("unit"), AMOUNT_UNITS, "amount unit", where)
    problems += _check_choice(fields.get("per"), AMOUNT_PERIODS, "amount per", where)
    value, name = fields.get("value"), fields.get("name")
    if value and (isinstance(value.value, bool) or not isinstance(value.value, (int, float))
                  or value.value < 0):
        problems.append(where.problem(value.line, f"amount value {value.value!r} must be a "
                                      "number of zero or more"))
    if name and not is_name(name.value):
        problems.append(where.problem(name.line, "amount name must be " + KINDS["name"][1]))
    approximate = fields.get("approximate")
    if approximate and not isinstance(approximate.value, bool):
        problems.append(where.problem(approximate.line, "approximate must be true or false"))
    age = fields.get("from_age")
    if age and (isinstance(age.value, bool) or not isinstance(age.value, int) or age.value < 0):
        problems.append(where.problem(age.line, "amount from_age must be a whole number"))
    return problems


def _check_duration(fields: Fields, where: Where, context: Context) -> list[Problem]:
    problems = _check_choice(fields.get("unit"), DURATION_UNITS, "duration unit", where)
    numbers = {}
    for name in ("length", "extensions", "extension_length", "max_length"):
        found = fields.get(name)
        if found is None:
            continue
        if isinstance(found.value, bool) or not isinstance(found.value, int) or found.value < 0:
            problems.append(where.problem(found.line, f"duration {name} must be a whole number"))
        else:
            numbers[name] = found.value
    exceptional = fields.get("exceptional_extension")
    if exceptional and not isinstance(exceptional.value, bool):
        problems.append(where.problem(exceptional.line,
                                      "exceptional_extension must be true or false"))
    if len(numbers) == 4 and numbers["max_length"] != (
            numbers["length"] + numbers["extensions"] * numbers["extension_length"]):
        problems.append(where.problem(fields["max_length"].line, "duration max_length does not "
                                      "equal length + extensions x extension_length"))
    return problems


def _check_action(fields: Fields, where: Where, context: Context) -> list[Problem]:
    number, provisions = fields.get("number"), fields.get("provisions")
    problems = []
    if number and (isinstance(number.value, bool) or not isinstance(number.value, int)):
        problems.append(where.problem(number.line, "action number must be a whole number"))
    if provisions and not isinstance(provisions.value, list):
        return [*problems, where.problem(provisions.line, "action provisions must be a list")]
    known = context.ids["provisions"]
    return problems + [where.problem(ref.line, f"action uses unknown provision '{ref.value}'")
                       for ref in (provisions.value if provisions else ())
                       if ref.value not in known]


ENTRY_CHECKS = (_check_status, _check_sources, _check_references, _check_keys,
                _check_legal_source, _check_parts)
