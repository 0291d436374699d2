"""The raw-input scans (engine/intake/rawinput.py) against the plain character loops they replace: the same
nesting depth and the same text problems on any text, and one pass over the text whatever its quotes and escapes
(a body of 400,000 characters that never closes its string is scanned as fast as any other)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.intake.issues import SelfInspectionInvalid
from engine.intake.rawinput import MAX_DEPTH, _max_depth, loads_json, text_problem


def _reference_depth(text: str) -> int:
    """The character loop of the first implementation (strings skipped, an unterminated one to the end)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def _reference_problem(text: str) -> str | None:
    if "\x00" in text:
        return "nul_character"
    return "lone_surrogate" if any("\ud800" <= ch <= "\udfff" for ch in text) else None


TEXTS = st.text(alphabet=st.sampled_from(['"', "\\", "[", "]", "{", "}", "a", ",", "\n", "中", "\ud800", "\x00"]))


@settings(max_examples=3000, deadline=None)
@given(text=TEXTS)
def test_depth_and_problems_as_the_character_loops(text: str) -> None:
    assert _max_depth(text) == _reference_depth(text)
    found = text_problem(text)
    assert (found[0] if found else None) == _reference_problem(text)


def test_an_unclosed_string_full_of_escaped_quotes_is_scanned_once() -> None:
    # with a pattern that needs the closing quote, each escaped quote started a new scan to the end: quadratic,
    # hours for a body of this size (found in review); it must be refused as invalid JSON, like any other
    body = '{"a": [' * 10 + '"' + '\\"' * 200_000
    assert _max_depth(body) == 20 == _reference_depth(body)
    try:
        loads_json(body)
    except SelfInspectionInvalid as exc:
        assert exc.errors[0].rule == "json_invalid"
    else:  # pragma: no cover
        raise AssertionError("an unterminated string was accepted")
