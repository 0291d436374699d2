"""ASGI middleware that refuses bad requests before any route sees them, cheaply and always as problem+json.

:class:`RequestGuard` (per request to ``/v1``):

- the path and the query must be UTF-8 text without NUL or lone surrogates (400, naming ``path`` or
  ``query.<name>``);
- the body is read whole (it is at most ``max_bytes``: 413 beyond, by Content-Length at once or as it streams in)
  within ``read_timeout`` seconds per chunk (408 for a client that stops sending);
- a JSON body is parsed strictly, the way the command line reads files (:mod:`engine.intake.rawinput`): UTF-8
  BOM skipped, duplicate keys, NaN, nesting deeper than 64 levels, NUL and lone surrogates refused (422, naming the
  field), so that nothing downstream (validation, the idempotency hash, the database) meets them.

:class:`RateLimit`: a token bucket per client (its address), ``rate`` requests per second with bursts of ``burst``;
beyond, 429 with ``Retry-After``. A bucket unused for a minute is dropped.
"""

from __future__ import annotations

import json
import math
import threading
import time
from typing import Any
from urllib.parse import unquote_to_bytes

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_JSON, problem_type
from engine.intake.rawinput import loads_json, text_problem
from engine.intake.validate import SelfInspectionInvalid

__all__ = ["JSON_SCOPE_KEY", "RateLimit", "RequestGuard", "send_problem"]

JSON_SCOPE_KEY = "smart_audit.json"  # the strictly parsed JSON body, for routes that read it themselves
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def send_problem(
    scope: Scope,
    send: Send,
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    body_data: dict[str, Any] = {
        "type": problem_type(slug),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": _printable(str(scope.get("path", ""))),
    }
    if errors is not None:
        body_data["errors"] = errors
    body = json.dumps(body_data, ensure_ascii=False).encode()
    raw_headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


def _printable(text: str) -> str:
    """``text`` as it can be stored and encoded: NUL and lone surrogates written as escapes."""
    return text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


def _field_error(path: str, rule: str, en: str, zh: str) -> dict[str, str]:
    return {"path": path, "rule": rule, "message": en, "message_zh": zh, "message_en": en}


def _bad_text(raw: bytes) -> tuple[str, str, str] | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return (
            "not_utf8",
            "not UTF-8 text (a lone surrogate or invalid bytes)",
            "不是 UTF-8 文本（孤立代理项或无效字节）",
        )
    return text_problem(text)


def _url_problem(scope: Scope) -> dict[str, str] | None:
    raw_path = scope.get("raw_path") or str(scope.get("path", "")).encode("utf-8", "surrogateescape")
    found = _bad_text(unquote_to_bytes(bytes(raw_path)))
    if found is None and text_problem(str(scope.get("path", ""))) is not None:
        found = text_problem(str(scope.get("path", "")))
    if found is not None:
        return _field_error("path", *found)
    for part in bytes(scope.get("query_string") or b"").split(b"&"):
        name, _, value = part.partition(b"=")
        name_b = unquote_to_bytes(name.replace(b"+", b" "))
        found = _bad_text(name_b) or _bad_text(unquote_to_bytes(value.replace(b"+", b" ")))
        if found is not None:
            label = name_b.decode("utf-8", "backslashreplace").replace("\x00", "\\x00")
            return _field_error(f"query.{label}", *found)
    return None


def _is_json(scope: Scope) -> bool:
    headers: dict[bytes, bytes] = dict(scope.get("headers") or [])
    media = headers.get(b"content-type", b"application/json").split(b";")[0].strip().lower()
    return media == b"application/json" or media.endswith(b"+json")


class RequestGuard:
    """Checks the URL of every ``/v1`` request, reads its body under a size and time limit, parses JSON strictly."""

    def __init__(self, app: ASGIApp, max_bytes: int, read_timeout: float, prefix: str = "/v1") -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout = read_timeout
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        bad = _url_problem(scope)
        if bad is not None:
            await send_problem(
                scope, send, 400, "bad-request", "Bad request", f"{bad['path']}: {bad['message']}", errors=[bad]
            )
            return
        if scope.get("method") not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        body = await self._read(scope, receive, send)
        if body is None:
            return
        if body and _is_json(scope):
            try:
                scope[JSON_SCOPE_KEY] = loads_json(body)
            except SelfInspectionInvalid as exc:
                errors = [e.as_dict() for e in exc.errors]
                first = exc.errors[0]
                await send_problem(
                    scope,
                    send,
                    422,
                    "request-invalid",
                    "Request invalid",
                    f"{first.path}: {first.message_en}（{first.message_zh}）",
                    errors=errors,
                )
                return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect

        await self.app(scope, replay, send)

    def _too_large(self) -> str:
        limit = self.max_bytes
        return f"the request body is larger than the limit of {limit} bytes（请求体超过 {limit} 字节的上限）"

    async def _read(self, scope: Scope, receive: Receive, send: Send) -> bytes | None:
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await send_problem(scope, send, 413, "body-too-large", "Request body too large", self._too_large())
            return None
        chunks: list[bytes] = []
        received = 0
        while True:
            try:
                with anyio.fail_after(self.read_timeout):
                    message = await receive()
            except TimeoutError:
                detail = (
                    f"the request body did not arrive within {self.read_timeout:g} s"
                    f"（请求体未在 {self.read_timeout:g} 秒内送达）"
                )
                await send_problem(scope, send, 408, "request-timeout", "Request timeout", detail)
                return None
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                await send_problem(scope, send, 413, "body-too-large", "Request body too large", self._too_large())
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


class RateLimit:
    """A token bucket per client address for requests to ``/v1``; ``rate`` 0 turns it off."""

    def __init__(self, app: ASGIApp, rate: float, burst: int, prefix: str = "/v1") -> None:
        self.app = app
        self.rate = rate
        self.burst = max(burst, 1)
        self.prefix = prefix
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, at)
        self._lock = threading.Lock()
        self._swept = time.monotonic()

    def _take(self, client: str) -> float:
        """0 if a token was taken, else the seconds until one is available."""
        now = time.monotonic()
        with self._lock:
            if now - self._swept > 60:
                idle = now - 60
                self._buckets = {k: v for k, v in self._buckets.items() if v[1] > idle}
                self._swept = now
            tokens, at = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.rate <= 0 or scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self._take(str(client[0]) if client else "-")
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            await send_problem(
                scope,
                send,
                429,
                "rate-limited",
                "Too many requests",
                f"more than {self.rate:g} requests per second from this client; retry after {seconds} s"
                f"（请求过于频繁，请 {seconds} 秒后重试）",
                headers={"Retry-After": str(seconds)},
            )
            return
        await self.app(scope, receive, send)
