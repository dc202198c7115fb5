"""BatchGetItem and BatchWriteItem: up to 100 keys and 25 writes across tables, every
request checked before any is made; nothing is left unprocessed except reads past 16 MB."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emulator.context import RequestContext
from emulator.dynamodb.errors import ValidationError
from emulator.dynamodb.paths import project
from emulator.dynamodb.size import item_size
from emulator.dynamodb.table import key_text
from emulator.dynamodb.values import Item
from emulator.services.dynamodb.capacity import consumed, read_units, write_units
from emulator.services.dynamodb.database import Database, LiveTable, Write
from emulator.services.dynamodb.items import read_projection
from emulator.services.dynamodb.writes import checked_key, prepare_put

MAX_GET_KEYS = 100
MAX_WRITES = 25
MAX_GET_BYTES = 16 * 1024 * 1024


def duplicates() -> ValidationError:
    return ValidationError("Provided list of item keys contains duplicates")


class BatchOperations:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _table(self, ctx: RequestContext, name: str) -> LiveTable:
        return self.db.require(ctx.account_id, ctx.region, name)

    def batch_get_item(self, ctx: RequestContext, params: Mapping[str, Any]) -> dict[str, Any]:
        requests: Mapping[str, Any] = params["request_items"]
        if sum(len(request.get("Keys") or []) for request in requests.values()) > MAX_GET_KEYS:
            raise ValidationError("Too many items requested for the BatchGetItem call")
        plans = []
        for name, request in requests.items():
            placeholders, paths = read_projection({
                "projection_expression": request.get("ProjectionExpression"),
                "attributes_to_get": request.get("AttributesToGet"),
                "expression_attribute_names": request.get("ExpressionAttributeNames")})
            placeholders.check_unused()
            live = self._table(ctx, name)
            keys = [checked_key(live, key) for key in request["Keys"]]
            texts = [key_text(live.schema, key) for key in keys]
            if len(set(texts)) != len(texts):
                raise duplicates()
            plans.append((name, request, live, keys, paths))
        responses: dict[str, list[Item]] = {}
        unprocessed: dict[str, Any] = {}
        capacity: list[dict[str, Any]] = []
        total = 0
        for name, request, live, keys, paths in plans:
            found: list[Item] = []
            read = 0
            for at, key in enumerate(keys):
                if total >= MAX_GET_BYTES:
                    unprocessed[name] = {**request, "Keys": keys[at:]}
                    break
                item = live.items.get(key)
                if item is None:
                    continue
                size = item_size(item)
                total += size
                read += size
                found.append(project(item, paths) if paths is not None else item)
            responses[name] = found
            units = read_units(read, bool(request.get("ConsistentRead")))
            self.db.throttle.charge(live, units, read=True)
            reported = consumed(params.get("return_consumed_capacity"), live, units, read=True)
            if reported is not None:
                capacity.append(reported)
        out: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": unprocessed}
        if capacity:
            out["ConsumedCapacity"] = capacity
        return out

    def batch_write_item(self, ctx: RequestContext, params: Mapping[str, Any]
                         ) -> dict[str, Any]:
        requests: Mapping[str, Any] = params["request_items"]
        if sum(len(writes) for writes in requests.values()) > MAX_WRITES:
            raise ValidationError("Too many items requested for the BatchWriteItem call")
        plans: list[tuple[LiveTable, list[Write]]] = []
        for name, writes in requests.items():
            live = self._table(ctx, name)
            planned: list[Write] = []
            seen: set[str] = set()
            for request in writes:
                put, delete = request.get("PutRequest"), request.get("DeleteRequest")
                if (put is None) == (delete is None):
                    raise ValidationError(
                        "Supplied AttributeValue has more than one datatypes set, must contain "
                        "exactly one of the supported datatypes" if put is not None else
                        "1 validation error detected: Value null at 'requestItems' failed to "
                        "satisfy constraint: Member must have either PutRequest or "
                        "DeleteRequest")
                if put is not None:
                    prepared = prepare_put(live, {"item": put["Item"]})
                    write = Write(prepared.key, prepared.item)
                else:
                    key = checked_key(live, delete["Key"])
                    write = Write(key, None)
                text = key_text(live.schema, write.key)
                if text in seen:
                    raise duplicates()
                seen.add(text)
                planned.append(write)
            plans.append((live, planned))
        capacity: list[dict[str, Any]] = []
        for live, planned in plans:
            olds = self.db.write(live, planned)
            units = sum(write_units(old, write.item) for old, write in
                        zip(olds, planned, strict=True))
            found = consumed(params.get("return_consumed_capacity"), live, units, read=False)
            if found is not None:
                capacity.append(found)
        out: dict[str, Any] = {"UnprocessedItems": {}}
        if capacity:
            out["ConsumedCapacity"] = capacity
        return out


__all__ = ["BatchOperations"]
