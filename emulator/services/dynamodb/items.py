"""PutItem, GetItem, UpdateItem and DeleteItem."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from emulator.context import RequestContext
from emulator.dynamodb import legacy
from emulator.dynamodb.errors import ValidationError
from emulator.dynamodb.paths import Resolved, project
from emulator.dynamodb.placeholders import Placeholders
from emulator.dynamodb.projection import compile_projection
from emulator.dynamodb.size import item_size
from emulator.dynamodb.values import Item
from emulator.services.dynamodb.capacity import (
    collection_metrics,
    consumed,
    read_units,
    write_units,
)
from emulator.services.dynamodb.database import Database, LiveTable
from emulator.services.dynamodb.writes import (
    PreparedWrite,
    checked_key,
    prepare_delete,
    prepare_put,
    prepare_update,
)

_RETURN_VALUES = {
    "PutItem": ("NONE", "ALL_OLD"),
    "DeleteItem": ("NONE", "ALL_OLD"),
    "UpdateItem": ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"),
}


def check_return_values(operation: str, value: str | None) -> str:
    value = value or "NONE"
    if value not in _RETURN_VALUES[operation]:
        raise ValidationError("Return values set to invalid value")
    return value


def read_projection(params: Mapping[str, Any]) -> tuple[Placeholders, list[Resolved] | None]:
    """The paths a read returns (None for all), from ProjectionExpression or AttributesToGet;
    the placeholders are returned for the operation's other expressions."""
    legacy.check_mixing({"AttributesToGet": params.get("attributes_to_get")},
                        {"ProjectionExpression": params.get("projection_expression")})
    expressions = {"ProjectionExpression": params.get("projection_expression")}
    for name, key in (("KeyConditionExpression", "key_condition_expression"),
                      ("FilterExpression", "filter_expression")):
        if key in params:
            expressions[name] = params.get(key)
    placeholders = Placeholders(params.get("expression_attribute_names"),
                                params.get("expression_attribute_values"), expressions)
    if params.get("projection_expression") is not None:
        return placeholders, compile_projection(params["projection_expression"], placeholders)
    if params.get("attributes_to_get") is not None:
        return placeholders, legacy.attributes_to_get(list(params["attributes_to_get"]))
    return placeholders, None


class ItemOperations:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _table(self, ctx: RequestContext, name: str) -> LiveTable:
        return self.db.require(ctx.account_id, ctx.region, name)

    def _commit(self, prepared: PreparedWrite) -> tuple[Item | None, Item | None]:
        """Evaluate against the current item and write; (old item, new item)."""
        live = prepared.live
        current = live.items.get(prepared.key)
        write = prepared.evaluate(current)
        if write is None:
            return current, current
        self.db.write(live, [write])
        return current, write.item

    def _answer(self, params: Mapping[str, Any], live: LiveTable, key: Item,
                old: Item | None, new: Item | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        capacity = consumed(params.get("return_consumed_capacity"), live,
                            write_units(old, new), read=False)
        if capacity is not None:
            out["ConsumedCapacity"] = capacity
        metrics = collection_metrics(params.get("return_item_collection_metrics"), live, key)
        if metrics is not None:
            out["ItemCollectionMetrics"] = metrics
        return out

    def _replace(self, ctx: RequestContext, params: Mapping[str, Any], operation: str,
                 prepare: Callable[[LiveTable, Mapping[str, Any]], PreparedWrite]
                 ) -> dict[str, Any]:
        """PutItem and DeleteItem: write, and answer the old item for ALL_OLD."""
        returns = check_return_values(operation, params.get("return_values"))
        live = self._table(ctx, params["table_name"])
        prepared = prepare(live, params)
        old, new = self._commit(prepared)
        out = self._answer(params, live, prepared.key, old, new)
        if returns == "ALL_OLD" and old is not None:
            out["Attributes"] = old
        return out

    def put_item(self, ctx: RequestContext, params: Mapping[str, Any]) -> dict[str, Any]:
        return self._replace(ctx, params, "PutItem", prepare_put)

    def delete_item(self, ctx: RequestContext, params: Mapping[str, Any]) -> dict[str, Any]:
        return self._replace(ctx, params, "DeleteItem", prepare_delete)

    def update_item(self, ctx: RequestContext, params: Mapping[str, Any]) -> dict[str, Any]:
        returns = check_return_values("UpdateItem", params.get("return_values"))
        live = self._table(ctx, params["table_name"])
        prepared = prepare_update(live, params)
        old, new = self._commit(prepared)
        out = self._answer(params, live, prepared.key, old, new)
        assert prepared.updater is not None
        paths = prepared.updater.paths
        attributes: Item | None = None
        if returns == "ALL_OLD":
            attributes = old
        elif returns == "ALL_NEW":
            attributes = new
        elif returns == "UPDATED_OLD" and old is not None:
            attributes = project(old, paths)
        elif returns == "UPDATED_NEW" and new is not None:
            attributes = project(new, paths)
        if attributes:
            out["Attributes"] = attributes
        return out

    def get_item(self, ctx: RequestContext, params: Mapping[str, Any]) -> dict[str, Any]:
        placeholders, paths = read_projection(params)
        placeholders.check_unused()
        live = self._table(ctx, params["table_name"])
        key = checked_key(live, params["key"])
        item = live.items.get(key)
        units = read_units(item_size(item) if item else 0, bool(params.get("consistent_read")))
        self.db.throttle.charge(live, units, read=True)
        out: dict[str, Any] = {}
        if item is not None:
            out["Item"] = project(item, paths) if paths is not None else item
        capacity = consumed(params.get("return_consumed_capacity"), live, units, read=True)
        if capacity is not None:
            out["ConsumedCapacity"] = capacity
        return out


__all__ = ["ItemOperations", "check_return_values", "read_projection"]
