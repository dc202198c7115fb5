"""Shared helpers for the DynamoDB integration tests: tables with unique names, the resource
API, and the key schemas the developer guide's examples use."""

from __future__ import annotations

import itertools
from typing import Any

import boto3

_counter = itertools.count()


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


def resource(emulator: Any) -> Any:
    return boto3.resource(
        "dynamodb", endpoint_url=emulator.endpoint_url, region_name=emulator.region,
        aws_access_key_id="test", aws_secret_access_key="test")


def key_schema(hash_name: str, range_name: str | None = None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_name, "KeyType": "HASH"}]
    if range_name is not None:
        schema.append({"AttributeName": range_name, "KeyType": "RANGE"})
    return schema


def definitions(**types: str) -> list[dict[str, str]]:
    return [{"AttributeName": name, "AttributeType": kind} for name, kind in types.items()]


def table(emulator: Any, prefix: str = "t", *, hash_key: tuple[str, str] = ("pk", "S"),
          range_key: tuple[str, str] | None = ("sk", "S"), **kwargs: Any) -> str:
    """Create an on-demand table (pk, sk by default) and return its name."""
    name = unique(prefix)
    types = dict([hash_key] + ([range_key] if range_key else []))
    for index in kwargs.get("GlobalSecondaryIndexes", []) + kwargs.get(
            "LocalSecondaryIndexes", []):
        for element in index["KeySchema"]:
            types.setdefault(element["AttributeName"], kwargs.pop(
                f"type_{element['AttributeName']}", "S"))
    kwargs = {k: v for k, v in kwargs.items() if not k.startswith("type_")}
    emulator.client("dynamodb").create_table(
        TableName=name, KeySchema=key_schema(hash_key[0], range_key[0] if range_key else None),
        AttributeDefinitions=definitions(**types), BillingMode="PAY_PER_REQUEST", **kwargs)
    return name


__all__ = ["definitions", "key_schema", "resource", "table", "unique"]
