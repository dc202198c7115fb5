"""The legacy parameters older code still sends: Expected, AttributeUpdates, KeyConditions,
QueryFilter/ScanFilter (with ConditionalOperator) and AttributesToGet.

Each becomes what its expression counterpart becomes (a predicate, an updater, key
conditions, projection paths), with the comparison operators of the developer guide's
"Legacy conditional parameters" pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emulator.dynamodb.conditions import Predicate
from emulator.dynamodb.errors import DynamoDBError, ValidationError, invalid
from emulator.dynamodb.paths import Resolved
from emulator.dynamodb.semantics import begins_with, between, compared, contains, member
from emulator.dynamodb.updates import Step, Updater, constant
from emulator.dynamodb.values import (
    SCALAR_TYPES,
    SET_TYPES,
    AttributeValue,
    check_value,
    compare,
    type_of,
)

# operator -> number of AttributeValueList members (None: one or more)
OPERATORS: dict[str, int | None] = {
    "EQ": 1, "NE": 1, "LE": 1, "LT": 1, "GE": 1, "GT": 1, "NOT_NULL": 0, "NULL": 0,
    "CONTAINS": 1, "NOT_CONTAINS": 1, "BEGINS_WITH": 1, "IN": None, "BETWEEN": 2,
}


def mixed(legacy: list[str], expressions: list[str]) -> ValidationError:
    return ValidationError(
        "Can not use both expression and non-expression parameters in the same request: "
        f"Non-expression parameters: {{{', '.join(legacy)}}} Expression parameters: "
        f"{{{', '.join(expressions)}}}")


def check_mixing(legacy: Mapping[str, Any], expressions: Mapping[str, Any]) -> None:
    given_legacy = [name for name, value in legacy.items() if value is not None]
    given_expressions = [name for name, value in expressions.items() if value is not None]
    if given_legacy and given_expressions:
        raise mixed(given_legacy, given_expressions)


def _values(raw: Any) -> list[AttributeValue]:
    try:
        return [check_value(value) for value in raw or []]
    except DynamoDBError as error:
        raise ValidationError(error.message) from None


_COMPARATORS = {"EQ": "=", "NE": "<>", "LT": "<", "LE": "<=", "GT": ">", "GE": ">="}


def _test(operator: str, value: AttributeValue | None, arguments: list[AttributeValue]) -> bool:
    if operator == "NULL":
        return value is None
    if operator == "NOT_NULL":
        return value is not None
    if operator in _COMPARATORS:
        return compared(_COMPARATORS[operator], value, arguments[0])
    if operator == "IN":
        return member(value, arguments)
    if operator == "BETWEEN":
        return between(value, arguments[0], arguments[1])
    if operator == "BEGINS_WITH":
        return begins_with(value, arguments[0])
    if value is None:
        return operator == "NOT_CONTAINS"
    found = contains(value, arguments[0])
    return found if operator == "CONTAINS" else not found


def _check_arguments(operator: str, arguments: list[AttributeValue]) -> None:
    if operator not in OPERATORS:
        raise invalid(f"Unsupported operator: {operator}")
    wanted = OPERATORS[operator]
    if (wanted is None and not arguments) or (wanted is not None and len(arguments) != wanted):
        raise invalid(f"Invalid number of argument(s) for the {operator} ComparisonOperator")
    if operator in ("LT", "LE", "GT", "GE", "BETWEEN", "BEGINS_WITH"):
        for argument in arguments:
            if type_of(argument) not in SCALAR_TYPES or (
                    operator == "BEGINS_WITH" and type_of(argument) == "N"):
                raise invalid(f"ComparisonOperator {operator} is not valid for "
                              f"{type_of(argument)} AttributeValue type")
    if operator == "BETWEEN" and type_of(arguments[0]) == type_of(arguments[1]):
        found = compare(arguments[0], arguments[1])
        if found is not None and found > 0:
            raise ValidationError(
                "The BETWEEN condition was provided a range where the lower bound is greater "
                "than the upper bound")


def _tester(name: str, operator: str, arguments: list[AttributeValue]) -> Predicate:
    return lambda item: _test(operator, item.get(name), arguments)


def _combine(tests: list[Predicate], conditional_operator: str | None) -> Predicate:
    if conditional_operator == "OR":
        return lambda item: any(test(item) for test in tests)
    return lambda item: all(test(item) for test in tests)


def _check_operator(conditional_operator: str | None, count: int) -> None:
    if conditional_operator is not None and count == 0:
        raise ValidationError("ConditionalOperator can only be used when Filter or Expected "
                              "conditions have been specified")


def expected(conditions: Mapping[str, Any], conditional_operator: str | None) -> Predicate:
    """PutItem/UpdateItem/DeleteItem's Expected, as a predicate of the current item."""
    _check_operator(conditional_operator, len(conditions))
    tests: list[Predicate] = []
    for name, condition in conditions.items():
        operator = condition.get("ComparisonOperator")
        arguments = _values(condition.get("AttributeValueList"))
        if "Value" in condition and condition["Value"] is not None:
            if operator is not None or arguments:
                raise invalid("Value and Exists cannot be used with ComparisonOperator and "
                              "AttributeValueList")
            value = _values([condition["Value"]])[0]
            if condition.get("Exists") is False:
                raise invalid("Value cannot be used when Exists is false")
            tests.append(_tester(name, "EQ", [value]))
            continue
        if condition.get("Exists") is not None:
            if operator is not None:
                raise invalid("Exists and ComparisonOperator cannot be used together")
            if condition["Exists"]:
                raise invalid("Value must be provided when Exists is true")
            tests.append(_tester(name, "NULL", []))
            continue
        if operator is None:
            raise invalid("Value or ComparisonOperator must be used")
        _check_arguments(operator, arguments)
        tests.append(_tester(name, operator, arguments))
    return _combine(tests, conditional_operator)


def filter_conditions(conditions: Mapping[str, Any], conditional_operator: str | None
                      ) -> Predicate:
    """QueryFilter or ScanFilter, as a predicate of each item read."""
    _check_operator(conditional_operator, len(conditions))
    tests: list[Predicate] = []
    for name, condition in conditions.items():
        operator = condition.get("ComparisonOperator")
        arguments = _values(condition.get("AttributeValueList"))
        _check_arguments(operator, arguments)
        tests.append(_tester(name, operator, arguments))
    return _combine(tests, conditional_operator)


def key_conditions(conditions: Mapping[str, Any]) -> list[tuple[str, str, list[AttributeValue]]]:
    """Query's KeyConditions as (attribute, operator, values), the form key conditions take."""
    found = []
    names = {"EQ": "=", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">", "BETWEEN": "BETWEEN",
             "BEGINS_WITH": "begins_with"}
    for name, condition in conditions.items():
        operator = condition.get("ComparisonOperator")
        arguments = _values(condition.get("AttributeValueList"))
        if operator not in names:
            raise ValidationError("Attempted conditional constraint is not an indexable "
                                  "operation")
        _check_arguments(operator, arguments)
        found.append((name, names[operator], arguments))
    return found


def attribute_updates(updates: Mapping[str, Any]) -> Updater:
    """UpdateItem's AttributeUpdates, as the updater an update expression would give."""
    steps: list[Step] = []
    for name, update in updates.items():
        action = update.get("Action") or "PUT"
        raw = update.get("Value")
        value = _values([raw])[0] if raw is not None else None
        path: Resolved = (name,)
        if action == "PUT":
            if value is None:
                raise invalid("Only DELETE action is allowed when no attribute value is "
                              "specified")
            steps.append(Step("SET", path, constant(value)))
        elif action == "DELETE":
            if value is None:
                steps.append(Step("REMOVE", path, None))
            else:
                if type_of(value) not in SET_TYPES:
                    raise invalid("Action DELETE is not supported for the type "
                                  f"{type_of(value)}")
                steps.append(Step("DELETE", path, constant(value)))
        else:
            if value is None:
                raise invalid("Only DELETE action is allowed when no attribute value is "
                              "specified")
            if type_of(value) not in SET_TYPES and type_of(value) != "N":
                raise invalid(f"Action ADD is not supported for the type {type_of(value)}")
            steps.append(Step("ADD", path, constant(value)))
    return Updater(steps)


def attributes_to_get(names: list[str]) -> list[Resolved]:
    if len(set(names)) != len(names):
        duplicates = sorted({name for name in names if names.count(name) > 1})
        raise invalid(f"Duplicate value in attribute name: {duplicates[0]}")
    return [(name,) for name in names]


__all__ = ["attribute_updates", "attributes_to_get", "check_mixing", "expected",
           "filter_conditions", "key_conditions", "mixed"]
