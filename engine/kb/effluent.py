"""Effluent standards (knowledge_base/parameters/effluent_limits.yaml, ``effluent_standards``): which limit table of
a discharge standard a plant may fall under, the dated limit values of each table (parameters), and for each
pollutant where the standard monitors it (the workshop or facility outlet for class-I pollutants, the enterprise's
main outlet for the others), each with its source and grade.

Only the structure is declared here; the limit values are parameters (engine/kb/models.py ``Parameter``), so
that they keep their ``valid_from`` dates, sources and grades in one place.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from engine.errors import KbIssue, did_you_mean
from engine.kb.base import Grade, LocalText, Strict

if TYPE_CHECKING:
    from engine.kb.loader import KnowledgeBase
    from engine.kb.models import ParameterValue

__all__ = [
    "OUTLET_POSITIONS",
    "TABLE_IDS",
    "EffluentPollutant",
    "EffluentStandard",
    "EffluentTable",
    "check_effluent_standards",
    "limit_in_force",
]

# Where a limit can apply: the outlet positions of the self-inspection (engine/intake/model.py Outlet.position)
# that are effluent, not raw wastewater.
OUTLET_POSITIONS = ("workshop_outlet", "discharge")
# The tables a self-inspection may name (engine/intake/model.py Wastewater.gb21900_table).
TABLE_IDS = ("table2", "table3")


class EffluentTable(Strict):
    id: Literal["table2", "table3"]
    name: LocalText
    parameter: str = Field(description="parameter id holding the table's limit values, keyed by pollutant")
    applies: LocalText = Field(description="to which plants or areas the table applies, as the standard says")
    source: str
    grade: Grade


class EffluentPollutant(Strict):
    """A pollutant of the standard, and the outlet where the standard monitors it."""

    pollutant: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="field name under Outlet.concentrations")
    name: LocalText
    applies_at: Literal["workshop_outlet", "discharge"]
    class_i: bool = Field(description="a class-I (第一类) pollutant, monitored at the workshop or facility outlet")
    source: str
    grade: Grade
    note: str = ""


class EffluentStandard(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: LocalText
    source: str
    tables: list[EffluentTable] = Field(min_length=1)
    pollutants: list[EffluentPollutant] = Field(min_length=1)
    sample_statistic: Literal["maximum", "mean", "flow_weighted"] = Field(
        default="maximum",
        description="how the monitoring samples of a pollutant are compared with a limit (engine/intake/monitoring.py)",
    )

    @model_validator(mode="after")
    def _unique(self) -> EffluentStandard:
        tables = [t.id for t in self.tables]
        if len(set(tables)) != len(tables):
            raise ValueError("each table is listed once")
        pollutants = [p.pollutant for p in self.pollutants]
        if len(set(pollutants)) != len(pollutants):
            raise ValueError("each pollutant is listed once")
        for p in self.pollutants:
            if p.class_i != (p.applies_at == "workshop_outlet"):
                raise ValueError(f"{p.pollutant}: class-I pollutants, and only they, apply at the workshop outlet")
        return self

    def table(self, table_id: str) -> EffluentTable | None:
        return next((t for t in self.tables if t.id == table_id), None)

    def pollutant(self, pollutant: str) -> EffluentPollutant | None:
        return next((p for p in self.pollutants if p.pollutant == pollutant), None)


def limit_in_force(kb: KnowledgeBase, table: EffluentTable, pollutant: str, year: int) -> ParameterValue | None:
    """The table's limit for ``pollutant`` in force at the end of ``year`` (latest ``valid_from`` on or before
    31 December), or None when the table gives none."""
    end = dt.date(year, 12, 31)
    values = [v for v in kb.parameters[table.parameter].values if v.key.get("pollutant") == pollutant]
    in_force = [v for v in values if v.valid_from <= end]
    return max(in_force, key=lambda v: v.valid_from) if in_force else None


def check_effluent_standards(kb: KnowledgeBase, pollutant_fields: frozenset[str]) -> list[KbIssue]:
    """References of the effluent standards: sources, parameters (keyed by pollutant, in mg/L), pollutants the
    self-inspection can report, and grades no better than their sources."""
    issues: list[KbIssue] = []
    for sid, std in kb.effluent_standards.items():
        issues.extend(_check_standard(kb, sid, std, pollutant_fields))
    return issues


def _check_standard(
    kb: KnowledgeBase, sid: str, std: EffluentStandard, pollutant_fields: frozenset[str]
) -> list[KbIssue]:
    o = kb.origin("effluent_standards", sid)
    issues: list[KbIssue] = []

    def add(path: str, message: str, fix: str = "") -> None:
        issues.append(KbIssue(o.file, f"{o.path}.{path}" if path else o.path, message, fix))

    def source(path: str, source_id: str, grade: Grade | None) -> None:
        src = kb.sources.get(source_id)
        if src is None:
            close = did_you_mean(source_id, kb.sources)
            add(f"{path}source", f"unknown source {source_id!r}", f"did you mean {close[0]!r}?" if close else "")
        elif grade is not None and grade.rank < src.grade.rank:
            add(f"{path}grade", f"grade {grade} is better than its source {src.id}'s grade {src.grade}")

    source("", std.source, None)
    for ti, table in enumerate(std.tables):
        tpath = f"tables[{ti}]"
        source(f"{tpath}.", table.source, table.grade)
        param = kb.parameters.get(table.parameter)
        if param is None:
            close = did_you_mean(table.parameter, kb.parameters)
            add(f"{tpath}.parameter", f"unknown parameter {table.parameter!r}", close[0] if close else "")
            continue
        if param.key_names != ["pollutant"] or param.unit != "mg/L":
            add(f"{tpath}.parameter", f"{param.id!r} must be keyed by pollutant alone and given in mg/L")
        for value in param.values:
            name = value.key.get("pollutant", "")
            if std.pollutant(name) is None:
                add(
                    f"{tpath}.parameter",
                    f"{param.id!r} has a limit for {name!r}, which the standard's pollutants do not list",
                    "add the pollutant with the outlet it applies at",
                )
    for pi, pol in enumerate(std.pollutants):
        ppath = f"pollutants[{pi}]"
        source(f"{ppath}.", pol.source, pol.grade)
        if pol.pollutant not in pollutant_fields:
            close = did_you_mean(pol.pollutant, pollutant_fields)
            add(
                f"{ppath}.pollutant",
                f"the self-inspection has no concentration field {pol.pollutant!r}",
                f"did you mean {close[0]!r}?" if close else "add it to engine/intake/model.py Pollutants",
            )
    return issues
