"""Validation messages in Chinese and English.

The intake's own checks write both texts; pydantic's English messages are translated by their error type (the
rule), with the values pydantic reports (``ctx``) put into the Chinese text. A model validator that wants its own
rule and both texts raises :func:`invalid`, a :class:`pydantic_core.PydanticCustomError` whose context carries the
Chinese text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from pydantic_core import PydanticCustomError

__all__ = ["ZH_KEY", "invalid", "translate"]

ZH_KEY = "zh"

# pydantic error type -> Chinese template (placeholders are pydantic's ctx keys)
_ZH: dict[str, str] = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段 {field!r}",
    "literal_error": "取值无效，应为以下之一：{expected}",
    "enum": "取值无效，应为以下之一：{expected}",
    "decimal_parsing": "应为数字（或 unknown / 未知）",
    "decimal_type": "应为数字（或 unknown / 未知）",
    "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数，不能有小数",
    "bool_parsing": "应为 是/否（true/false）",
    "bool_type": "应为 是/否（true/false）",
    "string_type": "应为文本",
    "string_too_short": "文本过短，至少 {min_length} 个字符",
    "string_too_long": "文本过长，至多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不符（应匹配 {pattern}）",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应大于或等于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应小于或等于 {le}",
    "too_short": "条目过少，至少 {min_length} 项",
    "too_long": "条目过多，至多 {max_length} 项",
    "list_type": "应为列表",
    "dict_type": "应为对象（键值表）",
    "model_type": "应为对象（键值表）",
    "model_attributes_type": "应为对象（键值表）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "union_tag_invalid": "类型标记无效",
    "frozen_instance": "不可修改",
    "json_invalid": "不是有效的 JSON",
}


def invalid(rule: str, en: str, zh: str) -> NoReturn:
    """Raise a validation error with its own rule and both texts (inside a pydantic validator)."""
    raise PydanticCustomError(rule, en, {ZH_KEY: zh})


def _fmt(template: str, ctx: Mapping[str, Any]) -> str:
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template.split("{")[0].rstrip("：: ") or template


def translate(rule: str, en: str, ctx: Mapping[str, Any] | None, field: str = "") -> str:
    """The Chinese text of a pydantic error: the custom text it carries, or the translation of its type."""
    ctx = dict(ctx or {})
    if isinstance(ctx.get(ZH_KEY), str):
        return str(ctx[ZH_KEY])
    template = _ZH.get(rule)
    if template is None:
        return f"输入无效（{rule}）：{en}"
    ctx.setdefault("field", field)
    return _fmt(template, ctx)
