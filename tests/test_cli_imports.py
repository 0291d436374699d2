"""`smart-audit evaluate` in a fresh process loads neither the solver (HiGHS, numpy) nor networkx: the command line
builds its parser and evaluates without them (issue #17: evaluate within 1 s)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_evaluate_loads_no_solver_and_no_graph_library() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from api.cli import main\n"
        "sys.argv = ['smart-audit', 'evaluate', 'examples/demo_double_multilayer_mid.json']\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main() == 0\n"
        "print(sorted(m for m in ('highspy', 'numpy', 'networkx') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
