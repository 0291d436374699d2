"""The web pages (/ui): server-rendered Jinja2 on the same app, with the API's keys, roles and scopes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.ui import pages_acceptances, pages_auth, pages_cohorts, pages_inspections, pages_plans, pages_review
from api.ui.common import CsrfFailed, RoleRefused
from api.ui.session import UiLogin, read_session
from api.ui.templating import page

__all__ = ["install_ui"]


def install_ui(app: FastAPI) -> None:
    for module in (pages_auth, pages_inspections, pages_plans, pages_review, pages_cohorts, pages_acceptances):
        app.include_router(module.router)
    app.mount("/ui/static", StaticFiles(directory=Path(__file__).parent / "static"), name="ui-static")

    @app.exception_handler(UiLogin)
    async def _login(_request: Request, exc: UiLogin) -> Response:
        return RedirectResponse(f"/ui/login?next={exc.next_url}", status_code=303)

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, _exc: CsrfFailed) -> Response:
        return page(request, "message.html.j2", read_session(request), status_code=403, message_key="csrf_failed")

    @app.exception_handler(RoleRefused)
    async def _role(request: Request, _exc: RoleRefused) -> Response:
        return page(request, "message.html.j2", read_session(request), status_code=403, message_key="forbidden")
