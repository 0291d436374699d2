"""ASGI middleware: the request-body size limit and the audit log.

The audit log gets one row per request to ``/v1``: who (API key id and role, or none when the key was missing or
wrong), the action (the route's function name), the resource (the path, or the record a POST created), the status
and its outcome, and the time. It is written after the answer, in its own transaction; if that write fails the
failure is logged and the answer stands.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import anyio
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.access import Principal
from api.orm import AuditEntry, utcnow
from api.problems import PROBLEM_JSON, problem_type

__all__ = ["PRINCIPAL_SCOPE_KEY", "RESOURCE_SCOPE_KEY", "AuditLog", "BodySizeLimit", "outcome_of"]

PRINCIPAL_SCOPE_KEY = "smart_audit.principal"
RESOURCE_SCOPE_KEY = "smart_audit.resource"
_log = logging.getLogger("smart_audit.api")


class BodySizeLimit:
    """413 (problem+json) for a body over ``max_bytes``: at once by Content-Length, else while it streams in."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> str:
        return f"the request body is larger than the limit of {self.max_bytes} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            try:
                too_large = int(length) > self.max_bytes
            except ValueError:
                too_large = False
            if too_large:
                await _send_problem(scope, send, 413, "body-too-large", "Request body too large", self._too_large())
                return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, self._too_large())
            return message

        await self.app(scope, limited, send)


async def _send_problem(scope: Scope, send: Send, status: int, slug: str, title: str, detail: str) -> None:
    body = json.dumps(
        {"type": problem_type(slug), "title": title, "status": status, "detail": detail, "instance": scope["path"]}
    ).encode()
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def outcome_of(status: int) -> str:
    if status < 400:
        return "ok"
    return {401: "unauthenticated", 403: "forbidden", 404: "not_found", 409: "conflict"}.get(
        status, "error" if status >= 500 else "rejected"
    )


class AuditLog:
    """Writes one audit row per request whose path starts with ``prefix``."""

    def __init__(self, app: ASGIApp, sessions: sessionmaker[Session], prefix: str = "/v1") -> None:
        self.app = app
        self.sessions = sessions
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # every path starting /v1, malformed ones (/v1x, /v1//plans, NUL, bad UTF-8) included
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            entry = _entry(scope, status)
            await anyio.to_thread.run_sync(self._write, entry)

    def _write(self, entry: AuditEntry) -> None:
        try:
            with self.sessions() as session:
                session.add(entry)
                session.commit()
        except Exception:  # the answer is sent; losing an audit row must be loud, not fatal
            _log.exception("audit log write failed for %s %s", entry.method, entry.resource)


def _storable(text: str) -> str:
    """``text`` as every database stores it: NUL and lone surrogates written as escapes (malformed paths are
    logged too)."""
    return text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


def _entry(scope: Scope, status: int) -> AuditEntry:
    principal: Principal | None = scope.get(PRINCIPAL_SCOPE_KEY)
    endpoint: Any = scope.get("endpoint")
    return AuditEntry(
        at=utcnow(),
        key_id=principal.key_id if principal else None,
        role=principal.role.value if principal else None,
        action=_storable(getattr(endpoint, "__name__", "unrouted"))[:100],
        method=_storable(str(scope.get("method", "")))[:10],
        resource=_storable(str(scope.get(RESOURCE_SCOPE_KEY) or scope.get("path", "")))[:500],
        status=status,
        outcome=outcome_of(status),
    )
