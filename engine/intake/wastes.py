"""Wastes of a self-inspection: knowledge-base streams or custom ones, with the national hazardous-waste code and a
destination that may be "unknown"."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from engine.intake.measures import Mass, Model, is_unknown_word
from engine.intake.messages import invalid

__all__ = ["CUSTOM_STREAM", "HW_CODE", "UNKNOWN_DESTINATION", "Waste", "hw_category"]

_Model = Model


# the national code of a hazardous waste (国家危险废物名录): its category (HW22) and/or its eight-digit code
# (398-004-22), whose last two digits are the category number
HW_CODE = re.compile(r"^(?:(?P<cat>HW\d{2})(?:[\s/]+(?P<code1>\d{3}-\d{3}-\d{2}))?|(?P<code2>\d{3}-\d{3}-\d{2}))$")
CUSTOM_STREAM = "custom"
UNKNOWN_DESTINATION = "unknown"


def hw_category(code: str) -> str | None:
    """HW category of a valid code ("HW22 398-004-22", "398-004-22" -> "HW22"), None if the code is not valid."""
    m = HW_CODE.match(code.strip().upper())
    if m is None:
        return None
    number = m.group("code1") or m.group("code2")
    category = m.group("cat")
    if category and number and number[-2:] != category[2:]:
        return None
    return category or f"HW{number[-2:]}"


class Waste(_Model):
    stream: str = Field(
        description="waste-stream id of the knowledge base (e.g. spent_alkaline_etchant), or 'custom' for a waste "
        "the knowledge base has no stream for (then name it)"
    )
    name: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="the plant's own name of the waste (e.g. 废抹布手套); required for a custom stream",
    )
    hw_code: str | None = Field(
        default=None,
        description="national hazardous-waste code (国家危险废物名录): category HW49, code 900-041-49, or both "
        "('HW49 900-041-49')",
    )
    category: Literal["hazardous", "general"]
    quantity: Mass
    destination: str = Field(
        description="destination id of the knowledge base (e.g. offsite_recycling), or 'unknown' when the records do "
        "not say (indicators that need it are then insufficient data, and a finding asks for it)"
    )
    copper_t: Mass | None = Field(default=None, description="copper contained, if known (e.g. from recycler receipts)")
    fee_cny_per_t: Decimal | None = Field(
        default=None,
        ge=-1000000,
        le=1000000,
        description="what the plant pays per tonne to have it taken away (negative: what the recycler pays the plant)",
    )
    note: str = ""

    @field_validator("destination", mode="before")
    @classmethod
    def _unknown_destination(cls, raw: object) -> object:
        return UNKNOWN_DESTINATION if is_unknown_word(raw) else raw

    @model_validator(mode="after")
    def _shape(self) -> Waste:
        if self.stream == CUSTOM_STREAM and not self.name:
            invalid(
                "custom_stream_name",
                "a custom waste stream needs its name (name)",
                "自定义废物（stream: custom）需填写名称（name）",
            )
        if self.hw_code is not None:
            if hw_category(self.hw_code) is None:
                invalid(
                    "hw_code_format",
                    f"{self.hw_code!r} is not a national hazardous-waste code: write the category (HW49), the code "
                    "(900-041-49) or both ('HW49 900-041-49'); the code ends in the category number",
                    f"{self.hw_code!r} 不是国家危险废物代码：应填写类别（HW49）、代码（900-041-49）或两者"
                    "（“HW49 900-041-49”），代码末两位为类别编号",
                )
            if self.category != "hazardous":
                invalid(
                    "hw_code_not_hazardous",
                    "a waste with a hazardous-waste code is hazardous (category: hazardous)",
                    "填有危险废物代码的废物应为危险废物（category: hazardous）",
                )
        return self

    @property
    def unknown_destination(self) -> bool:
        return self.destination == UNKNOWN_DESTINATION

    @property
    def custom(self) -> bool:
        return self.stream == CUSTOM_STREAM

    @property
    def label(self) -> str:
        """How the output names the waste: its own name, else the stream id."""
        return self.name or self.stream
