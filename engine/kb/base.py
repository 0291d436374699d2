"""Shared base types of the knowledge-base records (imported by models and rules alike)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

__all__ = [
    "ID_REGEX",
    "Construction",
    "Dec",
    "Flag",
    "Grade",
    "Id",
    "LocalText",
    "Quantity",
    "Range",
    "Rigidity",
    "SourceId",
    "Sourced",
    "Strict",
]


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


ID_REGEX = _ID = r"^[a-z][a-z0-9_]*$"
_SOURCE_ID = r"^[A-Z][A-Z0-9_]*$"

Id = Annotated[str, Field(pattern=_ID, description="stable snake_case id")]
SourceId = Annotated[str, Field(pattern=_SOURCE_ID, description="source id (UPPER_SNAKE)")]


def _decimal(raw: object) -> object:
    """YAML floats become exact decimals through their text, never through binary floats."""
    if isinstance(raw, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(raw, float | int):
        return Decimal(str(raw))
    return raw


Dec = Annotated[Decimal, BeforeValidator(_decimal)]


class Sourced(Strict):
    """Provenance of a value: its source and grade."""

    source: SourceId
    grade: Grade
    note: str = ""


class Quantity(Sourced):
    """A number about the world with its unit, source and grade."""

    value: Dec
    unit: str


class Flag(Sourced):
    """A yes/no fact about the world (e.g. 'this indicator is limiting') with its source and grade."""

    value: bool


class Rigidity(StrEnum):
    rigid = "rigid"
    flexible = "flexible"  # flexible and rigid-flex boards


class Construction(StrEnum):
    single = "single"
    double = "double"
    multilayer = "multilayer"
    hdi = "hdi"

    @property
    def layered(self) -> bool:
        return self in (Construction.multilayer, Construction.hdi)
