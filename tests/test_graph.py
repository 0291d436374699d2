from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from engine.errors import GraphCycleError, UnknownIdError
from engine.graph import ProcessGraph, build_graph
from engine.kb.loader import DEFAULT_KB_PATH, KnowledgeBase, load_kb
from engine.kb.models import Construction, Rigidity
from explanations.graph_svg import _wrap, render_process_svg


@pytest.fixture(scope="module")
def graph(kb: KnowledgeBase) -> ProcessGraph:
    return build_graph(kb)


def test_every_production_step_is_on_some_route(kb: KnowledgeBase, graph: ProcessGraph) -> None:
    on_route = {s for route_id in kb.routes for s in graph.route_steps(route_id)}
    for step in kb.steps.values():
        if step.kind == "production":
            assert step.id in on_route, step.id


def test_every_waste_stream_reaches_a_destination(kb: KnowledgeBase, graph: ProcessGraph) -> None:
    for stream in kb.streams.values():
        if stream.kind == "resource":
            assert graph.steps_feeding(stream.id), stream.id
        else:
            assert graph.destinations_of(stream.id), stream.id
            assert graph.steps_feeding(stream.id), stream.id


def test_route_order_queries(graph: ProcessGraph) -> None:
    assert "pattern_plating" in graph.upstream("alkaline_etching")
    assert "cutting" in graph.upstream("alkaline_etching")
    assert "tin_stripping" in graph.downstream("alkaline_etching")
    assert "cutting" not in graph.downstream("drilling")


def test_steps_for_boards(graph: ProcessGraph) -> None:
    single = set(graph.steps_for_boards([(Rigidity.rigid, Construction.single)]))
    multi = set(graph.steps_for_boards([(Rigidity.rigid, Construction.multilayer)]))
    assert "lamination" not in single and "lamination" in multi
    assert {"desmear_pth", "direct_metallisation"} <= multi


def test_stream_queries(graph: ProcessGraph) -> None:
    assert "alkaline_etching" in graph.steps_feeding("spent_alkaline_etchant")
    assert "wastewater_plant" in graph.destinations_of("copper_rinse_water")
    assert "complexed_copper_water" in graph.reaches_wastewater_plant_with("copper_rinse_water")


def test_indicator_drivers_reach_upstream_steps(graph: ProcessGraph) -> None:
    drivers = graph.indicator_drivers("copper_in_wastewater_per_m2")
    assert "copper_rinse_water" in drivers["streams"]
    assert {"panel_plating", "pattern_plating"} <= set(drivers["steps"])
    assert "copper_in_wastewater_per_m2" in graph.indicators_of_step("pattern_plating")


def test_unknown_ids_suggest(graph: ProcessGraph) -> None:
    with pytest.raises(UnknownIdError, match="did you mean 'alkaline_etching'"):
        graph.upstream("alkaline_etchin")


def test_node_link_export_round_trips(graph: ProcessGraph, kb: KnowledgeBase) -> None:
    data = json.loads(json.dumps(graph.to_node_link()))
    assert data["graph"]["kb_hash"] == kb.version.hash
    assert {"id": "step:alkaline_etching"}.items() <= next(
        n for n in data["nodes"] if n["id"] == "step:alkaline_etching"
    ).items()
    kinds = {e["kind"] for e in data["edges"]}
    assert kinds == {"route", "input", "output", "destination", "operated_by", "drives"}


def test_svg_names_every_step(graph: ProcessGraph, kb: KnowledgeBase) -> None:
    svg = render_process_svg(kb, graph, lang="en", highlight=["pattern_plating"])
    assert svg.startswith("<svg")
    for step in kb.steps.values():
        assert f'id="step:{step.id}"' in svg
        first_line = _wrap(step.name.en)[0]
        assert first_line.replace("&", "&amp;") in svg
    assert "#c0392b" in svg  # the highlighted step
    assert kb.steps["cutting"].name.zh in render_process_svg(kb, graph, lang="zh")


def test_seeded_cycle_is_refused_with_its_path(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(DEFAULT_KB_PATH, root)
    routes = root / "process" / "routes.yaml"
    routes.write_text(
        routes.read_text(encoding="utf-8")
        + "\n  - id: loop_route\n    name: {zh: 环, en: Loop}\n    rigidity: rigid\n    construction: double\n"
        "    items: [routing, cutting]\n    sources: [PROCESS_GK]\n",
        encoding="utf-8",
    )
    with pytest.raises(GraphCycleError) as info:
        build_graph(load_kb(root))
    cycle = info.value.cycle
    assert cycle[0] == cycle[-1]
    assert "step:routing" in cycle and "step:cutting" in cycle
    assert "step:routing -> step:cutting" in str(info.value)
