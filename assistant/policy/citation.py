"""How a resident's answer names its sources: a policy document by its title, not by the
number the data uses ("004 §5.3" is "Re-integratienota Midden-Drenthe 2021-2026 §5.3")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from assistant.policy.models import DocumentSpec
from assistant.policy.validation import DOCUMENT


def cite(sources: Iterable[str], documents: Mapping[str, DocumentSpec]) -> str:
    """The sources for a reader, each document named once with its sections in order; a law
    ("Participatiewet art. 31") as written."""
    cited: dict[str, list[str]] = {}
    for source in sources:
        number = DOCUMENT.match(source)
        document = documents.get(number[1]) if number else None
        if number is None or document is None:
            cited.setdefault(source, [])
            continue
        name = document.short_title or document.title
        cited.setdefault(name, []).append(source[number.end():].strip())
    return "; ".join(" ".join([name, ", ".join(parts)]) if parts else name
                     for name, parts in cited.items())
