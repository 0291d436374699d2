"""Web sessions: the API key posted to /ui/login becomes a signed, HttpOnly, SameSite=Lax cookie naming the key
(its id, never the secret) and a CSRF token; every form carries the token and every POST checks it.

The caller of a page is built by :func:`api.keys.principal_of` from the key record, read on every request, so
revoking the key ends its web sessions at once; the roles and scopes are those of api/access.py.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from api import keys
from api.access import Principal

__all__ = ["COOKIE", "LANG_COOKIE", "UiLogin", "UiSession", "UiSessionDep", "lang_of", "serializer"]

COOKIE = "sa_session"
LANG_COOKIE = "sa_lang"
_FALLBACK_SECRET = secrets.token_urlsafe(32)


class UiLogin(Exception):
    """Raised by a page whose visitor has no valid session: answered with a redirect to /ui/login."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def serializer(request: Request) -> URLSafeTimedSerializer:
    secret = request.app.state.settings.ui_secret or _FALLBACK_SECRET
    return URLSafeTimedSerializer(secret, salt="smart-audit-ui-session")


def lang_of(request: Request) -> str:
    """?lang=en|zh, else the language cookie, else Chinese."""
    lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "zh"
    return "en" if lang == "en" else "zh"


@dataclass(frozen=True)
class UiSession:
    principal: Principal
    csrf: str
    lang: str

    def check_csrf(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf, str(token))


def read_session(request: Request) -> UiSession | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    max_age = request.app.state.settings.ui_session_hours * 3600
    try:
        data = serializer(request).loads(raw, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("k"), str) or not isinstance(data.get("c"), str):
        return None
    with request.app.state.sessions() as session:
        principal = keys.principal_of(session, data["k"])
    if principal is None:
        return None
    return UiSession(principal, data["c"], lang_of(request))


def session_cookie(request: Request, key_id: str) -> str:
    return serializer(request).dumps({"k": key_id, "c": secrets.token_urlsafe(24)})


def require_session(request: Request) -> UiSession:
    found = read_session(request)
    if found is None:
        raise UiLogin(str(request.url.path))
    return found


UiSessionDep = Annotated[UiSession, Depends(require_session)]
