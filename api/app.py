"""The recommendation service: ``create_app(settings)`` builds the FastAPI application.

Startup runs the database migrations (``upgrade head``) and loads the knowledge base, in the background by
default (``/readyz`` answers 503 until it is loaded). SIGHUP reloads the knowledge base beside the one in use.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

import anyio
from fastapi import FastAPI

from api import migrate
from api.db import make_engine, make_sessions
from api.docs import install_docs
from api.guard import RateLimit, RequestGuard
from api.kbstate import KbHolder
from api.middleware import AuditLog, BodySizeLimit
from api.openapi import install_openapi
from api.problems import install_problem_handlers
from api.reports import ReportPool
from api.routers import acceptances, cohorts, health, inspections, kb, keys, manual, plans
from api.settings import Settings
from api.slots import CpuSlots
from api.ui import install_ui

__all__ = ["app_from_env", "create_app"]

_log = logging.getLogger("smart_audit.api")

DESCRIPTION = """\
Turns a printed-circuit-board factory's cleaner-production self-inspection into an evaluated level, explained
findings and an implementation plan (清洁生产智慧审核推荐服务).

Authenticate with an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`. Errors are
`application/problem+json` (RFC 9457); invalid input lists `errors: [{path, rule, message}]`. POSTs that create a
record accept `Idempotency-Key`. Records outside the caller's scope answer 404.
"""

TAGS = [
    {"name": "manual", "description": "the self-inspection manual and its JSON Schema"},
    {"name": "self-inspections", "description": "submit, read and list self-inspections (immutable)"},
    {"name": "plans", "description": "plans, their trace, replay and review notes (immutable)"},
    {
        "name": "acceptances",
        "description": "simple acceptance of a plan: checklist, evidence, verification (append-only, hash-chained)",
    },
    {"name": "achievements", "description": "verified outcomes by measure code (medians across acceptances)"},
    {
        "name": "cohorts",
        "description": "cohorts of stored self-inspections (整体审核): create, list, read, evaluate, report; an "
        "enterprise's own position against anonymised peers",
    },
    {"name": "knowledge base", "description": "version, graph, indicators, options, rules, sources; reload"},
    {"name": "keys", "description": "API keys (admin)"},
    {"name": "health", "description": "liveness and readiness"},
]


def _version() -> str:
    try:
        return version("smart-audit")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


def _install_sighup(holder: KbHolder) -> Callable[[], None] | None:
    """Reload on SIGHUP, in a thread. Only the main thread may handle signals (not under a TestClient)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
        return None
    loop = asyncio.get_running_loop()

    def on_hup() -> None:
        _log.info("SIGHUP: reloading the knowledge base from %s", holder.path)
        threading.Thread(target=holder.load, name="smart-audit-kb-reload", daemon=True).start()

    try:
        loop.add_signal_handler(signal.SIGHUP, on_hup)
    except (NotImplementedError, RuntimeError, ValueError):  # pragma: no cover - platform without it
        return None

    def remove() -> None:
        loop.remove_signal_handler(signal.SIGHUP)

    return remove


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    sessions = make_sessions(engine)
    holder = KbHolder(settings.kb_path, settings.kb_history, roots=settings.kb_roots)
    reports = ReportPool(settings.report_workers, settings.report_queue)
    slots = CpuSlots(settings.plan_slots)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_startup:
            await anyio.to_thread.run_sync(migrate.upgrade, engine)
        if settings.kb_load_in_background:
            holder.load_in_background()
        else:
            await anyio.to_thread.run_sync(holder.load)
        remove_sighup = _install_sighup(holder) if settings.sighup_reload else None
        try:
            yield
        finally:
            if remove_sighup is not None:
                remove_sighup()
            engine.dispose()

    app = FastAPI(
        title="smart-audit recommendation service",
        summary="Cleaner-production self-inspection in, evaluated level and implementation plan out",
        description=DESCRIPTION,
        version=_version(),
        openapi_tags=TAGS,
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc from local assets (api/docs.py), no CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.kb = holder
    app.state.reports = reports
    app.state.slots = slots
    install_problem_handlers(app)
    for module in (manual, inspections, plans, cohorts, acceptances, kb, keys, health):
        app.include_router(module.router)
    install_ui(app)
    install_docs(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)  # routes outside /v1
    app.add_middleware(RequestGuard, max_bytes=settings.max_body_bytes, read_timeout=settings.body_read_timeout)
    app.add_middleware(RateLimit, rate=settings.rate_limit_per_second, burst=settings.rate_limit_burst)
    app.add_middleware(AuditLog, sessions=sessions)  # outermost: 400s, 413s and 429s are logged too
    install_openapi(app)
    return app


def app_from_env() -> FastAPI:
    """The application configured from the environment: uvicorn's factory for ``--workers N``."""
    return create_app(Settings())
