"""Run the service with uvicorn. One process answers one inference at a time (durable_rules sessions are
serialised by a lock), so throughput scales with ``--workers``: with more than one, uvicorn starts each worker
from the import string ``api.app:app_from_env`` and the settings travel as environment variables."""

from __future__ import annotations

import copy
import os
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from api import migrate
from api.app import create_app
from api.db import make_engine
from api.settings import Settings

__all__ = ["serve"]


def _export(settings: Settings) -> None:
    """Hand the settings to worker processes, which read them from the environment."""
    os.environ["SMART_AUDIT_DATABASE_URL"] = settings.database_url
    if settings.kb_path is not None:
        os.environ["SMART_AUDIT_KB"] = str(settings.kb_path)
    os.environ["SMART_AUDIT_MAX_BODY_BYTES"] = str(settings.max_body_bytes)
    os.environ["SMART_AUDIT_KB_LOAD_IN_BACKGROUND"] = str(settings.kb_load_in_background).lower()
    os.environ["SMART_AUDIT_KB_HISTORY"] = str(settings.kb_history)
    os.environ["SMART_AUDIT_SIGHUP_RELOAD"] = str(settings.sighup_reload).lower()
    os.environ["SMART_AUDIT_REPLAY_MAX_DIFFERENCES"] = str(settings.replay_max_differences)


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, plus the service's own logger (knowledge-base loads and reloads, audit-log failures)."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["smart_audit"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def serve(settings: Settings, *, host: str, port: int, workers: int, log_level: str = "info") -> None:
    if workers <= 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, log_config=_log_config())
        return
    if settings.migrate_on_startup:  # once, here, rather than racing in every worker
        engine = make_engine(settings.database_url)
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
    _export(settings)
    os.environ["SMART_AUDIT_MIGRATE_ON_STARTUP"] = "false"
    uvicorn.run(
        "api.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        log_config=_log_config(),
    )
