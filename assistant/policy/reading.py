"""Reading policy files with their line numbers, and the one way problems are reported.

Every file under policy/ is read by ``read_yaml`` into Items (a value and its line) and
checked by a pydantic model through ``parse``: a problem is ``file:line: problem``, at the
line of the value it is about. Nothing here knows what a provision or a team is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConstrainedStr, Extra, ValidationError, constr

from assistant.settings import ConfigError


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class PolicyError(ConfigError):
    """The policy data has problems; ``problems`` lists them with file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Item:
    """A YAML value and the line it is on (1-based); mappings and lists hold Items."""

    value: Any
    line: int

    def plain(self) -> Any:
        if isinstance(self.value, dict):
            return {name: item.plain() for name, item in self.value.items()}
        if isinstance(self.value, list):
            return [item.plain() for item in self.value]
        return self.value

    def get(self, name: str) -> Item | None:
        """The value of ``name`` when this is a mapping that has it."""
        return self.value.get(name) if isinstance(self.value, dict) else None

    def id(self) -> str:
        """The entry's ``id`` as written, for naming it in problems ("?" when it has none)."""
        found = self.get("id")
        return str(found.value) if found is not None else "?"


class Model(BaseModel):
    """A typed, immutable piece of policy data: unknown fields are problems."""

    class Config:
        extra = Extra.forbid
        frozen = True


ModelType = TypeVar("ModelType", bound=BaseModel)
# libyaml's loader when PyYAML has it (ten times faster), with the same nodes and marks
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_HINTS: dict[str, str] = {}  # pattern -> what a text of that pattern looks like


def pattern(regex: str, looks_like: str) -> type[ConstrainedStr]:
    """A text that must match ``regex``; a mismatch is reported as "must be <looks_like>"."""
    _HINTS[regex] = looks_like
    return constr(strict=True, regex=regex)


def shown(policy_dir: Path, path: Path) -> str:
    """A file as problems name it: policy/midden-drenthe/provisions.yml."""
    return path.relative_to(policy_dir.parent).as_posix()


def read_yaml(policy_dir: Path, path: Path, problems: list[Problem]) -> Item | None:
    """The file as Items; None (and a problem) when it is missing or not valid YAML."""
    name = shown(policy_dir, path)
    if not path.exists():
        problems.append(Problem(name, 1, "file is missing"))
        return None
    loader = _Loader(path.read_text(encoding="utf-8"))
    try:
        node = loader.get_single_node()
        problems.extend(Problem(name, line, f"key '{key}' appears twice")
                        for line, key in _duplicate_keys(node))
        return None if node is None else _item(node, loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problems.append(Problem(name, mark.line + 1 if mark else 1,
                                f"not valid YAML: {error.problem}"))
        return None
    finally:
        loader.dispose()


def _item(node: yaml.Node, loader: yaml.BaseLoader, line: int | None = None) -> Item:
    """The node as an Item; a mapping's values carry the line of their key."""
    line = line or node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        return Item({str(key.value): _item(value, loader, key.start_mark.line + 1)
                     for key, value in node.value}, line)
    if isinstance(node, yaml.SequenceNode):
        return Item([_item(child, loader) for child in node.value], line)
    return Item(loader.construct_object(node), line)


def _duplicate_keys(node: yaml.Node | None) -> Iterator[tuple[int, str]]:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                yield key.start_mark.line + 1, str(key.value)
            seen.add(key.value)
            yield from _duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            yield from _duplicate_keys(child)


def line_of(root: Item, location: tuple[Any, ...]) -> int:
    """The line of the value at a pydantic error location (or of its nearest parent)."""
    item = root
    for part in location:
        children = item.value
        inside = (part in children if isinstance(children, dict)
                  else isinstance(children, list) and isinstance(part, int)
                  and part < len(children))
        if not inside:
            break
        item = children[part]
    return item.line


def model_problems(file: str, root: Item, error: ValidationError, what: str) -> list[Problem]:
    """A pydantic error as file:line problems, at the line of the value it is about."""
    problems = []
    for found in error.errors():
        where = ".".join(str(part) for part in found["loc"] if part != "__root__")
        message = found["msg"]
        if found["type"] == "value_error.str.regex":
            message = "must be " + _HINTS.get(found["ctx"]["pattern"], f"like {message}")
        text = f"{where}: {message}" if where else message
        problems.append(Problem(file, line_of(root, found["loc"]), what + text))
    return problems


def parse(model: type[ModelType], item: Item, file: str, what: str,
          problems: list[Problem], /, **extra: Any) -> ModelType | None:
    """``item`` as a ``model`` (with ``extra`` fields the file does not hold, such as its
    line); None, and its problems added, when it does not fit."""
    if not isinstance(item.value, dict):
        problems.append(Problem(file, item.line, what + "must be a mapping of fields"))
        return None
    taken = [name for name in extra if name in item.value]
    if taken:
        problems += [Problem(file, item.value[name].line, f"{what}{name}: extra fields not "
                             "permitted") for name in taken]
        return None
    try:
        return model.parse_obj({**item.plain(), **extra})
    except ValidationError as error:
        problems += model_problems(file, item, error, what)
        return None
