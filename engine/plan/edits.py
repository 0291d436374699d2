"""Changes to a self-inspection for a what-if: ``PATH=VALUE`` with PATH a JSON path into the self-inspection.

A path is keys joined by dots with list items picked by position or by a member's value::

    process[step=inner_etching].answers.q_rinse_type
    years[0].wastes[1].quantity.value
    years[year=2025].resources.electricity.value

``[n]`` is the n-th item (from 0); ``[key=value]`` the one item whose ``key`` equals ``value`` (there must be exactly
one). Every part of the path must exist except the last key of an object (an answer not given yet can be set).
VALUE is read as JSON when it parses (``12.5``, ``true``, ``null``, ``"text"``, ``{"value": 3, "unit": "t"}``),
else as text (``counter_current``). What the value must be is the self-inspection's own validation: the changed
self-inspection is validated again and every error names its field.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

from engine.errors import EditError, did_you_mean

__all__ = ["Edit", "apply_edits", "parse_assignment", "parse_path"]

_TOKEN = re.compile(r"\.?([^.\[\]=]+)|\[(\d+)\]|\[([^=\]\[]+)=([^\]\[]*)\]")


@dataclass(frozen=True)
class Edit:
    """One change: the path as written, the value, and (once applied) the concrete path and the old value."""

    path: str
    value: Any
    resolved: str = ""
    old: Any = None
    existed: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "resolved": self.resolved, "old": self.old, "new": self.value}


def parse_path(path: str) -> list[tuple[str, Any]]:
    """The parts of a path: ("key", name), ("index", n) or ("select", (key, value))."""
    parts: list[tuple[str, Any]] = []
    pos = 0
    if not path or path.startswith((".", "[")):
        raise EditError(
            path,
            "the path must start with a key, e.g. years[0].wastes[1].quantity.value",
            "路径须以键名开头，例如 years[0].wastes[1].quantity.value",
        )
    while pos < len(path):
        m = _TOKEN.match(path, pos)
        if m is None or m.end() == pos:
            raise EditError(
                path,
                f"cannot read the path from {path[pos:]!r}: use key.key, [n] or [key=value]",
                f"无法解析路径中的 {path[pos:]!r}：请使用 key.key、[n] 或 [key=value]",
            )
        if m.group(1) is not None:
            if pos and path[pos] != ".":
                raise EditError(path, f"a '.' is missing before {m.group(1)!r}", f"{m.group(1)!r} 之前缺少“.”")
            parts.append(("key", m.group(1)))
        elif m.group(2) is not None:
            parts.append(("index", int(m.group(2))))
        else:
            parts.append(("select", (m.group(3), m.group(4))))
        pos = m.end()
    return parts


def parse_assignment(text: str) -> tuple[str, Any]:
    """``PATH=VALUE`` -> (path, value); the value read as JSON when it parses, else as text."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "=" and depth == 0:
            path, raw = text[:i].strip(), text[i + 1 :].strip()
            try:
                return path, json.loads(raw)
            except ValueError:
                return path, raw
    raise EditError(text, "expected PATH=VALUE", "格式应为 PATH=VALUE")


def _step(node: Any, part: tuple[str, Any], where: str, path: str) -> tuple[Any, str]:
    kind, arg = part
    if kind == "key":
        if not isinstance(node, dict):
            raise EditError(
                path,
                f"{where or '(root)'} is not an object, so it has no key {arg!r}",
                f"{where or '（根）'} 不是对象，没有键 {arg!r}",
            )
        if arg not in node:
            close = did_you_mean(arg, node)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            hint_zh = f"；是否应为 {close[0]!r}？" if close else ""
            raise EditError(
                path, f"{where or '(root)'} has no key {arg!r}{hint}", f"{where or '（根）'} 没有键 {arg!r}{hint_zh}"
            )
        return node[arg], f"{where}.{arg}" if where else arg
    if not isinstance(node, list):
        raise EditError(
            path, f"{where} is not a list, so it has no item {arg!r}", f"{where} 不是列表，无法按 {arg!r} 取项"
        )
    if kind == "index":
        if arg >= len(node):
            raise EditError(
                path,
                f"{where} has {len(node)} item(s) (0 to {len(node) - 1}), not {arg}",
                f"{where} 只有 {len(node)} 项（0 至 {len(node) - 1}），没有第 {arg} 项",
            )
        return node[arg], f"{where}[{arg}]"
    key, value = arg
    found = [i for i, item in enumerate(node) if isinstance(item, dict) and str(item.get(key)) == value]
    if len(found) != 1:
        have = sorted({str(item.get(key)) for item in node if isinstance(item, dict) and key in item})
        if not found:
            close = did_you_mean(value, have)
            hint = f"; did you mean {close[0]!r}?" if close else f" (there are: {', '.join(have) or 'none'})"
            raise EditError(
                path,
                f"{where} has no item with {key}={value}{hint}",
                f"{where} 中没有 {key}={value} 的项"
                + (f"（是否应为 {close[0]!r}？）" if close else f"（现有：{'、'.join(have) or '无'}）"),
            )
        raise EditError(
            path,
            f"{where} has {len(found)} items with {key}={value}: use [n]",
            f"{where} 中有 {len(found)} 项 {key}={value}：请用 [n] 指定",
        )
    return node[found[0]], f"{where}[{found[0]}]"


def apply_edits(raw: dict[str, Any], edits: list[tuple[str, Any]]) -> tuple[dict[str, Any], list[Edit]]:
    """A copy of the self-inspection ``raw`` with every ``(path, value)`` set; the edits with their concrete paths
    and the values they replace. Raises EditError naming the path when a part of it does not exist."""
    data = copy.deepcopy(raw)
    done: list[Edit] = []
    for i, (path, value) in enumerate(edits):
        try:
            done.append(_apply(data, path, value))
        except EditError as exc:
            raise EditError(
                exc.field, exc.message, exc.message_zh, where=f"set[{i}].path", rule="path_not_found"
            ) from None
    return data, done


def _apply(data: dict[str, Any], path: str, value: Any) -> Edit:
    """Set one value in place; the edit with its concrete path and the value replaced."""
    parts = parse_path(path)
    node: Any = data
    where = ""
    for part in parts[:-1]:
        node, where = _step(node, part, where, path)
    kind, arg = parts[-1]
    if kind == "key" and isinstance(node, dict) and arg not in node:
        node[arg] = copy.deepcopy(value)
        return Edit(path, value, f"{where}.{arg}" if where else arg, None, existed=False)
    old, resolved = _step(node, parts[-1], where, path)
    if kind == "key":
        node[arg] = copy.deepcopy(value)
    else:
        node[int(resolved[resolved.rindex("[") + 1 : -1])] = copy.deepcopy(value)
    return Edit(path, value, resolved, copy.deepcopy(old))
