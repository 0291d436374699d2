"""Run every benchmark and print the results as JSON (copy notable runs into benchmarks/RESULTS.md)."""

from __future__ import annotations

from benchmarks import cohort, inference, memory, pdf, plan, service

status = plan.main([]) or inference.main([]) or memory.main([]) or pdf.main([]) or cohort.main([])
raise SystemExit(status or service.main([]))
