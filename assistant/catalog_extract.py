"""A pybabel extractor for message ids that live in YAML (domain responses, policy data).

Used by ``make extract-messages`` through babel.cfg. Any value of a mapping key named
``key`` or ending in ``_key`` is a message id; a domain's intents also get ``intent.<name>``
(the labels of the fallback's suggestion buttons).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml

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
                # municipality.yml: each topic is answered with the text topic.<intent>
                for topic_node, _ in value_node.value:
                    yield topic_node.start_mark.line + 1, None, f"topic.{topic_node.value}", []
            else:
                yield from _walk(value_node)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item)
