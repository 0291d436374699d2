"""Exceptions raised by the engine.

Hierarchy::

    SmartAuditError                 root of everything the engine raises on purpose
    ├── KnowledgeBaseError          the knowledge base failed to load or validate (carries every issue found)
    ├── GraphError                  the process graph could not be built or queried
    │   └── GraphCycleError         the routes form a cycle (the cycle's path is named)
    ├── UnknownIdError              a lookup by id failed (carries "did you mean" suggestions)
    └── EditError                   a what-if change names a field or an option that is not there (zh and en)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "EditError",
    "GraphCycleError",
    "GraphError",
    "KbIssue",
    "KnowledgeBaseError",
    "SmartAuditError",
    "UnknownIdError",
    "did_you_mean",
]


class SmartAuditError(Exception):
    """Root of the engine's exceptions."""


@dataclass(frozen=True)
class KbIssue:
    """One problem found in the knowledge base: where it is, what is wrong, and how to fix it."""

    file: str
    path: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        text = f"{where}: {self.message}"
        if self.fix:
            text += f" (fix: {self.fix})"
        return text


class KnowledgeBaseError(SmartAuditError):
    """The knowledge base is invalid. ``issues`` lists every problem found, not just the first."""

    def __init__(self, issues: Iterable[KbIssue]) -> None:
        self.issues = list(issues)
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        super().__init__(f"knowledge base invalid ({len(self.issues)} issue(s)):\n{lines}")


class GraphError(SmartAuditError):
    """The process graph could not be built or a query on it failed."""


class GraphCycleError(GraphError):
    """The process routes contain a cycle."""

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        super().__init__("process graph has a cycle: " + " -> ".join(cycle))


class UnknownIdError(SmartAuditError, KeyError):
    """An id that does not exist was asked for."""

    def __init__(self, kind: str, wanted: str, known: Iterable[str]) -> None:
        self.kind = kind
        self.wanted = wanted
        self.suggestions = did_you_mean(wanted, known)
        hint = f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown {kind} {wanted!r}{hint}")

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class EditError(SmartAuditError):
    """A what-if change cannot be made: ``field`` is the path or option as written, the messages say why."""

    def __init__(
        self,
        field: str,
        message: str,
        message_zh: str,
        *,
        where: str = "",
        rule: str = "invalid_change",
        errors: list[dict[str, str]] | None = None,
    ) -> None:
        self.field = field
        self.rule = rule
        self.message = message
        self.message_zh = message_zh
        self.where = where or field  # where in a request it sits: set[0], accept[1] ...
        self.errors = errors or []  # the validation errors behind it, when the changed data do not validate
        super().__init__(f"{field}: {message}")

    def text(self, lang: str) -> str:
        return f"{self.field}：{self.message_zh}" if lang == "zh" else f"{self.field}: {self.message}"


def did_you_mean(wanted: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Close matches of ``wanted`` among ``known`` ids, best first."""
    return difflib.get_close_matches(wanted, sorted(set(known)), n=n, cutoff=0.6)
