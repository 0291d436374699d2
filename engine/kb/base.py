"""Shared base types of the knowledge-base records (imported by models and rules alike)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Grade", "LocalText", "Strict"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Grade(StrEnum):
    """Confidence grade of a value (shared/domain/standards.md §0)."""

    A = "A"  # the official text itself, or a faithful re-post
    B = "B"  # secondary report quoting official figures
    C = "C"  # third-party transcription; numbers may be wrong
    D = "D"  # derived by arithmetic from graded sources
    U = "U"  # unconfirmed

    @property
    def rank(self) -> int:
        return "ABCDU".index(self.value)

    @property
    def provisional(self) -> bool:
        """Values of grade C, D or U are shown to users as provisional."""
        return self.rank >= 2


class LocalText(Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
