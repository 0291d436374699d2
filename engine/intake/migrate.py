"""Schema versions of the self-inspection and the migration of older files to the current one.

Version "2" (current) adds, all optional: unknown waste destinations (``"unknown"``), custom waste streams
(``stream: "custom"`` with ``name``) and the national hazardous-waste code (``hw_code``) on every waste, exhaust
sources with their ordered treatment chain (``exhaust_sources``), monitoring samples per outlet
(``outlets[].samples``), the discharge route (``wastewater.discharge_route``), the plant pass rate
(``years[].pass_rate``), a step's chemistry (``process[].chemistry``) and why a step is not run
(``process[].absent_reason``). Route checks that real plants break became warnings.

Migration "1" -> "2": nothing of a version-1 file changes meaning; every version-1 field is a version-2 field with
the same meaning, so the migration sets ``schema_version`` to "2" and keeps everything else as it is. A file without
``schema_version`` is a version-1 file (version 1 made the field optional). Any other version is left for
validation to refuse (rule ``literal_error`` at ``schema_version``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SUPPORTED_VERSIONS", "migrate"]

SCHEMA_VERSION = "2"


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "schema_version": "2"}


# from-version -> (to-version, step); applied in turn until the current version
MIGRATIONS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {"1": ("2", _v1_to_v2)}
SUPPORTED_VERSIONS = (*MIGRATIONS, SCHEMA_VERSION)


def migrate(data: Any) -> Any:
    """The self-inspection ``data`` in the current schema version; a pure function (``data`` is not changed).

    Anything that is not a mapping, or has a version this module does not know, is returned unchanged so that
    validation reports it."""
    if not isinstance(data, Mapping):
        return data
    out = dict(data)
    version = out.get("schema_version", "1")
    if not isinstance(version, str):
        return out
    while version in MIGRATIONS:
        version, step = MIGRATIONS[version]
        out = step(out)
    return out
