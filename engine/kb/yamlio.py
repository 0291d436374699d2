"""YAML reading for the knowledge base: safe, and strict about duplicate keys.

PyYAML silently keeps the last of two equal keys; in a knowledge base that hides an edit. This loader refuses
them, naming the line of both occurrences.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__ = ["DuplicateKeyError", "load_yaml", "load_yaml_text"]


class DuplicateKeyError(ValueError):
    def __init__(self, key: object, first_line: int, second_line: int) -> None:
        self.key = key
        self.first_line = first_line
        self.second_line = second_line
        super().__init__(f"duplicate key {key!r} at line {second_line} (first at line {first_line})")


class _StrictLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise DuplicateKeyError(key, seen[key], line)
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _dates_as_text(loader: _StrictLoader, node: yaml.ScalarNode) -> object:
    # Keep timestamps as the ISO text written; pydantic parses them into dates where a date is declared.
    return loader.construct_scalar(node)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _dates_as_text)


def load_yaml_text(text: str) -> Any:
    return yaml.load(text, Loader=_StrictLoader)


def load_yaml(path: Path) -> Any:
    return load_yaml_text(path.read_text(encoding="utf-8"))
