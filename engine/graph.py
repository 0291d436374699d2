"""The process graph: a networkx DiGraph built only from the validated knowledge base.

Nodes have stable string ids ``step:<id>``, ``stream:<id>``, ``dest:<id>`` and ``indicator:<id>``. Edges have a
``kind``:

- ``route``: step -> next step on a board route (``routes`` lists the route ids using the edge);
- ``input``: resource stream -> the step consuming it;
- ``output``: step -> the waste stream it produces;
- ``destination``: waste stream -> where it may go;
- ``operated_by``: destination -> the utility step that runs it (e.g. the wastewater plant);
- ``drives``: stream or step -> an indicator it bears on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from engine.errors import GraphCycleError, UnknownIdError
from engine.kb.loader import KnowledgeBase
from engine.kb.models import Construction, Rigidity

__all__ = [
    "ProcessGraph",
    "build_graph",
]


def _node(prefix: str, rid: str) -> str:
    return f"{prefix}:{rid}"


class ProcessGraph:
    """Queries over the process graph. Build it with :func:`build_graph`."""

    def __init__(self, graph: nx.DiGraph, kb: KnowledgeBase) -> None:
        self.graph = graph
        self._kb = kb
        # The graph depends only on the knowledge base and is never changed once built: walks are computed once
        # and kept here (they were most of the time spent turning a self-inspection into facts).
        self._drivers: dict[str, dict[str, list[str]]] = {}
        self._feeding: dict[str, list[str]] = {}
        self._of_step: dict[str, list[str]] | None = None

    # -- lookups -------------------------------------------------------------------------------------
    def _require(self, prefix: str, rid: str, known: Iterable[str]) -> str:
        node = _node(prefix, rid)
        if node not in self.graph:
            raise UnknownIdError({"step": "step", "stream": "stream", "indicator": "indicator"}[prefix], rid, known)
        return node

    def _ids(self, nodes: Iterable[str]) -> list[str]:
        return sorted(n.split(":", 1)[1] for n in nodes)

    def _edges(self, kind: str) -> nx.DiGraph:
        return self.graph.edge_subgraph((u, v) for u, v, data in self.graph.edges(data=True) if data["kind"] == kind)

    # -- routes --------------------------------------------------------------------------------------
    def route_ids_for(self, rigidity: Rigidity, construction: Construction) -> list[str]:
        return sorted(
            r.id for r in self._kb.routes.values() if r.rigidity == rigidity and r.construction == construction
        )

    def route_steps(self, route_id: str) -> list[str]:
        """All steps that a route may use (alternatives included), in route order."""
        if route_id not in self._kb.routes:
            raise UnknownIdError("route", route_id, self._kb.routes)
        return [s for item in self._kb.routes[route_id].items for s in item.steps]

    def steps_for_boards(self, boards: Iterable[tuple[Rigidity, Construction]]) -> list[str]:
        """Steps that a plant making these board types may run (union of their routes)."""
        steps: set[str] = set()
        for rigidity, construction in boards:
            for route_id in self.route_ids_for(rigidity, construction):
                steps.update(self.route_steps(route_id))
        return sorted(steps)

    def upstream(self, step_id: str) -> list[str]:
        """Steps that come before ``step_id`` on some board route."""
        node = self._require("step", step_id, self._kb.steps)
        routes = self._edges("route")
        return self._ids(nx.ancestors(routes, node)) if node in routes else []

    def downstream(self, step_id: str) -> list[str]:
        """Steps that come after ``step_id`` on some board route."""
        node = self._require("step", step_id, self._kb.steps)
        routes = self._edges("route")
        return self._ids(nx.descendants(routes, node)) if node in routes else []

    # -- streams -------------------------------------------------------------------------------------
    def steps_feeding(self, stream_id: str) -> list[str]:
        cached = self._feeding.get(stream_id)
        if cached is None:
            cached = self._feeding[stream_id] = self._steps_feeding(stream_id)
        return list(cached)

    def _steps_feeding(self, stream_id: str) -> list[str]:
        """Steps producing a waste stream, or consuming a resource stream."""
        node = self._require("stream", stream_id, self._kb.streams)
        if self._kb.streams[stream_id].kind == "resource":
            return self._ids(v for v in self.graph.successors(node) if v.startswith("step:"))
        return self._ids(u for u in self.graph.predecessors(node) if u.startswith("step:"))

    def streams_of(self, step_id: str) -> dict[str, list[str]]:
        node = self._require("step", step_id, self._kb.steps)
        return {
            "inputs": self._ids(u for u in self.graph.predecessors(node) if u.startswith("stream:")),
            "outputs": self._ids(v for v in self.graph.successors(node) if v.startswith("stream:")),
        }

    def destinations_of(self, stream_id: str) -> list[str]:
        node = self._require("stream", stream_id, self._kb.streams)
        return self._ids(v for v in self.graph.successors(node) if v.startswith("dest:"))

    def reaches_wastewater_plant_with(self, stream_id: str) -> list[str]:
        """Other streams that may reach the same treatment destinations as ``stream_id`` (potential mixing)."""
        mates: set[str] = set()
        for dest in self.destinations_of(stream_id):
            if self._kb.destinations[dest].kind != "treatment":
                continue
            mates.update(u for u in self.graph.predecessors(_node("dest", dest)) if u.startswith("stream:"))
        mates.discard(_node("stream", stream_id))
        return self._ids(mates)

    # -- indicators ----------------------------------------------------------------------------------
    def indicator_drivers(self, indicator_id: str) -> dict[str, list[str]]:
        """Streams and steps that bear on an indicator: its declared drivers and the steps behind the streams."""
        cached = self._drivers.get(indicator_id)
        if cached is None:
            cached = self._drivers[indicator_id] = self._indicator_drivers(indicator_id)
        return {k: list(v) for k, v in cached.items()}

    def _indicator_drivers(self, indicator_id: str) -> dict[str, list[str]]:
        node = self._require("indicator", indicator_id, self._kb.indicators)
        streams = [u.split(":", 1)[1] for u in self.graph.predecessors(node) if u.startswith("stream:")]
        steps = {u.split(":", 1)[1] for u in self.graph.predecessors(node) if u.startswith("step:")}
        for stream_id in streams:
            steps.update(self.steps_feeding(stream_id))
        return {"streams": sorted(streams), "steps": sorted(steps)}

    def indicators_of_step(self, step_id: str) -> list[str]:
        """Indicators a step bears on, directly or through the streams it consumes or produces."""
        self._require("step", step_id, self._kb.steps)
        if self._of_step is None:
            of_step: dict[str, list[str]] = {}
            for indicator_id in sorted(self._kb.indicators):
                for step in self.indicator_drivers(indicator_id)["steps"]:
                    of_step.setdefault(step, []).append(indicator_id)
            self._of_step = of_step
        return list(self._of_step.get(step_id, []))

    # -- export --------------------------------------------------------------------------------------
    def to_node_link(self) -> dict[str, Any]:
        """The graph as node-link JSON (networkx ``node_link_data`` with ``edges``), sorted for stable output."""
        data: dict[str, Any] = nx.node_link_data(self.graph, edges="edges")
        data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
        data["edges"] = sorted(data["edges"], key=lambda e: (e["source"], e["target"]))
        data["graph"] = {"kb_version": self._kb.version.version, "kb_hash": self._kb.version.hash}
        return data


def build_graph(kb: KnowledgeBase) -> ProcessGraph:
    """Build the process graph from a validated knowledge base; refuse cycles, naming the cycle's path."""
    g: nx.DiGraph = nx.DiGraph()
    for step in kb.steps.values():
        g.add_node(
            _node("step", step.id),
            type="step",
            family=step.family,
            step_kind=step.kind,
            zh=step.name.zh,
            en=step.name.en,
        )
    for stream in kb.streams.values():
        g.add_node(
            _node("stream", stream.id),
            type="stream",
            stream_kind=stream.kind,
            segregation_class=stream.segregation_class or "",
            zh=stream.name.zh,
            en=stream.name.en,
        )
    for dest in kb.destinations.values():
        g.add_node(_node("dest", dest.id), type="destination", dest_kind=dest.kind, zh=dest.name.zh, en=dest.name.en)
        if dest.step:
            g.add_edge(_node("dest", dest.id), _node("step", dest.step), kind="operated_by")
    for ind in kb.indicators.values():
        g.add_node(_node("indicator", ind.id), type="indicator", zh=ind.name.zh, en=ind.name.en)
        for stream_id in ind.drivers.streams:
            g.add_edge(_node("stream", stream_id), _node("indicator", ind.id), kind="drives")
        for step_id in ind.drivers.steps:
            g.add_edge(_node("step", step_id), _node("indicator", ind.id), kind="drives")
    for step in kb.steps.values():
        for inp in step.inputs:
            g.add_edge(_node("stream", inp.stream), _node("step", step.id), kind="input")
        for out in step.outputs:
            g.add_edge(_node("step", step.id), _node("stream", out), kind="output")
    for stream in kb.streams.values():
        for dest_id in stream.destinations:
            g.add_edge(_node("stream", stream.id), _node("dest", dest_id), kind="destination")
    for route in sorted(kb.routes.values(), key=lambda r: r.id):
        for prev, nxt in zip(route.items, route.items[1:], strict=False):
            for a in prev.steps:
                for b in nxt.steps:
                    u, v = _node("step", a), _node("step", b)
                    if g.has_edge(u, v):
                        g.edges[u, v]["routes"].append(route.id)
                    else:
                        g.add_edge(u, v, kind="route", routes=[route.id])
            # an optional item may be skipped: link around it
        for i, item in enumerate(route.items):
            if item.optional and 0 < i < len(route.items) - 1:
                for a in route.items[i - 1].steps:
                    for b in route.items[i + 1].steps:
                        u, v = _node("step", a), _node("step", b)
                        if g.has_edge(u, v):
                            if route.id not in g.edges[u, v]["routes"]:
                                g.edges[u, v]["routes"].append(route.id)
                        else:
                            g.add_edge(u, v, kind="route", routes=[route.id])
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        return ProcessGraph(g, kb)
    path = [str(edge[0]) for edge in cycle] + [str(cycle[0][0])]
    raise GraphCycleError(path)
