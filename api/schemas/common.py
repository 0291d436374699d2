"""Models shared by every resource: problems, field issues, pages."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["FieldIssue", "Page", "Problem", "problem_responses"]

T = TypeVar("T")


class FieldIssue(BaseModel):
    """One problem with one field: where (``years[2].resources.electricity``), the rule broken, and in words."""

    path: str = Field(examples=["years[2].resources.electricity"])
    rule: str = Field(examples=["parts_exceed_total"])
    message: str = Field(examples=["the parts add up to 120, more than the total 100"])
    message_zh: str | None = Field(default=None, examples=["各部分合计 120，超过总量 100"])
    message_en: str | None = Field(default=None, examples=["the parts add up to 120, more than the total 100"])
    cell: str | None = Field(
        default=None, description="sheet and cell of a workbook submission", examples=["年度数据!D5"]
    )


class Problem(BaseModel):
    """An error (RFC 9457 problem details, served as ``application/problem+json``)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "urn:smart-audit:problem:self-inspection-invalid",
                    "title": "Self-inspection invalid",
                    "status": 422,
                    "detail": "enterprise.id: required field is missing; nothing of it was accepted",
                    "instance": "/v1/self-inspections",
                    "errors": [{"path": "enterprise.id", "rule": "missing", "message": "required field is missing"}],
                }
            ]
        },
    )

    type: str = Field(description="URI naming the kind of problem")
    title: str
    status: int
    detail: str
    instance: str = Field(description="the request path")
    errors: list[FieldIssue] | None = Field(default=None, description="for invalid input: each field and rule")


_DESCRIPTIONS = {
    401: "API key missing, unknown, wrong or revoked",
    403: "the caller's role may never call this route",
    404: "no such record, or not one the caller may see",
    409: "conflict",
    413: "request body over the size limit",
    422: "invalid request: `errors` names each field and rule",
    503: "the knowledge base is not loaded",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the given error statuses, as problem+json."""
    return {
        status: {
            "description": _DESCRIPTIONS.get(status, "error"),
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items`` in order (newest first for records), and the ``total`` matching."""

    items: list[T]
    total: int = Field(description="how many match, over all pages")
    limit: int
    offset: int

    @classmethod
    def of(cls, items: list[T], total: int, limit: int, offset: int) -> Page[T]:
        return cls(items=items, total=total, limit=limit, offset=offset)
