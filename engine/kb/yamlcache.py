"""A cache of parsed knowledge-base files, keyed by the file's bytes.

Parsing the knowledge base's YAML is most of its load time (PyYAML resolves and constructs every scalar in
Python, also over libyaml). The parsed data of a file depend on its bytes alone, so they are kept, after a
successful strict parse (duplicate keys refused: a file that fails is never cached), under the SHA-256 of those
bytes, in Python's ``marshal`` format (the plain types YAML gives: dict, list, str, int, float, bool, None), in
``$SMART_AUDIT_CACHE_DIR`` or else ``$XDG_CACHE_HOME/smart-audit`` (``~/.cache/smart-audit``). Validation of the
knowledge base runs on every load, cached or not. ``SMART_AUDIT_CACHE_DIR=off`` turns the cache off; a cache that
cannot be written, or a file in it that cannot be read, is passed over (the file is parsed as before). Entries are
keyed also by PyYAML's version and the loader's code, so a change to either parses again. The knowledge base's
hash is of the files' bytes, not of the cached data: keep the cache folder private to the service's user (the
default is under its home).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

__all__ = ["MISS", "cache_dir", "entry", "get", "put"]

MISS = object()
_FORMAT = "1"  # bump when the loader's output for the same bytes changes (yamlio.py's constructors)


def cache_dir() -> Path | None:
    configured = os.environ.get("SMART_AUDIT_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "none") else Path(configured) / "yaml"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "smart-audit" / "yaml"


def _loader_version() -> str:
    """What else decides the parsed data: PyYAML's version and the loader's own code (yamlio.py), by hash."""
    source = (Path(__file__).with_name("yamlio.py")).read_bytes()
    loader = hashlib.sha256(source + yaml.__version__.encode()).hexdigest()[:16]
    return f"{_FORMAT}-py{sys.version_info[0]}{sys.version_info[1]}-m{marshal.version}-{loader}"


_VERSION = _loader_version()


def entry(data: bytes) -> Path | None:
    """Where the parsed data of a file with these bytes are kept (None: the cache is off)."""
    root = cache_dir()
    if root is None:
        return None
    return root / _VERSION / (hashlib.sha256(data).hexdigest() + ".marshal")


def get(path: Path | None) -> Any:
    """The data kept at ``path`` (from :func:`entry`), or ``MISS``."""
    if path is None:
        return MISS
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return MISS


def put(path: Path | None, value: Any) -> None:
    if path is None:
        return
    tmp: str | None = None
    try:
        blob = marshal.dumps(value)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as out:
            out.write(blob)
        os.replace(tmp, path)  # whole or not at all: a reader never sees half a file
    except (OSError, ValueError):
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # a write that failed leaves no temporary file behind
