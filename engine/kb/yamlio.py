"""YAML reading for the knowledge base: safe, and strict about duplicate keys.

PyYAML silently keeps the last of two equal keys; in a knowledge base that hides an edit. This loader refuses
them, naming the line of both occurrences.

The loader is built on libyaml (``CSafeLoader``) where PyYAML was built with it: parsing is then about six times
faster, and the knowledge base loads in a fraction of a second. Only the mapping and timestamp constructors are
ours, so the result is the same with either base.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from engine.kb import yamlcache

__all__ = ["DuplicateKeyError", "load_yaml", "load_yaml_text"]


class DuplicateKeyError(ValueError):
    def __init__(self, key: object, first_line: int, second_line: int) -> None:
        self.key = key
        self.first_line = first_line
        self.second_line = second_line
        super().__init__(f"duplicate key {key!r} at line {second_line} (first at line {first_line})")


# libyaml's loader where available (PyYAML wheels ship it); the pure-Python one otherwise.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_Base):  # type: ignore[valid-type,misc]
    pass


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    # One pass: each key is constructed once, checked against the keys before it, then its value is built.
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    seen: dict[object, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.get(key)
        except TypeError as exc:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "found unhashable key", key_node.start_mark
            ) from exc
        line = key_node.start_mark.line + 1
        if first is not None:
            raise DuplicateKeyError(key, first, line)
        seen[key] = line
        out[key] = loader.construct_object(value_node, deep=deep)
    return out


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _dates_as_text(loader: _StrictLoader, node: yaml.ScalarNode) -> object:
    # Keep timestamps as the ISO text written; pydantic parses them into dates where a date is declared.
    return loader.construct_scalar(node)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _dates_as_text)


def load_yaml_text(text: str) -> Any:
    return yaml.load(text, Loader=_StrictLoader)


def load_yaml(path: Path) -> Any:
    """The file's data; from the parse cache when a file with the same bytes was parsed before (yamlcache.py)."""
    data = path.read_bytes()
    kept = yamlcache.entry(data)
    cached = yamlcache.get(kept)
    if cached is not yamlcache.MISS:
        return cached
    value = load_yaml_text(data.decode("utf-8"))
    yamlcache.put(kept, value)
    return value
