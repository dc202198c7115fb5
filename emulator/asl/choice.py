"""Choice rules in JSONPath: comparison operators, their ``Path`` variants, Is* tests and
the And / Or / Not combinators, compiled into predicates.

A comparison whose value has the wrong type is simply false; a ``Variable`` (or a ``...Path``
operand) that selects nothing fails the execution with States.Runtime, as on AWS.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from emulator.asl import errors
from emulator.asl.nodes import Predicate
from emulator.asl.paths import Env, PathMissing, Reference, compile_reference

Compare = Callable[[Any, Any], bool]

_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)


def parse_timestamp(value: Any) -> datetime | None:
    """An RFC 3339 timestamp (with an upper-case T and a time zone), or None."""
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        return None
    text = value.replace("Z", "+00:00")
    head, dot, tail = text.partition(".")
    if dot:  # Python accepts at most 6 fractional digits
        digits = re.match(r"\d+", tail)
        assert digits is not None
        text = f"{head}.{digits.group(0)[:6].ljust(6, '0')}{tail[digits.end():]}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _string_match(pattern: str) -> Callable[[str], bool]:
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            parts.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        parts.append(".*" if char == "*" else re.escape(char))
        index += 1
    regex = re.compile("^" + "".join(parts) + "$", re.DOTALL)
    return lambda text: regex.match(text) is not None


def _strings(op: Callable[[str, str], bool]) -> Compare:
    return lambda a, b: isinstance(a, str) and isinstance(b, str) and op(a, b)


def _numbers(op: Callable[[float, float], bool]) -> Compare:
    return lambda a, b: _is_number(a) and _is_number(b) and op(a, b)


def _timestamps(op: Callable[[datetime, datetime], bool]) -> Compare:
    def compare(a: Any, b: Any) -> bool:
        left, right = parse_timestamp(a), parse_timestamp(b)
        return left is not None and right is not None and op(left, right)

    return compare


COMPARISONS: dict[str, tuple[str, Compare]] = {
    "StringEquals": ("string", _strings(lambda a, b: a == b)),
    "StringLessThan": ("string", _strings(lambda a, b: a < b)),
    "StringGreaterThan": ("string", _strings(lambda a, b: a > b)),
    "StringLessThanEquals": ("string", _strings(lambda a, b: a <= b)),
    "StringGreaterThanEquals": ("string", _strings(lambda a, b: a >= b)),
    "NumericEquals": ("number", _numbers(lambda a, b: a == b)),
    "NumericLessThan": ("number", _numbers(lambda a, b: a < b)),
    "NumericGreaterThan": ("number", _numbers(lambda a, b: a > b)),
    "NumericLessThanEquals": ("number", _numbers(lambda a, b: a <= b)),
    "NumericGreaterThanEquals": ("number", _numbers(lambda a, b: a >= b)),
    "BooleanEquals": (
        "boolean", lambda a, b: isinstance(a, bool) and isinstance(b, bool) and a == b
    ),
    "TimestampEquals": ("timestamp", _timestamps(lambda a, b: a == b)),
    "TimestampLessThan": ("timestamp", _timestamps(lambda a, b: a < b)),
    "TimestampGreaterThan": ("timestamp", _timestamps(lambda a, b: a > b)),
    "TimestampLessThanEquals": ("timestamp", _timestamps(lambda a, b: a <= b)),
    "TimestampGreaterThanEquals": ("timestamp", _timestamps(lambda a, b: a >= b)),
}

TESTS: dict[str, Callable[[Any], bool]] = {
    "IsNull": lambda v: v is None,
    "IsNumeric": _is_number,
    "IsString": lambda v: isinstance(v, str),
    "IsBoolean": lambda v: isinstance(v, bool),
    "IsTimestamp": lambda v: parse_timestamp(v) is not None,
}

OPERATORS = frozenset(
    [*COMPARISONS, *(f"{name}Path" for name in COMPARISONS), *TESTS, "IsPresent",
     "StringMatches"]
)


class RuleError(ValueError):
    """A rule that does not compile: message and the field (relative to the rule)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _expected(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return _is_number(value)
    if kind == "boolean":
        return isinstance(value, bool)
    return parse_timestamp(value) is not None


def _variable(reference: Reference, data: Any, env: Env) -> Any:
    """The value a rule's ``Variable`` (or its ``...Path`` operand) selects; a missing one fails
    the state as AWS words it, for the operand as for the Variable."""
    try:
        return reference.resolve(data, env)
    except (PathMissing, KeyError):
        raise errors.runtime(
            f"Invalid path '{reference.text}': The choice state's condition path references an "
            "invalid value."
        ) from None


def compile_rule(rule: Any, top: bool = True) -> Predicate:
    """Compile one rule (a top-level Choice or a nested one); raises RuleError."""
    if not isinstance(rule, dict):
        raise RuleError("A choice rule must be a JSON object")
    for combinator in ("And", "Or"):
        if combinator in rule:
            rules = rule[combinator]
            if not isinstance(rules, list) or not rules:
                raise RuleError(
                    f"The value for the field '{combinator}' must be a non-empty array",
                    combinator,
                )
            inner = [compile_rule(r, False) for r in rules]
            if combinator == "And":
                return lambda data, env: all(p(data, env) for p in inner)
            return lambda data, env: any(p(data, env) for p in inner)
    if "Not" in rule:
        negated = compile_rule(rule["Not"], False)
        return lambda data, env: not negated(data, env)
    operators = [key for key in rule if key in OPERATORS]
    if "Variable" not in rule:
        raise RuleError("These fields are required: [Variable]")
    if len(operators) != 1:
        raise RuleError(
            "A choice rule must have exactly one comparison operator"
            if operators else "A choice rule must have a comparison operator"
        )
    try:
        variable = compile_reference(rule["Variable"], definite=True)
    except ValueError:
        raise RuleError(
            "The value for the field 'Variable' must be a valid JSONPath", "Variable"
        ) from None
    operator = operators[0]
    operand = rule[operator]
    if operator == "IsPresent":
        if not isinstance(operand, bool):
            raise RuleError("The value for the field 'IsPresent' must be a BOOLEAN", operator)

        def present(data: Any, env: Env) -> bool:
            try:
                variable.resolve(data, env)
                found = True
            except (PathMissing, KeyError):
                found = False
            return found == operand

        return present
    if operator in TESTS:
        if not isinstance(operand, bool):
            raise RuleError(f"The value for the field '{operator}' must be a BOOLEAN", operator)
        test = TESTS[operator]
        return lambda data, env: test(_variable(variable, data, env)) == operand
    if operator == "StringMatches":
        if not isinstance(operand, str):
            raise RuleError("The value for the field 'StringMatches' must be a STRING", operator)
        matcher = _string_match(operand)

        def matches(data: Any, env: Env) -> bool:
            value = _variable(variable, data, env)
            return isinstance(value, str) and matcher(value)

        return matches
    if operator.endswith("Path"):
        kind, compare = COMPARISONS[operator[:-4]]
        try:
            other = compile_reference(operand, definite=True)
        except ValueError:
            raise RuleError(
                f"The value for the field '{operator}' must be a valid JSONPath", operator
            ) from None
        return lambda data, env: compare(
            _variable(variable, data, env), _variable(other, data, env)
        )
    kind, compare = COMPARISONS[operator]
    if not _expected(kind, operand):
        word = {"string": "STRING", "number": "NUMBER", "boolean": "BOOLEAN",
                "timestamp": "valid ISO-8601 timestamp"}[kind]
        raise RuleError(f"The value for the field '{operator}' must be a {word}", operator)
    return lambda data, env: compare(_variable(variable, data, env), operand)


__all__ = ["OPERATORS", "RuleError", "compile_rule", "parse_timestamp"]
