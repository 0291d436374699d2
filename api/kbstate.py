"""The knowledge base the service answers with, and its reload.

A new knowledge base is loaded beside the one in use (load, validate, build and check the process graph, compile
the rules) and only then swapped in; if any step fails, the old one keeps serving and the failure, with its issues,
is kept for ``GET /v1/kb`` and the reload's answer. The last few knowledge bases stay in memory by hash, so a plan
made with one of them can be replayed exactly.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from api import heap
from api.orm import utcnow
from engine.errors import KnowledgeBaseError, SmartAuditError
from engine.graph import ProcessGraph, build_graph
from engine.inference.run import program_for
from engine.kb.loader import KnowledgeBase, default_kb_path, load_kb
from engine.kb.summary import check_graph

__all__ = ["KbHolder", "LoadReport", "LoadedKb"]

_log = logging.getLogger("smart_audit.api")


@dataclass(frozen=True)
class LoadedKb:
    kb: KnowledgeBase
    graph: ProcessGraph
    path: Path
    loaded_at: datetime

    @property
    def version(self) -> str:
        return self.kb.version.version

    @property
    def hash(self) -> str:
        return self.kb.version.hash


@dataclass(frozen=True)
class LoadReport:
    """The outcome of one load: what was asked, whether it is now served, and every issue if not."""

    ok: bool
    path: str
    at: datetime
    version: str | None = None
    hash: str | None = None
    issues: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "path": self.path,
            "at": self.at.isoformat(),
            "version": self.version,
            "hash": self.hash,
            "issues": self.issues,
        }


class KbHolder:
    """Holds the knowledge base in use; thread-safe. Readers take :attr:`current` (one attribute read)."""

    def __init__(self, path: Path | None, history: int = 3, roots: list[Path] | None = None) -> None:
        self.path = path or default_kb_path()
        self.roots = [Path(r).resolve() for r in roots] if roots else [self.path.resolve().parent]
        self._history_size = history
        self._history: OrderedDict[str, LoadedKb] = OrderedDict()
        self._load_lock = threading.Lock()
        self.current: LoadedKb | None = None
        self.loading = False
        self.last_report: LoadReport | None = None
        self.loader: threading.Thread | None = None  # the background load, if one was started

    def by_hash(self, kb_hash: str) -> LoadedKb | None:
        return self._history.get(kb_hash)

    def in_memory(self) -> list[LoadedKb]:
        """The knowledge bases kept for exact replays, oldest first."""
        return list(self._history.values())

    def requested(self, path: str) -> Path | None:
        """The folder a reload asks for: a relative path is taken inside the first root; None if outside them."""
        if not path.strip() or "\x00" in path:
            return None
        target = Path(path) if Path(path).is_absolute() else self.roots[0] / path
        return target if self.root_of(target) is not None else None

    def root_of(self, path: Path | str) -> Path | None:
        """The configured root holding ``path`` (after resolving links and ``..``), or None if none does."""
        try:
            resolved = Path(path).resolve()
        except (OSError, RuntimeError, ValueError):
            return None
        for root in self.roots:
            if resolved == root or root in resolved.parents:
                return root
        return None

    def shown(self, path: Path | str) -> str:
        """How a knowledge-base folder is named to clients: relative to its root, never the server's full path."""
        root = self.root_of(path)
        if root is None:
            return Path(path).name
        relative = Path(path).resolve().relative_to(root)
        return str(relative) if str(relative) != "." else root.name

    def load(self, path: Path | str | None = None) -> LoadReport:
        """Load the knowledge base at ``path`` (default: the configured one) beside the current one."""
        target = Path(path) if path is not None else self.path
        with self._load_lock:
            self.loading = True
            try:
                report = self._load(target)
            finally:
                self.loading = False
            self.last_report = report
        return report

    def _load(self, target: Path) -> LoadReport:
        try:
            kb = load_kb(target)
            graph = build_graph(kb)
            problems = check_graph(kb, graph)
            if problems:
                raise KnowledgeBaseError(problems)
            program_for(kb)  # compile the rules now, not on the first request
        except KnowledgeBaseError as exc:
            _log.error("knowledge base at %s not loaded: %d issue(s)", target, len(exc.issues))
            issues = [
                {
                    "file": self._hide(i.file, target),
                    "path": i.path,
                    "message": self._hide(i.message, target),
                    "fix": i.fix,
                }
                for i in exc.issues
            ]
            return LoadReport(False, self.shown(target), utcnow(), issues=issues)
        except (SmartAuditError, OSError, ValueError) as exc:
            _log.error("knowledge base at %s not loaded: %s", target, exc)
            message = self._hide(str(exc), target)
            issues = [{"file": self.shown(target), "path": "", "message": message, "fix": ""}]
            return LoadReport(False, self.shown(target), utcnow(), issues=issues)
        loaded = LoadedKb(kb, graph, target, utcnow())
        self._history[loaded.hash] = loaded
        self._history.move_to_end(loaded.hash)
        while len(self._history) > self._history_size:
            self._history.popitem(last=False)
        # the knowledge bases kept live as long as the service: their objects out of the cyclic collector's scans
        # (cyclic GC was about 11 % of a plan's time), the young generation collected less often (api/heap.py)
        heap.settle()
        self.current = loaded
        _log.info("knowledge base %s (%s) loaded from %s", loaded.version, loaded.hash, target)
        return LoadReport(True, self.shown(target), loaded.loaded_at, loaded.version, loaded.hash)

    def _hide(self, text: str, target: Path) -> str:
        """``text`` with the server's paths of the folder and its root replaced by the name shown to clients."""
        for full, name in ((str(target.resolve()), self.shown(target)), (str(target), self.shown(target))):
            text = text.replace(full, name)
        for root in self.roots:
            text = text.replace(str(root), root.name)
        return text

    def load_in_background(self) -> threading.Thread:
        self.loading = True
        self.loader = threading.Thread(target=self.load, name="smart-audit-kb-load", daemon=True)
        self.loader.start()
        return self.loader
