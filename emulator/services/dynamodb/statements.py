"""PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction.

Statements are parsed by the engine (emulator.dynamodb.partiql) and run through the same
prepared writes and reads as the item API: INSERT is a put that fails on an existing key,
UPDATE and DELETE need an equality on every key attribute (UPDATE also needs the item),
and SELECT queries a partition when its WHERE names the partition key, else it scans.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from emulator.context import RequestContext
from emulator.dynamodb.codec import from_document, to_document
from emulator.dynamodb.errors import ConditionFailed, DynamoDBError, ValidationError
from emulator.dynamodb.keys import KeyQuery, KeySchema
from emulator.dynamodb.partiql.evaluate import Evaluator
from emulator.dynamodb.partiql.statements import Delete, Insert, Select, Update, parse
from emulator.dynamodb.paths import project
from emulator.dynamodb.values import Item
from emulator.services.dynamodb.database import Database, LiveTable
from emulator.services.dynamodb.reads import ReadOperations, index_for
from emulator.services.dynamodb.transactions import TransactionOperations, canceled
from emulator.services.dynamodb.writes import PreparedWrite, prepare_put, prepare_update


def _mandatory_key() -> ValidationError:
    return ValidationError("Where clause does not contain a mandatory equality on all key "
                           "attributes")


def _duplicate() -> DynamoDBError:
    return DynamoDBError("DuplicateItemException", "Duplicate primary key exists in table")


class StatementOperations:
    def __init__(self, db: Database, reads: ReadOperations,
                 transactions: TransactionOperations) -> None:
        self.db = db
        self.reads = reads
        self.transactions = transactions

    def _parsed(self, text: str, parameters: list[Any] | None) -> tuple[Any, Evaluator]:
        parsed = parse(text)
        if len(parameters or []) != parsed.parameters:
            raise ValidationError("Number of parameters in request and statement don't match.")
        return parsed.statement, Evaluator(parameters or [])

    def _key(self, live: LiveTable, evaluator: Evaluator, where: Any) -> tuple[Item, Any]:
        key, residual = evaluator.split_key(where, live.schema.names)
        if set(key) != set(live.schema.names):
            raise _mandatory_key()
        for name in live.schema.names:
            if key[name] is None:
                raise _mandatory_key()
        return key, residual

    def prepare(self, ctx: RequestContext, statement: Any, evaluator: Evaluator,
                failure_mode: str | None = None) -> PreparedWrite:
        """A write statement as the prepared write it is."""
        live = self.db.require(ctx.account_id, ctx.region, statement.table)
        if isinstance(statement, Insert):
            value = evaluator.literal(statement.value.template)
            if "M" not in value:
                raise ValidationError("Unsupported operation: Inserting a value that is not a "
                                      "tuple")
            prepared = prepare_put(live, {"item": value["M"]})
            prepared.condition = lambda item: not item
            prepared.failure = _duplicate
            return prepared
        key, residual = self._key(live, evaluator, statement.where)
        rest = evaluator.test(residual) if residual is not None else None
        if isinstance(statement, Update):
            prepared = prepare_update(live, {"key": key})
            prepared.updater = evaluator.updater(statement)
            for path in prepared.updater.paths:
                if path[0] in live.schema.names:
                    raise ValidationError(f"One or more parameter values were invalid: Cannot "
                                          f"update attribute {path[0]}. This attribute is part "
                                          f"of the key")
            prepared.condition = lambda item: bool(item) and (rest is None or rest(item))
        else:
            assert isinstance(statement, Delete)
            prepared = PreparedWrite(live, "Delete", key,
                                     condition=lambda item: not item or rest is None or rest(item))
        prepared.return_old_on_failure = failure_mode == "ALL_OLD"
        return prepared

    # -- ExecuteStatement ----------------------------------------------------------------------

    def execute_statement(self, ctx: RequestContext, params: Mapping[str, Any]
                          ) -> dict[str, Any]:
        statement, evaluator = self._parsed(params["statement"], params.get("parameters"))
        if isinstance(statement, Select):
            return self._select(ctx, statement, evaluator, params)
        prepared = self.prepare(ctx, statement, evaluator,
                                params.get("return_values_on_condition_check_failure"))
        live = prepared.live
        current = live.items.get(prepared.key)
        write = prepared.evaluate(current)
        if write is not None and not (write.item is None and current is None):
            self.db.write(live, [write])
        new = write.item if write is not None else None
        returning = getattr(statement, "returning", None)
        items: list[Item] = []
        if returning == "ALL OLD" and current is not None:
            items.append(current)
        elif returning == "ALL NEW" and new is not None:
            items.append(new)
        elif returning in ("MODIFIED OLD", "MODIFIED NEW") and prepared.updater is not None:
            source = current if returning == "MODIFIED OLD" else new
            if source is not None:
                items.append(project(source, prepared.updater.paths))
        return {"Items": items}

    def _select(self, ctx: RequestContext, statement: Select, evaluator: Evaluator,
                params: Mapping[str, Any]) -> dict[str, Any]:
        live = self.db.require(ctx.account_id, ctx.region, statement.table)
        consistent = bool(params.get("consistent_read"))
        spec = index_for(live, statement.index, consistent)
        schema: KeySchema = spec.schema if spec is not None else live.schema
        key, _ = evaluator.split_key(statement.where, [schema.hash_name])
        test = evaluator.test(statement.where) if statement.where is not None else None
        after = self._after(params.get("next_token"))
        index = spec.name if spec is not None else None
        if schema.hash_name in key:
            source = live.items.query(KeyQuery(key[schema.hash_name], None), after=after,
                                      index=index)
        else:
            source = live.items.scan(after=after, index=index)
        paths = [path.elements for path in statement.paths] if statement.paths else None
        select = "ALL_PROJECTED_ATTRIBUTES" if spec is not None else "ALL_ATTRIBUTES"
        page = self.reads.page(live, spec, source, params, test, paths, select)
        out: dict[str, Any] = {"Items": page["Items"]}
        if "LastEvaluatedKey" in page:
            out["LastEvaluatedKey"] = page["LastEvaluatedKey"]
            out["NextToken"] = base64.b64encode(
                to_document(page["LastEvaluatedKey"]).encode()).decode("ascii")
        if "ConsumedCapacity" in page:
            out["ConsumedCapacity"] = page["ConsumedCapacity"]
        return out

    @staticmethod
    def _after(token: str | None) -> Item | None:
        if token is None:
            return None
        try:
            found = from_document(base64.b64decode(token, validate=True).decode("utf-8"))
        except (binascii.Error, ValueError):
            raise ValidationError("Invalid NextToken") from None
        if not isinstance(found, dict):
            raise ValidationError("Invalid NextToken")
        return found

    # -- BatchExecuteStatement -----------------------------------------------------------------

    def _all(self, entries: list[Mapping[str, Any]], mixed: str
             ) -> tuple[list[tuple[Any, Evaluator]], bool]:
        """Every statement parsed, and whether they all read (they must all read or all
        write)."""
        parsed = [self._parsed(e["Statement"], e.get("Parameters")) for e in entries]
        kinds = {isinstance(statement, Select) for statement, _ in parsed}
        if len(kinds) > 1:
            raise ValidationError(mixed)
        return parsed, kinds == {True}

    def _lookup(self, ctx: RequestContext, statement: Select, evaluator: Evaluator
                ) -> tuple[LiveTable, Item | None]:
        """A SELECT of one item by its whole key (in batches and transactions)."""
        live = self.db.require(ctx.account_id, ctx.region, statement.table)
        key, _ = self._key(live, evaluator, statement.where)
        return live, live.items.get(key)

    def batch_execute_statement(self, ctx: RequestContext, params: Mapping[str, Any]
                                ) -> dict[str, Any]:
        entries = list(params["statements"])
        parsed, _ = self._all(entries, "Batch requests must contain only read or only write "
                                       "statements")
        responses: list[dict[str, Any]] = []
        for entry, (statement, evaluator) in zip(entries, parsed, strict=True):
            responses.append(self._batch_one(ctx, entry, statement, evaluator))
        return {"Responses": responses}

    def _batch_one(self, ctx: RequestContext, entry: Mapping[str, Any], statement: Any,
                   evaluator: Evaluator) -> dict[str, Any]:
        try:
            if isinstance(statement, Select):
                live, item = self._lookup(ctx, statement, evaluator)
                out: dict[str, Any] = {"TableName": live.name}
                if item is not None:
                    paths = [p.elements for p in statement.paths] if statement.paths else None
                    out["Item"] = project(item, paths) if paths is not None else item
                return out
            prepared = self.prepare(ctx, statement, evaluator,
                                    entry.get("ReturnValuesOnConditionCheckFailure"))
            current = prepared.live.items.get(prepared.key)
            write = prepared.evaluate(current)
            if write is not None and not (write.item is None and current is None):
                self.db.write(prepared.live, [write])
            return {"TableName": prepared.live.name}
        except ConditionFailed as error:
            failure: dict[str, Any] = {"Code": "ConditionalCheckFailed",
                                       "Message": error.message}
            if error.fields.get("return_item") and error.item is not None:
                failure["Item"] = error.item
            return {"Error": failure, "TableName": statement.table}
        except DynamoDBError as error:
            code = {"ResourceNotFoundException": "ResourceNotFound",
                    "DuplicateItemException": "DuplicateItem"}.get(error.code, "ValidationError")
            return {"Error": {"Code": code, "Message": error.message}}

    # -- ExecuteTransaction --------------------------------------------------------------------

    def execute_transaction(self, ctx: RequestContext, params: Mapping[str, Any]
                            ) -> dict[str, Any]:
        entries = list(params["transact_statements"])
        parsed, reads = self._all(entries, "Transaction must contain either all read "
                                           "statements or all write statements")
        if reads:
            responses = []
            for statement, evaluator in parsed:
                _, item = self._lookup(ctx, statement, evaluator)
                responses.append({"Item": item} if item is not None else {})
            return {"Responses": responses}
        prepared = [self.prepare(ctx, statement, evaluator,
                                 entry.get("ReturnValuesOnConditionCheckFailure"))
                    for entry, (statement, evaluator) in zip(entries, parsed, strict=True)]
        answer = self.transactions.commit(prepared, params.get("client_request_token"),
                                          entries, canceled_reason=_reason)
        answer.pop("_capacity", None)
        return answer


def _reason(error: DynamoDBError) -> dict[str, Any]:
    if error.code == "DuplicateItemException":
        return {"Code": "DuplicateItem", "Message": error.message}
    return {"Code": "ValidationError", "Message": error.message}


__all__ = ["StatementOperations", "canceled"]
