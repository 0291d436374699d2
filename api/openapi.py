"""The OpenAPI document: FastAPI's, plus the schema of a self-inspection (the engine's model, whose validation
the service runs itself so that errors carry the engine's paths and rules) and the problem body."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from api.schemas.common import Problem
from engine.intake.model import SelfInspection

__all__ = ["install_openapi"]

_REF = "#/components/schemas/{model}"


def _same(a: Any, b: Any) -> bool:
    """Equal schemas, but for ``default: null`` (FastAPI leaves it out of the schemas of responses)."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = {k for k in a.keys() | b.keys() if not (k == "default" and a.get(k) is None and b.get(k) is None)}
        return all(_same(a.get(k), b.get(k)) for k in keys)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _add(components: dict[str, Any], name: str, model: type[BaseModel]) -> None:
    schema = model.model_json_schema(ref_template=_REF)
    for sub, sub_schema in schema.pop("$defs", {}).items():
        if sub in components and not _same(components[sub], sub_schema):
            raise RuntimeError(f"OpenAPI schema name {sub!r} is used by two different models")
        components[sub] = sub_schema
    components[name] = schema


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        _add(components, "SelfInspection", SelfInspection)
        components["SelfInspection"]["title"] = "SelfInspection / 清洁生产自查手册填报"
        _add(components, "Problem", Problem)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
