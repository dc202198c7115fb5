"""Items through boto3's client and resource APIs: put, get, update and delete with their
return values and conditions, numbers, binary values, and the legacy parameters.

Semantics and messages: the API reference's PutItem, UpdateItem, DeleteItem and GetItem
pages (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html)
and the developer guide's expression pages.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError
from dynamodb_support import resource, table

from emulator.testing.handle import EmulatorHandle


def _key(pk: str, sk: str = "x") -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def test_put_get_round_trip_of_every_type(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    item = {
        **_key("all"), "s": {"S": "héllo"}, "n": {"N": "-12.50"}, "b": {"B": b"\x00\xff"},
        "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": [b"\x01", b"\x02"]},
        "m": {"M": {"inner": {"L": [{"NULL": True}, {"BOOL": False}]}}}, "empty": {"S": ""},
    }
    ddb.put_item(TableName=name, Item=item)
    got = ddb.get_item(TableName=name, Key=_key("all"), ConsistentRead=True)["Item"]
    assert got == {**item, "n": {"N": "-12.5"}}
    assert ddb.get_item(TableName=name, Key=_key("nothing")).keys() == {"ResponseMetadata"}


def test_resource_api_with_python_types(emulator: EmulatorHandle) -> None:
    t = resource(emulator).Table(table(emulator))
    t.put_item(Item={"pk": "p", "sk": "s", "price": Decimal("9.99"), "tags": {"x", "y"},
                     "nested": {"list": [1, "two", None, True]}})
    got = t.get_item(Key={"pk": "p", "sk": "s"})["Item"]
    assert got["price"] == Decimal("9.99") and got["tags"] == {"x", "y"}
    assert got["nested"] == {"list": [Decimal(1), "two", None, True]}
    t.update_item(Key={"pk": "p", "sk": "s"}, UpdateExpression="SET price = price + :d",
                  ExpressionAttributeValues={":d": Decimal("0.01")})
    assert t.get_item(Key={"pk": "p", "sk": "s"})["Item"]["price"] == Decimal("10")
    t.delete_item(Key={"pk": "p", "sk": "s"})
    assert "Item" not in t.get_item(Key={"pk": "p", "sk": "s"})


def test_put_return_values_and_conditions(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    first = ddb.put_item(TableName=name, Item={**_key("a"), "v": {"N": "1"}},
                         ReturnValues="ALL_OLD")
    assert "Attributes" not in first
    second = ddb.put_item(TableName=name, Item={**_key("a"), "v": {"N": "2"}},
                          ReturnValues="ALL_OLD")
    assert second["Attributes"]["v"] == {"N": "1"}
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException) as raised:
        ddb.put_item(TableName=name, Item=_key("a"), ConditionExpression="attribute_not_exists(pk)")
    assert raised.value.response["Error"]["Message"] == "The conditional request failed"
    assert "Item" not in raised.value.response
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException) as raised:
        ddb.put_item(TableName=name, Item=_key("a"), ConditionExpression="v = :one",
                     ExpressionAttributeValues={":one": {"N": "1"}},
                     ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert raised.value.response["Item"] == {**_key("a"), "v": {"N": "2"}}
    ddb.put_item(TableName=name, Item=_key("new"), ConditionExpression="attribute_not_exists(pk)")
    with pytest.raises(ClientError) as invalid:
        ddb.put_item(TableName=name, Item=_key("a"), ReturnValues="ALL_NEW")
    assert invalid.value.response["Error"]["Message"] == "Return values set to invalid value"


def test_update_return_values(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    ddb.put_item(TableName=name, Item={**_key("u"), "a": {"N": "1"}, "b": {"S": "keep"},
                                       "m": {"M": {"x": {"N": "1"}, "y": {"N": "2"}}}})

    def update(returns: str, expression: str = "SET a = a + :one, m.x = :one") -> Any:
        return ddb.update_item(TableName=name, Key=_key("u"), UpdateExpression=expression,
                               ExpressionAttributeValues={":one": {"N": "1"}},
                               ReturnValues=returns).get("Attributes")

    assert update("NONE") is None
    assert update("UPDATED_OLD") == {"a": {"N": "2"}, "m": {"M": {"x": {"N": "1"}}}}
    assert update("UPDATED_NEW") == {"a": {"N": "4"}, "m": {"M": {"x": {"N": "1"}}}}
    assert update("ALL_OLD")["b"] == {"S": "keep"}
    assert update("ALL_NEW")["a"] == {"N": "6"}
    assert update("UPDATED_OLD", "REMOVE b SET c = :one") == {"b": {"S": "keep"}}
    assert update("UPDATED_NEW", "REMOVE c SET d = :one") == {"d": {"N": "1"}}


def test_update_creates_missing_items_and_guards_keys(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    made = ddb.update_item(TableName=name, Key=_key("fresh"),
                           UpdateExpression="SET visits = if_not_exists(visits, :z) + :one",
                           ExpressionAttributeValues={":z": {"N": "0"}, ":one": {"N": "1"}},
                           ReturnValues="ALL_NEW")["Attributes"]
    assert made == {**_key("fresh"), "visits": {"N": "1"}}
    ddb.update_item(TableName=name, Key=_key("bare"))
    assert ddb.get_item(TableName=name, Key=_key("bare"))["Item"] == _key("bare")
    with pytest.raises(ClientError) as raised:
        ddb.update_item(TableName=name, Key=_key("fresh"), UpdateExpression="SET pk = :v",
                        ExpressionAttributeValues={":v": {"S": "other"}})
    assert raised.value.response["Error"]["Message"] == (
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute "
        "is part of the key")
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.update_item(TableName=name, Key=_key("absent"), UpdateExpression="SET a = :v",
                        ConditionExpression="attribute_exists(pk)",
                        ExpressionAttributeValues={":v": {"N": "1"}})
    assert "Item" not in ddb.get_item(TableName=name, Key=_key("absent"))


def test_set_value_in_parentheses(emulator: EmulatorHandle) -> None:
    """A SET action's value may be wrapped in parentheses: object mappers such as ElectroDB
    write every decrement as ``SET n = (if_not_exists(n, :zero) - :v)``, and DynamoDB applies it
    as it applies the bare form
    (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html#Expressions.UpdateExpressions.SET.IncrementAndDecrement)."""
    ddb = emulator.client("dynamodb")
    name = table(emulator)

    def update(expression: str, **values: dict[str, Any]) -> dict[str, Any]:
        return ddb.update_item(  # type: ignore[no-any-return]
            TableName=name, Key=_key("fee"), UpdateExpression=expression,
            ExpressionAttributeValues={f":{k}": v for k, v in values.items()},
            ReturnValues="UPDATED_NEW")["Attributes"]

    fee, none, more = {"N": "250"}, {"L": []}, {"L": [{"S": "a"}]}
    assert update("SET fee = (if_not_exists(fee, :zero) - :v), notes = (list_append("
                  "if_not_exists(notes, :none), :more))",
                  zero={"N": "0"}, v=fee, none=none, more=more) == {
        "fee": {"N": "-250"}, "notes": {"L": [{"S": "a"}]}}
    assert update("SET fee = ((fee + :v)), opening = (:v)", v=fee) == {
        "fee": {"N": "0"}, "opening": {"N": "250"}}
    ddb.transact_write_items(TransactItems=[{"Update": {
        "TableName": name, "Key": _key("fee"), "UpdateExpression": "SET fee = (fee - :v)",
        "ExpressionAttributeValues": {":v": {"N": "1"}}}}])
    assert ddb.get_item(TableName=name, Key=_key("fee"))["Item"]["fee"] == {"N": "-1"}
    with pytest.raises(ClientError) as raised:
        update("SET fee = (fee - :v", v=fee)
    assert raised.value.response["Error"]["Message"] == (
        'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ":v"')


def test_counters_and_sets_with_add_and_delete(emulator: EmulatorHandle) -> None:
    t = resource(emulator).Table(table(emulator))
    key = {"pk": "c", "sk": "x"}
    for _ in range(3):
        t.update_item(Key=key, UpdateExpression="ADD hits :one, tags :t",
                      ExpressionAttributeValues={":one": 1, ":t": {"a", "b"}})
    t.update_item(Key=key, UpdateExpression="DELETE tags :t",
                  ExpressionAttributeValues={":t": {"a"}})
    item = t.get_item(Key=key)["Item"]
    assert item["hits"] == 3 and item["tags"] == {"b"}
    t.update_item(Key=key, UpdateExpression="DELETE tags :t",
                  ExpressionAttributeValues={":t": {"b"}})
    assert "tags" not in t.get_item(Key=key)["Item"]


def test_delete_with_condition_and_return_values(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    ddb.put_item(TableName=name, Item={**_key("d"), "state": {"S": "open"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.delete_item(TableName=name, Key=_key("d"), ConditionExpression="#s = :closed",
                        ExpressionAttributeNames={"#s": "state"},
                        ExpressionAttributeValues={":closed": {"S": "closed"}})
    gone = ddb.delete_item(TableName=name, Key=_key("d"), ReturnValues="ALL_OLD")
    assert gone["Attributes"]["state"] == {"S": "open"}
    again = ddb.delete_item(TableName=name, Key=_key("d"), ReturnValues="ALL_OLD")
    assert "Attributes" not in again


def test_projection_on_get_item(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    ddb.put_item(TableName=name, Item={**_key("p"), "a": {"L": [{"N": "1"}, {"N": "2"}]},
                                       "m": {"M": {"x": {"S": "1"}, "y": {"S": "2"}}}})
    got = ddb.get_item(TableName=name, Key=_key("p"), ProjectionExpression="a[1], #m.y",
                       ExpressionAttributeNames={"#m": "m"})["Item"]
    assert got == {"a": {"L": [{"N": "2"}]}, "m": {"M": {"y": {"S": "2"}}}}
    legacy = ddb.get_item(TableName=name, Key=_key("p"), AttributesToGet=["pk", "a"])["Item"]
    assert set(legacy) == {"pk", "a"}


def test_resource_conditions_builder(emulator: EmulatorHandle) -> None:
    t = resource(emulator).Table(table(emulator))
    t.put_item(Item={"pk": "k", "sk": "x", "n": 5, "name": "widget"})
    t.update_item(Key={"pk": "k", "sk": "x"}, UpdateExpression="SET n = :v",
                  ConditionExpression=Attr("n").between(1, 10) & Attr("name").begins_with("wid"),
                  ExpressionAttributeValues={":v": 6})
    with pytest.raises(ClientError) as raised:
        t.put_item(Item={"pk": "k", "sk": "x"},
                   ConditionExpression=Attr("n").gt(100) | Attr("name").contains("zzz"))
    assert raised.value.response["Error"]["Code"] == "ConditionalCheckFailedException"


def test_legacy_expected_and_attribute_updates(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    ddb.put_item(TableName=name, Item={**_key("l"), "n": {"N": "1"}},
                 Expected={"pk": {"Exists": False}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.put_item(TableName=name, Item=_key("l"), Expected={"pk": {"Exists": False}})
    ddb.update_item(TableName=name, Key=_key("l"), AttributeUpdates={
        "n": {"Action": "ADD", "Value": {"N": "2"}}, "s": {"Action": "PUT", "Value": {"S": "x"}}},
        Expected={"n": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}})
    item = ddb.get_item(TableName=name, Key=_key("l"))["Item"]
    assert item["n"] == {"N": "3"} and item["s"] == {"S": "x"}
    ddb.update_item(TableName=name, Key=_key("l"), AttributeUpdates={"s": {"Action": "DELETE"}})
    assert "s" not in ddb.get_item(TableName=name, Key=_key("l"))["Item"]
    with pytest.raises(ClientError) as raised:
        ddb.update_item(TableName=name, Key=_key("l"), UpdateExpression="SET a = :v",
                        ExpressionAttributeValues={":v": {"N": "1"}},
                        Expected={"n": {"Exists": True, "Value": {"N": "3"}}})
    assert raised.value.response["Error"]["Message"] == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {Expected} Expression parameters: {UpdateExpression}")


def test_consumed_capacity(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    put = ddb.put_item(TableName=name, Item={**_key("c"), "blob": {"S": "x" * 1500}},
                       ReturnConsumedCapacity="TOTAL")
    assert put["ConsumedCapacity"] == {"TableName": name, "CapacityUnits": 2.0,
                                       "WriteCapacityUnits": 2.0}
    got = ddb.get_item(TableName=name, Key=_key("c"), ReturnConsumedCapacity="TOTAL")
    assert got["ConsumedCapacity"]["CapacityUnits"] == 0.5
