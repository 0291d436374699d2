"""Run every benchmark and print the results as JSON (copy notable runs into benchmarks/RESULTS.md)."""

from __future__ import annotations

from benchmarks.inference import main

raise SystemExit(main())
