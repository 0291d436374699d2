"""Wastewater of a self-inspection: volumes, outlets with their concentrations and monitoring samples, the GB 21900
table, the permit limits and the discharge route."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, PrivateAttr, model_validator

from engine.intake.measures import Concentration, Model, Volume
from engine.intake.messages import invalid
from engine.intake.monitoring import POLLUTANT_FIELDS, Reduced, Sample, as_concentration, reduce_samples, representative

__all__ = ["Outlet", "PermitLimits", "Pollutants", "Wastewater"]

_Model = Model


class _Concentrations(_Model):
    """Concentrations by pollutant (the names of GB 21900-2008: 总铜 cu, 总镍 ni, 化学需氧量 cod, 氨氮 nh3n, 总氮 tn,
    总磷 tp, 总氰化物 cn, 悬浮物 ss, 总铬 total_cr, 六价铬 cr6, 总镉 cd, 总铅 pb, 总银 ag)."""

    cu: Concentration | None = None
    ni: Concentration | None = None
    cod: Concentration | None = None
    nh3n: Concentration | None = None
    tn: Concentration | None = None
    tp: Concentration | None = None
    cn: Concentration | None = None
    ss: Concentration | None = None
    total_cr: Concentration | None = None
    cr6: Concentration | None = None
    cd: Concentration | None = None
    pb: Concentration | None = None
    ag: Concentration | None = None


class Pollutants(_Concentrations):
    """Concentrations measured at an outlet in the year, as the plant reports them."""

    ph: Decimal | None = Field(default=None, ge=0, le=14)


class PermitLimits(_Concentrations):
    """The plant's discharge-permit limits (排污许可证许可排放浓度), mg/L, compared at the outlet where GB 21900
    monitors each pollutant: class-I pollutants (Ni, Cr, Cr(VI), Cd, Pb, Ag) at the workshop or facility outlet,
    the others at the main discharge outlet."""

    permit_number: str | None = Field(default=None, min_length=1, max_length=64, description="排污许可证编号")

    @model_validator(mode="after")
    def _positive(self) -> PermitLimits:
        for name in _Concentrations.model_fields:
            limit = getattr(self, name)
            if limit is not None and isinstance(limit.value, Decimal) and limit.value == 0:
                invalid(
                    "must_be_positive",
                    f"the permit limit for {name} must be greater than zero",
                    f"{name} 的许可排放浓度应大于零",
                )
        return self


class Outlet(_Model):
    name: str = Field(min_length=1)
    position: Literal["before_treatment", "workshop_outlet", "discharge"] = Field(
        description="before_treatment: raw wastewater entering the plant; workshop_outlet: class-I pollutant outlet;"
        " discharge: the main outlet"
    )
    concentrations: Pollutants = Field(
        default_factory=Pollutants,
        description="one value per pollutant as the plant reports it; where samples are given and no value, the "
        "samples' representative value (flow-weighted where every sample has a flow, else the mean)",
    )
    volume: Volume | None = Field(
        default=None, description="annual volume through this outlet; needed when several outlets share a position"
    )
    samples: list[Sample] = Field(
        default_factory=list,
        description="monitoring results (监测数据): date, value or below detection with its limit, qualifier; each "
        "consumer reduces them by the statistic it states (engine/intake/monitoring.py)",
    )
    _derived: frozenset[str] = PrivateAttr(default=frozenset())

    @model_validator(mode="after")
    def _from_samples(self) -> Outlet:
        derived: set[str] = set()
        update: dict[str, Concentration] = {}
        for pollutant in POLLUTANT_FIELDS:
            samples = self.samples_of(pollutant)
            if not samples:
                continue
            value = representative(samples)
            given: Concentration | None = getattr(self.concentrations, pollutant)
            if given is None:
                update[pollutant] = as_concentration(value)
                derived.add(pollutant)
            elif given.canonical() == value:
                derived.add(pollutant)  # the samples' representative value, as a dump of this model writes it
        if update:
            self.__dict__["concentrations"] = self.concentrations.model_copy(update=update)
        self._derived = frozenset(derived)
        return self

    def samples_of(self, pollutant: str) -> list[Sample]:
        return [s for s in self.samples if s.pollutant == pollutant]

    def derived(self, pollutant: str) -> bool:
        """The concentration of ``pollutant`` stands for its samples (the plant stated no value of its own)."""
        return pollutant in self._derived

    def reading(self, pollutant: str, statistic: str) -> Reduced:
        """The concentration of ``pollutant`` (mg/L) for a consumer that states ``statistic``: the samples reduced by
        it, or the plant's own value (statistic "reported") when it gives one or has no samples."""
        samples = self.samples_of(pollutant)
        if samples and self.derived(pollutant):
            return reduce_samples(samples, statistic)
        conc: Concentration | None = getattr(self.concentrations, pollutant, None)
        value = conc.canonical() if conc is not None else None
        note = f"the plant's own value; {len(samples)} sample(s) listed besides" if samples else ""
        return Reduced(value, "reported", note=note)


class Wastewater(_Model):
    generated: Volume = Field(description="wastewater generated (产生量)")
    discharged: Volume | None = Field(default=None, description="wastewater discharged (排放量)")
    outlets: list[Outlet] = Field(default_factory=list)
    gb21900_table: Literal["table2", "table3"] | None = Field(
        default=None,
        description="the GB 21900-2008 table the plant must meet (执行标准): table2 (表2 排放限值) or table3 "
        "(表3 特别排放限值, where the authority designates it); when absent, both are compared and the output says "
        "which comparison holds only under Table 3",
    )
    permit_limits: PermitLimits | None = Field(
        default=None, description="limits of the plant's discharge permit (排污许可证), if it has one"
    )
    discharge_route: Literal["municipal_sewer", "park_plant", "direct", "none"] | None = Field(
        default=None,
        description="where the treated wastewater goes (排放去向): municipal_sewer (排入市政污水管网/城镇污水处理厂), "
        "park_plant (排入园区或工业集中污水处理厂), direct (直接排入环境水体), none (不外排); absent: not stated",
    )
