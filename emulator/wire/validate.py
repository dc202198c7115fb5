"""Input checks the way AWS makes them: required members, lengths, ranges and enums.

Problems are collected as data; ``validation_failure`` words them in the service's own style:
the Coral ``ValidationException`` most services answer, or the query services'
``MissingParameter`` / ``InvalidParameterValue``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from botocore.model import Shape, StructureShape

from emulator.errors import ServiceError


@dataclass(frozen=True)
class Problem:
    path: list[str]  # member names from the top of the input
    constraint: str  # "required", "length", "range", "enum", "type"
    detail: str
    value: object = None
    sensitive: bool = False  # AWS leaves sensitive values out of its messages


def check(shape: Shape | None, params: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    if shape is not None:
        _check(shape, params, [], problems)
    return problems


def _check(shape: Shape, value: object, path: list[str], problems: list[Problem]) -> None:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if not isinstance(value, dict):
            return
        for name in shape.required_members:
            if value.get(name) is None:
                problems.append(Problem([*path, name], "required", "Member must not be null"))
        for name, member_value in value.items():
            member = shape.members.get(name)
            if member is not None and member_value is not None:
                _check(member, member_value, [*path, name], problems)
        return
    meta = shape.metadata
    found = len(problems)
    _check_value(shape, kind, meta, value, path, problems)
    if meta.get("sensitive") and len(problems) > found:
        problems[found:] = [replace(problem, sensitive=True) for problem in problems[found:]]


def _check_value(
    shape: Shape, kind: str, meta: dict[str, Any], value: object, path: list[str],
    problems: list[Problem],
) -> None:
    if kind == "list" and isinstance(value, list):
        _check_length(meta, len(value), value, path, problems)
        member = shape.member
        for index, item in enumerate(value, 1):
            _check(member, item, [*path, str(index), "member"], problems)
        return
    if kind == "map" and isinstance(value, dict):
        _check_length(meta, len(value), value, path, problems)
        value_shape = shape.value
        for key, item in value.items():
            _check(value_shape, item, [*path, str(key)], problems)
        return
    if kind == "blob" and isinstance(value, (bytes, bytearray)):
        _check_length(meta, len(value), value, path, problems)
        return
    if kind == "string" and isinstance(value, str):
        _check_length(meta, len(value), value, path, problems)
        if shape.enum and value not in shape.enum:
            allowed = ", ".join(shape.enum)
            problems.append(
                Problem(path, "enum", f"Member must satisfy enum value set: [{allowed}]", value)
            )
        return
    if kind in ("integer", "long", "float", "double") and isinstance(value, (int, float)):
        _check_bounds(meta, value, value, path, problems, "range", "value")


def _check_length(
    meta: dict[str, Any], size: int, value: object, path: list[str], problems: list[Problem]
) -> None:
    _check_bounds(meta, size, value, path, problems, "length", "length")


def _check_bounds(meta: dict[str, Any], measure: float, value: object, path: list[str],
                  problems: list[Problem], check: str, measured: str) -> None:
    """The model's ``min`` and ``max`` traits held against ``measure``, the value's own
    number or its length (``measured`` names which, as AWS's messages do)."""
    low, high = meta.get("min"), meta.get("max")
    if low is not None and measure < low:
        problems.append(Problem(
            path, check, f"Member must have {measured} greater than or equal to {low}", value))
    if high is not None and measure > high:
        problems.append(Problem(
            path, check, f"Member must have {measured} less than or equal to {high}", value))


def _coral_path(path: list[str]) -> str:
    return ".".join(part[:1].lower() + part[1:] for part in path)


def _java_text(value: object) -> str:
    """A value as the Java service renders it inside its messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (bytes, bytearray)):
        return f"java.nio.HeapByteBuffer[pos=0 lim={len(value)} cap={len(value)}]"
    if isinstance(value, list):
        return "[" + ", ".join(_java_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={_java_text(item)}" for key, item in value.items()) + "}"
    return str(value)


def _coral_value(problem: Problem) -> str:
    """``Value null`` for a missing member, ``Value`` alone for a sensitive one, otherwise
    the value in single quotes."""
    if problem.constraint == "required":
        return "Value null"
    if problem.sensitive:
        return "Value"
    return f"Value '{_java_text(problem.value)}'"


def validation_failure(problems: list[Problem], style: str = "coral") -> ServiceError:
    """The single error AWS answers for these problems, in the service's style."""
    if style == "query":
        first = problems[0]
        name = ".".join(first.path)
        if first.constraint == "required":
            return ServiceError(
                "MissingParameter",
                f"The request must contain the parameter {name}.",
                status=400,
            )
        shown = "" if first.sensitive else f" {_java_text(first.value)}"
        return ServiceError(
            "InvalidParameterValue",
            f"Value{shown} for parameter {name} is invalid. "
            f"Reason: {first.detail}.",
            status=400,
        )
    count = len(problems)
    plural = "error" if count == 1 else "errors"
    details = "; ".join(
        f"{_coral_value(p)} at '{_coral_path(p.path)}' failed to satisfy constraint: "
        f"{p.detail}"
        for p in problems
    )
    return ServiceError(
        "ValidationException", f"{count} validation {plural} detected: {details}", status=400
    )


__all__ = ["Problem", "check", "validation_failure"]
