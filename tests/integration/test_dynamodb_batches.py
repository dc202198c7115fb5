"""BatchGetItem, BatchWriteItem (and boto3's batch_writer), TransactWriteItems and
TransactGetItems through boto3.

Limits and messages per the API reference
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html,
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html,
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from dynamodb_support import resource, table

from emulator.testing.handle import EmulatorHandle


def _key(pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": "x"}}


def test_batch_writer_puts_and_deletes_across_many_requests(emulator: EmulatorHandle) -> None:
    t = resource(emulator).Table(table(emulator))
    with t.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as writer:
        for n in range(60):
            writer.put_item(Item={"pk": f"item-{n}", "sk": "x", "n": n})
        writer.put_item(Item={"pk": "item-0", "sk": "x", "n": 1000})
        for n in range(10, 20):
            writer.delete_item(Key={"pk": f"item-{n}", "sk": "x"})
    assert t.scan(Select="COUNT")["Count"] == 50
    assert t.get_item(Key={"pk": "item-0", "sk": "x"})["Item"]["n"] == 1000


def test_batch_get_across_tables_with_projection(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    first, second = table(emulator), table(emulator)
    for name in (first, second):
        for pk in ("a", "b"):
            ddb.put_item(TableName=name, Item={**_key(pk), "v": {"S": f"{name}-{pk}"}})
    got = ddb.batch_get_item(RequestItems={
        first: {"Keys": [_key("a"), _key("b"), _key("missing")]},
        second: {"Keys": [_key("b")], "ProjectionExpression": "#v",
                 "ExpressionAttributeNames": {"#v": "v"}}})
    assert sorted(i["v"]["S"] for i in got["Responses"][first]) == [f"{first}-a", f"{first}-b"]
    assert got["Responses"][second] == [{"v": {"S": f"{second}-b"}}]
    assert got["UnprocessedKeys"] == {}
    res = resource(emulator)
    assert len(res.batch_get_item(RequestItems={first: {"Keys": [
        {"pk": "a", "sk": "x"}]}})["Responses"][first]) == 1


def test_batch_limits_and_duplicates(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name, other = table(emulator), table(emulator)

    def error(call: Any, **kwargs: Any) -> dict[str, str]:
        with pytest.raises(ClientError) as raised:
            call(**kwargs)
        return dict(raised.value.response["Error"])

    too_many = [{"PutRequest": {"Item": _key(str(n))}} for n in range(26)]
    assert error(ddb.batch_write_item, RequestItems={name: too_many})["Code"] == \
        "ValidationException"
    assert error(ddb.batch_write_item, RequestItems={name: too_many[:13],
                                                     other: too_many[13:]}) == {
        "Code": "ValidationException",
        "Message": "Too many items requested for the BatchWriteItem call"}
    assert error(ddb.batch_get_item, RequestItems={
        name: {"Keys": [_key(str(n)) for n in range(60)]},
        other: {"Keys": [_key(str(n)) for n in range(41)]}}) == {
        "Code": "ValidationException",
        "Message": "Too many items requested for the BatchGetItem call"}
    assert error(ddb.batch_write_item, RequestItems={name: [
        {"PutRequest": {"Item": _key("same")}}, {"DeleteRequest": {"Key": _key("same")}}]}) == {
        "Code": "ValidationException", "Message": "Provided list of item keys contains duplicates"}
    assert error(ddb.batch_get_item, RequestItems={name: {"Keys": [_key("d"), _key("d")]}})[
        "Message"] == "Provided list of item keys contains duplicates"
    # Nothing of a rejected batch is written.
    assert error(ddb.batch_write_item, RequestItems={name: [
        {"PutRequest": {"Item": _key("good")}},
        {"PutRequest": {"Item": {"pk": {"N": "1"}, "sk": {"S": "x"}}}}]})["Code"] == \
        "ValidationException"
    assert "Item" not in ddb.get_item(TableName=name, Key=_key("good"))
    assert error(ddb.batch_write_item, RequestItems={"no-such-table": too_many[:1]})[
        "Code"] == "ResourceNotFoundException"


def test_transaction_commits_all_writes(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    accounts, ledger = table(emulator, "accounts"), table(emulator, "ledger")
    ddb.put_item(TableName=accounts, Item={**_key("alice"), "balance": {"N": "100"}})
    ddb.put_item(TableName=accounts, Item={**_key("bob"), "balance": {"N": "0"}})
    ddb.transact_write_items(TransactItems=[
        {"Update": {"TableName": accounts, "Key": _key("alice"),
                    "UpdateExpression": "SET balance = balance - :amount",
                    "ConditionExpression": "balance >= :amount",
                    "ExpressionAttributeValues": {":amount": {"N": "30"}}}},
        {"Update": {"TableName": accounts, "Key": _key("bob"),
                    "UpdateExpression": "SET balance = balance + :amount",
                    "ExpressionAttributeValues": {":amount": {"N": "30"}}}},
        {"Put": {"TableName": ledger, "Item": {**_key("t1"), "amount": {"N": "30"}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
    ])
    balances = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": accounts, "Key": _key("alice")}},
        {"Get": {"TableName": accounts, "Key": _key("bob"), "ProjectionExpression": "balance"}},
        {"Get": {"TableName": ledger, "Key": _key("nobody")}},
    ])["Responses"]
    assert balances[0]["Item"]["balance"] == {"N": "70"}
    assert balances[1] == {"Item": {"balance": {"N": "30"}}}
    assert balances[2] == {}


def test_transaction_canceled_by_one_failing_condition(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    ddb.put_item(TableName=name, Item={**_key("stock"), "count": {"N": "1"}})
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as raised:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": name, "Item": {**_key("order"), "qty": {"N": "5"}}}},
            {"Update": {"TableName": name, "Key": _key("stock"),
                        "UpdateExpression": "SET #c = #c - :qty",
                        "ConditionExpression": "#c >= :qty",
                        "ExpressionAttributeNames": {"#c": "count"},
                        "ExpressionAttributeValues": {":qty": {"N": "5"}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Delete": {"TableName": name, "Key": _key("unrelated")}},
        ])
    response = raised.value.response
    assert response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, ConditionalCheckFailed, None]")
    assert response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
         "Item": {**_key("stock"), "count": {"N": "1"}}},
        {"Code": "None"},
    ]
    # Nothing was written.
    assert "Item" not in ddb.get_item(TableName=name, Key=_key("order"))
    assert ddb.get_item(TableName=name, Key=_key("stock"))["Item"]["count"] == {"N": "1"}


def test_transaction_rules(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    with pytest.raises(ClientError) as raised:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": name, "Item": _key("same")}},
            {"ConditionCheck": {"TableName": name, "Key": _key("same"),
                                "ConditionExpression": "attribute_exists(pk)"}}])
    assert raised.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "Transaction request cannot include multiple operations on one item"}
    items = [{"Update": {"TableName": name, "Key": _key("counter"),
                         "UpdateExpression": "ADD n :one",
                         "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
    for _ in range(2):
        ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-1")
    assert ddb.get_item(TableName=name, Key=_key("counter"))["Item"]["n"] == {"N": "1"}
    with pytest.raises(ddb.exceptions.IdempotentParameterMismatchException):
        ddb.transact_write_items(TransactItems=[{"Put": {"TableName": name,
                                                         "Item": _key("other")}}],
                                 ClientRequestToken="token-1")
    emulator.clock.advance(601)
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-1")
    assert ddb.get_item(TableName=name, Key=_key("counter"))["Item"]["n"] == {"N": "2"}
