from __future__ import annotations

from pathlib import Path

import pytest

from engine.kb.loader import DEFAULT_KB_PATH, KnowledgeBase, load_kb

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The real, bundled knowledge base."""
    return load_kb(DEFAULT_KB_PATH)


@pytest.fixture(scope="session")
def minimal_kb_path() -> Path:
    return TESTS / "kb" / "minimal_kb"
