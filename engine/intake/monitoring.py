"""Monitoring as the plant's records give it: samples with their date, a value or "below detection" with the
detection limit, and a qualifier (``≤ 0.029``), reduced to one concentration by the statistic a consumer states.

Statistics (the consumer names its own; the output says which was used):

- ``maximum``: the highest sample (compliance with a limit: every sample must meet it);
- ``mean``: the arithmetic mean of the samples;
- ``flow_weighted``: Σ cᵢ·qᵢ / Σ qᵢ over the samples' flows (an annual load); the mean when a sample has no flow.

A censored sample (below detection, or given as ``<``/``≤`` a value) is counted at its bound, the detection limit or
the value given: the result is then an upper bound, and says so. This is this system's own convention (the bound
is what the record proves), not a rule of a monitoring standard.

A reported single concentration (``Outlet.concentrations``) without samples is used as it is (statistic
``reported``). When samples are given, the concentration of the outlet is their representative value (flow-weighted
where every sample has a flow, else the mean) unless the plant states its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from engine.intake.measures import Concentration, Model, Volume
from engine.intake.messages import invalid
from engine.intake.units import to_canonical

__all__ = [
    "POLLUTANT_FIELDS",
    "STATISTICS",
    "Reduced",
    "Sample",
    "Statistic",
    "reduce_samples",
    "representative",
]

POLLUTANT_FIELDS = ("cu", "ni", "cod", "nh3n", "tn", "tp", "cn", "ss", "total_cr", "cr6", "cd", "pb", "ag")
STATISTICS = ("maximum", "mean", "flow_weighted")
Statistic = Literal["maximum", "mean", "flow_weighted"]

_QUALIFIERS = {"=": "=", "<": "<", "<=": "<=", "≤": "<=", "＜": "<", "≦": "<="}


def _qualifier(raw: object) -> object:
    if isinstance(raw, str):
        return _QUALIFIERS.get(raw.strip(), raw)
    return raw


def _dec(raw: object) -> object:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, float | int):
        return Decimal(str(raw))
    return raw


class Sample(Model):
    """One monitoring result of one pollutant at an outlet (监测数据)."""

    pollutant: Literal["cu", "ni", "cod", "nh3n", "tn", "tp", "cn", "ss", "total_cr", "cr6", "cd", "pb", "ag"]
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="sampling date, YYYY-MM-DD")
    value: Annotated[Decimal | None, BeforeValidator(_dec)] = Field(
        default=None, ge=0, description="the result; with qualifier < or <= the bound it is below"
    )
    qualifier: Annotated[Literal["=", "<", "<="], BeforeValidator(_qualifier)] = Field(
        default="=", description="'=' a measured value; '<' or '<=' (also '≤') the result is at most the value"
    )
    below_detection: bool = Field(default=False, description="not detected (未检出, ND); give detection_limit")
    detection_limit: Annotated[Decimal | None, BeforeValidator(_dec)] = Field(
        default=None, gt=0, description="detection limit of the method (检出限), in the sample's unit"
    )
    unit: Literal["mg/L", "g/L"] = "mg/L"
    flow: Volume | None = Field(default=None, description="wastewater the sample stands for (e.g. the day's flow)")
    note: str = ""

    @model_validator(mode="after")
    def _shape(self) -> Sample:
        if self.below_detection:
            if self.detection_limit is None:
                invalid(
                    "detection_limit_missing",
                    "a sample below detection needs its detection limit (detection_limit)",
                    "未检出的样品需填写检出限（detection_limit）",
                )
            if self.value is not None:
                invalid(
                    "value_and_below_detection",
                    "a sample below detection has no value; give the detection limit only",
                    "未检出的样品不填数值，只填检出限",
                )
        elif self.value is None:
            invalid(
                "sample_value_missing",
                "a sample needs a value, or below_detection with its detection limit",
                "样品需填写数值，或标明未检出并填写检出限",
            )
        return self

    @property
    def censored(self) -> bool:
        """Only a bound is known: below detection, or '<' / '<=' a value."""
        return self.below_detection or self.qualifier != "="

    def bound_mg_per_l(self) -> Decimal:
        """The value, or the bound of a censored sample, in mg/L."""
        raw = self.detection_limit if self.below_detection else self.value
        assert raw is not None  # the model validator guarantees one of them
        return to_canonical("concentration", raw, self.unit)

    def text(self) -> str:
        if self.below_detection:
            return f"ND (<{self.detection_limit} {self.unit})"
        prefix = {"=": "", "<": "<", "<=": "≤"}[self.qualifier]
        return f"{prefix}{self.value} {self.unit}"


@dataclass(frozen=True)
class Reduced:
    """A concentration made of samples (or reported as one value), with how it was made."""

    value: Decimal | None  # mg/L
    statistic: str  # maximum | mean | flow_weighted | reported
    samples: int = 0
    censored: int = 0
    upper_bound: bool = False
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "statistic": self.statistic,
            "samples": self.samples,
            "censored": self.censored,
            "upper_bound": self.upper_bound,
        }


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def reduce_samples(samples: list[Sample], statistic: str) -> Reduced:
    """Reduce the samples of one pollutant by ``statistic`` (see the module text); empty -> value None."""
    if not samples:
        return Reduced(None, statistic)
    bounds = [s.bound_mg_per_l() for s in samples]
    censored = sum(1 for s in samples if s.censored)
    used = statistic
    if statistic == "maximum":
        value = max(bounds)
        upper = any(s.censored and b == value for s, b in zip(samples, bounds, strict=True))
    else:
        flows = [s.flow.canonical() if s.flow is not None else None for s in samples]
        known = [f for f in flows if f is not None]
        if statistic == "flow_weighted" and len(known) == len(samples) and sum(known, Decimal(0)) > 0:
            total = sum(known, Decimal(0))
            value = sum((b * f for b, f in zip(bounds, known, strict=True)), Decimal(0)) / total
        else:
            used = "mean"
            value = sum(bounds, Decimal(0)) / len(bounds)
        upper = censored > 0
    note = f"{used} of {len(samples)} sample(s)"
    if used != statistic:
        note += f" ({statistic} needs every sample's flow; the mean is used)"
    if censored:
        note += f"; {censored} censored sample(s) counted at their bound, so the value is an upper bound"
    return Reduced(value, used, len(samples), censored, upper, note + f": {_fmt(value)} mg/L")


def representative(samples: list[Sample]) -> Decimal:
    """The concentration the samples stand for when nothing states a statistic: flow-weighted where every sample
    has a flow, else the mean (mg/L)."""
    value = reduce_samples(samples, "flow_weighted").value
    assert value is not None
    return value


def as_concentration(value: Decimal) -> Concentration:
    return Concentration(value=value, unit="mg/L")
