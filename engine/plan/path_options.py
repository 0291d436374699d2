"""The cheapest-path search's options, importable without the solver (the command line builds its parser from
them without loading HiGHS and numpy)."""

from __future__ import annotations

__all__ = ["DEFAULT_LIMIT", "OBJECTIVES"]

OBJECTIVES = ("investment", "payback", "co2")
DEFAULT_LIMIT = 300  # verifications (projection + evaluation of one selection) per search; this system's choice
