"""CreateTable's and UpdateTable's checks of key schemas, attribute definitions, indexes,
billing and streams, worded as DynamoDB words them, and the descriptions they produce."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from emulator.errors import ServiceError
from emulator.services.dynamodb.errors import validation

MAX_GSIS = 20
MAX_LSIS = 5
MAX_PROJECTED_ATTRIBUTES = 100
STREAM_VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")


def invalid(message: str) -> ServiceError:
    return validation(f"One or more parameter values were invalid: {message}")


_TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]+")


def check_table_name(name: str) -> None:
    """Table names: 3 to 255 of a-z, A-Z, 0-9, '_', '-' and '.' (the model checks ARNs now,
    so the name's own constraint is checked here, worded as the older model's check was)."""
    problem = None
    if len(name) < 3:
        problem = "Member must have length greater than or equal to 3"
    elif len(name) > 255:
        problem = "Member must have length less than or equal to 255"
    elif not _TABLE_NAME.fullmatch(name):
        problem = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
    if problem is not None:
        raise validation(f"1 validation error detected: Value '{name}' at 'tableName' failed "
                         f"to satisfy constraint: {problem}")


def check_key_schema(key_schema: Sequence[Mapping[str, Any]], what: str = "") -> None:
    if not key_schema or key_schema[0].get("KeyType") != "HASH":
        raise validation(f"Invalid KeySchema: The first KeySchemaElement is not a HASH key "
                         f"type{what}")
    if len(key_schema) > 1:
        if key_schema[1].get("KeyType") != "RANGE":
            raise validation(f"Invalid KeySchema: The second KeySchemaElement is not a RANGE "
                             f"key type{what}")
        if key_schema[0]["AttributeName"] == key_schema[1]["AttributeName"]:
            raise validation("Both the Hash Key and the Range Key element in the KeySchema "
                             "have the same name")


def _names(definitions: Sequence[Mapping[str, Any]]) -> list[str]:
    return [d["AttributeName"] for d in definitions]


def check_definitions(definitions: Sequence[Mapping[str, Any]],
                      key_schemas: list[Sequence[Mapping[str, Any]]]) -> None:
    """Every key attribute defined, and every definition used by some key. `key_schemas`
    holds the table's key schema first, then its indexes'."""
    names = _names(definitions)
    if len(set(names)) != len(names):
        raise validation("Cannot have two attributes with the same name")
    used: list[str] = []
    for schema in key_schemas:
        for element in schema:
            if element["AttributeName"] not in used:
                used.append(element["AttributeName"])
    missing = [name for name in used if name not in names]
    if missing:
        raise invalid(f"Some index key attributes are not defined in AttributeDefinitions. "
                      f"Keys: [{', '.join(missing)}], AttributeDefinitions: "
                      f"[{', '.join(names)}]")
    if set(names) == set(used):
        return
    if len(key_schemas) == 1:
        raise invalid("Number of attributes in KeySchema does not exactly match number of "
                      "attributes defined in AttributeDefinitions")
    # With secondary indexes DynamoDB names the keys it used, the indexes' keys before the
    # table's, and lists the definitions as those keys followed by the unused ones.
    in_index_order = [n for schema in [*key_schemas[1:], key_schemas[0]] for n in
                      (e["AttributeName"] for e in schema)]
    keys_used = list(dict.fromkeys(in_index_order))
    listed = keys_used + [name for name in names if name not in keys_used]
    raise invalid(f"Some AttributeDefinitions are not used. AttributeDefinitions: "
                  f"[{', '.join(listed)}], keys used: [{', '.join(keys_used)}]")


def check_billing(billing_mode: str | None, throughput: Mapping[str, Any] | None) -> str:
    """The billing mode (PROVISIONED unless given), checked against the throughput."""
    mode = billing_mode or "PROVISIONED"
    if mode == "PAY_PER_REQUEST" and throughput is not None:
        raise invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                      "BillingMode is PAY_PER_REQUEST")
    if mode == "PROVISIONED" and throughput is None:
        if billing_mode is None:
            raise validation("No provisioned throughput specified for the table")
        raise invalid("ReadCapacityUnits and WriteCapacityUnits must both be specified when "
                      "BillingMode is PROVISIONED")
    return mode


def check_projection(projection: Mapping[str, Any], index_name: str) -> None:
    kind = projection.get("ProjectionType")
    non_key = projection.get("NonKeyAttributes")
    if kind == "INCLUDE" and not non_key:
        raise invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    if kind != "INCLUDE" and non_key:
        raise invalid(f"ProjectionType is {kind or 'ALL'}, but NonKeyAttributes is specified")
    if non_key and len(non_key) > MAX_PROJECTED_ATTRIBUTES:
        raise invalid(f"The number of projected attributes in all indexes cannot exceed "
                      f"{MAX_PROJECTED_ATTRIBUTES}")


def check_indexes(key_schema: Sequence[Mapping[str, Any]],
                  globals_: Sequence[Mapping[str, Any]], locals_: Sequence[Mapping[str, Any]],
                  mode: str) -> None:
    seen: set[str] = set()
    if len(globals_) > MAX_GSIS:
        raise validation(f"One or more parameter values were invalid: GlobalSecondaryIndex "
                         f"count exceeds the per-table limit of {MAX_GSIS}")
    if len(locals_) > MAX_LSIS:
        raise validation(f"One or more parameter values were invalid: LocalSecondaryIndex "
                         f"count exceeds the per-table limit of {MAX_LSIS}")
    for index in [*globals_, *locals_]:
        name = index["IndexName"]
        if name in seen:
            raise invalid(f"Duplicate index name: {name}")
        seen.add(name)
        check_key_schema(index["KeySchema"])
        check_projection(index.get("Projection") or {}, name)
    for index in globals_:
        if mode == "PROVISIONED" and index.get("ProvisionedThroughput") is None:
            raise invalid(f"ProvisionedThroughput must be specified for index: "
                          f"{index['IndexName']}")
        if mode == "PAY_PER_REQUEST" and index.get("ProvisionedThroughput") is not None:
            raise invalid(f"ProvisionedThroughput should not be specified for index: "
                          f"{index['IndexName']} when BillingMode is PAY_PER_REQUEST")
    if locals_:
        if len(key_schema) < 2:
            raise invalid("Table KeySchema does not have a range key, which is required when "
                          "specifying a LocalSecondaryIndex")
        table_hash = key_schema[0]["AttributeName"]
        for index in locals_:
            schema = index["KeySchema"]
            if schema[0]["AttributeName"] != table_hash:
                raise invalid(
                    f"Index KeySchema does not have the same leading hash key as table "
                    f"KeySchema for index: {index['IndexName']}. index hash key: "
                    f"{schema[0]['AttributeName']}, table hash key: {table_hash}")
            if len(schema) < 2:
                raise invalid(f"Index KeySchema for a LocalSecondaryIndex must have a range "
                              f"key: {index['IndexName']}")


def check_stream(spec: Mapping[str, Any] | None) -> None:
    if spec is None:
        return
    enabled = spec.get("StreamEnabled")
    view = spec.get("StreamViewType")
    if enabled and view is None:
        raise invalid("You must specify a StreamViewType when enabling a stream")
    if not enabled and view is not None:
        raise invalid("StreamViewType can only be specified when StreamEnabled is true")


def throughput(given: Mapping[str, Any] | None) -> dict[str, Any]:
    given = given or {}
    return {"NumberOfDecreasesToday": 0,
            "ReadCapacityUnits": int(given.get("ReadCapacityUnits") or 0),
            "WriteCapacityUnits": int(given.get("WriteCapacityUnits") or 0)}


def projection(given: Mapping[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"ProjectionType": (given or {}).get("ProjectionType") or "ALL"}
    if (given or {}).get("NonKeyAttributes"):
        out["NonKeyAttributes"] = list(given["NonKeyAttributes"])  # type: ignore[index]
    return out


def index_description(index: Mapping[str, Any], table_arn: str, mode: str, *,
                      is_global: bool, status: str = "ACTIVE") -> dict[str, Any]:
    out: dict[str, Any] = {
        "IndexName": index["IndexName"],
        "KeySchema": [dict(e) for e in index["KeySchema"]],
        "Projection": projection(index.get("Projection")),
    }
    if is_global:
        out["IndexStatus"] = status
        out["ProvisionedThroughput"] = throughput(
            index.get("ProvisionedThroughput") if mode == "PROVISIONED" else None)
        if index.get("OnDemandThroughput"):
            out["OnDemandThroughput"] = dict(index["OnDemandThroughput"])
        if index.get("WarmThroughput"):
            out["WarmThroughput"] = {**index["WarmThroughput"], "Status": "ACTIVE"}
    out["IndexArn"] = f"{table_arn}/index/{index['IndexName']}"
    return out


__all__ = [
    "STREAM_VIEW_TYPES",
    "check_billing",
    "check_definitions",
    "check_indexes",
    "check_key_schema",
    "check_projection",
    "check_stream",
    "check_table_name",
    "index_description",
    "invalid",
    "projection",
    "throughput",
]
