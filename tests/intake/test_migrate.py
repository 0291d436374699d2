"""Schema versions: files of version "1" load through a stated, pure migration; unknown versions are refused."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from engine.intake.migrate import SCHEMA_VERSION, SUPPORTED_VERSIONS, migrate
from engine.intake.model import SelfInspection
from engine.intake.validate import SelfInspectionInvalid, parse_self_inspection
from engine.kb.loader import KnowledgeBase

V1 = Path(__file__).resolve().parent / "data" / "v1_demo_single_sided_small.json"


def _v1() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(V1.read_text(encoding="utf-8"))
    return data


def test_current_version_and_supported() -> None:
    assert SCHEMA_VERSION == "2"
    assert SUPPORTED_VERSIONS == ("1", "2")


def test_v1_to_v2_changes_the_version_only() -> None:
    v1 = _v1()
    assert v1["schema_version"] == "1"
    v2 = migrate(v1)
    assert v2["schema_version"] == "2"
    rest = {k: v for k, v in v1.items() if k != "schema_version"}
    assert {k: v for k, v in v2.items() if k != "schema_version"} == rest


def test_migration_is_pure() -> None:
    v1 = _v1()
    before = copy.deepcopy(v1)
    first = migrate(v1)
    assert v1 == before
    assert migrate(first) == first  # idempotent on the current version
    assert migrate(first) is not first


def test_a_file_without_version_is_version_1() -> None:
    data = _v1()
    del data["schema_version"]
    assert migrate(data)["schema_version"] == "2"


def test_not_a_mapping_is_left_for_validation() -> None:
    assert migrate([1, 2]) == [1, 2]
    assert migrate(None) is None


def test_v1_file_loads_through_the_model_and_the_validator(kb: KnowledgeBase) -> None:
    si = SelfInspection.model_validate(_v1())
    assert si.schema_version == "2"
    validated = parse_self_inspection(kb, _v1())
    assert validated.inspection == si
    assert validated.inspection.model_dump(mode="json")["schema_version"] == "2"


def test_an_unknown_version_is_refused_with_its_path(kb: KnowledgeBase) -> None:
    data = _v1()
    data["schema_version"] = "3"
    with pytest.raises(SelfInspectionInvalid) as info:
        parse_self_inspection(kb, data)
    err = next(e for e in info.value.errors if e.path == "schema_version")
    assert err.rule == "literal_error"
    assert "'1' or '2'" in err.message_en and "应为以下之一" in err.message_zh
