"""One problem with a self-inspection: the field path, the rule broken, the message in Chinese and English, and,
for a workbook, the sheet and cell it was read from."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from engine.errors import SmartAuditError

__all__ = ["MAX_ERRORS", "InputIssue", "SelfInspectionInvalid", "capped"]

MAX_ERRORS = 100  # errors listed at most; a body with thousands of bad fields is refused as cheaply as one


@dataclass(frozen=True)
class InputIssue:
    path: str
    rule: str
    message_en: str
    message_zh: str
    cell: str | None = None  # "Sheet!C5" when read from a workbook

    @property
    def message(self) -> str:
        """The English message (kept for callers of the one-language form)."""
        return self.message_en

    def text(self, lang: str) -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def at(self, cell: str | None) -> InputIssue:
        return replace(self, cell=cell)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "rule": self.rule,
            "message": self.message_en,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }
        if self.cell is not None:
            out["cell"] = self.cell
        return out

    def line(self, lang: str = "en") -> str:
        where = f"{self.cell} ({self.path})" if self.cell else self.path
        return f"{where}: {self.text(lang)} [{self.rule}]"

    def __str__(self) -> str:
        return self.line("en")


class SelfInspectionInvalid(SmartAuditError):
    """The self-inspection breaks the schema or the knowledge base's rules; nothing of it is accepted."""

    def __init__(self, errors: list[InputIssue], warnings: list[InputIssue] | None = None) -> None:
        self.errors = errors
        self.warnings = warnings or []
        lines = "\n".join(f"  - {e}" for e in errors)
        super().__init__(f"self-inspection invalid ({len(errors)} error(s)):\n{lines}")

    def lines(self, lang: str) -> list[str]:
        return [e.line(lang) for e in self.errors]


def capped(issues: list[InputIssue], limit: int = MAX_ERRORS) -> list[InputIssue]:
    """At most ``limit`` issues, the last one saying that more were left out."""
    if len(issues) <= limit:
        return issues
    more = InputIssue(
        "(root)",
        "too_many_errors",
        f"more than {limit} errors; the first {limit} are listed",
        f"错误超过 {limit} 处，仅列出前 {limit} 处",
    )
    return [*issues[:limit], more]
