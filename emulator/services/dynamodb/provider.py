"""Amazon DynamoDB: tables, items, queries and scans, batches, transactions and PartiQL.

The expression languages, item storage and PartiQL are the engine in emulator/dynamodb/;
this provider owns the table records, makes every write durable before it answers, reports
writes to the table's stream (the ``table-changes`` port) and deletes expired items on the
clock.
"""

from __future__ import annotations

from typing import Any

from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.ports import Ports, TableStream
from emulator.services.base import Provider
from emulator.services.dynamodb.batches import BatchOperations
from emulator.services.dynamodb.database import Database
from emulator.services.dynamodb.errors import answered
from emulator.services.dynamodb.expiry import Expiry
from emulator.services.dynamodb.items import ItemOperations
from emulator.services.dynamodb.reads import ReadOperations
from emulator.services.dynamodb.statements import StatementOperations
from emulator.services.dynamodb.tables import TableOperations
from emulator.services.dynamodb.throttle import Throttle
from emulator.services.dynamodb.transactions import TransactionOperations
from emulator.store import ServiceStore


class TablesPort:
    """The ``tables`` port: the streams tables have now."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def streams(self) -> list[TableStream]:
        found = []
        for live in self.db.tables():
            stream = self.db.stream_of(live)
            if stream is not None:
                found.append(stream)
        return found


class DynamoDBProvider(Provider):
    service_name = "dynamodb"

    def __init__(
        self, settings: Settings, clock: Clock, store: ServiceStore, ports: Ports
    ) -> None:
        super().__init__(settings, clock, store, ports)
        self.db = Database(store, clock, ports, Throttle(clock, settings.dynamodb_throttling))
        self.tables = TableOperations(self.db, clock)
        self.item_operations = ItemOperations(self.db)
        self.reads = ReadOperations(self.db)
        self.batches = BatchOperations(self.db)
        self.transactions = TransactionOperations(self.db, clock)
        self.statements = StatementOperations(self.db, self.reads, self.transactions)
        self.expiry = Expiry(self.db, clock)
        self.db.expiry_added = self.expiry.nudge

    def port(self, name: str) -> object | None:
        return TablesPort(self.db) if name == "tables" else None

    async def start(self) -> None:
        await self.expiry.start()

    async def stop(self) -> None:
        await self.expiry.stop()

    def busy(self) -> list[str]:
        return ["expired items to delete"] if self.expiry.due() else []

    def reset(self) -> None:
        super().reset()
        self.db.forget()
        self.transactions.forget()
        self.db.throttle.forget()

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        listed = []
        for live in self.db.tables():
            listed.append({"name": live.name, "account": live.record.account,
                           "region": live.record.region, "arn": live.record.arn,
                           "items": live.items.count, "bytes": live.items.size_bytes})
        return {"tables": listed}

    # -- tables --------------------------------------------------------------------------------

    @answered
    def create_table(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        return self.tables.create_table(ctx, params)

    @answered
    def describe_table(self, ctx: RequestContext, *, table_name: str, **_: Any
                       ) -> dict[str, Any]:
        return self.tables.describe_table(ctx, table_name)

    @answered
    def list_tables(self, ctx: RequestContext, *, exclusive_start_table_name: str | None = None,
                    limit: int | None = None, **_: Any) -> dict[str, Any]:
        return self.tables.list_tables(ctx, exclusive_start_table_name, limit)

    @answered
    def update_table(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        return self.tables.update_table(ctx, params)

    @answered
    def delete_table(self, ctx: RequestContext, *, table_name: str, **_: Any) -> dict[str, Any]:
        return self.tables.delete_table(ctx, table_name)

    @answered
    def update_time_to_live(self, ctx: RequestContext, *, table_name: str,
                            time_to_live_specification: dict[str, Any], **_: Any
                            ) -> dict[str, Any]:
        return self.tables.update_time_to_live(ctx, table_name, time_to_live_specification)

    @answered
    def describe_time_to_live(self, ctx: RequestContext, *, table_name: str, **_: Any
                              ) -> dict[str, Any]:
        return self.tables.describe_time_to_live(ctx, table_name)

    @answered
    def describe_continuous_backups(self, ctx: RequestContext, *, table_name: str, **_: Any
                                    ) -> dict[str, Any]:
        return self.tables.describe_continuous_backups(ctx, table_name)

    @answered
    def update_continuous_backups(self, ctx: RequestContext, *, table_name: str,
                                  point_in_time_recovery_specification: dict[str, Any],
                                  **_: Any) -> dict[str, Any]:
        return self.tables.update_continuous_backups(ctx, table_name,
                                                     point_in_time_recovery_specification)

    @answered
    def tag_resource(self, ctx: RequestContext, *, resource_arn: str,
                     tags: list[dict[str, str]], **_: Any) -> dict[str, Any]:
        return self.tables.tag_resource(ctx, resource_arn, tags)

    @answered
    def untag_resource(self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str],
                       **_: Any) -> dict[str, Any]:
        return self.tables.untag_resource(ctx, resource_arn, tag_keys)

    @answered
    def list_tags_of_resource(self, ctx: RequestContext, *, resource_arn: str, **_: Any
                              ) -> dict[str, Any]:
        return self.tables.list_tags_of_resource(ctx, resource_arn)

    @answered
    def put_resource_policy(self, ctx: RequestContext, *, resource_arn: str, policy: str,
                            expected_revision_id: str | None = None, **_: Any
                            ) -> dict[str, Any]:
        return self.tables.put_resource_policy(ctx, resource_arn, policy, expected_revision_id)

    @answered
    def get_resource_policy(self, ctx: RequestContext, *, resource_arn: str, **_: Any
                            ) -> dict[str, Any]:
        return self.tables.get_resource_policy(ctx, resource_arn)

    @answered
    def delete_resource_policy(self, ctx: RequestContext, *, resource_arn: str, **_: Any
                               ) -> dict[str, Any]:
        return self.tables.delete_resource_policy(ctx, resource_arn)

    def describe_limits(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        return {"AccountMaxReadCapacityUnits": 80000, "AccountMaxWriteCapacityUnits": 80000,
                "TableMaxReadCapacityUnits": 40000, "TableMaxWriteCapacityUnits": 40000}

    def describe_endpoints(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        host = ctx.endpoint_url.split("://", 1)[-1]
        return {"Endpoints": [{"Address": host, "CachePeriodInMinutes": 1440}]}

    # -- items ---------------------------------------------------------------------------------

    @answered
    def put_item(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        return self.item_operations.put_item(ctx, params)

    @answered
    def get_item(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        return self.item_operations.get_item(ctx, params)

    @answered
    def update_item(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        return self.item_operations.update_item(ctx, params)

    @answered
    def delete_item(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        return self.item_operations.delete_item(ctx, params)

    @answered
    def query(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        return self.reads.query(ctx, params)

    @answered
    def scan(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        return self.reads.scan(ctx, params)

    @answered
    def batch_get_item(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        return self.batches.batch_get_item(ctx, params)

    @answered
    def batch_write_item(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        return self.batches.batch_write_item(ctx, params)

    @answered
    def transact_write_items(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        return self.transactions.transact_write_items(ctx, params)

    @answered
    def transact_get_items(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        return self.transactions.transact_get_items(ctx, params)

    @answered
    def execute_statement(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        return self.statements.execute_statement(ctx, params)

    @answered
    def batch_execute_statement(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        return self.statements.batch_execute_statement(ctx, params)

    @answered
    def execute_transaction(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        return self.statements.execute_transaction(ctx, params)


__all__ = ["DynamoDBProvider"]
