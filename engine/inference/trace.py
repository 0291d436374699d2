"""The derivation trace: every fact, how it was concluded, and what it rests on, down to the raw answers.

Flat map (JSON): ``{id: {type, value, rule, premises, parameters, derivations, inputs}}`` — for a concluded fact
``rule`` and ``premises`` are its first derivation (by rule id) and ``derivations`` lists all; for a base fact
``premises`` are the raw self-inspection inputs (``input:<path>`` nodes). The tree view follows premises from
any node back to the inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.inference.plain import Firing
from engine.kb.loader import KnowledgeBase
from engine.kb.rulecheck import field_tests

__all__ = ["Trace", "TraceNode", "build_trace"]


@dataclass
class TraceNode:
    id: str
    type: str
    value: Any
    rule: str | None = None
    premises: list[str] = field(default_factory=list)
    parameters: list[dict[str, Any]] = field(default_factory=list)
    derivations: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "value": self.value, "rule": self.rule, "premises": self.premises}
        if self.parameters:
            out["parameters"] = self.parameters
        if len(self.derivations) > 1:
            out["derivations"] = self.derivations
        return out


@dataclass
class Trace:
    kb_version: str
    kb_hash: str
    input_hash: str
    nodes: dict[str, TraceNode]

    def flat(self) -> dict[str, Any]:
        return {nid: self.nodes[nid].as_dict() for nid in sorted(self.nodes)}

    def tree(self, node_id: str, _seen: frozenset[str] = frozenset()) -> dict[str, Any]:
        node = self.nodes[node_id]
        out: dict[str, Any] = {"id": node_id, "type": node.type, "value": node.value}
        if node.rule:
            out["rule"] = node.rule
        if node.parameters:
            out["parameters"] = node.parameters
        if node_id in _seen:  # pragma: no cover - strata make derivations acyclic
            return out
        children = [self.tree(p, _seen | {node_id}) for p in node.premises if p in self.nodes]
        if children:
            out["premises"] = children
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "kb_version": self.kb_version,
            "kb_hash": self.kb_hash,
            "input_hash": self.input_hash,
            "nodes": self.flat(),
        }


def _fact_value(fact: dict[str, Any]) -> dict[str, Any]:
    return {k: fact[k] for k in sorted(fact) if k != "id" and k != "type" and k != "sid"}


_BENCHMARK_FIELDS = {"level", "level_rank", "value", "threshold_I", "threshold_II", "threshold_III", "ratio_to_III"}
# what a rule's firing reads depends on the rule alone: its sourced literals, and which of its ``when`` patterns read
# a benchmark (an effluent fact, or an indicator fact's level, value or thresholds); kept per knowledge base
_RULE_SHAPES: dict[tuple[str, str], tuple[tuple[dict[str, Any], ...], tuple[bool, ...]]] = {}


def _rule_shape(kb: KnowledgeBase, rule_id: str) -> tuple[tuple[dict[str, Any], ...], tuple[bool, ...]]:
    key = (kb.version.hash, rule_id)
    found = _RULE_SHAPES.get(key)
    if found is not None:
        return found
    rule = kb.rules[rule_id]
    literals = []
    for pattern in [*rule.when, *rule.unless]:
        for test in field_tests(pattern.match):
            if test.source is not None:
                literals.append(
                    {
                        "name": f"{rule_id}: {pattern.as_}.{test.field} {test.op}",
                        "value": test.value,
                        "unit": test.unit,
                        "source": test.source,
                        "grade": test.grade.value if test.grade else None,
                    }
                )
    reads = tuple(
        pattern.fact == "effluent"
        or (pattern.fact == "indicator" and bool({t.field for t in field_tests(pattern.match)} & _BENCHMARK_FIELDS))
        for pattern in rule.when
    )
    found = _RULE_SHAPES[key] = (tuple(literals), reads)
    return found


def _rule_parameters(
    kb: KnowledgeBase, rule_id: str, premise_ids: tuple[str, ...], base_parameters: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Thresholds and parameters a firing read: sourced literals of the rule, the benchmark thresholds of the
    indicator facts it compared (level, level_rank, value, threshold_*, ratio_to_III), and the effluent limits
    (with the outlet where they apply) of the effluent facts it matched."""
    literals, reads = _rule_shape(kb, rule_id)
    params = [dict(p) for p in literals]
    for pid in sorted({pid for pid, read in zip(premise_ids, reads, strict=True) if read}):
        params.extend(base_parameters.get(pid, []))
    return params


def build_trace(
    kb: KnowledgeBase,
    input_hash: str,
    base: list[dict[str, Any]],
    inputs: dict[str, list[dict[str, Any]]],
    base_parameters: dict[str, list[dict[str, Any]]],
    conclusions: list[dict[str, Any]],
    firings: list[Firing],
) -> Trace:
    nodes: dict[str, TraceNode] = {}
    for fact in base:
        fid = fact["id"]
        premises = []
        for item in inputs.get(fid, []):
            nid = f"input:{item['path']}"
            if nid not in nodes:
                nodes[nid] = TraceNode(nid, "input", item.get("value"))
            premises.append(nid)
        nodes[fid] = TraceNode(fid, fact["type"], _fact_value(fact), None, premises, base_parameters.get(fid, []))
    by_conclusion: dict[str, list[Firing]] = {}
    for firing in firings:
        by_conclusion.setdefault(firing.conclusion["id"], []).append(firing)
    for fact in conclusions:
        fid = fact["id"]
        derivs = sorted(by_conclusion.get(fid, []), key=lambda f: (f.rule, f.premises))
        derivations = [
            {
                "rule": f.rule,
                "premises": list(f.premises),
                "parameters": _rule_parameters(kb, f.rule, f.premises, base_parameters),
            }
            for f in derivs
        ]
        first: dict[str, Any] = derivations[0] if derivations else {"rule": None, "premises": [], "parameters": []}
        nodes[fid] = TraceNode(
            fid, fact["type"], _fact_value(fact), first["rule"], first["premises"], first["parameters"], derivations
        )
    return Trace(kb.version.version, kb.version.hash, input_hash, nodes)
