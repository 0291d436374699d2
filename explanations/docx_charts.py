"""Charts for the Word report as PNG (Word has no SVG fallback in older versions): the quantitative indicators that
the options change, before and after against the level thresholds, and the key options' worth per year. Drawn with
matplotlib in the same colours and font as the HTML report's charts."""

from __future__ import annotations

import io
import math
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from explanations.charts import LEVEL_COLOURS, wrap_to

__all__ = ["before_after_png", "money_png"]

_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"]
_LEVEL_NAMES = {"zh": {"I": "Ⅰ级", "II": "Ⅱ级", "III": "Ⅲ级"}, "en": {"I": "I", "II": "II", "III": "III"}}


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def before_after_png(rows: list[dict[str, Any]], lang: str = "zh") -> bytes:
    """Small multiples of the indicators whose value changes. ``rows``: ``{name, unit, before, after, thresholds}``;
    rows whose value does not change are left out (a chart shows something only where something changes)."""
    rows = [r for r in rows if r.get("before") is not None and r.get("after") is not None and r["after"] != r["before"]]
    if not rows:
        return b""
    cols = 2
    nrows = math.ceil(len(rows) / cols)
    with plt.rc_context({"font.family": _FONTS, "font.size": 8, "axes.spines.top": False, "axes.spines.right": False}):
        fig, axes = plt.subplots(nrows, cols, figsize=(7.0, 1.7 * nrows), squeeze=False)
        labels = ("现状", "实施后") if lang == "zh" else ("now", "after")
        for ax, row in zip(axes.flat, rows, strict=False):
            values = [row["before"], row["after"]]
            ax.barh([1, 0], values, color=["#7f8c8d", "#2e86c1"], height=0.6)
            ax.set_yticks([1, 0], labels)
            present = sorted((lv, t) for lv, t in row["thresholds"].items() if t is not None)
            top = max([*values, *[t for _, t in present]]) or 1
            for i, (level, threshold) in enumerate(present):
                colour = LEVEL_COLOURS.get(level, "#555")
                ax.axvline(threshold, color=colour, linewidth=1, linestyle="--")
                # labels stacked one above the other so that close thresholds do not overlap
                ax.annotate(
                    _LEVEL_NAMES[lang].get(level, level),
                    (threshold, 1.55 + 0.32 * i),
                    xytext=(2, 0),
                    textcoords="offset points",
                    ha="left",
                    va="center",
                    color=colour,
                    fontsize=6.5,
                )
            ax.set_xlim(0, top * 1.2)
            ax.set_ylim(-0.6, 1.55 + 0.32 * len(present))
            # wrapped to the panel's width before tight_layout() widens it: a long name never runs into its neighbour
            width = ax.get_position().width * fig.get_figwidth() * 72
            ax.set_title(wrap_to(f"{row['name']} ({row['unit']})", width, 7.5), fontsize=7.5, loc="left")
            ax.tick_params(axis="x", labelsize=6.5)
        for ax in list(axes.flat)[len(rows) :]:
            ax.axis("off")
        fig.tight_layout()
        return _png(fig)


def money_png(items: list[tuple[str, float]], lang: str = "zh") -> bytes:
    """Horizontal bars: each key option's worth per year (CNY/a), largest on top."""
    items = [(name, value) for name, value in items if value]
    if not items:
        return b""
    items.sort(key=lambda kv: kv[1])
    with plt.rc_context({"font.family": _FONTS, "font.size": 8, "axes.spines.top": False, "axes.spines.right": False}):
        fig, ax = plt.subplots(figsize=(7.0, 0.45 * len(items) + 0.8))
        ax.barh([n for n, _ in items], [v / 1e4 for _, v in items], color="#2e86c1", height=0.6)
        ax.set_xlabel("万元/年" if lang == "zh" else "10,000 CNY per year")
        fig.tight_layout()
        return _png(fig)
