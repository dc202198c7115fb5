"""TransactWriteItems and TransactGetItems: all or nothing, with CancellationReasons in
request order and ClientRequestToken idempotency for ten minutes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore import xform_name

from emulator.clock import Clock
from emulator.context import RequestContext
from emulator.dynamodb.codec import to_document
from emulator.dynamodb.errors import ConditionFailed, DynamoDBError, ValidationError
from emulator.dynamodb.paths import project
from emulator.dynamodb.size import item_size
from emulator.dynamodb.table import key_text
from emulator.dynamodb.values import Item
from emulator.errors import ServiceError
from emulator.services.dynamodb.capacity import consumed, read_units, write_units
from emulator.services.dynamodb.database import Database, LiveTable, Write
from emulator.services.dynamodb.items import read_projection
from emulator.services.dynamodb.writes import (
    PreparedWrite,
    checked_key,
    prepare_check,
    prepare_delete,
    prepare_put,
    prepare_update,
)

TOKEN_SECONDS = 600.0
_ACTIONS = {"ConditionCheck": prepare_check, "Put": prepare_put, "Delete": prepare_delete,
            "Update": prepare_update}


@dataclass
class _Token:
    digest: str
    expires: float
    answer: dict[str, Any]


def _snake(params: Mapping[str, Any]) -> dict[str, Any]:
    return {xform_name(name): value for name, value in params.items()}


def canceled(reasons: list[dict[str, Any]]) -> ServiceError:
    codes = ", ".join(reason["Code"] for reason in reasons)
    return ServiceError(
        "TransactionCanceledException",
        f"Transaction cancelled, please refer cancellation reasons for specific reasons "
        f"[{codes}]", fields={"CancellationReasons": reasons})


class TransactionOperations:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._tokens: dict[str, _Token] = {}

    def forget(self) -> None:
        self._tokens.clear()

    def _prepare(self, ctx: RequestContext, entries: list[Mapping[str, Any]]
                 ) -> list[PreparedWrite]:
        prepared: list[PreparedWrite] = []
        seen: set[tuple[str, str]] = set()
        for entry in entries:
            actions = [name for name in _ACTIONS if entry.get(name) is not None]
            if len(actions) != 1:
                raise ValidationError("TransactItems can only contain one of Check, Put, Update "
                                      "or Delete")
            params = _snake(entry[actions[0]])
            live = self.db.require(ctx.account_id, ctx.region, params["table_name"])
            write = _ACTIONS[actions[0]](live, params)
            identity = (live.record.arn, key_text(live.schema, write.key))
            if identity in seen:
                raise ValidationError("Transaction request cannot include multiple operations "
                                      "on one item")
            seen.add(identity)
            prepared.append(write)
        return prepared

    def transact_write_items(self, ctx: RequestContext, params: Mapping[str, Any]
                             ) -> dict[str, Any]:
        entries = list(params["transact_items"])
        token = params.get("client_request_token")
        known = self._known(token, entries)
        if known is not None:
            return known
        answer = self.commit(self._prepare(ctx, entries))
        mode = params.get("return_consumed_capacity")
        capacity = answer.pop("_capacity")
        units = [consumed(mode, live, value, read=False) for live, value in capacity]
        if any(unit is not None for unit in units):
            answer["ConsumedCapacity"] = [unit for unit in units if unit is not None]
        self._remember(token, entries, answer)
        return answer

    def _digest(self, entries: list[Any]) -> str:
        return hashlib.sha256(to_document(entries).encode()).hexdigest()

    def _known(self, token: str | None, entries: list[Any]) -> dict[str, Any] | None:
        """The answer already given to this ClientRequestToken (within ten minutes)."""
        now = self.clock.now()
        self._tokens = {k: v for k, v in self._tokens.items() if v.expires > now}
        if token is None or token not in self._tokens:
            return None
        known = self._tokens[token]
        if known.digest != self._digest(entries):
            raise ServiceError("IdempotentParameterMismatchException",
                               "The request uses the same client token as a previous, but "
                               "non-identical request.")
        return dict(known.answer)

    def _remember(self, token: str | None, entries: list[Any], answer: dict[str, Any]) -> None:
        if token is not None:
            self._tokens[token] = _Token(self._digest(entries), self.clock.now() + TOKEN_SECONDS,
                                         dict(answer))

    def commit(self, prepared: list[PreparedWrite], token: str | None = None,
               entries: list[Any] | None = None,
               canceled_reason: Callable[[DynamoDBError], dict[str, Any]] | None = None
               ) -> dict[str, Any]:
        """Evaluate every write against the current items and, when all hold, write them all;
        otherwise raise TransactionCanceledException with a reason per write, in order.
        The answer carries ``_capacity`` ((table, units) pairs) for the caller."""
        if token is not None and entries is not None:
            known = self._known(token, entries)
            if known is not None:
                return known
        reasons: list[dict[str, Any]] = []
        writes: list[tuple[LiveTable, Write | None, Item | None]] = []
        failed = False
        for write in prepared:
            current = write.live.items.get(write.key)
            try:
                planned = write.evaluate(current)
            except ConditionFailed as error:
                failed = True
                reason: dict[str, Any] = {"Code": "ConditionalCheckFailed",
                                          "Message": error.message}
                if error.fields.get("return_item") and current is not None:
                    reason["Item"] = current
                reasons.append(reason)
                continue
            except DynamoDBError as error:
                failed = True
                reasons.append(canceled_reason(error) if canceled_reason is not None else
                               {"Code": "ValidationError", "Message": error.message})
                continue
            reasons.append({"Code": "None"})
            writes.append((write.live, planned, current))
        if failed:
            raise canceled(reasons)
        by_table: dict[str, tuple[LiveTable, list[Write]]] = {}
        capacity: dict[str, tuple[LiveTable, float]] = {}
        for live, planned, current in writes:
            units = 2 * write_units(current, planned.item if planned is not None else None)
            before = capacity.get(live.record.arn, (live, 0.0))[1]
            capacity[live.record.arn] = (live, before + units)
            if planned is not None and not (planned.item is None and current is None):
                by_table.setdefault(live.record.arn, (live, []))[1].append(planned)
        for live, planned_writes in by_table.values():
            self.db.write(live, planned_writes, cost=2.0)
        answer: dict[str, Any] = {"_capacity": list(capacity.values())}
        if token is not None and entries is not None:
            self._remember(token, entries, {})
        return answer

    def transact_get_items(self, ctx: RequestContext, params: Mapping[str, Any]
                           ) -> dict[str, Any]:
        plans = []
        for entry in params["transact_items"]:
            get = _snake(entry["Get"])
            placeholders, paths = read_projection(get)
            placeholders.check_unused()
            live = self.db.require(ctx.account_id, ctx.region, get["table_name"])
            plans.append((live, checked_key(live, get["key"]), paths))
        responses: list[dict[str, Any]] = []
        capacity: dict[str, float] = {}
        for live, key, paths in plans:
            item = live.items.get(key)
            size = item_size(item) if item else 0
            units = 2 * read_units(size, True)
            self.db.throttle.charge(live, units, read=True)
            capacity[live.name] = capacity.get(live.name, 0.0) + units
            if item is None:
                responses.append({})
            else:
                responses.append({"Item": project(item, paths) if paths is not None else item})
        out: dict[str, Any] = {"Responses": responses}
        mode = params.get("return_consumed_capacity")
        tables = {live.name: live for live, _, _ in plans}
        reported = [consumed(mode, tables[name], value, read=True)
                    for name, value in capacity.items()]
        if any(unit is not None for unit in reported):
            out["ConsumedCapacity"] = [unit for unit in reported if unit is not None]
        return out


__all__ = ["TransactionOperations", "canceled"]
