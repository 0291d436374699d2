"""The bundled knowledge base: loads clean, carries its version, and resolves the transcription errors."""

from __future__ import annotations

import shutil
from pathlib import Path

from engine.graph import build_graph
from engine.kb import models as m
from engine.kb.loader import DEFAULT_KB_PATH, KnowledgeBase, load_kb
from engine.kb.summary import check_graph, graded_values, summarise

PIPELINE_STEPS = {
    "cutting",
    "pre_clean",
    "inner_imaging",
    "inner_developing",
    "inner_etching",
    "inner_stripping",
    "aoi",
    "oxide",
    "lamination",
    "drilling",
    "desmear_pth",
    "direct_metallisation",
    "panel_plating",
    "outer_imaging",
    "outer_developing",
    "pattern_plating",
    "outer_stripping",
    "alkaline_etching",
    "tin_stripping",
    "solder_mask",
    "finish_hasl",
    "finish_enig",
    "finish_osp",
    "finish_immersion_silver",
    "finish_immersion_tin",
    "legend_printing",
    "routing",
    "electrical_test",
    "wastewater_treatment",
}


def test_loads_clean(kb: KnowledgeBase) -> None:
    assert check_graph(kb, build_graph(kb)) == []
    assert kb.version.version == kb.meta.version
    assert kb.version.hash.startswith("sha256:") and len(kb.version.hash) == 71


def test_has_the_canonical_steps(kb: KnowledgeBase) -> None:
    assert set(kb.steps) >= PIPELINE_STEPS
    for step in kb.steps.values():
        assert step.name.zh and step.name.en


def test_every_board_type_has_a_route(kb: KnowledgeBase) -> None:
    combos = {(r.rigidity, r.construction) for r in kb.routes.values()}
    assert combos == {(rig, con) for rig in m.Rigidity for con in m.Construction}


def test_every_number_is_sourced_and_graded(kb: KnowledgeBase) -> None:
    values = list(graded_values(kb))
    assert len(values) > 250
    for where, value in values:
        assert value.source in kb.sources, where
        assert isinstance(value.grade, m.Grade), where


def test_transcription_errors_are_resolved_explicitly(kb: KnowledgeBase) -> None:
    """standards.md §2.3: the non-monotone rows must be marked, never silently kept."""
    bset = kb.benchmark_sets["pcb_index_system"]
    marked = {
        (member.indicator, str(row.board))
        for group in bset.groups
        for member in group.members
        for row in member.thresholds
        if row.known_inconsistent
    }
    assert ("electricity_per_m2", "rigid/multilayer") in marked
    assert ("electricity_per_m2", "rigid/hdi") in marked
    assert ("ccl_utilisation", "rigid/multilayer") in marked
    cq = kb.benchmark_sets["chongqing_limits"]
    corrected = [
        cell
        for g in cq.groups
        for mb in g.members
        for row in mb.thresholds
        for cell in row.levels.values()
        if cell.correction is not None
    ]
    assert [str(c.expr) for c in corrected] == ["10.53+5.265n"]
    assert corrected[0].grade == m.Grade.D


def test_benchmark_sets_state_n(kb: KnowledgeBase) -> None:
    assert kb.benchmark_sets["pcb_index_system"].n_for(6) == 4
    assert kb.benchmark_sets["chongqing_limits"].n_for(6) == 6


def test_summary_shape(kb: KnowledgeBase) -> None:
    summary = summarise(kb)
    assert set(summary) >= {"version", "hash", "counts", "grades", "gaps"}
    assert set(summary["counts"]) >= {"sources", "steps", "streams", "indicators"}
    assert set(summary["grades"]) == {"A", "B", "C", "D", "U"}
    kinds = {gap["kind"] for gap in summary["gaps"]}
    assert {"declared", "unconfirmed_value", "known_inconsistent", "corrected_value"} <= kinds


def test_hash_follows_content(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(DEFAULT_KB_PATH, root)
    before = load_kb(root).version.hash
    gaps = root / "gaps.yaml"
    gaps.write_text(gaps.read_text(encoding="utf-8") + "\n# a comment changes the bytes\n", encoding="utf-8")
    assert load_kb(root).version.hash != before
