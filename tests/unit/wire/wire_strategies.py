"""Hypothesis strategies built from botocore shapes, and the helpers the round trips share.

``for_shape(shape)`` gives values a boto3 user could pass (or a provider could return):
types, enums, lengths, ranges and required members are honoured, and where a value travels
(body, header, URI label, query string) narrows what text can survive the trip.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from botocore.model import OperationModel, Shape, StructureShape
from hypothesis import strategies as st

# Text that XML, JSON and form encoding can all carry: no control characters but tab,
# newline and carriage return, no surrogates or non-characters.
BODY_TEXT = st.characters(
    codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn"), include_characters="\t\n\r"
)
# Header values are ASCII and lose surrounding blanks; list items are split on commas.
HEADER_TEXT = st.sampled_from(string.ascii_letters + string.digits + "-_.:/=+;!*@")
HEADER_KEY_TEXT = st.sampled_from(string.ascii_lowercase + string.digits + "-")
JSON_SCALARS = st.none() | st.booleans() | st.integers(-(2**31), 2**31) | st.text(
    alphabet=BODY_TEXT, max_size=8
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                               max_size=3),
    max_leaves=6,
)
INT_BOUNDS = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
MAX_ITEMS = 3
MAX_TEXT = 12
MAX_DEPTH = 4


@dataclass(frozen=True)
class Where:
    """Where in the message a value travels, which narrows what can round-trip."""

    location: str = "body"  # body, header, headers, uri, querystring, statusCode
    timestamp_precision: str = "ms"  # "ms" or "s"
    in_header_list: bool = False
    depth: int = 0


def _bounded(low: int, high: int | None, cap: int) -> tuple[int, int]:
    upper = low + cap if high is None else min(high, low + cap)
    return low, max(low, upper)


def _string(shape: Shape, where: Where) -> st.SearchStrategy[Any]:
    enum = getattr(shape, "enum", None)
    if enum:
        return st.sampled_from(list(enum))
    meta = shape.metadata
    if where.location == "header" and shape.serialization.get("jsonvalue"):
        return JSON_VALUES
    low = int(meta.get("min", 0))
    if where.location in ("uri", "header", "headers"):
        low = max(low, 1)
    low, high = _bounded(low, meta.get("max"), MAX_TEXT)
    if where.location in ("header", "headers"):
        text = st.text(alphabet=HEADER_TEXT, min_size=low, max_size=high)
        if where.in_header_list:
            return text
        return text
    return st.text(alphabet=BODY_TEXT, min_size=low, max_size=high)


def _number(shape: Shape) -> st.SearchStrategy[Any]:
    meta = shape.metadata
    kind = shape.type_name
    if kind in INT_BOUNDS:
        low, high = INT_BOUNDS[kind]
        if "min" in meta:
            low = max(low, math.ceil(meta["min"]))
        if "max" in meta:
            high = min(high, math.floor(meta["max"]))
        return st.integers(low, high)
    return st.floats(
        min_value=meta.get("min"), max_value=meta.get("max"), allow_nan=False,
        allow_infinity=False, width=64,
    )


def _timestamp(where: Where, shape: Shape | None = None) -> st.SearchStrategy[datetime]:
    # Headers, and anything written as an HTTP date, carry whole seconds.
    http_date = shape is not None and shape.serialization.get("timestampFormat") == "rfc822"
    precision = "s" if where.location == "header" or http_date else where.timestamp_precision
    moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1))

    def trim(moment: datetime) -> datetime:
        micro = 0 if precision == "s" else moment.microsecond // 1000 * 1000
        return moment.replace(microsecond=micro, tzinfo=UTC)

    return moments.map(trim)


def for_shape(shape: Shape, where: Where | None = None) -> st.SearchStrategy[Any]:
    """A strategy for values of ``shape`` travelling ``where``."""
    where = where or Where()
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if shape.is_document_type:
            return JSON_VALUES
        return _structure(shape, where)
    if kind == "list":
        member = shape.member
        meta = shape.metadata
        low, high = _bounded(int(meta.get("min", 0)), meta.get("max"), MAX_ITEMS)
        if where.depth >= MAX_DEPTH:
            high = low
        inner = replace(where, in_header_list=where.location == "header", depth=where.depth + 1)
        return st.lists(for_shape(member, inner), min_size=low, max_size=high)
    if kind == "map":
        meta = shape.metadata
        low, high = _bounded(int(meta.get("min", 0)), meta.get("max"), MAX_ITEMS)
        if where.depth >= MAX_DEPTH:
            high = low
        inner = replace(where, depth=where.depth + 1)
        if where.location in ("headers", "querystring"):
            keys: st.SearchStrategy[Any] = st.text(alphabet=HEADER_KEY_TEXT, min_size=1,
                                                   max_size=8)
        else:
            keys = for_shape(shape.key, inner)
        return st.dictionaries(keys, for_shape(shape.value, inner),
                               min_size=low, max_size=high)
    if kind == "string":
        return _string(shape, where)
    if kind in ("integer", "long", "float", "double"):
        if where.location == "statusCode":
            return st.integers(200, 299)
        return _number(shape)
    if kind == "boolean":
        return st.booleans()
    if kind == "blob":
        meta = shape.metadata
        low, high = _bounded(int(meta.get("min", 0)), meta.get("max"), MAX_TEXT)
        return st.binary(min_size=low, max_size=high)
    if kind == "timestamp":
        return _timestamp(where, shape)
    raise NotImplementedError(kind)


def _structure(shape: StructureShape, where: Where) -> st.SearchStrategy[dict[str, Any]]:
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    top = where.depth == 0
    for name, member in shape.members.items():
        if member.serialization.get("eventstream"):
            continue
        location = member.serialization.get("location", "body") if top else where.location
        inner = replace(where, location=location, depth=where.depth + 1)
        bucket = required if name in shape.required_members else optional
        # Past the depth limit only what must be there is built (a union must have one
        # member, so it gets a little more room), which also ends recursive shapes.
        limit = MAX_DEPTH + 3 if shape.is_tagged_union else MAX_DEPTH
        if bucket is optional and where.depth >= limit:
            continue
        bucket[name] = for_shape(member, inner)
    if shape.is_tagged_union:
        choices = [
            st.fixed_dictionaries({name: value.filter(_not_empty)})
            for name, value in optional.items()
        ]
        return st.one_of(choices) if choices else st.just({})
    return st.fixed_dictionaries(required, optional=optional)


def _not_empty(value: Any) -> bool:
    return not (isinstance(value, (dict, list)) and not value)


def input_strategy(operation: OperationModel, precision: str = "ms") -> st.SearchStrategy[Any]:
    shape = operation.input_shape
    if shape is None:
        return st.just({})
    return for_shape(shape, Where(timestamp_precision=precision))


def output_strategy(operation: OperationModel) -> st.SearchStrategy[Any]:
    shape = operation.output_shape
    if shape is None:
        return st.just({})
    return for_shape(shape, Where())


# -- comparing what went in with what came out -------------------------------------------

def normalise(value: Any) -> Any:
    """Compare values the way a user would: timestamps as instants, empty means absent."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            item = normalise(item)
            # The wire cannot tell an empty list, map or payload from a missing one.
            if not (item is None or (isinstance(item, (dict, list, bytes)) and not item)):
                result[key] = item
        return result
    if isinstance(value, list):
        # An item that is an empty structure leaves nothing on a query-protocol wire.
        return [item for item in map(normalise, value) if item != {}]
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return round(moment.timestamp(), 3)
    if isinstance(value, bytearray):
        return bytes(value)
    return value


__all__ = ["Where", "for_shape", "input_strategy", "normalise", "output_strategy"]
