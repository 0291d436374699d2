"""How a source is cited in a report: the document (title, issuer, year, number, URL), never the project's own
working notes (``shared/domain/standards.md §8``, ``options.md §1.2``) that some records mention as where a figure
was read."""

from __future__ import annotations

import re

__all__ = ["source_locator", "strip_notes"]

# "…, cited in options.md §1.2 and §3.4 (D3)", "(cited in options.md X4 and §4.2)", "shared/domain/options.md §1.2"
_NOTE = re.compile(
    r"[,;]?\s*\(?\s*(?:as |re-post )?(?:cited|tagged|listed)\s+in\s+[^;()]*?\.md[^;()]*\)?"
    r"|\(?\s*(?:shared/domain/)?[a-z_]+\.md"
    r"(?:\s*(?:§|section)\s*[\w.,\- §]*(?:and\s*§?[\w.]+)*)?(?:\s*\[[^\]]*\])?[^;()]*\)?",
    re.IGNORECASE,
)


def source_locator(url: str | None, document_number: str | None) -> str:
    """The document number (without references to internal notes) and the URL."""
    number = _NOTE.sub("", document_number or "").strip(" ,;:-")
    parts = [p for p in (number, url or "") if p]
    return " · ".join(parts)


def strip_notes(text: str) -> str:
    """A text without its references to the project's working notes (``, standards.md §8``)."""
    if ".md" not in text:
        return text
    out = _NOTE.sub("", text)
    out = re.sub(r"\s+([).；;，,])", r"\1", out).replace("()", "").replace("（）", "")
    out = re.sub(r"[,;]\s*([.)]|$)", r"\1", out)
    out = re.sub(r"\s*[—-]\s*[^—-]*\bof\s*$", "", out).strip()
    if out.count("(") > out.count(")"):
        out = out[:-1] + ")." if out.endswith(".") else out + ")"
    return out
