"""Verification of an acceptance: the evidence against the plan's checklist, step by step, with a trace.

Arithmetic (every figure per year, at the plan year's output, so that a change in output is not a saving):

- an option metered on its own: saving = (before ÷ output_before − after ÷ output_after) × output_base;
- the plant: saving = (base ÷ output_base − reading ÷ output_period) × output_base, where base is the plan
  year's total and the reading is the acceptance period's;
- expected: the option's saving alone (``savings.central``) and, for the plant, the sum of the implemented
  checklist options' shares in the plan (``savings_in_plan.central``);
- met: measured ≥ expected − |expected| × tolerance, the tolerance from the acceptance policy. Where the plan
  expects an increase (a negative saving: an etchant regeneration line draws more electricity) this is
  measured ≥ expected × (1 + tolerance): an increase up to the planned one plus the tolerance passes, and a
  smaller increase than planned is better, not worse;
- a resource the policy lists under ``gain_resources`` (copper recovered) is saved by an increase: the signs flip.
"""

from __future__ import annotations

from typing import Any

from engine.acceptance.evidence import Evidence, ItemTick, Scope
from engine.acceptance.money import rewards, subsidies
from engine.kb.acceptance import AcceptancePolicy
from engine.kb.loader import KnowledgeBase

__all__ = ["ACCEPTANCE_VERSION", "verify_acceptance"]

ACCEPTANCE_VERSION = 1
_LEVEL_RANK = {"I": 0, "II": 1, "III": 2, "below_III": 3}


def _r(x: float | None, digits: int = 6) -> float | None:
    return None if x is None else round(x, digits)


class _Run:
    def __init__(self, policy: AcceptancePolicy, checklist: dict[str, Any]) -> None:
        self.policy = policy
        self.checklist = checklist
        self.tol = float(policy.tolerance.value or 0.0)
        self.trace: list[dict[str, Any]] = []
        self.reasons: list[dict[str, Any]] = []
        self.missing: list[dict[str, Any]] = []

    def step(self, sid: str, zh: str, en: str, **data: Any) -> None:
        self.trace.append({"id": sid, "text": {"zh": zh, "en": en}, **data})

    def fail(self, code: str, zh: str, en: str, *, missing: bool = False) -> None:
        entry = {"code": code, "text": {"zh": zh, "en": en}}
        self.reasons.append(entry)
        if missing:
            self.missing.append(entry)

    def gain(self, res: str) -> bool:
        return res in self.policy.gain_resources

    def least(self, expected: float) -> float:
        """The least measured saving that counts as met (for an expected increase: the largest increase)."""
        return expected - abs(expected) * self.tol

    def met(self, measured: float, expected: float) -> bool:
        return measured >= self.least(expected) - 1e-9


def _readings(scope: Scope) -> dict[str, float]:
    return {r.resource: r.value for r in scope.readings}


def _item(run: _Run, item: dict[str, Any], tick: ItemTick | None, base_out: float | None) -> dict[str, Any]:
    name = item["name"] or {"zh": item["id"], "en": item["id"]}
    out: dict[str, Any] = {
        "id": item["id"],
        "measure_code": item["measure_code"],
        "name": name,
        "required": item["required"],
        "status": tick.status if tick else "unticked",
        "in_service": tick.in_service if tick else None,
        "investment": tick.investment.model_dump() if tick and tick.investment else None,
        "evidence": list(tick.evidence) if tick else [],
        "expected": {},
        "measured": {},
        "met": None,
    }
    done = tick is not None and (tick.status == "implemented" or (tick.status == "partly" and run.policy.partly_counts))
    if tick is None:
        if item["required"]:
            run.fail(
                "item_unticked",
                f"关键方案“{name['zh']}”未填报实施情况",
                f"key option {name['en']} not ticked",
                missing=True,
            )
        return out
    if not done:
        out["met"] = False if item["required"] else None
        if item["required"]:
            run.fail(
                "key_option_not_implemented",
                f"关键方案“{name['zh']}”未实施（{tick.status}）",
                f"key option {name['en']} is not implemented ({tick.status})",
                missing=True,
            )
        run.step(f"item:{item['id']}", f"{name['zh']}：{tick.status}", f"{name['en']}: {tick.status}")
        return out
    if item["cost_class"] == "medium_high" and not tick.evidence:
        run.fail(
            "no_build_evidence",
            f"中/高费方案“{name['zh']}”缺少建成证据文件",
            f"medium/high-cost option {name['en']}: no document proves it was built",
            missing=True,
        )
    expected = {res: e for res, e in item["expected"].items() if res in run.checklist["resources"]}
    verdicts: list[bool] = []
    if tick.measured is not None and base_out:
        m = tick.measured
        before, after = _readings(m.before), _readings(m.after)
        for res in sorted(set(before) & set(after)):
            ib, ia = before[res] / m.before.output.value, after[res] / m.after.output.value
            saving = (ia - ib if run.gain(res) else ib - ia) * base_out
            exp = expected.get(res, {}).get("central")
            ok = run.met(saving, float(exp)) if exp is not None else None
            out["measured"][res] = {
                "before_per_m2": _r(ib, 9),
                "after_per_m2": _r(ia, 9),
                "saving": _r(saving, 3),
                "unit": run.checklist["resources"][res],
                "period_before": m.before.period.model_dump(by_alias=True),
                "period_after": m.after.period.model_dump(by_alias=True),
            }
            if exp is not None:
                out["expected"][res] = {"central": exp, "unit": expected[res]["unit"], "met": ok}
                verdicts.append(bool(ok))
            run.step(
                f"item:{item['id']}:{res}",
                f"{name['zh']}：{res} 节约 = ({before[res]:g}÷{m.before.output.value:g} − {after[res]:g}÷"
                f"{m.after.output.value:g}) × {base_out:g} = {saving:.6g}；预期 {exp}，容差 {run.tol:g}",
                f"{name['en']}: {res} saved = ({before[res]:g}/{m.before.output.value:g} − {after[res]:g}/"
                f"{m.after.output.value:g}) × {base_out:g} = {saving:.6g}; expected {exp}, tolerance {run.tol:g}",
                inputs={
                    "before": before[res],
                    "after": after[res],
                    "output_before": m.before.output.value,
                    "output_after": m.after.output.value,
                    "output_base": base_out,
                },
                parameters={"tolerance": run.checklist["tolerance"]},
                result={"saving": _r(saving, 3), "met": ok},
            )
    if expected and not verdicts:
        if item["required"]:
            run.fail(
                "item_not_measured",
                f"关键方案“{name['zh']}”缺少实施前后计量数据（{', '.join(expected)}）",
                f"key option {name['en']}: no before/after metering of {', '.join(expected)}",
                missing=True,
            )
        out["met"] = None if not item["required"] else False
        return out
    out["met"] = all(verdicts) if verdicts else True
    if out["met"] is False and item["required"]:
        shortfall = [r for r, e in out["expected"].items() if not e["met"]]
        run.fail(
            "item_short",
            f"关键方案“{name['zh']}”实测节约低于预期（{', '.join(shortfall)}）",
            f"key option {name['en']}: measured saving below expected ({', '.join(shortfall)})",
        )
    return out


def _plant(run: _Run, ev: Evidence, items: list[dict[str, Any]], base_out: float | None) -> dict[str, Any]:
    base = run.checklist["base"]["resources"]
    implemented = {
        i["id"] for i in items if i["status"] == "implemented" or (i["status"] == "partly" and run.policy.partly_counts)
    }
    counted = [c for c in run.checklist["items"] if c["required"] or c["id"] in implemented]
    out: dict[str, Any] = {
        "output_m2": ev.plant.output.value,
        "output_base_m2": base_out,
        "period": ev.plant.period.model_dump(by_alias=True),
        "resources": {},
    }
    if not base_out:
        return out
    for r in ev.plant.readings:
        if r.resource not in base:
            continue
        b = float(base[r.resource]["value"])
        ib, ia = b / base_out, r.value / ev.plant.output.value
        saving = (ia - ib if run.gain(r.resource) else ib - ia) * base_out
        exp = sum(float(c["expected_in_plan"].get(r.resource, {}).get("central") or 0.0) for c in counted)
        ok = run.met(saving, exp) if exp != 0 else None
        out["resources"][r.resource] = {
            "base": b,
            "base_per_m2": _r(ib, 9),
            "after_per_m2": _r(ia, 9),
            "saving": _r(saving, 3),
            "share_of_base": _r(saving / b if b else None, 4),
            "expected": _r(exp, 3),
            "met": ok,
            "unit": r.unit,
        }
        run.step(
            f"plant:{r.resource}",
            f"全厂 {r.resource}：节约 = ({b:g}÷{base_out:g} − {r.value:g}÷{ev.plant.output.value:g}) × {base_out:g}"
            f" = {saving:.6g}（产量变化不计为节约）；方案预期 {exp:.6g}",
            f"plant {r.resource}: saved = ({b:g}/{base_out:g} − {r.value:g}/{ev.plant.output.value:g}) × {base_out:g}"
            f" = {saving:.6g} (a change in output is not a saving); the plan expected {exp:.6g}",
            inputs={"base": b, "output_base": base_out, "reading": r.value, "output_period": ev.plant.output.value},
            parameters={"tolerance": run.checklist["tolerance"]},
            result={"saving": _r(saving, 3), "met": ok},
        )
        if ok is False:
            run.fail(
                "plant_short",
                f"全厂 {r.resource} 实测削减 {saving:.4g} 低于预期 {exp:.4g} 扣除 {run.tol:.0%} 容差后的 "
                f"{run.least(exp):.4g}",
                f"plant {r.resource}: measured cut {saving:.4g} below {run.least(exp):.4g}, the expected {exp:.4g} "
                f"less the {run.tol:.0%} tolerance",
            )
    return out


def _compare(value: float, target: float, comparison: str | None) -> bool:
    return value <= target + 1e-12 if comparison in ("<=", "<") else value >= target - 1e-12


def _targets(run: _Run, ev: Evidence) -> list[dict[str, Any]]:
    readings = {r.resource: r.value for r in ev.plant.readings}
    given = {i.indicator: i.value for i in ev.plant.indicators}
    out = []
    for t in run.checklist["targets"]:
        by = t["measured_by"]
        value: float | None
        if t["indicator"] in given:
            value = given[t["indicator"]]
        elif "resource" in by and by["resource"] in readings:
            value = readings[by["resource"]] / ev.plant.output.value
        else:
            value = None
        met = None if value is None else _compare(value, float(t["target"]), t["comparison"])
        name = t["name"] or {"zh": t["indicator"], "en": t["indicator"]}
        out.append({**t, "measured": _r(value, 6), "met": met})
        if t["required"] and value is None:
            run.fail(
                "target_not_measured",
                f"目标“{name['zh']}”缺少实测值",
                f"target {name['en']}: not measured",
                missing=True,
            )
        elif t["required"] and not met:
            run.fail(
                "target_not_met",
                f"目标“{name['zh']}”未达到：实测 {value:.4g}，目标 {t['comparison']} {t['target']}",
                f"target {name['en']} not met: measured {value:.4g}, target {t['comparison']} {t['target']}",
            )
        run.step(
            f"target:{t['indicator']}",
            f"目标 {name['zh']}：实测 {value}，{t['comparison']} {t['target']}",
            f"target {name['en']}: measured {value}, {t['comparison']} {t['target']}",
            result={"measured": _r(value, 6), "met": met, "required": t["required"]},
        )
    return out


def _ticks(run: _Run, ev: Evidence, kind: str) -> list[dict[str, Any]]:
    given = ev.vetoes if kind == "vetoes" else ev.checks
    out = []
    for item in run.checklist[kind]:
        answer = given.get(item["id"])
        text = item["text"]
        if kind == "vetoes":
            ok = None if answer is None else not answer
            if answer is None:
                run.fail(
                    "veto_unanswered",
                    f"否决项未核查：{text['zh']}",
                    f"veto item not checked: {text['en']}",
                    missing=True,
                )
            elif answer:
                run.fail("veto", f"否决项成立：{text['zh']}", f"veto item applies: {text['en']}")
        else:
            ok = answer
            if item["required"] and answer is None:
                run.fail(
                    "check_unanswered", f"核查项未填报：{text['zh']}", f"check not ticked: {text['en']}", missing=True
                )
            elif item["required"] and not answer:
                run.fail("check_failed", f"核查项不符合：{text['zh']}", f"check failed: {text['en']}", missing=True)
        out.append({**item, "answer": answer, "ok": ok, "evidence": ev.check_evidence.get(item["id"], [])})
    return out


def _documents(run: _Run, ev: Evidence, actual: dict[str, str] | None) -> list[dict[str, Any]]:
    out = []
    for d in ev.documents:
        got = (actual or {}).get(d.name)
        verified = None if got is None else got.removeprefix("sha256:") == d.digest
        out.append({"name": d.name, "sha256": "sha256:" + d.digest, "verified": verified})
        if verified is False:
            run.fail("document_hash", f"文件“{d.name}”的 SHA-256 与登记不符", f"document {d.name}: SHA-256 differs")
    return out


def _score(
    run: _Run, items: list[dict[str, Any]], targets: list[dict[str, Any]], checks: list[dict[str, Any]]
) -> dict[str, Any]:
    s = run.policy.score

    def share(flags: list[bool]) -> float:
        return sum(flags) / len(flags) if flags else 1.0

    parts = {
        "options": float(s.options_points.value or 0) * share([i["met"] is True for i in items if i["required"]]),
        "targets": float(s.targets_points.value or 0) * share([t["met"] is True for t in targets if t["required"]]),
        "checks": float(s.checks_points.value or 0) * share([c["ok"] is True for c in checks]),
    }
    total = round(sum(parts.values()), 1)
    passed = total >= float(s.pass_mark.value or 0)
    if s.used and not passed:
        run.fail(
            "score_below_pass_mark",
            f"得分 {total} 低于合格线 {s.pass_mark.value:g}",
            f"score {total} below the pass mark {s.pass_mark.value:g}",
        )
    return {
        "used": s.used,
        "total": total,
        "parts": {k: round(v, 1) for k, v in parts.items()},
        "pass_mark": s.pass_mark.value,
        "passed": passed,
        "source": s.pass_mark.source,
        "placeholder_points": any(f.placeholder for f in (s.options_points, s.targets_points, s.checks_points)),
    }


def verify_acceptance(
    kb: KnowledgeBase,
    checklist: dict[str, Any],
    evidence: Evidence,
    *,
    document_hashes: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Verify ``evidence`` (validated against ``checklist``); ``document_hashes`` are the SHA-256 of the files
    actually received, by document name (a document without one is listed as not verified)."""
    policy = kb.acceptance_policies[checklist["policy"]["id"]]
    run = _Run(policy, checklist)
    base_out = checklist["base"]["output_m2"]
    ticks = {t.item: t for t in evidence.items}
    items = [_item(run, c, ticks.get(c["id"]), base_out) for c in checklist["items"]]
    plant = _plant(run, evidence, items, base_out)
    targets = _targets(run, evidence)
    vetoes = _ticks(run, evidence, "vetoes")
    checks = _ticks(run, evidence, "checks")
    documents = _documents(run, evidence, document_hashes)
    score = _score(run, items, targets, checks)
    verdict = "fail" if run.reasons else "pass"
    required = [t for t in targets if t["required"]]
    level = (
        checklist["level_projected"]
        if verdict == "pass" and all(t["met"] for t in required)
        else (checklist["level_now"])
    )
    run.step(
        "verdict",
        f"结论：{'合格' if verdict == 'pass' else '不合格'}（{len(run.reasons)} 项不符合）",
        f"verdict: {verdict} ({len(run.reasons)} condition(s) not met)",
        parameters={"verdict": {"source": policy.verdict_source, "grade": policy.verdict_grade.value}},
    )
    result: dict[str, Any] = {
        "acceptance_version": ACCEPTANCE_VERSION,
        "kb_version": kb.version.version,
        "kb_hash": kb.version.hash,
        "plan_sha256": checklist["plan_sha256"],
        "policy": checklist["policy"],
        "enterprise": checklist["enterprise"],
        "verdict": verdict,
        "verdict_source": {"source": policy.verdict_source, "grade": policy.verdict_grade.value},
        "verified_level": level,
        "items": items,
        "plant": plant,
        "targets": targets,
        "vetoes": vetoes,
        "checks": checks,
        "documents": documents,
        "score": score,
        "reasons": run.reasons,
        "missing_to_pass": run.missing,
        "on_fail": [t.model_dump() for t in policy.on_fail] if verdict == "fail" else [],
        "tolerance": checklist["tolerance"],
    }
    result["rewards"] = rewards(policy, result, run.step)
    result["subsidies"] = subsidies(kb, policy, items, run.step)
    result["trace"] = run.trace
    return result
