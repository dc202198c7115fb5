"""Key schemas: the primary key of an item, its checks, and Query's key conditions.

Key values are ordered natively (emulator.dynamodb.values.native): strings by code point
(the order of their UTF-8 bytes), numbers numerically, binary by unsigned bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from emulator.dynamodb import parser
from emulator.dynamodb.binding import Binder, check_reserved
from emulator.dynamodb.errors import ValidationError, invalid
from emulator.dynamodb.nodes import And, Between, Call, Compare, Condition, Path, Value
from emulator.dynamodb.placeholders import Placeholders
from emulator.dynamodb.size import value_size
from emulator.dynamodb.values import AttributeValue, Item, describe, native, type_of

Native = str | Decimal | bytes
MAX_HASH_KEY_BYTES = 2048
MAX_RANGE_KEY_BYTES = 1024
KIND = "KeyConditionExpression"


@dataclass(frozen=True)
class KeySchema:
    """A table's or index's key: its partition (hash) attribute and optional sort (range)
    attribute, each with its scalar type (S, N or B)."""

    hash_name: str
    hash_type: str
    range_name: str | None = None
    range_type: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.hash_name,) if self.range_name is None else (self.hash_name,
                                                                   self.range_name)

    def describe(self) -> list[dict[str, str]]:
        out = [{"AttributeName": self.hash_name, "KeyType": "HASH"}]
        if self.range_name is not None:
            out.append({"AttributeName": self.range_name, "KeyType": "RANGE"})
        return out

    def key_of(self, item: Item) -> Item:
        """The key attributes of a stored item."""
        return {name: item[name] for name in self.names}

    def natives(self, item: Item) -> tuple[Native, Native | None]:
        """The ordering values of a checked item's key."""
        return (native(item[self.hash_name]),
                native(item[self.range_name]) if self.range_name is not None else None)

    def typed(self, item: Item) -> bool:
        """Whether ``item`` has this schema's key attributes with their types (an item
        missing an index's key is not in the index)."""
        for name, kind in ((self.hash_name, self.hash_type), (self.range_name, self.range_type)):
            if name is None:
                continue
            value = item.get(name)
            if value is None or type_of(value) != kind:
                return False
        return True


def _empty(value: AttributeValue) -> bool:
    kind = type_of(value)
    return kind in ("S", "B") and len(value[kind]) == 0


def _empty_key(name: str, value: AttributeValue, index: str | None = None) -> ValidationError:
    what = "string" if type_of(value) == "S" else "binary"
    if index is not None:  # as AWS words it for a Query of an index
        return ValidationError(
            f"One or more parameter values are not valid. A value specified for a secondary "
            f"index key is not supported. The AttributeValue for a key attribute cannot "
            f"contain an empty {what} value. IndexName: {index}, IndexKey: {name}")
    return ValidationError(
        f"One or more parameter values are not valid. The AttributeValue for a key attribute "
        f"cannot contain an empty {what} value. Key: {name}")


def _check_key_sizes(schema: KeySchema, item: Item) -> None:
    if value_size(item[schema.hash_name]) > MAX_HASH_KEY_BYTES:
        raise invalid("Size of hashkey has exceeded the maximum size limit of2048 bytes")
    if schema.range_name is not None and value_size(item[schema.range_name]) > \
            MAX_RANGE_KEY_BYTES:
        raise invalid("Aggregated size of all range keys has exceeded the size limit of 1024 "
                      "bytes")


def check_item_key(schema: KeySchema, item: Item) -> None:
    """PutItem's checks of the key attributes of a whole item."""
    for name, kind in ((schema.hash_name, schema.hash_type),
                       (schema.range_name, schema.range_type)):
        if name is None:
            continue
        value = item.get(name)
        if value is None:
            raise invalid(f"Missing the key {name} in the item")
        if type_of(value) != kind:
            raise invalid(f"Type mismatch for key {name} expected: {kind} actual: "
                          f"{type_of(value)}")
        if _empty(value):
            raise _empty_key(name, value)
    _check_key_sizes(schema, item)


def check_key(schema: KeySchema, key: Item, what: str = "") -> None:
    """A Key parameter: exactly the key attributes, each of its type."""
    if set(key) != set(schema.names) or any(
            type_of(key[name]) != kind for name, kind in
            ((schema.hash_name, schema.hash_type), (schema.range_name, schema.range_type))
            if name is not None):
        raise ValidationError(f"{what}The provided key element does not match the schema")
    for name in schema.names:
        if _empty(key[name]):
            raise _empty_key(name, key[name])
    _check_key_sizes(schema, key)


@dataclass(frozen=True)
class RangeCondition:
    """A sort-key condition: ``=``, ``<``, ``<=``, ``>``, ``>=``, BETWEEN or begins_with."""

    operator: str
    values: tuple[Native, ...]

    def matches(self, value: Native) -> bool:
        op, bounds = self.operator, self.values
        if op == "=":
            return value == bounds[0]
        if op == "<":
            return value < bounds[0]  # type: ignore[operator]
        if op == "<=":
            return value <= bounds[0]  # type: ignore[operator]
        if op == ">":
            return value > bounds[0]  # type: ignore[operator]
        if op == ">=":
            return value >= bounds[0]  # type: ignore[operator]
        if op == "BETWEEN":
            return bounds[0] <= value <= bounds[1]  # type: ignore[operator]
        return isinstance(value, (str, bytes)) and value.startswith(bounds[0])  # type: ignore[arg-type]


@dataclass(frozen=True)
class KeyQuery:
    """What a Query reads: one partition, optionally narrowed by a sort-key condition."""

    hash_value: AttributeValue
    range: RangeCondition | None


class _KeyConditionBinder(Binder):
    def __init__(self, placeholders: Placeholders) -> None:
        super().__init__(placeholders, KIND)

    def conditions(self, node: Condition) -> list[tuple[str, str, list[AttributeValue]]]:
        """(attribute, operator, values) of each condition joined by AND."""
        if isinstance(node, And):
            return self.conditions(node.left) + self.conditions(node.right)
        if isinstance(node, Compare):
            if node.operator == "<>":
                raise self.error("Unsupported operator on KeyConditionExpression: operator: <>")
            name, value = self._sides(node.left, node.right)
            return [(name, node.operator, [value])]
        if isinstance(node, Between):
            name = self._attribute(node.operand)
            return [(name, "BETWEEN", [self._value(node.low), self._value(node.high)])]
        if isinstance(node, Call):
            if node.name != "begins_with":
                raise self.error(f"Invalid operator used in KeyConditionExpression: {node.name}")
            if len(node.args) != 2:
                raise self.error(
                    f"Incorrect number of operands for operator or function; operator or "
                    f"function: begins_with, number of operands: {len(node.args)}")
            return [(self._attribute(node.args[0]), "begins_with",
                     [self._value(node.args[1])])]
        operator = type(node).__name__.upper()
        raise self.error(f"Invalid operator used in KeyConditionExpression: {operator}")

    def _sides(self, left: Any, right: Any) -> tuple[str, AttributeValue]:
        if isinstance(left, Path):
            return self._attribute(left), self._value(right)
        return self._attribute(right), self._value(left)

    def _attribute(self, node: Any) -> str:
        if not isinstance(node, Path):
            raise self.error("KeyConditionExpressions must only contain one condition per key")
        resolved = self.path(node)
        if len(resolved) != 1:
            raise self.error("KeyConditionExpressions cannot contain nested attribute "
                             "references")
        return str(resolved[0])

    def _value(self, node: Any) -> AttributeValue:
        if not isinstance(node, Value):
            raise self.error("KeyConditionExpressions must only contain one condition per key")
        return self.value(node)


def key_query(schema: KeySchema, text: str, placeholders: Placeholders,
              index: str | None = None) -> KeyQuery:
    """Query's KeyConditionExpression against the table's or index's key schema."""
    tree = parser.condition(text, KIND)
    check_reserved(tree, KIND)
    found = _KeyConditionBinder(placeholders).conditions(tree)
    return build_key_query(schema, found, index)


def build_key_query(schema: KeySchema, found: list[tuple[str, str, list[AttributeValue]]],
                    index: str | None = None) -> KeyQuery:
    """A KeyQuery from (attribute, operator, values) conditions (the expression's, or the
    legacy KeyConditions'); ``index`` names the index queried, if any."""
    by_name: dict[str, tuple[str, list[AttributeValue]]] = {}
    for name, operator, values in found:
        if name in by_name:
            raise ValidationError(f"Invalid {KIND}: KeyConditionExpressions must only contain "
                                  "one condition per key")
        by_name[name] = (operator, values)
    if schema.hash_name not in by_name:
        raise ValidationError(f"Query condition missed key schema element: {schema.hash_name}")
    extra = [name for name in by_name if name not in schema.names]
    if extra:
        if schema.range_name is not None and schema.range_name not in by_name:
            raise ValidationError(
                f"Query condition missed key schema element: {schema.range_name}")
        raise ValidationError("Query key condition not supported")
    operator, values = by_name[schema.hash_name]
    if operator != "=":
        raise ValidationError("Query key condition not supported")
    hash_value = values[0]
    if type_of(hash_value) != schema.hash_type:
        raise ValidationError("One or more parameter values were invalid: Condition parameter "
                              "type does not match schema type")
    if _empty(hash_value):  # no item can have an empty key, and AWS refuses to look
        raise _empty_key(schema.hash_name, hash_value, index)
    range_condition = None
    if schema.range_name is not None and schema.range_name in by_name:
        operator, values = by_name[schema.range_name]
        for value in values:
            if type_of(value) != schema.range_type:
                raise ValidationError("One or more parameter values were invalid: Condition "
                                      "parameter type does not match schema type")
        if operator == "begins_with" and schema.range_type == "N":
            raise ValidationError(
                f"Invalid {KIND}: Incorrect operand type for operator or function; operator "
                "or function: begins_with, operand type: NUMBER")
        bounds = tuple(native(value) for value in values)
        if operator == "BETWEEN" and bounds[0] > bounds[1]:  # type: ignore[operator]
            raise ValidationError(
                f"Invalid {KIND}: The BETWEEN operator requires upper bound to be greater than "
                f"or equal to lower bound; lower bound operand: AttributeValue: "
                f"{describe(values[0])}, upper bound operand: AttributeValue: "
                f"{describe(values[1])}")
        range_condition = RangeCondition(operator, bounds)
    return KeyQuery(hash_value, range_condition)


__all__ = ["KeyQuery", "KeySchema", "Native", "RangeCondition", "build_key_query", "check_item_key",
           "check_key", "key_query"]
