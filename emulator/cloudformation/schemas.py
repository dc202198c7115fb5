"""Facts from AWS's resource provider schemas (data/schemas.json, made by
scripts/gen_cfn_schemas.py): which types exist, which properties force a replacement, which
attributes Fn::GetAtt may read."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PATH = Path(__file__).parent / "data" / "schemas.json"


@cache
def _schemas() -> dict[str, dict[str, Any]]:
    loaded: dict[str, dict[str, Any]] = json.loads(_PATH.read_text())
    return loaded


def known(type_name: str) -> bool:
    """Whether AWS offers this resource type (custom resources are always allowed)."""
    return type_name in _schemas() or type_name.startswith("Custom::")


def create_only(type_name: str) -> set[str]:
    return set(_schemas().get(type_name, {}).get("createOnly", ()))


def read_only(type_name: str) -> set[str]:
    return set(_schemas().get(type_name, {}).get("readOnly", ()))


def tag_property(type_name: str) -> str | None:
    found = _schemas().get(type_name, {}).get("tags")
    return str(found) if found else None


__all__ = ["create_only", "known", "read_only", "tag_property"]
