"""Cross-checks of the acceptance policies: sources, units, and the options and measure codes subsidies name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.errors import KbIssue, did_you_mean
from engine.kb.acceptance import AcceptancePolicy, PolicyFigure

if TYPE_CHECKING:
    from engine.kb.loader import KnowledgeBase

__all__ = ["check_acceptance_policies"]


def _ref(issues: list[KbIssue], kind: str, wanted: str, known: list[str], file: str, path: str) -> None:
    if wanted in known:
        return
    close = did_you_mean(wanted, known)
    fix = f"did you mean {close[0]!r}?" if close else f"define the {kind} or use an existing one"
    issues.append(KbIssue(file, path, f"unknown {kind} {wanted!r}", fix))


def _figures(policy: AcceptancePolicy) -> list[tuple[str, PolicyFigure]]:
    out: list[tuple[str, PolicyFigure]] = [("tolerance", policy.tolerance)]
    for name in ("pass_mark", "options_points", "targets_points", "checks_points"):
        out.append((f"score.{name}", getattr(policy.score, name)))
    for i, tier in enumerate(policy.reward_tiers):
        out.append((f"reward_tiers[{i}](id={tier.id}).amount", tier.amount))
        if tier.min_reduction_share is not None:
            out.append((f"reward_tiers[{i}](id={tier.id}).min_reduction_share", tier.min_reduction_share))
    for i, sub in enumerate(policy.subsidy_classes):
        where = f"subsidy_classes[{i}](id={sub.id})"
        out += [(f"{where}.share", sub.share), (f"{where}.cap", sub.cap)]
        if sub.min_investment is not None:
            out.append((f"{where}.min_investment", sub.min_investment))
    return out


def check_acceptance_policies(kb: KnowledgeBase) -> list[KbIssue]:
    issues: list[KbIssue] = []
    sources = list(kb.sources)
    units = list(kb.units)
    areas = [a.code for a in kb.measure_areas.values()]
    groups = [g.code for g in kb.measure_groups.values()]
    options = list(kb.options)
    for pid, policy in kb.acceptance_policies.items():
        o = kb.origin("acceptance_policies", pid)
        for name in ("verdict_source", "on_fail_source"):
            _ref(issues, "source", getattr(policy, name), sources, o.file, f"{o.path}.{name}")
        for where, fig in _figures(policy):
            _ref(issues, "source", fig.source, sources, o.file, f"{o.path}.{where}.source")
            _ref(issues, "unit", fig.unit, units, o.file, f"{o.path}.{where}.unit")
        for kind, items in (("vetoes", policy.vetoes), ("checks", policy.checks)):
            for i, item in enumerate(items):
                _ref(issues, "source", item.source, sources, o.file, f"{o.path}.{kind}[{i}](id={item.id}).source")
        for i, sub in enumerate(policy.subsidy_classes):
            where = f"{o.path}.subsidy_classes[{i}](id={sub.id}).applies_to"
            for j, code in enumerate(sub.applies_to.measure_areas):
                _ref(issues, "measure area", code, areas, o.file, f"{where}.measure_areas[{j}]")
            for j, code in enumerate(sub.applies_to.measure_groups):
                _ref(issues, "measure group", code, groups, o.file, f"{where}.measure_groups[{j}]")
            for j, oid in enumerate(sub.applies_to.options):
                _ref(issues, "option", oid, options, o.file, f"{where}.options[{j}]")
    return issues
