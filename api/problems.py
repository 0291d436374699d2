"""Errors as problem details (RFC 9457, ``application/problem+json``): type, title, status, detail, instance, and
for invalid input ``errors: [{path, rule, message}]`` naming each field and the rule it breaks.

Hierarchy::

    ProblemError            an HTTP error the service answers on purpose (status, type slug, title, detail)
    └── (raised as is)      handlers also turn FastAPI's request validation errors, Starlette's HTTP errors
                            (404 unknown route, 405, 413) and unexpected exceptions (500) into problems
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from engine.intake.messages import translate

__all__ = [
    "PROBLEM_JSON",
    "ProblemError",
    "install_problem_handlers",
    "issue",
    "problem_response",
    "problem_type",
]

PROBLEM_JSON = "application/problem+json"
_log = logging.getLogger("smart_audit.api")

_HTTP_TITLES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Missing or invalid API key"),
    403: ("forbidden", "Forbidden for this role"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    413: ("body-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("request-invalid", "Request invalid"),
    500: ("internal-error", "Internal error"),
    503: ("unavailable", "Service unavailable"),
}


def problem_type(slug: str) -> str:
    return f"urn:smart-audit:problem:{slug}"


def issue(path: str, rule: str, message: str) -> dict[str, str]:
    return {"path": path, "rule": rule, "message": message}


class ProblemError(Exception):
    """Answer with a problem. ``extra`` members are added to the body (e.g. ``issues`` of a knowledge base)."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        *,
        errors: Iterable[Mapping[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.errors = [dict(e) for e in errors] if errors is not None else None
        self.headers = dict(headers or {})
        self.extra = extra


def problem_response(
    request: Request,
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    errors: Sequence[Mapping[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": problem_type(slug),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors is not None:
        body["errors"] = [dict(e) for e in errors]
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers or {}))


def _path(loc: Sequence[int | str]) -> str:
    """``("body", "years", 0, "year")`` -> ``years[0].year``; parameters keep where they came from:
    ``query.limit``, ``header.idempotency-key``, ``path.plan_id``."""
    parts = list(loc)
    out = ""
    if parts and parts[0] == "body":
        parts = parts[1:]
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(root)"


def _request_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    errors = []
    for err in exc.errors():
        rule = str(err.get("type", "invalid"))
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        loc = tuple(err.get("loc", ()))
        if rule == "json_invalid":
            loc = ("body",)
            message = f"the body is not valid JSON: {err.get('ctx', {}).get('error', message)}"
        elif rule == "missing":
            message = "required field is missing"
        elif rule == "extra_forbidden":
            message = f"unknown field {loc[-1]!r}" if loc else message
        zh = translate(rule, message, err.get("ctx"), str(loc[-1]) if loc else "")
        errors.append({**issue(_path(loc), rule, message), "message_zh": zh, "message_en": message})
    return errors


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        request, exc.status, exc.slug, exc.title, exc.detail, errors=exc.errors, headers=exc.headers, extra=exc.extra
    )


async def _on_request_invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _request_errors(exc)
    first = errors[0] if errors else issue("(root)", "invalid", "invalid request")
    detail = f"{first['path']}: {first['message']}" + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
    return problem_response(request, 422, "request-invalid", "Request invalid", detail, errors=errors)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug, title = _HTTP_TITLES.get(exc.status_code, ("http-error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    headers = dict(exc.headers or {})
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"there is no route {request.url.path}（没有此路径）"
    if exc.status_code == 405:
        allowed = _allowed_methods(request)
        headers["Allow"] = ", ".join(allowed)
        detail = f"{request.method} is not allowed here; use {', '.join(allowed)}（此路径不支持 {request.method}）"
    return problem_response(request, exc.status_code, slug, title, detail, headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route of this path answers, from the OpenAPI document (Starlette's 405 names only the
    methods of the first route that matches the path)."""
    methods: set[str] = set()
    for template, item in request.app.openapi().get("paths", {}).items():
        regex, _, _ = compile_path(template)
        if regex.match(request.url.path):
            methods |= {m.upper() for m in item if m in ("get", "put", "post", "delete", "patch")}
    return sorted(methods)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    _log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        request, 500, "internal-error", "Internal error", "the service failed; the error is in its log"
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_request_invalid)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)
