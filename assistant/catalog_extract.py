"""A pybabel extractor for message ids that live in YAML (domain responses, policy data).

Used by ``make extract-messages`` (``python -m assistant.catalog_extract``) through
babel.cfg. Any value of a mapping key named ``key`` or ending in ``_key`` is a message id;
a domain's intents also get ``intent.<name>`` (the labels of the fallback's suggestion
buttons) and municipality topics ``topic.<intent>``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import yaml
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import CommandLineInterface, parse_mapping_cfg
from babel.messages.pofile import read_po, write_po
from babel.plural import to_gettext

from assistant.settings import PROJECT_ROOT

Extracted = tuple[int, str | None, str, list[str]]
RASA_INTERNAL_INTENTS = {"nlu_fallback"}


def extract_yaml_keys(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
                      options: dict) -> Iterator[Extracted]:
    root = yaml.compose(fileobj.read().decode("utf-8"))
    if root is not None:
        yield from _walk(root)


def _walk(node: yaml.Node) -> Iterator[Extracted]:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            name = key_node.value
            if isinstance(value_node, yaml.ScalarNode) and (name == "key" or name.endswith("_key")):
                yield value_node.start_mark.line + 1, None, value_node.value, []
            elif name == "intents" and isinstance(value_node, yaml.SequenceNode):
                for intent in value_node.value:
                    if intent.value not in RASA_INTERNAL_INTENTS:
                        yield intent.start_mark.line + 1, None, f"intent.{intent.value}", []
            elif name == "topics" and isinstance(value_node, yaml.MappingNode):
                # municipality.yml: a topic without a provision is answered with topic.<intent>
                for topic_node, spec_node in value_node.value:
                    answered_by_provision = isinstance(spec_node, yaml.MappingNode) and any(
                        field.value == "provision" for field, _ in spec_node.value)
                    if not answered_by_provision:
                        yield topic_node.start_mark.line + 1, None, f"topic.{topic_node.value}", []
            else:
                yield from _walk(value_node)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item)


# Functions whose argument is a catalog id (position counted from 1), for the Python extractor.
KEYWORDS = {"say": (2,), "button": (1,), "msg": (1,), "message": (1,), "notice": (1,),
            "refusal": (1,), "N_": None, "NP_": (1, 2)}
MAPPING_FILE = PROJECT_ROOT / "babel.cfg"
TEMPLATE = PROJECT_ROOT / "locales" / "messages.pot"


def extract_catalog() -> Catalog:
    """Every message id the code and the YAML data use, as pybabel extracts them."""
    with MAPPING_FILE.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog()
    for filename, line, message, comments, context in extract_from_dir(
            PROJECT_ROOT, method_map, options_map, keywords=KEYWORDS):
        catalog.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    return catalog


def main() -> None:
    """Write locales/messages.pot and merge it into every language's catalog."""
    with TEMPLATE.open("wb") as handle:
        write_po(handle, extract_catalog(), omit_header=False, sort_output=True,
                 no_location=True)
    CommandLineInterface().run(["pybabel", "update", "-i", str(TEMPLATE), "-d",
                                str(TEMPLATE.parent), "--no-fuzzy-matching",
                                "--ignore-obsolete"])
    for po_file in sorted(TEMPLATE.parent.glob("*/LC_MESSAGES/messages.po")):
        use_cldr_plural_forms(po_file)


def use_cldr_plural_forms(po_file: Path) -> None:
    """Give a catalog the plural forms of CLDR (Arabic six, Ukrainian four), not the older
    gettext table pybabel writes by default."""
    with po_file.open("rb") as handle:
        catalog = read_po(handle)
    rule = to_gettext(Locale.parse(po_file.parent.parent.name).plural_form)
    if catalog.plural_forms == rule.rstrip(";"):
        return
    header = catalog.mime_headers
    catalog.mime_headers = [(name, rule if name == "Plural-Forms" else value)
                            for name, value in header]
    with po_file.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, no_location=True, width=76)


if __name__ == "__main__":
    main()
