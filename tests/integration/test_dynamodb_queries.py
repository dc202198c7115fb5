"""Query and Scan through boto3: key conditions with the resource API's Key builder, sort
order both ways, filters, projections, Select COUNT, Limit and LastEvaluatedKey pages, the
1 MB page, parallel scans and queries on local and global secondary indexes.

Behaviour per the API reference's Query and Scan pages
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html,
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Scan.html).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError
from dynamodb_support import key_schema, resource, table

from emulator.testing.handle import EmulatorHandle


@pytest.fixture(scope="module")
def orders(emulator: EmulatorHandle) -> Any:
    """Customers' orders: 3 customers x 20 orders, sort key the order number."""
    name = table(
        emulator, "orders", range_key=("n", "N"),
        GlobalSecondaryIndexes=[{"IndexName": "by-status", "KeySchema": key_schema("status", "n"),
                                 "Projection": {"ProjectionType": "INCLUDE",
                                                "NonKeyAttributes": ["total"]}}],
        LocalSecondaryIndexes=[{"IndexName": "by-total", "KeySchema": key_schema("pk", "total"),
                                "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        type_n="N", type_total="N")
    t = resource(emulator).Table(name)
    with t.batch_writer() as writer:
        for customer in ("alice", "bob", "carol"):
            for n in range(20):
                writer.put_item(Item={
                    "pk": customer, "n": n, "total": Decimal(100 - n),
                    "status": "open" if n % 4 == 0 else "shipped", "note": f"order {n}"})
    return t


def test_query_a_partition_in_sort_key_order(orders: Any) -> None:
    found = orders.query(KeyConditionExpression=Key("pk").eq("bob"))
    assert [item["n"] for item in found["Items"]] == list(range(20))
    assert found["Count"] == found["ScannedCount"] == 20
    assert "LastEvaluatedKey" not in found
    backwards = orders.query(KeyConditionExpression=Key("pk").eq("bob"), ScanIndexForward=False)
    assert [item["n"] for item in backwards["Items"]] == list(range(19, -1, -1))


@pytest.mark.parametrize(("condition", "expected"), [
    (Key("n").eq(3), [3]),
    (Key("n").lt(3), [0, 1, 2]),
    (Key("n").lte(3), [0, 1, 2, 3]),
    (Key("n").gt(16), [17, 18, 19]),
    (Key("n").gte(18), [18, 19]),
    (Key("n").between(5, 7), [5, 6, 7]),
])
def test_sort_key_conditions(orders: Any, condition: Any, expected: list[int]) -> None:
    found = orders.query(KeyConditionExpression=Key("pk").eq("alice") & condition)
    assert [item["n"] for item in found["Items"]] == expected


def test_filter_projection_and_count(orders: Any) -> None:
    found = orders.query(KeyConditionExpression=Key("pk").eq("carol"),
                         FilterExpression=Attr("status").eq("open"),
                         ProjectionExpression="n, #s", ExpressionAttributeNames={"#s": "status"})
    assert found["Items"] == [{"n": n, "status": "open"} for n in (0, 4, 8, 12, 16)]
    assert (found["Count"], found["ScannedCount"]) == (5, 20)
    counted = orders.query(KeyConditionExpression=Key("pk").eq("carol"), Select="COUNT",
                           FilterExpression=Attr("total").gte(90))
    assert counted["Count"] == 11 and "Items" not in counted


def test_limit_and_pages(orders: Any) -> None:
    seen: list[int] = []
    start: dict[str, Any] | None = None
    pages = 0
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        page = orders.query(KeyConditionExpression=Key("pk").eq("alice"), Limit=7,
                            FilterExpression=Attr("status").eq("shipped"), **extra)
        pages += 1
        seen += [item["n"] for item in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if start is None:
            break
        assert start == {"pk": "alice", "n": page["ScannedCount"] and start["n"]}
    assert pages == 3
    assert seen == [n for n in range(20) if n % 4]


def test_limit_reached_on_the_last_item_still_answers_a_key(orders: Any) -> None:
    page = orders.query(KeyConditionExpression=Key("pk").eq("bob") & Key("n").gte(15), Limit=5)
    assert page["LastEvaluatedKey"] == {"pk": "bob", "n": 19}
    rest = orders.query(KeyConditionExpression=Key("pk").eq("bob") & Key("n").gte(15), Limit=5,
                        ExclusiveStartKey=page["LastEvaluatedKey"])
    assert rest["Items"] == [] and "LastEvaluatedKey" not in rest


def test_global_index_query_and_its_projection(orders: Any) -> None:
    found = orders.query(IndexName="by-status", KeyConditionExpression=Key("status").eq("open")
                         & Key("n").lt(5))
    assert sorted((i["pk"], i["n"]) for i in found["Items"]) == [
        ("alice", 0), ("alice", 4), ("bob", 0), ("bob", 4), ("carol", 0), ("carol", 4)]
    assert set(found["Items"][0]) == {"pk", "n", "status", "total"}
    with pytest.raises(ClientError) as raised:
        orders.query(IndexName="by-status", KeyConditionExpression=Key("status").eq("open"),
                     ConsistentRead=True)
    assert raised.value.response["Error"]["Message"] == \
        "Consistent reads are not supported on global secondary indexes"
    pages = [orders.query(IndexName="by-status", KeyConditionExpression=Key("status").eq("open"),
                          Limit=4)]
    pages.append(orders.query(IndexName="by-status", Limit=4, ExclusiveStartKey=pages[0][
        "LastEvaluatedKey"], KeyConditionExpression=Key("status").eq("open")))
    assert set(pages[0]["LastEvaluatedKey"]) == {"pk", "n", "status"}
    keys = [(i["pk"], i["n"]) for page in pages for i in page["Items"]]
    assert len(keys) == len(set(keys)) == 8


def test_local_index_orders_by_its_sort_key(orders: Any) -> None:
    found = orders.query(IndexName="by-total", KeyConditionExpression=Key("pk").eq("alice")
                         & Key("total").between(95, 97))
    assert [item["total"] for item in found["Items"]] == [95, 96, 97]
    assert set(found["Items"][0]) == {"pk", "n", "total"}
    everything = orders.query(IndexName="by-total", Select="ALL_ATTRIBUTES", Limit=1,
                              KeyConditionExpression=Key("pk").eq("alice"))
    assert everything["Items"][0]["note"] == "order 19"


def test_scan_pages_filters_and_parallel_segments(orders: Any) -> None:
    everything: list[tuple[str, int]] = []
    start = None
    while True:
        page = orders.scan(Limit=13, **({"ExclusiveStartKey": start} if start else {}))
        everything += [(item["pk"], item["n"]) for item in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if start is None:
            break
    assert sorted(everything) == sorted((c, n) for c in ("alice", "bob", "carol")
                                        for n in range(20))
    segments = [orders.scan(Segment=s, TotalSegments=3)["Items"] for s in range(3)]
    assert sum(len(items) for items in segments) == 60
    filtered = orders.scan(FilterExpression=Attr("total").lt(83))
    assert filtered["Count"] == 6 and filtered["ScannedCount"] == 60
    index_scan = orders.scan(IndexName="by-status", Select="COUNT")
    assert index_scan["Count"] == 60


def test_one_megabyte_pages(emulator: EmulatorHandle) -> None:
    t = resource(emulator).Table(table(emulator, range_key=("n", "N"), type_n="N"))
    with t.batch_writer() as writer:
        for n in range(30):
            writer.put_item(Item={"pk": "big", "n": n, "blob": "x" * 100_000})
    counts = []
    start: dict[str, Any] | None = None
    while True:
        page = t.query(KeyConditionExpression=Key("pk").eq("big"),
                       **({"ExclusiveStartKey": start} if start else {}))
        counts.append(page["Count"])
        start = page.get("LastEvaluatedKey")
        if start is None:
            break
    # Each page stops once it has read 1 MB: about ten items of 100 KB.
    assert sum(counts) == 30 and len(counts) == 3
    assert all(10 <= count <= 11 for count in counts[:-1])


def test_legacy_key_conditions_and_query_filter(orders: Any, emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    found = ddb.query(TableName=orders.name, KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "bob"}]},
        "n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "2"}, {"N": "9"}]}},
        QueryFilter={"status": {"ComparisonOperator": "EQ", "AttributeValueList": [
            {"S": "open"}]}}, AttributesToGet=["n"])
    assert found["Items"] == [{"n": {"N": "4"}}, {"n": {"N": "8"}}]
    scanned = ddb.scan(TableName=orders.name, ScanFilter={
        "n": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"N": "2"}]}},
        ConditionalOperator="AND")
    assert scanned["Count"] == 6, scanned


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"KeyConditionExpression": "n = :n", "ExpressionAttributeValues": {":n": {"N": "1"}}},
     "Query condition missed key schema element: pk"),
    ({"KeyConditionExpression": "pk = :p", "FilterExpression": "n > :n",
      "ExpressionAttributeValues": {":p": {"S": "a"}, ":n": {"N": "1"}}},
     "Filter Expression can only contain non-primary key attributes: Primary key attribute: n"),
    ({"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"N": "1"}}},
     "One or more parameter values were invalid: Condition parameter type does not match schema "
     "type"),
    ({}, "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
     "request."),
    ({"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}},
      "ExclusiveStartKey": {"pk": {"S": "a"}}},
     "The provided starting key is invalid: The provided key element does not match the "
     "schema"),
    ({"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}},
      "Select": "ALL_PROJECTED_ATTRIBUTES"},
     "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"),
    # An empty partition key value (a path parameter that was never filled, say) is refused,
    # worded for the table or for the index queried.
    ({"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": ""}}},
     "One or more parameter values are not valid. The AttributeValue for a key attribute "
     "cannot contain an empty string value. Key: pk"),
    ({"IndexName": "by-status", "KeyConditionExpression": "#s = :s",
      "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":s": {"S": ""}}},
     "One or more parameter values are not valid. A value specified for a secondary index key "
     "is not supported. The AttributeValue for a key attribute cannot contain an empty string "
     "value. IndexName: by-status, IndexKey: status"),
])
def test_query_errors(orders: Any, emulator: EmulatorHandle, kwargs: dict[str, Any],
                      message: str) -> None:
    with pytest.raises(ClientError) as raised:
        emulator.client("dynamodb").query(TableName=orders.name, **kwargs)
    assert raised.value.response["Error"] == {"Code": "ValidationException", "Message": message}


def test_scan_segment_errors(orders: Any, emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    with pytest.raises(ClientError) as raised:
        ddb.scan(TableName=orders.name, Segment=3, TotalSegments=3)
    assert raised.value.response["Error"]["Message"] == (
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: 3 is not less than TotalSegments: 3")
    with pytest.raises(ClientError) as raised:
        ddb.scan(TableName=orders.name, TotalSegments=2)
    assert "The Segment parameter is required" in raised.value.response["Error"]["Message"]
