"""Charts for the report, drawn with matplotlib as SVG (text kept as text, so that the page's CJK font renders
it; ids salted and no date, so the same plan gives the same SVG)."""

from __future__ import annotations

import io
import math
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

__all__ = ["LEVEL_COLOURS", "before_after_svg"]

_LEVEL_COLOURS = {"I": "#1e8449", "II": "#b7950b", "III": "#ca6f1e"}
LEVEL_COLOURS = _LEVEL_COLOURS  # one colour per level for every chart

plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "smart-audit",
        "font.family": ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"],
        "font.size": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)


def before_after_svg(rows: list[dict[str, Any]], lang: str = "zh") -> str:
    """Small multiples: for each quantitative indicator, the value before and after the plan against the level
    thresholds. ``rows``: ``{name, unit, before, after, thresholds: {level: value}, direction}``."""
    rows = [r for r in rows if r.get("before") is not None]
    if not rows:
        return ""
    cols = 3
    nrows = math.ceil(len(rows) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(7.2, 1.55 * nrows), squeeze=False)
    labels = ("现状", "实施后") if lang == "zh" else ("now", "after")
    for ax, row in zip(axes.flat, rows, strict=False):
        values = [row["before"], row["after"] if row["after"] is not None else 0]
        colours = ["#7f8c8d", "#2e86c1"]
        ax.barh([1, 0], values, color=colours, height=0.6)
        ax.set_yticks([1, 0], labels)
        top = max([*values, *[v for v in row["thresholds"].values() if v is not None]]) or 1
        for level, threshold in sorted(row["thresholds"].items()):
            if threshold is None:
                continue
            ax.axvline(threshold, color=_LEVEL_COLOURS.get(level, "#555"), linewidth=1, linestyle="--")
            name = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ"}.get(level, level) if lang == "zh" else level
            ax.annotate(
                name,
                (threshold, 1.62),
                xytext=(2, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                color=_LEVEL_COLOURS.get(level, "#555"),
                fontsize=7,
            )
        ax.set_xlim(0, top * 1.15)
        ax.set_ylim(-0.6, 1.9)
        ax.set_title(f"{row['name']} ({row['unit']})", fontsize=7, loc="left")
        ax.tick_params(axis="x", labelsize=6)
    for ax in list(axes.flat)[len(rows) :]:
        ax.axis("off")
    # fixed margins instead of tight_layout(), which draws the figure twice more (most of the chart's time)
    height = 1.55 * nrows
    fig.subplots_adjust(left=0.09, right=0.98, top=1 - 0.28 / height, bottom=0.22 / height, wspace=0.45, hspace=0.9)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "smart-audit"})
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
