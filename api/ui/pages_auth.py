"""Sign-in (an API key posted to /ui/login becomes the session cookie), sign-out and the home page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api import keys
from api.access import Role
from api.ui.common import check_form
from api.ui.session import COOKIE, UiSessionDep, read_session, session_cookie
from api.ui.templating import page

__all__ = ["router"]

router = APIRouter(prefix="/ui", include_in_schema=False)


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/ui/") and not target.startswith("//") else "/ui/"


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return page(request, "login.html.j2", None, next=_safe_next(next), failed=False)


@router.post("/login")
def login(
    request: Request, api_key: Annotated[str, Form(max_length=200)], next: Annotated[str, Form()] = ""
) -> Response:
    with request.app.state.sessions() as session:
        principal = keys.authenticate(session, api_key)
    if principal is None:
        return page(request, "login.html.j2", None, status_code=401, next=_safe_next(next), failed=True)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        session_cookie(request, principal.key_id),
        max_age=request.app.state.settings.ui_session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/ui",
    )
    return response


@router.post("/logout")
async def logout(request: Request, ui: UiSessionDep) -> Response:
    await check_form(request, ui)
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(COOKIE, path="/ui")
    return response


@router.get("/")
def home(request: Request) -> Response:
    ui = read_session(request)
    if ui is None:
        return RedirectResponse("/ui/login", status_code=303)
    if ui.principal.role is Role.auditor:
        return RedirectResponse("/ui/review", status_code=303)
    if ui.principal.role is Role.bureau:
        return RedirectResponse("/ui/cohorts", status_code=303)
    if ui.principal.role is Role.admin:
        return page(request, "home.html.j2", ui, inspections=[], plans={})
    from api.store import Filters, list_inspections, list_plans

    with request.app.state.sessions() as session:
        rows, _ = list_inspections(session, ui.principal, Filters(), 50, 0)
        plans, _ = list_plans(session, ui.principal, Filters(), 200, 0)
    by_si: dict[str, str] = {}
    for p in plans:
        by_si.setdefault(p.self_inspection_id, p.id)
    return page(request, "home.html.j2", ui, inspections=rows, plans=by_si)
