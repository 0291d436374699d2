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


_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
# what every /v1 route may answer before or besides its own work (api/guard.py, api/deps.py, api/problems.py)
_EVERY_V1 = {
    "400": "bad request: the path or a query parameter holds NUL, a lone surrogate or bytes that are not UTF-8",
    "401": "API key missing, unknown, wrong or revoked",
    "403": "the caller's role may never call this route",
    "408": "the request body did not arrive in time",
    "413": "request body over the size limit",
    "422": "invalid request: `errors` names each field and rule (zh and en)",
    "429": "too many requests from this client (see Retry-After)",
}
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def _document_problems(schema: dict[str, Any]) -> None:
    """Every error a route really answers, as problem+json: FastAPI's default 422 (application/json) replaced."""
    for path, item in schema.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            extra = dict(_EVERY_V1) if path.startswith("/v1") else {}
            if method not in ("post", "put", "patch"):  # no body is read: no 408, no 413
                extra.pop("408", None)
                extra.pop("413", None)
            if not path.startswith("/v1/kb") and path.startswith("/v1") and "{" in path:
                extra["404"] = "no such record, or not one the caller may see"
            for status, description in extra.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    response["content"] = dict(_PROBLEM)


def _exactly_one_source(components: dict[str, Any]) -> None:
    """PlanCreate: exactly one of ``self_inspection_id`` and ``self_inspection`` (the model validator's rule)."""
    plan = components.get("PlanCreate")
    if plan is None:
        return
    plan["oneOf"] = [
        {
            "required": ["self_inspection_id"],
            "properties": {"self_inspection_id": {"type": "string"}, "self_inspection": {"type": "null"}},
        },
        {
            "required": ["self_inspection"],
            "properties": {"self_inspection": {"type": "object"}, "self_inspection_id": {"type": "null"}},
        },
    ]
    plan["description"] = (
        plan.get("description", "") + " Give exactly one of self_inspection_id and self_inspection."
    ).strip()


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
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        _document_problems(schema)
        _exactly_one_source(components)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
