"""The cohort report's charts (matplotlib as SVG, the house style of :mod:`explanations.charts`): level
distribution, indicator box plots with thresholds, enterprise x common-problem heat map, Pareto of the common
solutions' aggregate savings, before/after slope charts."""

from __future__ import annotations

import io
import math
import warnings
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from explanations.charts import LEVEL_COLOURS, level_marks, wrap_to

__all__ = [
    "box_plots_png",
    "box_plots_svg",
    "heat_map_png",
    "heat_map_svg",
    "levels_png",
    "levels_svg",
    "pareto_png",
    "pareto_svg",
    "slope_png",
    "slope_svg",
]

_ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ"}


def _svg(fig: Any) -> str:
    if fig is None:
        return ""
    with warnings.catch_warnings():  # long rotated labels: the tight bounding box below keeps them on the page
        warnings.simplefilter("ignore", UserWarning)
        fig.tight_layout()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": "smart-audit"})
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _png(fig: Any) -> bytes:
    """The same figure as PNG for the Word report (Word has no SVG fallback in older versions)."""
    if fig is None:
        return b""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def _t(text: Any, lang: str) -> str:
    return str(text.get(lang) or text.get("zh")) if isinstance(text, dict) else str(text or "")


def _levels(counts: dict[str, int], labels: dict[str, str]) -> Any:
    keys = [k for k in counts if counts[k]]
    fig, ax = plt.subplots(figsize=(4.2, 1.8))
    ax.bar([labels[k] for k in keys], [counts[k] for k in keys], color=[LEVEL_COLOURS.get(k, "#7f8c8d") for k in keys])
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


def _box_plots(indicators: list[dict[str, Any]], lang: str) -> Any:
    rows = [i for i in indicators if i.get("distribution") and len(i["values"]) >= 1]
    if not rows:
        return None
    cols = 3
    fig, axes = plt.subplots(math.ceil(len(rows) / cols), cols, figsize=(7.2, 1.5 * math.ceil(len(rows) / cols)))
    flat = list(getattr(axes, "flat", [axes]))
    for ax, ind in zip(flat, rows, strict=False):
        values = [v["value"] for v in ind["values"]]
        ax.boxplot(values, orientation="horizontal", widths=0.5)
        ax.plot(values, [1] * len(values), "o", color="#2e86c1", markersize=3)
        marks = [
            (_ROMAN.get(level, level) if lang == "zh" else level, th["min"], LEVEL_COLOURS.get(level, "#555"))
            for level, th in sorted(ind["thresholds"].items())
        ]
        low, high = ax.get_ylim()
        stacked = level_marks(ax, marks, 1.4, 6)
        ax.set_ylim(low, high + 0.2 * (stacked - 1))
        board = ind.get("board")
        board = "产量加权" if board == "mix" and lang == "zh" else ("output-weighted" if board == "mix" else board)
        # wrapped to the panel's width before tight_layout() widens it: a long name never runs into its neighbour
        width = ax.get_position().width * fig.get_figwidth() * 72
        title = " ".join(x for x in (_t(ind["name"], lang), board, f"({ind['unit']})") if x)
        ax.set_title(wrap_to(title, width, 6), fontsize=6, loc="left")
        ax.set_yticks([])
        ax.tick_params(axis="x", labelsize=6)
    for ax in flat[len(rows) :]:
        ax.axis("off")
    return fig


def _heat_map(period: dict[str, Any], lang: str) -> Any:
    problems = period["common_problems"]
    if not problems:
        return None
    ents = period["enterprises"]
    grid = [[1 if e["id"] in p["enterprises"] else 0 for p in problems] for e in ents]
    fig, ax = plt.subplots(figsize=(7.2, 0.9 + 0.28 * len(ents)))
    ax.imshow(grid, cmap="Oranges", aspect="auto", vmin=0, vmax=1.4)
    ax.set_yticks(range(len(ents)), [e["name"][:18] for e in ents], fontsize=6)
    ax.set_xticks(range(len(problems)), [_t(p["title"], lang)[:14] or p["finding"] for p in problems], fontsize=5,
                  rotation=60, ha="right")  # fmt: skip
    return fig


def _pareto(solutions: list[dict[str, Any]], lang: str) -> Any:
    rows = sorted(
        ((s, s["money"].get("central") or 0.0) for s in solutions if (s["money"].get("central") or 0) > 0),
        key=lambda r: -r[1],
    )
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(7.2, 2.4))
    money = [m / 1e4 for _, m in rows]
    ax.bar(range(len(rows)), money, color="#2e86c1")
    ax.set_xticks(range(len(rows)), [_t(s["name"], lang)[:12] for s, _ in rows], fontsize=5, rotation=60, ha="right")
    ax.set_ylabel("万元/年" if lang == "zh" else "10^4 CNY/a")
    ax2 = ax.twinx()
    total = sum(money)
    cum, acc = [], 0.0
    for m in money:
        acc += m
        cum.append(100 * acc / total)
    ax2.plot(range(len(rows)), cum, color="#ca6f1e", marker="o", markersize=3)
    ax2.set_ylim(0, 105)
    ax2.set_ylabel("%")
    return fig


def _slope(before_after: dict[str, Any], lang: str, limit: int = 9) -> Any:
    rows = [
        r
        for r in before_after["cohort"]["indicators"]
        if r["median_before"] is not None and r["median_after"] is not None
    ]
    if not rows:
        return None
    rows = rows[:limit]
    ents = before_after["enterprises"]
    cols = 3
    fig, axes = plt.subplots(math.ceil(len(rows) / cols), cols, figsize=(7.2, 1.6 * math.ceil(len(rows) / cols)))
    flat = list(getattr(axes, "flat", [axes]))
    for ax, row in zip(flat, rows, strict=False):
        for e in ents:
            for r in e["indicators"]:
                if r["key"] == row["key"] and r["before"] is not None and r["after"] is not None:
                    colour = "#1e8449" if r["improved"] else ("#c0392b" if r["improved"] is False else "#7f8c8d")
                    ax.plot([0, 1], [r["before"], r["after"]], color=colour, marker="o", markersize=2, linewidth=0.8)
        ax.plot([0, 1], [row["median_before"], row["median_after"]], color="black", linewidth=1.6)
        ax.set_xticks([0, 1], [str(before_after["before"]), str(before_after["after"])], fontsize=6)
        ax.set_title(f"{_t(row['name'], lang)} ({row['unit']})", fontsize=6, loc="left")
        ax.tick_params(axis="y", labelsize=6)
    for ax in flat[len(rows) :]:
        ax.axis("off")
    return fig


def levels_svg(counts: dict[str, int], labels: dict[str, str]) -> str:
    return _svg(_levels(counts, labels))


def levels_png(counts: dict[str, int], labels: dict[str, str]) -> bytes:
    return _png(_levels(counts, labels))


def box_plots_svg(indicators: list[dict[str, Any]], lang: str) -> str:
    return _svg(_box_plots(indicators, lang))


def box_plots_png(indicators: list[dict[str, Any]], lang: str) -> bytes:
    return _png(_box_plots(indicators, lang))


def heat_map_svg(period: dict[str, Any], lang: str) -> str:
    return _svg(_heat_map(period, lang))


def heat_map_png(period: dict[str, Any], lang: str) -> bytes:
    return _png(_heat_map(period, lang))


def pareto_svg(solutions: list[dict[str, Any]], lang: str) -> str:
    return _svg(_pareto(solutions, lang))


def pareto_png(solutions: list[dict[str, Any]], lang: str) -> bytes:
    return _png(_pareto(solutions, lang))


def slope_svg(before_after: dict[str, Any], lang: str, limit: int = 9) -> str:
    return _svg(_slope(before_after, lang, limit))


def slope_png(before_after: dict[str, Any], lang: str, limit: int = 9) -> bytes:
    return _png(_slope(before_after, lang, limit))
