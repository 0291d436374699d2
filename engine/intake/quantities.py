"""The raw quantities that indicator formulas (knowledge_base/indicators) may name, read from a self-inspection.

Each reader returns the value in the canonical unit of its kind (or None when unknown or not given) and the
field path it was read from, so that the trace can point at the raw answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.intake.model import Product, YearData

__all__ = ["PER_PRODUCT", "QUANTITIES", "Reading", "read_quantity"]


@dataclass(frozen=True)
class Reading:
    name: str
    value: Decimal | None
    unit: str
    path: str


def _plant(year: YearData, yi: int, name: str) -> Reading:
    res = year.resources
    if name == "output_m2":
        outputs = [p.output.canonical() for p in year.products]
        known = [o for o in outputs if o is not None]
        total = sum(known, Decimal(0)) if len(known) == len(outputs) else None
        return Reading(name, total, "m2", f"years[{yi}].products[].output")
    value: Decimal | None
    if name == "electricity_kwh":
        value, unit, path = res.electricity.canonical(), "kWh", "resources.electricity"
    elif name == "fresh_water_m3":
        value, unit, path = res.fresh_water.canonical(), "m3", "resources.fresh_water"
    elif name == "reused_water_m3":
        value, unit, path = res.reused_water.canonical() if res.reused_water else None, "m3", "resources.reused_water"
    elif name == "wastewater_m3":
        value, unit, path = year.wastewater.generated.canonical(), "m3", "wastewater.generated"
    elif name == "ccl_input_m2":
        value, unit, path = res.ccl_input.canonical() if res.ccl_input else None, "m2", "resources.ccl_input"
    else:
        raise KeyError(name)
    return Reading(name, value, unit, f"years[{yi}].{path}")


_PRODUCT_FIELDS: dict[str, tuple[str, str]] = {
    "electricity_kwh": ("electricity", "kWh"),
    "fresh_water_m3": ("fresh_water", "m3"),
    "wastewater_m3": ("wastewater", "m3"),
    "ccl_input_m2": ("ccl_input", "m2"),
    "output_m2": ("output", "m2"),
}


def _product(product: Product, yi: int, pi: int, name: str) -> Reading | None:
    """The product line's own value, or None when the product line does not report it."""
    if name not in _PRODUCT_FIELDS:
        return None
    field, unit = _PRODUCT_FIELDS[name]
    quantity = getattr(product, field)
    if quantity is None:
        return None
    return Reading(name, quantity.canonical(), unit, f"years[{yi}].products[{pi}].{field}")


QUANTITIES: frozenset[str] = frozenset(
    {"electricity_kwh", "fresh_water_m3", "reused_water_m3", "wastewater_m3", "ccl_input_m2", "output_m2"}
)
PER_PRODUCT: frozenset[str] = frozenset(_PRODUCT_FIELDS)


def read_quantity(year: YearData, yi: int, name: str, product: tuple[int, Product] | None = None) -> Reading | None:
    """Read ``name`` for the plant, or for one product line (None if that line does not report it)."""
    if name not in QUANTITIES:
        raise KeyError(name)
    if product is not None:
        pi, prod = product
        return _product(prod, yi, pi, name)
    return _plant(year, yi, name)
