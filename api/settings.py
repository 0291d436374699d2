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
