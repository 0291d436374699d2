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


def _wrap(text: str, width: int = 18) -> list[str]:
    """Split a label into at most two lines of about ``width`` columns (a CJK character counts two)."""
    lines: list[str] = []
    current = ""
    cols = 0
    for ch in text:
        w = 2 if ord(ch) > 0x2E80 else 1
        if cols + w > width and current:
            lines.append(current)
            current, cols = "", 0
            if len(lines) == 2:
                break
        current += ch
        cols += w
    if current and len(lines) < 2:
        lines.append(current)
    if len(lines) == 2 and "".join(lines) != text:
        lines[1] = lines[1][:-1] + "…"
    return lines


def _receives(g: nx.DiGraph, utility: str, steps: list[str]) -> bool:
    """Whether a utility step receives a waste stream of one of ``steps``."""
    for step in steps:
        for stream in g.successors(step):
            for dest in g.successors(stream):
                if utility in g.successors(dest):
                    return True
    return False


def _text_lines(text: str, cx: float, cy: float) -> str:
    lines = _wrap(text)
    start = cy + 4 - (len(lines) - 1) * 7
    return "".join(
        f'<text x="{cx}" y="{start + i * 14}" text-anchor="middle">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )


def render_process_svg(
    kb: KnowledgeBase,
    graph: ProcessGraph,
    *,
    lang: str = "zh",
    highlight: Iterable[str] = (),
    vertical: bool = False,
    only_steps: Iterable[str] | None = None,
) -> str:
    """``vertical`` lays the routes out top to bottom (for a report page) instead of left to right;
    ``only_steps`` draws just those steps (a plant's own process), joined through the steps left out."""
    g = graph.graph
    marked = {f"step:{s}" for s in highlight}
    all_steps = [n for n, d in g.nodes(data=True) if d["type"] == "step" and d["step_kind"] == "production"]
    full = nx.DiGraph()
    full.add_nodes_from(all_steps)
    full.add_edges_from((u, v) for u, v, d in g.edges(data=True) if d["kind"] == "route")
    keep = None if only_steps is None else {f"step:{s}" for s in only_steps}
    steps = [n for n in all_steps if keep is None or n in keep]
    utilities = sorted(
        n
        for n, d in g.nodes(data=True)
        if d["type"] == "step" and d["step_kind"] == "utility" and (keep is None or n in keep or _receives(g, n, steps))
    )
    routes = nx.DiGraph()
    routes.add_nodes_from(steps)
    for u in steps:
        # successors through steps that are not drawn
        stack, seen = list(full.successors(u)), set()
        while stack:
            v = stack.pop()
            if v in seen:
                continue
            seen.add(v)
            if v in routes:
                routes.add_edge(u, v)
            else:
                stack.extend(full.successors(v))
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
    n_layers = max(layer.values(), default=0) + 1
    pos: dict[str, tuple[float, float]]
    if vertical:
        pos = {n: (_M + row[n] * (_W + _GX), float(_M + layer[n] * (_H + _GY))) for n in steps}
        util_x = _M + n_rows * (_W + _GX) + _GX
        for i, node in enumerate(utilities):
            pos[node] = (util_x, _M + (2 * i + 1) * (_H + _GY) * 2)
        width = util_x + _W + _M
        height = _M * 2 + n_layers * (_H + _GY)
    else:
        pos = {n: (float(_M + layer[n] * (_W + _GX)), _M + row[n] * (_H + _GY)) for n in steps}
        util_y = _M + n_rows * (_H + _GY) + _GY
        for i, node in enumerate(utilities):
            pos[node] = (_M + i * (_W + _GX) * 2, util_y)
        width = max(_M * 2 + n_layers * (_W + _GX), _M * 2 + len(utilities) * (_W + _GX) * 2)
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
        a: float
        b: float
        c: float
        d: float
        if vertical:
            a, b, c, d = x1 + _W / 2, y1 + _H, x2 + _W / 2, y2
        else:
            a, b, c, d = x1 + _W, y1 + _H / 2, x2, y2 + _H / 2
        parts.append(
            f'<line x1="{a}" y1="{b}" x2="{c}" y2="{d}" stroke="#555" stroke-width="1.2" marker-end="url(#arrow)"/>'
        )
    # dashed links from steps to the utility steps receiving their waste streams
    for node in sorted(steps):
        targets: set[str] = set()
        for stream in g.successors(node):
            for dest in g.successors(stream):
                targets.update(t for t in g.successors(dest) if t in utilities)
        for target in sorted(targets):
            (x1, y1), (x2, y2) = pos[node], pos[target]
            if vertical:
                a, b, c, d = x1 + _W, y1 + _H / 2, x2, y2 + _H / 2
            else:
                a, b, c, d = x1 + _W / 2, y1 + _H, x2 + _W / 2, y2
            parts.append(
                f'<line x1="{a}" y1="{b}" x2="{c}" y2="{d}" stroke="#9ab" stroke-width="0.6" stroke-dasharray="3,3"/>'
            )
    for node in sorted(pos):
        x, y = pos[node]
        hot = node in marked
        fill = "#fde2e1" if hot else ("#eef3f8" if node in utilities else "#ffffff")
        stroke = "#c0392b" if hot else "#34495e"
        parts.append(
            f'<g id="{escape(node)}"><rect x="{x}" y="{y}" width="{_W}" height="{_H}" rx="6" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{2 if hot else 1}"/>'
            + _text_lines(label(node), x + _W / 2, y + _H / 2)
            + "</g>"
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
