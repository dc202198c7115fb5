"""Patch operations as API Gateway applies them to a resource's output shape.

Each resource names the paths it accepts: scalars (``/name``), members of a nested object
(``/accessLogSettings/format``), maps whose key is the next path segment
(``/variables/color``, ``/requestTemplates/application~1json``) and string lists whose item is
the next segment (``/binaryMediaTypes/image~1png``). Values arrive as strings and are
converted to the member's type; anything else is AWS's BadRequestException.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from emulator.errors import ServiceError

SCALAR, INT, FLOAT, BOOL, MAP, BOOL_MAP, LIST, OBJECT = (
    "str", "int", "float", "bool", "map", "boolmap", "list", "object"
)


@dataclass(frozen=True)
class Path:
    kind: str = SCALAR
    removable: bool = False


def bad_request(message: str) -> ServiceError:
    return ServiceError("BadRequestException", message)


def unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def convert(kind: str, value: Any, path: str) -> Any:
    if value is None:
        raise bad_request(f"Invalid null value for patch path '{path}'")
    text = str(value)
    if kind == BOOL:
        if text.lower() not in ("true", "false"):
            raise bad_request(f"Invalid value '{text}' for patch path '{path}'. "
                              "Must be 'true' or 'false'")
        return text.lower() == "true"
    if kind in (INT, FLOAT):
        try:
            number = float(text)
        except ValueError:
            raise bad_request(f"Invalid value '{text}' for patch path '{path}'. "
                              "Must be a number") from None
        return int(number) if kind == INT else number
    return text


def _set(doc: dict[str, Any], parts: list[str], value: Any) -> None:
    for part in parts[:-1]:
        doc = doc.setdefault(part, {})
    doc[parts[-1]] = value


def _remove(doc: dict[str, Any], parts: list[str]) -> None:
    for part in parts[:-1]:
        doc = doc.get(part) or {}
    doc.pop(parts[-1], None)


def _get(doc: Mapping[str, Any], parts: list[str]) -> Any:
    for part in parts:
        if not isinstance(doc, Mapping):
            return None
        doc = doc.get(part)  # type: ignore[assignment]
    return doc


def invalid_path(path: str, op: str, paths: Iterable[str]) -> ServiceError:
    allowed = ", ".join(sorted(paths))
    return bad_request(
        f"Invalid patch path '{path}' specified for op '{op}'. Must be one of: [{allowed}]"
    )


def apply(doc: dict[str, Any], operations: list[dict[str, Any]] | None,
          paths: Mapping[str, Path]) -> dict[str, Any]:
    """Apply ``operations`` to ``doc`` in place (and return it)."""
    for operation in operations or []:
        apply_one(doc, operation, paths)
    return doc


def apply_one(doc: dict[str, Any], operation: Mapping[str, Any],
              paths: Mapping[str, Path]) -> None:
    op = str(operation.get("op") or "")
    path = str(operation.get("path") or "")
    value = operation.get("value")
    if op not in ("add", "remove", "replace", "move", "copy", "test"):
        raise bad_request(f"Invalid patch operation '{op}'. "
                          "Must be one of: add, remove, replace, move, copy, test")
    if op in ("move", "copy", "test"):
        raise bad_request(f"Invalid patch operation specified. '{op}' is not supported")
    spec = paths.get(path)
    if spec is not None:
        parts = [unescape(p) for p in path.strip("/").split("/")]
        if op == "remove":
            if not (spec.removable or spec.kind in (MAP, BOOL_MAP, LIST, OBJECT)):
                raise invalid_path(path, op, paths)
            _remove(doc, parts)
        elif spec.kind in (MAP, BOOL_MAP, LIST, OBJECT):
            raise invalid_path(path, op, paths)
        else:
            _set(doc, parts, convert(spec.kind, value, path))
        return
    for prefix, spec in paths.items():
        if spec.kind not in (MAP, BOOL_MAP, LIST) or not path.startswith(prefix + "/"):
            continue
        parts = [unescape(p) for p in prefix.strip("/").split("/")]
        key = unescape(path[len(prefix) + 1:])
        if not key:
            break
        if spec.kind == LIST:
            items = list(_get(doc, parts) or [])
            if op == "remove":
                items = [item for item in items if item != key]
            elif key not in items:
                items.append(key)
            if items:
                _set(doc, parts, items)
            else:
                _remove(doc, parts)
            return
        mapping = dict(_get(doc, parts) or {})
        if op == "remove":
            mapping.pop(key, None)
        else:
            converted: Any = value
            if spec.kind == BOOL_MAP:
                converted = convert(BOOL, value if value is not None else "false", path)
            elif value is None:
                converted = ""
            mapping[key] = converted if spec.kind == BOOL_MAP else str(converted)
        if mapping:
            _set(doc, parts, mapping)
        else:
            _remove(doc, parts)
        return
    raise invalid_path(path, op, paths)


__all__ = [
    "BOOL", "BOOL_MAP", "FLOAT", "INT", "LIST", "MAP", "OBJECT", "SCALAR", "Path", "apply",
    "apply_one", "bad_request", "convert", "invalid_path", "unescape",
]
