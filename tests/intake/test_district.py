"""A district name is normalised once and for all: the same again on its own result, so that a stored
self-inspection read back (or a projection validated again) keeps the district it was stored with."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.intake.model import normalise_district

_TRICKY = list("e区 \u3000\u0301\u0300\u200b\u200c\u200d\u2060\ufeff\u00ad\u00b4\uff21Aa")


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from(_TRICKY) | st.characters(), max_size=12))
def test_normalising_a_normalised_district_changes_nothing(text: str) -> None:
    once = normalise_district(text)
    assert normalise_district(once) == once


def test_a_joiner_between_a_letter_and_its_accent() -> None:
    """Removed before NFKC, so the letter and its accent compose at once (after it, they composed only when the
    district was normalised a second time)."""
    assert normalise_district("e\u200d\u0301区") == "\u00e9区"
    assert normalise_district("\u200b宝安区\u200d ") == "宝安区"
    assert normalise_district("ＡＢ") == "AB"
