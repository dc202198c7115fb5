"""The event-pattern language of EventBridge, shared by Lambda event filtering and SNS filter
policies: compile a pattern once (raising :class:`PatternError` with AWS's reason when it is not
valid), then match JSON documents against it.

A pattern mirrors the event's structure. A key whose value is an object matches a nested
object; a key whose value is an array is a leaf that matches when any of its entries matches
the event's value, or any element of it when the value is an array. Entries are literals
(string, number, null, boolean: exact match) or one-key objects: ``prefix``, ``suffix``,
``anything-but``, ``numeric``, ``exists``, ``equals-ignore-case``, ``wildcard`` and ``cidr``.
``$or`` takes a list of patterns, one of which must match.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from emulator import inbound

_MISSING = object()
NUMERIC_OPERATORS = ("<", "<=", "=", ">", ">=")
# EventBridge compares numbers up to this magnitude, with this many decimal places.
NUMERIC_LIMIT = 5.0e9


class PatternError(ValueError):
    """The pattern is not valid; the message is AWS's reason."""


Test = Callable[[Any], bool]


@dataclass
class Leaf:
    tests: list[Test] = field(default_factory=list)
    exists: bool | None = None  # an "exists" entry, when the leaf has one


@dataclass
class Pattern:
    """A compiled pattern: leaves and nested patterns by key, and ``$or`` alternatives."""

    leaves: dict[str, Leaf] = field(default_factory=dict)
    nested: dict[str, Pattern] = field(default_factory=dict)
    alternatives: list[list[Pattern]] = field(default_factory=list)

    def matches(self, document: Any) -> bool:
        return _match(self, document)


# -- matching ---------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _match(pattern: Pattern, document: Any) -> bool:
    for key, leaf in pattern.leaves.items():
        value = document.get(key, _MISSING) if isinstance(document, Mapping) else _MISSING
        if not _match_leaf(leaf, value):
            return False
    for key, nested in pattern.nested.items():
        value = document.get(key, _MISSING) if isinstance(document, Mapping) else _MISSING
        if isinstance(value, list):
            if not any(_match(nested, item) for item in value if isinstance(item, Mapping)):
                return False
        elif not _match(nested, value if isinstance(value, Mapping) else {}):
            return False
    return all(any(_match(option, document) for option in options)
               for options in pattern.alternatives)


def _match_leaf(leaf: Leaf, value: Any) -> bool:
    if value is _MISSING or isinstance(value, Mapping):
        return leaf.exists is False
    if leaf.exists is True:
        return True
    values = value if isinstance(value, list) else [value]
    return any(test(item) for test in leaf.tests for item in values)


# -- compiling --------------------------------------------------------------------------------


def compile_pattern(pattern: str | Mapping[str, Any]) -> Pattern:
    """Parse (when text) and check a pattern; raises PatternError."""
    if isinstance(pattern, str):
        try:
            document = inbound.loads(pattern)
        except ValueError as error:
            raise PatternError(f"Filter is not valid JSON: {error}") from None
    else:
        document = pattern
    if not isinstance(document, Mapping):
        raise PatternError("Filter is not an object")
    return _compile_object(document, "")


def _compile_object(document: Mapping[str, Any], path: str) -> Pattern:
    compiled = Pattern()
    for key, value in document.items():
        where = f"{path}.{key}" if path else key
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise PatternError("Value of $or must be an array of at least 2 objects")
            options = []
            for option in value:
                if not isinstance(option, Mapping):
                    raise PatternError("Value of $or must be an array of objects")
                options.append(_compile_object(option, path))
            compiled.alternatives.append(options)
        elif isinstance(value, Mapping):
            compiled.nested[key] = _compile_object(value, where)
        elif isinstance(value, list):
            if not value:
                raise PatternError(f"Empty arrays are not allowed at {where}")
            compiled.leaves[key] = _compile_leaf(value, where)
        else:
            raise PatternError(
                f"Match value must be String, number, true, false, or null at {where}")
    return compiled


def _compile_leaf(entries: list[Any], where: str) -> Leaf:
    leaf = Leaf()
    for entry in entries:
        if isinstance(entry, Mapping):
            if len(entry) != 1:
                raise PatternError(f"Only one match type allowed per object at {where}")
            (operator, operand), = entry.items()
            if operator == "exists":
                if not isinstance(operand, bool):
                    raise PatternError("exists match pattern must be either true or false.")
                leaf.exists = operand
            else:
                leaf.tests.append(_operator(operator, operand, where))
        elif isinstance(entry, list):
            raise PatternError(f"Match value must be String, number, true, false, or null at "
                               f"{where}")
        else:
            leaf.tests.append(_exact(entry))
    if leaf.exists is not None and leaf.tests:
        raise PatternError(f"exists cannot be combined with other matchers at {where}")
    return leaf


def _exact(expected: Any) -> Test:
    if _is_number(expected):
        return lambda value: _is_number(value) and math.isclose(value, expected, abs_tol=1e-9)
    return lambda value: value == expected and _is_number(value) == _is_number(expected)


def _text(operator: str, operand: Any) -> str:
    if not isinstance(operand, str):
        raise PatternError(f"{operator} match pattern must be a string")
    return operand


def _ignore_case_operand(operator: str, operand: Any) -> tuple[str, bool]:
    """A prefix/suffix operand: text, or ``{"equals-ignore-case": text}``."""
    if isinstance(operand, Mapping):
        if list(operand) != ["equals-ignore-case"]:
            raise PatternError(f"Unsupported {operator} pattern: {json.dumps(operand)}")
        return _text(operator, operand["equals-ignore-case"]), True
    return _text(operator, operand), False


def _wildcard(operand: Any) -> re.Pattern[str]:
    text = _text("wildcard", operand)
    if "**" in text:
        raise PatternError("Consecutive wildcard characters at pos "
                           f"{text.index('**') + 1}")
    parts: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in "*\\":
            parts.append(re.escape(text[index + 1]))
            index += 2
            continue
        parts.append(".*" if char == "*" else re.escape(char))
        index += 1
    return re.compile("".join(parts), re.DOTALL)


def _numeric(operand: Any) -> Test:
    if not isinstance(operand, list) or not operand or len(operand) % 2:
        raise PatternError("Value of numeric must be an array of operator, number pairs.")
    checks: list[tuple[str, float]] = []
    for index in range(0, len(operand), 2):
        operator, number = operand[index], operand[index + 1]
        if operator not in NUMERIC_OPERATORS:
            raise PatternError(f"Unrecognized numeric range operator: {operator}")
        if not _is_number(number):
            raise PatternError(f"Value of {operator} must be numeric")
        if abs(number) > NUMERIC_LIMIT:
            raise PatternError(f"Value of {operator} must be between -5.0E9 and 5.0E9")
        checks.append((operator, float(number)))
    lower = [op for op, _ in checks if op in (">", ">=")]
    upper = [op for op, _ in checks if op in ("<", "<=")]
    if len(checks) > 2 or len(lower) > 1 or len(upper) > 1 or (
            any(op == "=" for op, _ in checks) and len(checks) > 1):
        raise PatternError("Too many terms in numeric range expression")
    compare: dict[str, Callable[[float, float], bool]] = {
        "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, "=": lambda a, b: a == b,
        ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
    }
    return lambda value: _is_number(value) and all(
        compare[op](float(value), bound) for op, bound in checks)


def _cidr(operand: Any) -> Test:
    try:
        network = ipaddress.ip_network(_text("cidr", operand), strict=False)
    except ValueError:
        raise PatternError(f"Malformed CIDR, one '/' required: {operand}") from None

    def test(value: Any) -> bool:
        try:
            return isinstance(value, str) and ipaddress.ip_address(value) in network
        except ValueError:
            return False

    return test


def _anything_but(operand: Any, where: str) -> Test:
    if isinstance(operand, Mapping):
        if len(operand) != 1:
            raise PatternError(f"Only one match type allowed per object at {where}")
        (operator, inner), = operand.items()
        if operator not in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
            raise PatternError(f"Unsupported anything-but pattern: {operator}")
        if operator in ("equals-ignore-case", "wildcard") and isinstance(inner, list):
            tests = [_operator(operator, item, where) for item in inner]
        else:
            tests = [_operator(operator, inner, where)]
        return lambda value: isinstance(value, str) and not any(t(value) for t in tests)
    values = operand if isinstance(operand, list) else [operand]
    for item in values:
        if isinstance(item, Mapping | list | bool) or item is None:
            raise PatternError("Inside anything but list, start|null|boolean is not supported.")
    excluded = [_exact(item) for item in values]
    return lambda value: (isinstance(value, str) or _is_number(value)) and not any(
        t(value) for t in excluded)


def _operator(operator: str, operand: Any, where: str) -> Test:
    if operator in ("prefix", "suffix"):
        text, fold = _ignore_case_operand(operator, operand)
        has_affix = str.startswith if operator == "prefix" else str.endswith
        if fold:
            lowered = text.lower()
            return lambda value: isinstance(value, str) and has_affix(value.lower(), lowered)
        return lambda value: isinstance(value, str) and has_affix(value, text)
    if operator == "equals-ignore-case":
        lowered = _text(operator, operand).lower()
        return lambda value: isinstance(value, str) and value.lower() == lowered
    if operator == "wildcard":
        regex = _wildcard(operand)
        return lambda value: isinstance(value, str) and regex.fullmatch(value) is not None
    if operator == "numeric":
        return _numeric(operand)
    if operator == "cidr":
        return _cidr(operand)
    if operator == "anything-but":
        return _anything_but(operand, where)
    raise PatternError(f"Unrecognized match type {operator}")


def matches(pattern: str | Mapping[str, Any], document: Any) -> bool:
    """Compile and match in one step (for one-off checks)."""
    return compile_pattern(pattern).matches(document)


__all__ = ["Pattern", "PatternError", "compile_pattern", "matches"]
