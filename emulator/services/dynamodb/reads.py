"""Query and Scan: pages of up to Limit items or 1 MB read, filtered after reading, with
LastEvaluatedKey to resume; queries read one partition in sort-key order, scans walk every
partition (one segment of them in a parallel scan)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from emulator.context import RequestContext
from emulator.dynamodb import legacy
from emulator.dynamodb.binding import walk
from emulator.dynamodb.conditions import Predicate, compile_condition
from emulator.dynamodb.errors import ValidationError, invalid
from emulator.dynamodb.keys import KeySchema, build_key_query, key_query
from emulator.dynamodb.nodes import Name, Path
from emulator.dynamodb.parser import condition as parse_condition
from emulator.dynamodb.paths import Resolved, project
from emulator.dynamodb.placeholders import Placeholders
from emulator.dynamodb.size import item_size
from emulator.dynamodb.table import IndexSpec
from emulator.dynamodb.values import Item, check_item, type_of
from emulator.services.dynamodb.capacity import consumed, read_units
from emulator.services.dynamodb.database import Database, LiveTable
from emulator.services.dynamodb.items import read_projection

PAGE_BYTES = 1024 * 1024


def index_for(live: LiveTable, name: str | None, consistent: bool) -> IndexSpec | None:
    if name is None:
        return None
    spec = live.index(name)
    if spec is None:
        raise ValidationError(f"The table does not have the specified index: {name}")
    if consistent and spec.is_global:
        raise ValidationError("Consistent reads are not supported on global secondary indexes")
    return spec


def _select(params: Mapping[str, Any], spec: IndexSpec | None, projected: bool) -> str:
    select = params.get("select")
    if select is None:
        if projected:
            return "SPECIFIC_ATTRIBUTES"
        return "ALL_PROJECTED_ATTRIBUTES" if spec is not None else "ALL_ATTRIBUTES"
    if select == "ALL_PROJECTED_ATTRIBUTES" and spec is None:
        raise ValidationError("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an "
                              "IndexName")
    if select == "SPECIFIC_ATTRIBUTES" and not projected:
        raise ValidationError("SPECIFIC_ATTRIBUTES requires either ProjectionExpression or "
                              "AttributesToGet")
    if select != "SPECIFIC_ATTRIBUTES" and projected:
        which = "ProjectionExpression" if params.get("projection_expression") is not None \
            else "AttributesToGet"
        raise ValidationError(f"Cannot specify the {which} when choosing to get {select}")
    if select == "ALL_ATTRIBUTES" and spec is not None and spec.is_global and \
            spec.projection_type != "ALL":
        raise invalid(f"Select type ALL_ATTRIBUTES is not supported for global secondary index "
                      f"{spec.name} because its projection type is not ALL")
    return str(select)


def _start_key(live: LiveTable, spec: IndexSpec | None, raw: Any) -> Item | None:
    if raw is None:
        return None
    key = check_item(raw)
    schemas = [live.schema] + ([spec.schema] if spec is not None else [])
    names = {name for schema in schemas for name in schema.names}
    problem = set(key) != names
    for schema in schemas:
        for name, kind in ((schema.hash_name, schema.hash_type),
                           (schema.range_name, schema.range_type)):
            if name is not None and name in key and type_of(key[name]) != kind:
                problem = True
    if problem:
        raise ValidationError("The provided starting key is invalid: The provided key element "
                              "does not match the schema")
    return key


def _filter(params: Mapping[str, Any], placeholders: Placeholders, legacy_name: str,
            key_schema: KeySchema | None) -> Predicate | None:
    text = params.get("filter_expression")
    if text is not None:
        if key_schema is not None:
            for name in _top_names(text, placeholders):
                if name in key_schema.names:
                    raise ValidationError(f"Filter Expression can only contain non-primary key "
                                          f"attributes: Primary key attribute: {name}")
        return compile_condition(text, placeholders, "FilterExpression")
    conditions = params.get(legacy_name)
    if conditions is not None:
        return legacy.filter_conditions(conditions, params.get("conditional_operator"))
    if params.get("conditional_operator") is not None:
        raise ValidationError("ConditionalOperator can only be used when Filter or Expected "
                              "conditions have been specified")
    return None


def _top_names(text: str, placeholders: Placeholders) -> list[str]:
    """The attribute names a condition's paths start with (placeholders resolved)."""
    names = []
    for node in walk(parse_condition(text, "FilterExpression")):
        if isinstance(node, Path):
            first = node.elements[0]
            assert isinstance(first, Name)
            name = placeholders.names.get(first.text) if first.placeholder else first.text
            if name is not None:
                names.append(name)
    return names


def _last_key(live: LiveTable, spec: IndexSpec | None, item: Item) -> Item:
    names = list(live.schema.names) + (list(spec.schema.names) if spec is not None else [])
    return {name: item[name] for name in names if name in item}


class ReadOperations:
    def __init__(self, db: Database) -> None:
        self.db = db

    def query(self, ctx: RequestContext, params: Mapping[str, Any]) -> dict[str, Any]:
        legacy.check_mixing(
            {"KeyConditions": params.get("key_conditions"),
             "QueryFilter": params.get("query_filter"),
             "AttributesToGet": params.get("attributes_to_get")},
            {"KeyConditionExpression": params.get("key_condition_expression"),
             "FilterExpression": params.get("filter_expression"),
             "ProjectionExpression": params.get("projection_expression")})
        if params.get("key_condition_expression") is None and \
                params.get("key_conditions") is None:
            raise ValidationError("Either the KeyConditions or KeyConditionExpression parameter "
                                  "must be specified in the request.")
        placeholders, paths = read_projection(
            {**params, "key_condition_expression": params.get("key_condition_expression"),
             "filter_expression": params.get("filter_expression")})
        live = self.db.require(ctx.account_id, ctx.region, params["table_name"])
        spec = index_for(live, params.get("index_name"), bool(params.get("consistent_read")))
        key_schema = spec.schema if spec is not None else live.schema
        index = spec.name if spec is not None else None
        if params.get("key_condition_expression") is not None:
            query = key_query(key_schema, params["key_condition_expression"], placeholders,
                              index)
        else:
            query = build_key_query(key_schema, legacy.key_conditions(params["key_conditions"]),
                                    index)
        predicate = _filter(params, placeholders, "query_filter", key_schema)
        placeholders.check_unused()
        select = _select(params, spec, paths is not None)
        after = _start_key(live, spec, params.get("exclusive_start_key"))
        source = live.items.query(query, forward=params.get("scan_index_forward") is not False,
                                  after=after, index=spec.name if spec else None)
        return self.page(live, spec, source, params, predicate, paths, select)

    def scan(self, ctx: RequestContext, params: Mapping[str, Any]) -> dict[str, Any]:
        legacy.check_mixing(
            {"ScanFilter": params.get("scan_filter"),
             "AttributesToGet": params.get("attributes_to_get")},
            {"FilterExpression": params.get("filter_expression"),
             "ProjectionExpression": params.get("projection_expression")})
        segment, total = params.get("segment"), params.get("total_segments")
        if segment is not None and total is None:
            raise ValidationError("The TotalSegments parameter is required but was not present "
                                  "in the request when Segment parameter is present")
        if total is not None and segment is None:
            raise ValidationError("The Segment parameter is required but was not present in the "
                                  "request when parameter TotalSegments is present")
        if segment is not None and total is not None and segment >= total:
            raise ValidationError(f"The Segment parameter is zero-based and must be less than "
                                  f"parameter TotalSegments: Segment: {segment} is not less than "
                                  f"TotalSegments: {total}")
        placeholders, paths = read_projection(
            {**params, "filter_expression": params.get("filter_expression")})
        live = self.db.require(ctx.account_id, ctx.region, params["table_name"])
        spec = index_for(live, params.get("index_name"), bool(params.get("consistent_read")))
        predicate = _filter(params, placeholders, "scan_filter", None)
        placeholders.check_unused()
        select = _select(params, spec, paths is not None)
        after = _start_key(live, spec, params.get("exclusive_start_key"))
        source = live.items.scan(after=after, segment=segment, total_segments=total,
                                 index=spec.name if spec else None)
        return self.page(live, spec, source, params, predicate, paths, select)

    def page(self, live: LiveTable, spec: IndexSpec | None, source: Iterator[Item],
              params: Mapping[str, Any], predicate: Predicate | None,
              paths: list[Resolved] | None, select: str) -> dict[str, Any]:
        limit = params.get("limit")
        items: list[Item] = []
        scanned = 0
        read_bytes = 0
        last: Item | None = None
        for stored in source:
            scanned += 1
            size = item_size(stored)
            read_bytes += size
            visible = stored
            if spec is not None and (spec.is_global or select == "ALL_PROJECTED_ATTRIBUTES"):
                visible = spec.project(stored, live.schema)
            if predicate is None or predicate(visible):
                if select != "COUNT":
                    items.append(project(visible, paths) if paths is not None else visible)
                else:
                    items.append({})
            if (limit is not None and scanned >= limit) or read_bytes >= PAGE_BYTES:
                last = stored
                break
        # A page that read the last item ends the results, unless Limit stopped it: AWS still
        # answers a key then.
        stopped_by_limit = limit is not None and scanned >= limit
        if last is not None and not stopped_by_limit and not self._more(source):
            last = None
        out: dict[str, Any] = {"Count": len(items), "ScannedCount": scanned}
        if select != "COUNT":
            out["Items"] = items
        if last is not None:
            out["LastEvaluatedKey"] = _last_key(live, spec, last)
        units = read_units(read_bytes, bool(params.get("consistent_read")))
        self.db.throttle.charge(live, units, read=True)
        capacity = consumed(params.get("return_consumed_capacity"), live, units, read=True)
        if capacity is not None:
            out["ConsumedCapacity"] = capacity
        return out

    @staticmethod
    def _more(source: Iterator[Item]) -> bool:
        return next(source, None) is not None


__all__ = ["ReadOperations", "index_for"]
