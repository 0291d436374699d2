"""Charts for the report, drawn with matplotlib as SVG (text kept as text, so that the page's CJK font renders
it; ids salted and no date, so the same plan gives the same SVG)."""

from __future__ import annotations

import io
import math
import re
import unicodedata
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

__all__ = ["LEVEL_COLOURS", "before_after_svg", "level_marks", "text_width_pt", "wrap_to"]

_LEVEL_COLOURS = {"I": "#1e8449", "II": "#b7950b", "III": "#ca6f1e"}
LEVEL_COLOURS = _LEVEL_COLOURS  # one colour per level for every chart
_ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ"}

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


def text_width_pt(text: str, size: float) -> float:
    """A label's width estimated from its characters: CJK and full-width 1 em, others 0.55 em (the estimate
    tests/explanations/test_chart_labels.py checks the charts with)."""
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF" or 0x2160 <= ord(ch) <= 0x217F)
    return size * (wide + 0.55 * (len(text) - wide))


_TOKEN = re.compile(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+")


def wrap_to(text: str, width_pt: float, size: float) -> str:
    """``text`` broken into lines no wider than ``width_pt`` at font ``size``: at spaces, or between CJK
    characters (a panel's title that would run into the next panel)."""
    lines, line = [], ""
    for token in _TOKEN.findall(text):
        if line and text_width_pt((line + token).rstrip(), size) > width_pt:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    lines.append(line.rstrip())
    return "\n".join(x for x in lines if x)


def _panel_width_pt(ax: Any) -> float:
    return float(ax.get_position().width * ax.figure.get_figwidth() * 72)


def level_marks(ax: Any, marks: list[tuple[str, float, str]], y: float, size: float) -> int:
    """Dashed threshold lines with their level names at ``y`` (data); a name that would run into the one before
    goes one row higher (in points), so close thresholds stay legible. ``marks``: ``(name, x, colour)``; the
    x limits set or automatic. Returns the number of rows used."""
    for _, x, colour in marks:
        ax.axvline(x, color=colour, linewidth=1, linestyle="--")
    low, high = ax.get_xlim()  # after the lines, which may widen automatic limits
    scale = _panel_width_pt(ax) / ((high - low) or 1)
    ends: list[float] = []  # right end of the last name on each row, in points
    for name, x, colour in sorted(marks, key=lambda m: m[1]):
        start = (x - low) * scale + 2
        row = next((i for i, end in enumerate(ends) if start > end + 1.5), len(ends))
        if row == len(ends):
            ends.append(0.0)
        ends[row] = start + text_width_pt(name, size)
        ax.annotate(
            name,
            (x, y),
            xytext=(2, row * (size + 1.5)),
            textcoords="offset points",
            ha="left",
            va="center",
            color=colour,
            fontsize=size,
        )
    return len(ends)


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
    # fixed margins instead of tight_layout(), which draws the figure twice more (most of the chart's time)
    height = 1.55 * nrows
    fig.subplots_adjust(left=0.09, right=0.98, top=1 - 0.28 / height, bottom=0.22 / height, wspace=0.45, hspace=0.9)
    for ax, row in zip(axes.flat, rows, strict=False):
        values = [row["before"], row["after"] if row["after"] is not None else 0]
        colours = ["#7f8c8d", "#2e86c1"]
        ax.barh([1, 0], values, color=colours, height=0.6)
        ax.set_yticks([1, 0], labels)
        top = max([*values, *[v for v in row["thresholds"].values() if v is not None]]) or 1
        ax.set_xlim(0, top * 1.15)
        marks = [
            (_ROMAN.get(level, level) if lang == "zh" else level, threshold, _LEVEL_COLOURS.get(level, "#555"))
            for level, threshold in sorted(row["thresholds"].items())
            if threshold is not None
        ]
        stacked = level_marks(ax, marks, 1.62, 7)
        ax.set_ylim(-0.6, 1.9 + 0.35 * (stacked - 1))
        ax.set_title(wrap_to(f"{row['name']} ({row['unit']})", _panel_width_pt(ax), 7), fontsize=7, loc="left")
        ax.tick_params(axis="x", labelsize=6)
    for ax in list(axes.flat)[len(rows) :]:
        ax.axis("off")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "smart-audit"})
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
