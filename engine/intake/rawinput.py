"""Reading a self-inspection's raw text (JSON or YAML) the same way on the command line and in the service.

Before any model sees the data: a UTF-8 byte-order mark is skipped, duplicate keys are refused (JSON and YAML),
nesting deeper than :data:`MAX_DEPTH` is refused, and so are numbers too large to be finite (``1e999``) and
strings holding NUL or a lone surrogate (no database column can store them). Each refusal is a
:class:`SelfInspectionInvalid` with one issue naming the field, the rule and the message in Chinese and English.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path
from typing import Any

from engine.intake.issues import InputIssue, SelfInspectionInvalid

__all__ = ["MAX_DEPTH", "check_tree", "loads_json", "loads_yaml", "read_input", "text_problem"]

# Nesting limit of raw input: the deepest self-inspection is about 8 levels; this leaves room and keeps every
# recursive walk (validation, hashing, JSON encoding) far from Python's recursion limit.
MAX_DEPTH = 64
_BOM = "\ufeff"


class _Refused(Exception):
    def __init__(self, issue: InputIssue) -> None:
        super().__init__(issue.message_en)
        self.issue = issue


def _refuse(path: str, rule: str, en: str, zh: str) -> SelfInspectionInvalid:
    return SelfInspectionInvalid([InputIssue(path or "(root)", rule, en, zh)])


_SURROGATE = re.compile("[\ud800-\udfff]")
# A JSON string from its opening quote to its closing one, or to the end of the text when it is never closed
# (possessive: once started it always matches, so the text is scanned once, whatever its quotes and escapes)
_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def text_problem(text: str) -> tuple[str, str, str] | None:
    """(rule, en, zh) if ``text`` holds a character no record may store (NUL, a lone surrogate), else None."""
    if "\x00" in text:
        return "nul_character", "text must not contain the NUL character (U+0000)", "文本不得包含空字符（U+0000）"
    found = None if text.isascii() else _SURROGATE.search(text)
    if found is not None:
        ch = found.group()
        return (
            "lone_surrogate",
            f"text holds a lone surrogate (U+{ord(ch):04X}), which is not a character",
            f"文本包含孤立代理项（U+{ord(ch):04X}），不是有效字符",
        )
    return None


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


Chain = tuple[Any, Any] | None  # (parent chain, key): a field path, written out only when an issue is found


def path_of(chain: Chain) -> str:
    """The field path of a chain of keys (``a.b[0].c``; ``(root)`` for none)."""
    keys = []
    while chain is not None:
        chain, key = chain
        keys.append(key)
    path = ""
    for key in reversed(keys):
        path = _join(path, key)
    return path or "(root)"


def _first(data: Any, chain: Chain, depth: int) -> InputIssue | None:
    """The first string or nesting no record may hold, depth first in the data's order."""
    if depth > MAX_DEPTH:
        return InputIssue(
            path_of(chain),
            "too_deep",
            f"the data are nested deeper than {MAX_DEPTH} levels",
            f"数据嵌套超过 {MAX_DEPTH} 层",
        )
    if isinstance(data, str):
        found = text_problem(data)
        return InputIssue(path_of(chain), *found) if found else None
    if isinstance(data, float) and not math.isfinite(data):  # JSON's 1e999 reads as infinity
        return InputIssue(path_of(chain), "number_not_finite", "the number must be finite", "数字必须是有限值")
    if isinstance(data, dict):
        for key, value in data.items():
            where = (chain, key)
            if isinstance(key, str) and (problem := text_problem(key)):
                return InputIssue(path_of(where), *problem)
            if (issue := _first(value, where, depth + 1)) is not None:
                return issue
    elif isinstance(data, list):
        for i, value in enumerate(data):
            if (issue := _first(value, (chain, i), depth + 1)) is not None:
                return issue
    return None


def check_tree(data: Any) -> None:
    """Raise :class:`SelfInspectionInvalid` for the first string or nesting no record may hold."""
    found = _first(data, None, 0)
    if found is not None:
        raise SelfInspectionInvalid([found])


def _max_depth(text: str) -> int:
    """Bracket depth of JSON text, counted without parsing (strings skipped), so a deep body costs no recursion.

    Strings are removed first; an unterminated one runs to the end of the text, so what follows its opening quote
    is not counted."""
    bare = _STRING.sub("", text)
    depth = deepest = 0
    for ch in _BRACKET.findall(bare):
        if ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        else:
            depth -= 1
    return deepest


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(
                InputIssue(
                    str(key),
                    "duplicate_key",
                    f"the key {key!r} appears twice in one object",
                    f"同一对象中键 {key!r} 出现了两次",
                )
            )
        out[key] = value
    return out


def _decode(raw: bytes | str) -> str:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _refuse(
                "(root)", "not_utf8", f"the data are not UTF-8 text ({exc.reason})", "数据不是 UTF-8 文本"
            ) from None
    return raw.removeprefix(_BOM)


def loads_json(raw: bytes | str) -> Any:
    """Strict JSON: BOM skipped, duplicate keys, NaN/Infinity, deep nesting, NUL and lone surrogates refused."""
    text = _decode(raw)
    if _max_depth(text) > MAX_DEPTH:
        raise _refuse(
            "(root)", "too_deep", f"the data are nested deeper than {MAX_DEPTH} levels", f"数据嵌套超过 {MAX_DEPTH} 层"
        )

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_constant=constant)
    except _Refused as exc:
        raise SelfInspectionInvalid([exc.issue]) from None
    except (ValueError, RecursionError) as exc:
        raise _refuse(
            "(root)", "json_invalid", f"the data are not valid JSON: {exc}", f"数据不是有效的 JSON：{exc}"
        ) from None
    check_tree(data)
    return data


def loads_yaml(raw: bytes | str) -> Any:
    """Strict YAML (safe subset): BOM skipped, duplicate keys, deep nesting, NUL and lone surrogates refused."""
    import yaml

    text = _decode(raw)

    class _Strict(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in out:
                mark = key_node.start_mark
                raise _Refused(
                    InputIssue(
                        str(key),
                        "duplicate_key",
                        f"the key {key!r} appears twice in one mapping (line {mark.line + 1})",
                        f"同一映射中键 {key!r} 出现了两次（第 {mark.line + 1} 行）",
                    )
                )
            out[key] = loader.construct_object(value_node, deep=deep)
        return out

    _Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    try:
        data = yaml.load(text, Loader=_Strict)
    except _Refused as exc:
        raise SelfInspectionInvalid([exc.issue]) from None
    except RecursionError:
        raise _refuse(
            "(root)", "too_deep", f"the data are nested deeper than {MAX_DEPTH} levels", f"数据嵌套超过 {MAX_DEPTH} 层"
        ) from None
    except yaml.YAMLError as exc:
        raise _refuse(
            "(root)", "yaml_invalid", f"the data are not valid YAML: {exc}", f"数据不是有效的 YAML：{exc}"
        ) from None
    check_tree(data)
    return data


def read_input(path: str) -> Any:
    """The raw self-inspection in a file (``-``: stdin), YAML for ``.yaml``/``.yml``, else JSON, read strictly."""
    raw = Path(path).read_bytes() if path != "-" else sys.stdin.buffer.read()
    return loads_yaml(raw) if path.endswith((".yaml", ".yml")) else loads_json(raw)
