"""DynamoDB through boto3: GetItem and PutItem against a canned endpoint, a Query of 100
items from a 100,000-item table (with its items per second), and the memory those items
take against their size."""

from __future__ import annotations

import time

from bench import servers
from bench.clients import ONE_TRY, client
from bench.dynamodb_floor import PAGE, bench_item
from bench.results import Result, summary
from bench.timing import alternate

TARGET = 1.5
QUERY_TARGET = 2.0
MEMORY_TARGET = 2.0
FLOOR_MODULE = "bench.dynamodb_floor"
TABLE = "bench"
ITEMS = 100_000
CUSTOMERS = ITEMS // PAGE
BATCH = 25


class Unavailable(Exception):
    """The emulator cannot answer the calls yet (for example NotImplemented)."""


class _Target:
    def __init__(self, endpoint_url: str) -> None:
        from botocore.exceptions import ClientError

        self.client = client("dynamodb", endpoint_url, retries=ONE_TRY, read_timeout=300)
        try:
            self.client.create_table(
                TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                           {"AttributeName": "sk", "KeyType": "RANGE"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                      {"AttributeName": "sk", "AttributeType": "N"}])
            self.client.put_item(TableName=TABLE, Item=bench_item("customer-1", 1))
            self.writes = 0
            self.put()
            self.get()
        except ClientError as error:
            raise Unavailable(str(error)) from None

    def put(self) -> None:
        self.writes += 1
        self.client.put_item(TableName=TABLE, Item=bench_item("writes", self.writes))

    def get(self) -> None:
        reply = self.client.get_item(TableName=TABLE, Key={"pk": {"S": "customer-1"},
                                                           "sk": {"N": "1"}})
        if "Item" not in reply:
            raise RuntimeError("GetItem found no item; the benchmark is invalid")

    def query(self, customer: int = 1) -> None:
        reply = self.client.query(TableName=TABLE, KeyConditionExpression="pk = :p",
                                  ExpressionAttributeValues={":p": {"S": f"customer-{customer}"}})
        if reply["Count"] != PAGE:
            raise RuntimeError(f"Query found {reply['Count']} items, not {PAGE}")

    def load(self, items: int) -> None:
        requests = [{"PutRequest": {"Item": bench_item(f"customer-{n // PAGE}", n % PAGE)}}
                    for n in range(items)]
        for start in range(0, len(requests), BATCH):
            reply = self.client.batch_write_item(RequestItems={TABLE: requests[start:start
                                                                                + BATCH]})
            if reply["UnprocessedItems"]:
                raise RuntimeError("BatchWriteItem left items unprocessed")


def _data_bytes(items: int) -> int:
    """The items' size as DynamoDB counts it (names and values)."""
    from emulator.dynamodb.size import item_size

    return sum(item_size(bench_item(f"customer-{n // PAGE}", n % PAGE)) for n in range(items))


def run(calls: int, warmup: int, items: int = ITEMS) -> list[Result]:
    with servers.emulator_and_floor(FLOOR_MODULE) as (our_server, floor_server):
        ours = _Target(our_server.endpoint_url)
        floor = _Target(floor_server.endpoint_url)
        alternate(ours.put, floor.put, warmup)
        put = alternate(ours.put, floor.put, calls)
        alternate(ours.get, floor.get, warmup)
        get = alternate(ours.get, floor.get, calls)
        before = servers.rss_bytes(our_server.process.pid)
        began = time.perf_counter()
        ours.load(items)
        loaded = time.perf_counter() - began
        grown = servers.rss_bytes(our_server.process.pid) - before
        customers: list[int] = []

        def our_query() -> None:
            customers.append(len(customers) * 37 % (items // PAGE))
            ours.query(customers[-1])

        alternate(our_query, floor.query, warmup)
        query = alternate(our_query, floor.query, calls)
    per_item = sorted(query[0])[len(query[0]) // 2] / PAGE
    return [
        *summary("DynamoDB PutItem via boto3", *put, TARGET, calls),
        *summary("DynamoDB GetItem via boto3", *get, TARGET, calls),
        *summary(f"DynamoDB Query of {PAGE} items from {items:,} "
                 f"({1 / per_item:,.0f} items/s)", *query, QUERY_TARGET, calls),
        Result(f"DynamoDB memory for {items:,} items of 1 KB (loaded at "
               f"{items / loaded:,.0f} items/s)", "bytes", float(grown),
               float(_data_bytes(items)), MEMORY_TARGET, 1),
    ]


__all__ = ["Unavailable", "run"]
