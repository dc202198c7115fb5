"""Item writes prepared and checked before anything changes, so single writes, batches,
transactions and PartiQL statements share one path: parse the request, check the item and
its expressions, then ``evaluate`` against the current item to get the write to commit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from emulator.dynamodb import legacy
from emulator.dynamodb.conditions import Predicate, compile_condition
from emulator.dynamodb.errors import ConditionFailed, DynamoDBError, ValidationError, invalid
from emulator.dynamodb.keys import check_item_key, check_key
from emulator.dynamodb.placeholders import Placeholders
from emulator.dynamodb.size import MAX_ITEM_BYTES, item_size
from emulator.dynamodb.table import IndexSpec
from emulator.dynamodb.updates import Updater, compile_update
from emulator.dynamodb.values import Item, check_item, type_of
from emulator.services.dynamodb.database import LiveTable, Write, index_specs


def check_index_keys(live: LiveTable, item: Item) -> None:
    """Attributes that key a secondary index must have the index's types (or be absent)."""
    for spec in _index_specs(live):
        for name, kind in ((spec.schema.hash_name, spec.schema.hash_type),
                           (spec.schema.range_name, spec.schema.range_type)):
            if name is None or name not in item:
                continue
            value = item[name]
            if type_of(value) != kind:
                raise invalid(f"Type mismatch for Index Key {name} Expected: {kind} Actual: "
                              f"{type_of(value)} IndexName: {spec.name}")
            if kind in ("S", "B") and len(value[kind]) == 0:
                raise ValidationError(
                    f"One or more parameter values are not valid. A value specified for a "
                    f"secondary index key is not supported. The AttributeValue for a key "
                    f"attribute cannot contain an empty {'string' if kind == 'S' else 'binary'} "
                    f"value. IndexName: {spec.name}, IndexKey: {name}")


def _index_specs(live: LiveTable) -> list[IndexSpec]:
    return index_specs(live.record.description)


def condition_of(params: Mapping[str, Any], placeholders: Placeholders) -> Predicate | None:
    """The write's condition, from ConditionExpression or the legacy Expected."""
    text = params.get("condition_expression")
    if text is not None:
        return compile_condition(text, placeholders)
    if params.get("expected") is not None:
        return legacy.expected(params["expected"], params.get("conditional_operator"))
    if params.get("conditional_operator") is not None:
        raise ValidationError("ConditionalOperator can only be used when Filter or Expected "
                              "conditions have been specified")
    return None


@dataclass
class PreparedWrite:
    """A checked write waiting for the current item."""

    live: LiveTable
    action: str  # Put, Update, Delete or ConditionCheck
    key: Item
    item: Item | None = None  # Put's new item
    updater: Updater | None = None
    condition: Predicate | None = None
    return_old_on_failure: bool = False
    # The error a failed condition raises instead of ConditionalCheckFailedException (PartiQL's
    # INSERT of an existing key answers DuplicateItemException).
    failure: Callable[[], DynamoDBError] | None = None

    def evaluate(self, current: Item | None) -> Write | None:
        """The write to commit given the current item (None for a condition check); raises
        ConditionFailed when the condition does not hold."""
        if self.condition is not None and not self.condition(current or {}):
            if self.failure is not None:
                raise self.failure()
            error = ConditionFailed(current)
            if self.return_old_on_failure and current is not None:
                error.fields["return_item"] = True
            raise error
        if self.action == "Put":
            return Write(self.key, self.item)
        if self.action == "Delete":
            return Write(self.key, None)
        if self.action == "ConditionCheck":
            return None
        assert self.updater is not None
        base = current if current is not None else dict(self.key)
        updated = self.updater.apply(base)
        check_index_keys(self.live, updated)
        if item_size(updated) > MAX_ITEM_BYTES:
            raise ValidationError("Item size to update has exceeded the maximum allowed size")
        return Write(self.key, updated)


def _placeholders(params: Mapping[str, Any], expressions: dict[str, str | None]
                  ) -> Placeholders:
    return Placeholders(params.get("expression_attribute_names"),
                        params.get("expression_attribute_values"), expressions)


def _failure_mode(params: Mapping[str, Any]) -> bool:
    return params.get("return_values_on_condition_check_failure") == "ALL_OLD"


def prepare_put(live: LiveTable, params: Mapping[str, Any]) -> PreparedWrite:
    legacy.check_mixing({"Expected": params.get("expected")},
                        {"ConditionExpression": params.get("condition_expression")})
    placeholders = _placeholders(params, {"ConditionExpression":
                                          params.get("condition_expression")})
    condition = condition_of(params, placeholders)
    placeholders.check_unused()
    item = check_item(params["item"])
    check_item_key(live.schema, item)
    check_index_keys(live, item)
    if item_size(item) > MAX_ITEM_BYTES:
        raise ValidationError("Item size has exceeded the maximum allowed size")
    return PreparedWrite(live, "Put", live.schema.key_of(item), item=item, condition=condition,
                         return_old_on_failure=_failure_mode(params))


def checked_key(live: LiveTable, raw: Any) -> Item:
    key = check_item(raw)
    check_key(live.schema, key)
    return key


def _keyed(live: LiveTable, params: Mapping[str, Any], action: str) -> PreparedWrite:
    """A write named by its Key, with a condition (DeleteItem, a transaction's check)."""
    placeholders = _placeholders(params, {"ConditionExpression":
                                          params.get("condition_expression")})
    condition = condition_of(params, placeholders)
    placeholders.check_unused()
    key = checked_key(live, params["key"])
    return PreparedWrite(live, action, key, condition=condition,
                         return_old_on_failure=_failure_mode(params))


def prepare_delete(live: LiveTable, params: Mapping[str, Any]) -> PreparedWrite:
    legacy.check_mixing({"Expected": params.get("expected")},
                        {"ConditionExpression": params.get("condition_expression")})
    return _keyed(live, params, "Delete")


def prepare_check(live: LiveTable, params: Mapping[str, Any]) -> PreparedWrite:
    return _keyed(live, params, "ConditionCheck")


def prepare_update(live: LiveTable, params: Mapping[str, Any]) -> PreparedWrite:
    legacy.check_mixing(
        {"AttributeUpdates": params.get("attribute_updates"), "Expected": params.get("expected")},
        {"UpdateExpression": params.get("update_expression"),
         "ConditionExpression": params.get("condition_expression")})
    placeholders = _placeholders(params, {
        "UpdateExpression": params.get("update_expression"),
        "ConditionExpression": params.get("condition_expression")})
    updater = None
    if params.get("update_expression") is not None:
        updater = compile_update(params["update_expression"], placeholders)
    elif params.get("attribute_updates") is not None:
        updater = legacy.attribute_updates(params["attribute_updates"])
    condition = condition_of(params, placeholders)
    placeholders.check_unused()
    key = checked_key(live, params["key"])
    updater = updater or Updater([])
    for path in updater.paths:
        if path[0] in live.schema.names:
            raise ValidationError(f"One or more parameter values were invalid: Cannot update "
                                  f"attribute {path[0]}. This attribute is part of the key")
    return PreparedWrite(live, "Update", key, updater=updater, condition=condition,
                         return_old_on_failure=_failure_mode(params))


__all__ = ["PreparedWrite", "check_index_keys", "checked_key", "condition_of", "prepare_check",
           "prepare_delete", "prepare_put", "prepare_update"]
