"""Text labels of an SVG chart and their overlaps, estimated without a font engine: a label's box is its character
count times the font size (CJK and full-width characters 1 em, others 0.55 em) by 1 em (0.8 above the baseline,
0.2 below), placed by its text-anchor and turned by its ``rotate()`` transform. Two labels overlap when their
(rotated) boxes intersect by more than a hair (separating-axis test), so touching labels pass."""

from __future__ import annotations

import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass

__all__ = ["Label", "labels", "overlaps", "text_width_em"]

_NS = "{http://www.w3.org/2000/svg}"
_SIZE = re.compile(r"font-size:\s*([\d.]+)")
_ANCHOR = re.compile(r"text-anchor:\s*(start|middle|end)")
_ROTATE = re.compile(r"rotate\(\s*(-?[\d.]+)")
_TRANSLATE = re.compile(r"translate\(\s*(-?[\d.]+)[\s,]+(-?[\d.]+)")
_HAIR = 0.3  # points: boxes that intersect by less than this still pass (rounding of the estimate)


def text_width_em(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" or 0x2160 <= ord(ch) <= 0x217F else 0.55 for ch in text)


@dataclass(frozen=True)
class Label:
    text: str
    corners: tuple[tuple[float, float], ...]


def _style(node: ET.Element, name: str, pattern: re.Pattern[str], inherited: str | None) -> str | None:
    m = pattern.search(node.get("style", ""))
    return m.group(1) if m else node.get(name, inherited)


def labels(svg: str) -> list[Label]:
    """Every non-empty ``<text>`` of the picture (matplotlib with ``svg.fonttype: none`` writes one per line)."""
    root = ET.fromstring(svg)
    out: list[Label] = []

    def walk(node: ET.Element, size: str | None, anchor: str | None) -> None:
        size = _style(node, "font-size", _SIZE, size)
        anchor = _style(node, "text-anchor", _ANCHOR, anchor)
        if node.tag == f"{_NS}text":
            text = "".join(node.itertext()).strip()
            if text:
                out.append(_label(node, text, float(size or 16), anchor or "start"))
            return
        for child in node:
            walk(child, size, anchor)

    walk(root, None, None)
    return out


def _label(node: ET.Element, text: str, size: float, anchor: str) -> Label:
    # matplotlib writes level text as x, y and rotate(-a x y); rotated text as translate(x y) rotate(-a)
    x, y = float(node.get("x", 0)), float(node.get("y", 0))
    moved = _TRANSLATE.search(node.get("transform", ""))
    if moved:
        x, y = x + float(moved.group(1)), y + float(moved.group(2))
    width = text_width_em(text) * size
    left = {"start": 0.0, "middle": -width / 2, "end": -width}[anchor]
    box = [(left, -0.8 * size), (left + width, -0.8 * size), (left + width, 0.2 * size), (left, 0.2 * size)]
    m = _ROTATE.search(node.get("transform", ""))
    angle = math.radians(float(m.group(1))) if m else 0.0
    cos, sin = math.cos(angle), math.sin(angle)
    return Label(text, tuple((x + bx * cos - by * sin, y + bx * sin + by * cos) for bx, by in box))


def _separated(a: Label, b: Label) -> bool:
    for poly in (a.corners, b.corners):
        for i in range(4):
            (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % 4]
            length = math.hypot(x2 - x1, y2 - y1) or 1.0
            nx, ny = (y1 - y2) / length, (x2 - x1) / length
            pa = [nx * x + ny * y for x, y in a.corners]
            pb = [nx * x + ny * y for x, y in b.corners]
            if min(max(pa), max(pb)) - max(min(pa), min(pb)) <= _HAIR:
                return True
    return False


def overlaps(svg: str) -> list[tuple[str, str]]:
    """The pairs of labels whose boxes overlap."""
    found = labels(svg)
    return [(a.text, b.text) for i, a in enumerate(found) for b in found[i + 1 :] if not _separated(a, b)]
