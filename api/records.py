"""The stored records, built from validated input: who may submit for whom, and what a record holds."""

from __future__ import annotations

from typing import Any

from api import plan_blob, planning
from api.access import Principal
from api.kbstate import LoadedKb
from api.orm import Plan, SelfInspectionRecord, new_id, utcnow
from api.problems import ProblemError, issue

__all__ = ["new_inspection", "new_plan", "submit_scope"]


def submit_scope(caller: Principal, enterprise_id: str, district: str, *, prefix: str = "") -> None:
    """403 unless the caller may submit for this enterprise in this district (enterprise keys: their own
    enterprise only, and within their districts when the key is bound to some)."""
    if not caller.may_submit_for(enterprise_id):
        raise ProblemError(
            403,
            "forbidden",
            "Forbidden for this enterprise",
            f"this key submits for enterprise {caller.enterprise_id!r} only, not {enterprise_id!r}"
            f"（此密钥只能为企业 {caller.enterprise_id!r} 提交）",
            errors=[issue(f"{prefix}enterprise.id", "enterprise_scope", "not the key's enterprise")],
        )
    if not caller.may_file_in(district):
        allowed = "、".join(caller.districts)
        raise ProblemError(
            403,
            "forbidden",
            "Forbidden for this district",
            f"this key files in {', '.join(caller.districts)} only, not {district!r}"
            f"（此密钥只能在 {allowed} 提交，不能在 {district!r}）",
            errors=[issue(f"{prefix}enterprise.district", "district_scope", "outside the key's districts")],
        )


def new_inspection(
    loaded: LoadedKb,
    caller: Principal,
    raw: Any,
    validated: planning.ValidatedInspection,
    level: str | None,
    completeness: dict[str, Any] | None = None,
) -> SelfInspectionRecord:
    si = validated.inspection
    return SelfInspectionRecord(
        id=new_id("si"),
        enterprise_id=si.enterprise.id,
        enterprise_name=si.enterprise.name,
        district=si.enterprise.district,
        year=si.latest.year,
        reporting_years=list(si.reporting_years),
        level=level,
        kb_version=loaded.version,
        kb_hash=loaded.hash,
        input_hash=planning.input_hash(si),
        data_json=planning.canonical_json(raw),
        warnings=planning.warnings_of(validated),
        completeness=completeness,
        created_by=caller.key_id,
        created_at=utcnow(),
    )


def new_plan(
    caller: Principal,
    si: SelfInspectionRecord,
    built: planning.BuiltPlan,
    loaded: LoadedKb,
    *,
    benchmark_set: str | None,
    year: int | None,
) -> Plan:
    """The stored plan: the engine's JSON as produced (body and trace apart, compressed), its knowledge base, its
    input and who asked."""
    plan_z, trace_z = plan_blob.pack_parts(built.parts)
    return Plan(
        id=new_id("pl"),
        self_inspection_id=si.id,
        enterprise_id=si.enterprise_id,
        district=si.district,
        year=int(built.plan.get("year") or si.year),
        level=built.level,
        kb_version=loaded.version,
        kb_hash=loaded.hash,
        input_hash=str(built.plan.get("input_hash") or si.input_hash),
        benchmark_set=benchmark_set,
        requested_year=year,
        plan_sha256=built.sha256,
        plan_json="",  # stored in parts: api/plan_blob.py
        plan_z=plan_z,
        trace_z=trace_z,
        created_by=caller.key_id,
        created_at=utcnow(),
    )
