"""Runs one data case of tests/dynamodb/cases against the DynamoDB engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emulator.dynamodb.codec import from_document, to_document
from emulator.dynamodb.conditions import compile_condition
from emulator.dynamodb.errors import DynamoDBError
from emulator.dynamodb.keys import KeySchema, key_query
from emulator.dynamodb.paths import project
from emulator.dynamodb.placeholders import Placeholders
from emulator.dynamodb.projection import compile_projection
from emulator.dynamodb.size import item_size
from emulator.dynamodb.updates import compile_update
from emulator.dynamodb.values import check_item, check_value, native

CASES = Path(__file__).parent / "cases"


def decoded(value: Any) -> Any:
    """JSON data with binary values as bytes (cases write them in base64)."""
    return from_document(to_document(value))


def _placeholders(case: dict[str, Any], parameter: str, text: str | None) -> Placeholders:
    return Placeholders(case.get("names"), decoded(case.get("values")), {parameter: text})


def _outcome(case: dict[str, Any], items: dict[str, Any]) -> Any:
    named = case.get("item")
    item = decoded(items[named] if isinstance(named, str) else named)
    if "condition" in case:
        placeholders = _placeholders(case, "ConditionExpression", case["condition"])
        test = compile_condition(case["condition"], placeholders)
        placeholders.check_unused()
        return test(check_item(item))
    if "update" in case:
        placeholders = _placeholders(case, "UpdateExpression", case["update"])
        updater = compile_update(case["update"], placeholders)
        placeholders.check_unused()
        return updater.apply(check_item(item))
    if "projection" in case:
        placeholders = _placeholders(case, "ProjectionExpression", case["projection"])
        paths = compile_projection(case["projection"], placeholders)
        placeholders.check_unused()
        return project(check_item(item), paths)
    if "key_condition" in case:
        schema = case["schema"]
        key_schema = KeySchema(schema["hash"][0], schema["hash"][1],
                               *(schema.get("range", (None, None))))
        placeholders = _placeholders(case, "KeyConditionExpression", case["key_condition"])
        query = key_query(key_schema, case["key_condition"], placeholders)
        placeholders.check_unused()
        found: dict[str, Any] = {"hash": query.hash_value}
        if query.range is not None:
            found["range"] = [query.range.operator, *query.range.values]
        return found
    if "value" in case:
        return check_value(decoded(case["value"]))
    return item_size(check_item(item))


def _expected(case: dict[str, Any]) -> Any:
    if "key_condition" in case:
        expect = decoded(case["expect"])
        if "range" in expect:
            operator, *values = expect["range"]
            expect["range"] = [operator, *(native(value) for value in values)]
        return expect
    if "size" in case:
        return case["size"]
    return decoded(case["expect"])


def check(case: dict[str, Any], items: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(DynamoDBError) as raised:
            _outcome(case, items)
        if case.get("match") == "prefix":
            assert raised.value.message.startswith(case["error"]), raised.value.message
        else:
            assert raised.value.message == case["error"]
        assert raised.value.code == "ValidationException"
        return
    assert _outcome(case, items) == _expected(case)


__all__ = ["CASES", "check"]
