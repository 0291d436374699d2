"""The process graph as an SVG picture, laid out without external tools.

Production steps are placed in columns by their longest distance from a route start (so every route reads left
to right), ordered within a column by the mean position of their predecessors. Utility steps (wastewater plant,
exhaust treatment, pure water) sit in a bottom row; a dashed line joins each step to the utility steps that
receive its waste streams. Steps named in ``highlight`` (e.g. steps with findings) are drawn in red.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

import networkx as nx

from engine.graph import ProcessGraph
from engine.kb.loader import KnowledgeBase

__all__ = ["render_process_svg"]

_W, _H, _GX, _GY, _M = 150, 42, 48, 22, 24


def _layers(routes: nx.DiGraph) -> dict[str, int]:
    layer: dict[str, int] = {}
    for node in nx.topological_sort(routes):
        preds = list(routes.predecessors(node))
        layer[node] = 1 + max((layer[p] for p in preds), default=-1)
    return layer


def render_process_svg(
    kb: KnowledgeBase, graph: ProcessGraph, *, lang: str = "zh", highlight: Iterable[str] = ()
) -> str:
    g = graph.graph
    marked = {f"step:{s}" for s in highlight}
    steps = [n for n, d in g.nodes(data=True) if d["type"] == "step" and d["step_kind"] == "production"]
    utilities = sorted(n for n, d in g.nodes(data=True) if d["type"] == "step" and d["step_kind"] == "utility")
    routes = nx.DiGraph()
    routes.add_nodes_from(steps)
    routes.add_edges_from((u, v) for u, v, d in g.edges(data=True) if d["kind"] == "route")
    layer = _layers(routes)
    columns: dict[int, list[str]] = {}
    for node in sorted(layer):
        columns.setdefault(layer[node], []).append(node)
    row: dict[str, float] = {}
    for col in sorted(columns):
        members = columns[col]

        def bary(node: str) -> float:
            preds = [row[p] for p in routes.predecessors(node) if p in row]
            return sum(preds) / len(preds) if preds else 0.0

        members.sort(key=lambda n: (bary(n), n))
        for i, node in enumerate(members):
            row[node] = float(i)
    n_rows = max((len(c) for c in columns.values()), default=1)
    pos = {n: (_M + layer[n] * (_W + _GX), _M + row[n] * (_H + _GY)) for n in steps}
    util_y = _M + n_rows * (_H + _GY) + _GY
    for i, node in enumerate(utilities):
        pos[node] = (_M + i * (_W + _GX) * 2, util_y)
    width = _M * 2 + (max(layer.values(), default=0) + 1) * (_W + _GX)
    width = max(width, _M * 2 + len(utilities) * (_W + _GX) * 2)
    height = util_y + _H + _M + 20

    def label(node: str) -> str:
        data = g.nodes[node]
        return str(data["zh"] if lang == "zh" else data["en"])

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, Microsoft YaHei, sans-serif" font-size="12">',
        "<defs><marker id='arrow' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='7' markerHeight='7' "
        "orient='auto-start-reverse'><path d='M 0 0 L 10 5 L 0 10 z' fill='#555'/></marker></defs>",
        f"<title>{escape('工艺流程图' if lang == 'zh' else 'Process graph')} - kb {escape(kb.version.version)}</title>",
    ]
    for u, v in sorted(routes.edges()):
        (x1, y1), (x2, y2) = pos[u], pos[v]
        parts.append(
            f'<line x1="{x1 + _W}" y1="{y1 + _H / 2}" x2="{x2}" y2="{y2 + _H / 2}" stroke="#555" '
            'stroke-width="1.2" marker-end="url(#arrow)"/>'
        )
    # dashed links from steps to the utility steps receiving their waste streams
    for node in sorted(steps):
        targets: set[str] = set()
        for stream in g.successors(node):
            for dest in g.successors(stream):
                targets.update(t for t in g.successors(dest) if t in utilities)
        for target in sorted(targets):
            (x1, y1), (x2, y2) = pos[node], pos[target]
            parts.append(
                f'<line x1="{x1 + _W / 2}" y1="{y1 + _H}" x2="{x2 + _W / 2}" y2="{y2}" stroke="#9ab" '
                'stroke-width="0.6" stroke-dasharray="3,3"/>'
            )
    for node in sorted(pos):
        x, y = pos[node]
        hot = node in marked
        fill = "#fde2e1" if hot else ("#eef3f8" if node in utilities else "#ffffff")
        stroke = "#c0392b" if hot else "#34495e"
        parts.append(
            f'<g id="{escape(node)}"><rect x="{x}" y="{y}" width="{_W}" height="{_H}" rx="6" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{2 if hot else 1}"/>'
            f'<text x="{x + _W / 2}" y="{y + _H / 2 + 4}" text-anchor="middle">{escape(label(node))}</text></g>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
