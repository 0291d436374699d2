"""Shared base types of the knowledge-base records (imported by models and rules alike)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Grade", "LocalText", "Range", "Strict"]


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


class Range(Strict):
    """A sourced figure as a range with a central value (low <= central <= high).

    ``claim``: a vendor or trade claim, not a measurement. ``assumption``: no source gives the value; it is this
    system's explicit planning parameter (grade U), shown as such in every plan and meant to be replaced by the
    enterprise's own figure or a source.
    """

    low: float
    central: float
    high: float
    unit: str
    source: str
    grade: Grade
    claim: bool = Field(default=False, description="a vendor or trade claim, not a measurement")
    assumption: bool = Field(default=False, description="this system's own adjustable planning parameter")
    note: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low <= self.central <= self.high:
            raise ValueError(f"a range needs low <= central <= high, got {self.low}, {self.central}, {self.high}")
        if self.assumption and self.grade != Grade.U:
            raise ValueError("a planning assumption has grade U")
        return self
