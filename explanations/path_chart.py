"""The trade-off curve of the cheapest path as an SVG chart: investment against the target's index, each selection
coloured by the level it reaches, the rating rule's minimum as a line (matplotlib, as explanations/charts.py)."""

from __future__ import annotations

import io
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D

from explanations.charts import LEVEL_COLOURS  # also sets the house style (fonts, salted ids, no date)
from explanations.i18n import level_label

__all__ = ["path_curve_svg"]


def path_curve_svg(out: dict[str, Any], lang: str = "zh") -> str:
    """``out``: the path JSON (``curve``, ``target``, ``shortfall`` or the selection). Filled markers: every option
    priced; hollow: with options not yet priced (their investment is the known part). The optimum is starred."""
    points = out.get("curve") or []
    if not points:
        return ""
    zh = lang == "zh"
    target = out["target"]
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    for priced in (True, False):
        group = sorted((p for p in points if p["priced"] == priced), key=lambda p: p["investment"])
        if not group:
            continue
        xs = [p["investment"] / 10_000 for p in group]
        ys = [p["index"] or 0 for p in group]
        style = "-" if priced else ":"
        ax.plot(xs, ys, style, color="#7f8c8d", linewidth=1, drawstyle="steps-post")
        for x, y, p in zip(xs, ys, group, strict=True):
            colour = LEVEL_COLOURS.get(p["level"], "#555555")
            face = colour if priced else "none"
            ax.scatter(
                [x], [y], s=60 if p["optimal"] else 22, marker="*" if p["optimal"] else "o", c=face, edgecolors=colour
            )
    minimum = (out.get("rule") or {}).get("min_index")
    ax.set_xlabel("投资（万元，已知部分）" if zh else "investment (10^4 CNY, known part)")
    ax.set_ylabel(f"Y_{target}")
    if minimum is not None:
        ax.axhline(minimum, color=LEVEL_COLOURS.get(target, "#555555"), linestyle="--", linewidth=1)
    name = level_label(target, lang)
    ax.set_title(
        f"达到{name}：投资与综合指数" if zh else f"Reaching {name}: investment against the index",
        fontsize=8,
        loc="left",
    )
    handles = [
        Line2D([], [], marker="o", linestyle="", color=c, label=level_label(lv, lang))
        for lv, c in LEVEL_COLOURS.items()
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor="none",
            color="#555555",
            label="含待询价方案" if zh else "with unpriced options",
        )
    )
    ax.legend(handles=handles, fontsize=6, loc="lower right", frameon=False)
    fig.tight_layout()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "smart-audit"})
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
