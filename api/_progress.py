"""One progress line on stderr before the command line's slow work (a PDF, a Word file, a cohort report): it
never goes to stdout, so that ``--json`` and text piped onward stay clean."""

from __future__ import annotations

import sys

__all__ = ["progress_line"]


def progress_line(lang: str, zh: str, en: str) -> None:
    """Print ``zh`` or ``en`` (by ``lang``) to stderr at once (flushed: the work that follows takes seconds)."""
    print(zh if lang == "zh" else en, file=sys.stderr, flush=True)
