"""Units accepted in a self-inspection, and their exact conversion to the canonical unit of each kind.

These are definitions of units (1 MWh = 1000 kWh, 万 = 10⁴), not facts about the world. A tonne of water is
taken as one cubic metre, as Chinese water statistics and the benchmark tables do (t/m² = m³/m²). The copper-foil
"weight" of the trade, oz/ft², is one avoirdupois ounce (28.349523125 g exactly) per square foot (0.09290304 m²
exactly), about 305.15 g/m²: a definition of the unit, not a property of copper.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["CANONICAL", "UNITS", "to_canonical"]

UNITS: dict[str, dict[str, Decimal]] = {
    "energy": {"kWh": Decimal(1), "MWh": Decimal(1000), "10^4kWh": Decimal(10000)},
    "volume": {"m3": Decimal(1), "t": Decimal(1), "10^4m3": Decimal(10000)},
    "area": {"m2": Decimal(1), "10^4m2": Decimal(10000)},
    "mass": {"t": Decimal(1), "kg": Decimal("0.001")},
    "money": {"10^4CNY": Decimal(1), "CNY": Decimal("0.0001")},
    "concentration": {"mg/L": Decimal(1), "g/L": Decimal(1000)},
    "percent": {"%": Decimal(1)},
    "area_weight": {"g/m2": Decimal(1), "oz/ft2": Decimal("28.349523125") / Decimal("0.09290304")},
}

CANONICAL: dict[str, str] = {
    "energy": "kWh",
    "volume": "m3",
    "area": "m2",
    "mass": "t",
    "money": "10^4CNY",
    "concentration": "mg/L",
    "percent": "%",
    "area_weight": "g/m2",
}


def to_canonical(kind: str, value: Decimal, unit: str) -> Decimal:
    return value * UNITS[kind][unit]
