from __future__ import annotations

from pathlib import Path

import pytest

from engine.kb.loader import DEFAULT_KB_PATH, KnowledgeBase, load_kb

TESTS = Path(__file__).resolve().parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files of tests/golden instead of comparing with them",
    )


@pytest.fixture(scope="session")
def regen_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen-golden"))


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The real, bundled knowledge base."""
    return load_kb(DEFAULT_KB_PATH)


@pytest.fixture(scope="session")
def minimal_kb_path() -> Path:
    return TESTS / "kb" / "minimal_kb"
