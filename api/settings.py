"""The service's settings: one pydantic-settings class, read from the environment (``SMART_AUDIT_*``).

``DATABASE_URL`` is also honoured, as platforms set it; ``SMART_AUDIT_KB`` is the same variable the command line
and the engine read for the knowledge-base folder.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_DATABASE_URL", "Settings"]

DEFAULT_DATABASE_URL = "sqlite:///./smart-audit.sqlite3"


class Settings(BaseSettings):
    """Settings of the recommendation service (environment variables ``SMART_AUDIT_<NAME>``)."""

    model_config = SettingsConfigDict(env_prefix="SMART_AUDIT_", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("SMART_AUDIT_DATABASE_URL", "DATABASE_URL", "database_url"),
        description="SQLAlchemy URL: sqlite:///path (default ./smart-audit.sqlite3) or postgresql://user@host/db",
    )
    kb_path: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("SMART_AUDIT_KB", "kb_path"),
        description="knowledge-base folder (default: the bundled knowledge_base/)",
    )
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024, description="request bodies above this get 413")
    migrate_on_startup: bool = Field(default=True, description="run the Alembic migrations (upgrade head) at startup")
    kb_load_in_background: bool = Field(
        default=True, description="load the knowledge base after startup; /readyz answers 503 until it is loaded"
    )
    kb_history: int = Field(default=3, ge=1, description="knowledge-base versions kept in memory for exact replays")
    sighup_reload: bool = Field(default=True, description="reload the knowledge base on SIGHUP (main thread only)")
    ui_secret: str = Field(
        default="",
        description="secret signing the web pages' session cookies (/ui); empty: a random one per process, so set "
        "it when running several workers",
    )
    ui_session_hours: int = Field(default=12, ge=1, le=24 * 30, description="a web session lasts this long")
    replay_max_differences: int = Field(default=50, ge=1, description="differences listed by a replay")
    body_read_timeout: float = Field(
        default=30.0, gt=0, description="seconds a client may take to send each part of a request body (else 408)"
    )
    rate_limit_per_second: float = Field(
        default=50.0, ge=0, description="requests per second per client address to /v1 (0: no limit); else 429"
    )
    rate_limit_burst: int = Field(default=200, ge=1, description="requests a client may send at once before the rate")
    report_workers: int = Field(default=2, ge=1, description="threads rendering reports (HTML, PDF) at once")
    plan_slots: int = Field(
        default=1,
        ge=1,
        description="requests of one worker process validating and planning at once (CPU-bound work: api/slots.py)",
    )
    report_queue: int = Field(default=8, ge=0, description="reports waiting for a renderer before 503")
    kb_roots: list[Path] = Field(
        default_factory=list,
        description="folders a reload may load a knowledge base from (default: the folder holding the configured one)",
    )
