"""The table control plane: create, describe, list, update and delete tables, their indexes,
streams, time to live, continuous backups, tags and resource policies.

A table answers CREATING (UPDATING, DELETING) as AWS does, and is ACTIVE (or gone) by the
next call, so boto3's ``table_exists`` and ``table_not_exists`` waiters return at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from emulator import arns, ids
from emulator.clock import Clock
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.dynamodb import schema
from emulator.services.dynamodb.database import Database, LiveTable, index_specs
from emulator.services.dynamodb.errors import (
    resource_in_use,
    resource_not_found,
    table_not_found,
    validation,
)
from emulator.services.dynamodb.models import TableRecord
from emulator.wire.validate import Problem, validation_failure

MAX_LIST_TABLES = 100


def _now_label(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


class TableOperations:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # -- describing ----------------------------------------------------------------------------

    def description(self, live: LiveTable, status: str | None = None) -> dict[str, Any]:
        out = dict(live.record.description)
        out["TableStatus"] = status or "ACTIVE"
        out["ItemCount"] = live.items.count
        out["TableSizeBytes"] = live.items.size_bytes
        for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            if kind in out:
                indexes = []
                for index in out[kind]:
                    index = dict(index)
                    name = index["IndexName"]
                    if live.items.index(name) is not None:
                        index["ItemCount"] = live.items.index_count(name)
                        index["IndexSizeBytes"] = 0
                    indexes.append(index)
                out[kind] = indexes
        return out

    def _require(self, ctx: RequestContext, name: str) -> LiveTable:
        live = self.db.find(ctx.account_id, ctx.region, name)
        if live is None:
            raise table_not_found(name)
        return live

    # -- create, describe, list, delete --------------------------------------------------------

    def create_table(self, ctx: RequestContext, params: Mapping[str, Any]) -> dict[str, Any]:
        # The SDK's model leaves both optional; the service requires them.
        missing = [Problem([member], "required", "Member must not be null")
                   for member, given in (("AttributeDefinitions", "attribute_definitions"),
                                         ("KeySchema", "key_schema")) if params.get(given) is None]
        if missing:
            raise validation_failure(missing)
        name = params["table_name"]
        account, region, name = self.db.locate(ctx.account_id, ctx.region, name)
        schema.check_table_name(name)
        key_schema = params["key_schema"]
        definitions = params["attribute_definitions"]
        globals_ = params.get("global_secondary_indexes") or []
        locals_ = params.get("local_secondary_indexes") or []
        schema.check_key_schema(key_schema)
        schema.check_definitions(
            definitions, [key_schema, *(i["KeySchema"] for i in [*globals_, *locals_])])
        mode = schema.check_billing(params.get("billing_mode"),
                                    params.get("provisioned_throughput"))
        schema.check_indexes(key_schema, globals_, locals_, mode)
        stream = params.get("stream_specification")
        schema.check_stream(stream)
        if self.db.find(account, region, name) is not None:
            raise resource_in_use(f"Table already exists: {name}")
        now = self.clock.now()
        arn = arns.build("dynamodb", region, account, f"table/{name}")
        description: dict[str, Any] = {
            "AttributeDefinitions": [dict(d) for d in definitions],
            "TableName": name,
            "KeySchema": [dict(e) for e in key_schema],
            "CreationDateTime": now,
            "ProvisionedThroughput": schema.throughput(
                params.get("provisioned_throughput") if mode == "PROVISIONED" else None),
            "TableArn": arn,
            "TableId": ids.uuid4(),
        }
        if mode == "PAY_PER_REQUEST":
            description["BillingModeSummary"] = {
                "BillingMode": mode, "LastUpdateToPayPerRequestDateTime": now}
        elif params.get("billing_mode"):
            description["BillingModeSummary"] = {"BillingMode": mode}
        if locals_:
            description["LocalSecondaryIndexes"] = [
                schema.index_description(i, arn, mode, is_global=False) for i in locals_]
        if globals_:
            description["GlobalSecondaryIndexes"] = [
                schema.index_description(i, arn, mode, is_global=True) for i in globals_]
        sse = params.get("sse_specification")
        if sse and sse.get("Enabled"):
            key = sse.get("KMSMasterKeyId") or f"arn:aws:kms:{region}:{account}:key/" \
                                                 f"{ids.uuid4()}"
            description["SSEDescription"] = {"Status": "ENABLED", "SSEType": "KMS",
                                             "KMSMasterKeyArn": key}
        if params.get("table_class"):
            description["TableClassSummary"] = {"TableClass": params["table_class"]}
        description["DeletionProtectionEnabled"] = bool(params.get("deletion_protection_enabled"))
        if params.get("on_demand_throughput"):
            description["OnDemandThroughput"] = dict(params["on_demand_throughput"])
        if params.get("warm_throughput"):
            description["WarmThroughput"] = {**params["warm_throughput"], "Status": "ACTIVE"}
        record = TableRecord(name=name, account=account, region=region,
                             description=description,
                             tags={t["Key"]: t["Value"] for t in params.get("tags") or []})
        if params.get("resource_policy"):
            record.resource_policy = params["resource_policy"]
            record.policy_revision = str(self.clock.now_millis())
        if stream and stream.get("StreamEnabled"):
            self._enable_stream(record, stream["StreamViewType"])
        live = self.db.create(record)
        self._announce_stream(live)
        return {"TableDescription": self.description(live, "CREATING")}

    def describe_table(self, ctx: RequestContext, name: str) -> dict[str, Any]:
        return {"Table": self.description(self._require(ctx, name))}

    def list_tables(self, ctx: RequestContext, start: str | None, limit: int | None
                    ) -> dict[str, Any]:
        names = sorted(self.db.records(ctx.account_id, ctx.region))
        if start is not None:
            names = [name for name in names if name > start]
        size = limit or MAX_LIST_TABLES
        page = names[:size]
        out: dict[str, Any] = {"TableNames": page}
        if len(names) > size:
            out["LastEvaluatedTableName"] = page[-1]
        return out

    def delete_table(self, ctx: RequestContext, name: str) -> dict[str, Any]:
        live = self._require(ctx, name)
        if live.record.description.get("DeletionProtectionEnabled"):
            raise validation("Resource cannot be deleted as it is currently protected against "
                             "deletion. Disable deletion protection first.")
        description = self.description(live, "DELETING")
        stream = self.db.stream_of(live)
        self.db.drop(live)
        if stream is not None:
            sink = self.db.sink()
            if sink is not None:
                sink.stream_disabled(stream.stream_arn)
        return {"TableDescription": description}

    # -- streams -------------------------------------------------------------------------------

    def _enable_stream(self, record: TableRecord, view_type: str) -> None:
        now = self.clock.now()
        label = _now_label(now)
        record.description["StreamSpecification"] = {"StreamEnabled": True,
                                                     "StreamViewType": view_type}
        record.description["LatestStreamLabel"] = label
        record.description["LatestStreamArn"] = f"{record.arn}/stream/{label}"
        record.stream_created = now

    def _announce_stream(self, live: LiveTable) -> None:
        stream = self.db.stream_of(live)
        sink = self.db.sink() if stream is not None else None
        if stream is not None and sink is not None:
            sink.stream_enabled(stream)

    def _update_stream(self, live: LiveTable, spec: Mapping[str, Any]) -> None:
        schema.check_stream(spec)
        current = self.db.stream_of(live)
        record = live.record
        if spec.get("StreamEnabled"):
            if current is not None:
                raise validation(f"Table already has an enabled stream: TableName: "
                                 f"{record.name}")
            self._enable_stream(record, spec["StreamViewType"])
            self.db.save(live)
            self._announce_stream(live)
            return
        if current is None:
            raise validation(f"Table already has a disabled stream: TableName: {record.name}")
        record.description["StreamSpecification"] = {"StreamEnabled": False}
        self.db.save(live)
        sink = self.db.sink()
        if sink is not None:
            sink.stream_disabled(current.stream_arn)

    # -- update --------------------------------------------------------------------------------

    def update_table(self, ctx: RequestContext, params: Mapping[str, Any]) -> dict[str, Any]:
        live = self._require(ctx, params["table_name"])
        record = live.record
        description = record.description
        changes = {key: value for key, value in params.items()
                   if key != "table_name" and value is not None}
        if not changes:
            raise validation(
                "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
        # Each entry requests one action (API_UpdateTable); refused before anything changes.
        for update in changes.get("global_secondary_index_updates") or []:
            if sum(1 for action in ("Create", "Update", "Delete") if update.get(action)) > 1:
                raise validation("One or more parameter values were invalid: Only one of Create, "
                                 "Update or Delete can be requested in a "
                                 "GlobalSecondaryIndexUpdate")
        mode = (description.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
        if "billing_mode" in changes or "provisioned_throughput" in changes:
            new_mode = changes.get("billing_mode", mode)
            if new_mode == "PAY_PER_REQUEST" and "provisioned_throughput" in changes:
                raise schema.invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                                     "specified when BillingMode is PAY_PER_REQUEST")
            if new_mode == "PROVISIONED" and mode != "PROVISIONED" and \
                    "provisioned_throughput" not in changes:
                raise schema.invalid("ProvisionedThroughput must be specified when BillingMode "
                                     "is PROVISIONED")
            now = self.clock.now()
            if new_mode == "PAY_PER_REQUEST":
                description["BillingModeSummary"] = {
                    "BillingMode": new_mode, "LastUpdateToPayPerRequestDateTime": now}
                description["ProvisionedThroughput"] = schema.throughput(None)
            else:
                description["BillingModeSummary"] = {"BillingMode": new_mode}
                description["ProvisionedThroughput"] = schema.throughput(
                    changes.get("provisioned_throughput"))
            mode = new_mode
        if "attribute_definitions" in changes:
            merged = {d["AttributeName"]: dict(d) for d in description["AttributeDefinitions"]}
            for definition in changes["attribute_definitions"]:
                merged[definition["AttributeName"]] = dict(definition)
            description["AttributeDefinitions"] = list(merged.values())
        # The answer shows indexes in flight: a new one CREATING, a dropped one DELETING.
        in_flight: dict[str, dict[str, Any]] = {}
        for update in changes.get("global_secondary_index_updates") or []:
            in_flight.update(self._index_update(live, update, mode))
        if "attribute_definitions" in changes or "global_secondary_index_updates" in changes:
            # Only key attributes are defined; an index's go with it.
            used = {e["AttributeName"] for e in description["KeySchema"]}
            for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
                for index in description.get(kind, []):
                    used.update(e["AttributeName"] for e in index["KeySchema"])
            description["AttributeDefinitions"] = [
                d for d in description["AttributeDefinitions"] if d["AttributeName"] in used]
        if "deletion_protection_enabled" in changes:
            description["DeletionProtectionEnabled"] = changes["deletion_protection_enabled"]
        if "table_class" in changes:
            description["TableClassSummary"] = {"TableClass": changes["table_class"],
                                                "LastUpdateDateTime": self.clock.now()}
        if "on_demand_throughput" in changes:
            description["OnDemandThroughput"] = dict(changes["on_demand_throughput"])
        if "warm_throughput" in changes:
            description["WarmThroughput"] = {**changes["warm_throughput"], "Status": "ACTIVE"}
        sse = changes.get("sse_specification")
        if sse is not None:
            if sse.get("Enabled"):
                description["SSEDescription"] = {
                    "Status": "ENABLED", "SSEType": "KMS",
                    "KMSMasterKeyArn": sse.get("KMSMasterKeyId") or
                    f"arn:aws:kms:{record.region}:{record.account}:key/{ids.uuid4()}"}
            else:
                description.pop("SSEDescription", None)
        self.db.save(live)
        if "stream_specification" in changes:
            self._update_stream(live, changes["stream_specification"])
        answer = self.description(live, "UPDATING")
        if in_flight:
            answer["GlobalSecondaryIndexes"] = [
                {**index, "IndexStatus": in_flight.pop(index["IndexName"], index)["IndexStatus"]}
                for index in answer.get("GlobalSecondaryIndexes", [])] + list(in_flight.values())
        return {"TableDescription": answer}

    def _index_update(self, live: LiveTable, update: Mapping[str, Any],
                      mode: str) -> dict[str, dict[str, Any]]:
        """Apply one GlobalSecondaryIndexUpdates entry; the index as the answer shows it, by
        name, when it is created or deleted."""
        description = live.record.description
        indexes: list[dict[str, Any]] = description.setdefault("GlobalSecondaryIndexes", [])
        names = [index["IndexName"] for index in indexes]
        if update.get("Create"):
            create = update["Create"]
            name = create["IndexName"]
            if name in names or name in [i["IndexName"] for i in
                                         description.get("LocalSecondaryIndexes", [])]:
                raise validation("One or more parameter values were invalid: Attempting to "
                                 "create an index which already exists")
            schema.check_key_schema(create["KeySchema"])
            schema.check_projection(create.get("Projection") or {}, name)
            defined = {d["AttributeName"] for d in description["AttributeDefinitions"]}
            missing = [e["AttributeName"] for e in create["KeySchema"]
                       if e["AttributeName"] not in defined]
            if missing:
                raise schema.invalid(
                    f"Some index key attributes are not defined in AttributeDefinitions. Keys: "
                    f"[{', '.join(missing)}], AttributeDefinitions: [{', '.join(sorted(defined))}]")
            if mode == "PROVISIONED" and create.get("ProvisionedThroughput") is None:
                raise schema.invalid(f"ProvisionedThroughput must be specified for index: "
                                     f"{name}")
            if len(indexes) >= schema.MAX_GSIS:
                raise validation(f"One or more parameter values were invalid: "
                                 f"GlobalSecondaryIndex count exceeds the per-table limit of "
                                 f"{schema.MAX_GSIS}")
            # Added after the table was made, the index reports its (finished) backfill.
            created = {**schema.index_description(create, live.record.arn, mode,
                                                  is_global=True), "Backfilling": False}
            indexes.append(created)
            spec = next(s for s in index_specs(description) if s.name == name)
            live.items.add_index(spec)
            return {name: {**created, "IndexStatus": "CREATING"}}
        if update.get("Update"):
            change = update["Update"]
            name = change["IndexName"]
            if name not in names:
                raise resource_not_found(f"Requested resource not found: Index: {name}")
            index = indexes[names.index(name)]
            if change.get("ProvisionedThroughput") is not None:
                index["ProvisionedThroughput"] = schema.throughput(
                    change["ProvisionedThroughput"])
            if change.get("OnDemandThroughput") is not None:
                index["OnDemandThroughput"] = dict(change["OnDemandThroughput"])
        if update.get("Delete"):
            name = update["Delete"]["IndexName"]
            if name not in names:
                raise resource_not_found(f"Requested resource not found: Index: {name}")
            dropped = indexes.pop(names.index(name))
            live.items.remove_index(name)
            if not indexes:
                description.pop("GlobalSecondaryIndexes", None)
            return {name: {**dropped, "IndexStatus": "DELETING"}}
        if not indexes:
            description.pop("GlobalSecondaryIndexes", None)
        return {}

    # -- time to live and backups --------------------------------------------------------------

    def update_time_to_live(self, ctx: RequestContext, name: str,
                            spec: Mapping[str, Any]) -> dict[str, Any]:
        live = self._require(ctx, name)
        record = live.record
        enabled, attribute = bool(spec["Enabled"]), spec["AttributeName"]
        if enabled and record.ttl_enabled:
            raise validation("TimeToLive is already enabled")
        if not enabled and not record.ttl_enabled:
            raise validation("TimeToLive is already disabled")
        if not enabled and attribute != record.ttl_attribute:
            raise validation(f"TimeToLive is active on a different AttributeName: current "
                             f"AttributeName is {record.ttl_attribute}")
        record.ttl_enabled = enabled
        record.ttl_attribute = attribute if enabled else record.ttl_attribute
        self.db.save(live)
        self.db.rebuild_expiries(live)
        return {"TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attribute}}

    def describe_time_to_live(self, ctx: RequestContext, name: str) -> dict[str, Any]:
        record = self._require(ctx, name).record
        out: dict[str, Any] = {"TimeToLiveStatus": "ENABLED" if record.ttl_enabled
                               else "DISABLED"}
        if record.ttl_enabled:
            out["AttributeName"] = record.ttl_attribute
        return {"TimeToLiveDescription": out}

    def _backups_table(self, ctx: RequestContext, name: str) -> LiveTable:
        live = self.db.find(ctx.account_id, ctx.region, name)
        if live is None:
            raise ServiceError("TableNotFoundException", f"Table not found: {name}")
        return live

    def describe_continuous_backups(self, ctx: RequestContext, name: str) -> dict[str, Any]:
        record = self._backups_table(ctx, name).record
        recovery: dict[str, Any] = {"PointInTimeRecoveryStatus":
                                    "ENABLED" if record.point_in_time_recovery else "DISABLED"}
        if record.point_in_time_recovery:
            now = self.clock.now()
            created = float(record.description["CreationDateTime"])
            recovery["RecoveryPeriodInDays"] = record.recovery_period_days
            recovery["EarliestRestorableDateTime"] = max(
                created, now - record.recovery_period_days * 86400)
            recovery["LatestRestorableDateTime"] = now - 300 if now - 300 > created else now
        return {"ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": recovery}}

    def update_continuous_backups(self, ctx: RequestContext, name: str,
                                  spec: Mapping[str, Any]) -> dict[str, Any]:
        live = self._backups_table(ctx, name)
        live.record.point_in_time_recovery = bool(spec["PointInTimeRecoveryEnabled"])
        if spec.get("RecoveryPeriodInDays"):
            live.record.recovery_period_days = int(spec["RecoveryPeriodInDays"])
        self.db.save(live)
        return self.describe_continuous_backups(ctx, name)

    # -- tags and resource policies ------------------------------------------------------------

    def _by_arn(self, ctx: RequestContext, arn: str) -> LiveTable:
        try:
            parsed = arns.parse(arn)
        except ValueError:
            raise validation(f"Invalid TableArn: Invalid ResourceArn provided as input "
                             f"{arn}") from None
        name = parsed.resource.split("/")[1] if parsed.resource.startswith("table/") else ""
        live = self.db.find(parsed.account, parsed.region, name) if name else None
        if live is None:
            raise resource_not_found(f"Requested resource not found: ResourcArn: {arn} not "
                                     "found")
        return live

    def tag_resource(self, ctx: RequestContext, arn: str, tags: Sequence[Mapping[str, str]]
                     ) -> dict[str, Any]:
        live = self._by_arn(ctx, arn)
        for tag in tags:
            live.record.tags[tag["Key"]] = tag["Value"]
        if len(live.record.tags) > 50:
            raise validation("One or more parameter values were invalid: The number of tags "
                             "exceeds the limit of 50")
        self.db.save(live)
        return {}

    def untag_resource(self, ctx: RequestContext, arn: str, keys: Sequence[str]
                       ) -> dict[str, Any]:
        live = self._by_arn(ctx, arn)
        for key in keys:
            live.record.tags.pop(key, None)
        self.db.save(live)
        return {}

    def list_tags_of_resource(self, ctx: RequestContext, arn: str) -> dict[str, Any]:
        live = self._by_arn(ctx, arn)
        return {"Tags": [{"Key": k, "Value": v} for k, v in live.record.tags.items()]}

    def put_resource_policy(self, ctx: RequestContext, arn: str, policy: str,
                            expected: str | None) -> dict[str, Any]:
        live = self._by_arn(ctx, arn)
        record = live.record
        if expected is not None and expected != record.policy_revision:
            raise ServiceError("PolicyNotFoundException" if record.policy_revision is None
                               else "ValidationException",
                               "A policy with the expected revision id was not found")
        record.resource_policy = policy
        record.policy_revision = hashlib.md5(
            f"{policy}{self.clock.now()}".encode(), usedforsecurity=False).hexdigest()[:16]
        self.db.save(live)
        return {"RevisionId": record.policy_revision}

    def get_resource_policy(self, ctx: RequestContext, arn: str) -> dict[str, Any]:
        record = self._by_arn(ctx, arn).record
        if record.resource_policy is None:
            raise ServiceError("PolicyNotFoundException",
                               f"Resource-based policy not found for the provided ResourceArn: "
                               f"{arn}")
        return {"Policy": record.resource_policy, "RevisionId": record.policy_revision}

    def delete_resource_policy(self, ctx: RequestContext, arn: str) -> dict[str, Any]:
        live = self._by_arn(ctx, arn)
        if live.record.resource_policy is None:
            raise ServiceError("PolicyNotFoundException",
                               f"Resource-based policy not found for the provided ResourceArn: "
                               f"{arn}")
        live.record.resource_policy = None
        live.record.policy_revision = None
        self.db.save(live)
        return {}


__all__ = ["TableOperations"]
