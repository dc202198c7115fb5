"""Groups (named filter expressions), tags, encryption settings and telemetry records."""

from __future__ import annotations

from typing import Any

from emulator import arns, ids
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.xray.models import (
    GROUPS,
    SETTINGS,
    TAGS,
    TELEMETRY,
    EncryptionRecord,
    GroupRecord,
    TagsRecord,
    TelemetryRecord,
)
from emulator.store import ServiceStore, Table

DEFAULT_GROUP = "Default"
MAX_TAGS = 50


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidRequestException", message)


def groups_table(store: ServiceStore, account: str, region: str) -> Table[GroupRecord]:
    return store.table(account, region, GROUPS, GroupRecord)


def group_shape(record: GroupRecord) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "GroupName": record.name,
        "GroupARN": record.arn,
        "InsightsConfiguration": {
            "InsightsEnabled": record.insights.get("InsightsEnabled", False),
            "NotificationsEnabled": record.insights.get("NotificationsEnabled", False),
        },
    }
    if record.filter_expression:
        shape["FilterExpression"] = record.filter_expression
    return shape


class GroupsMixin:
    """CreateGroup, GetGroup(s), UpdateGroup, DeleteGroup, tags, encryption, telemetry."""

    store: ServiceStore

    def _rule_arns(self, ctx: RequestContext) -> set[str]:
        raise NotImplementedError

    def group_expression(self, account: str, region: str, name: str) -> str | None:
        """The filter expression of group ``name`` ("" for none), None when it does not
        exist; filters use it for ``group.name = "..."``."""
        if name == DEFAULT_GROUP:
            return ""
        record = groups_table(self.store, account, region).get(name)
        return None if record is None else (record.filter_expression or "")

    def _check_expression(self, ctx: RequestContext, expression: str | None) -> None:
        from emulator.xray.filters import FilterError, check  # lark loads on first use

        if expression:
            try:
                check(expression, lambda name: self.group_expression(
                    ctx.account_id, ctx.region, name))
            except FilterError as error:
                raise _invalid(str(error)) from None

    def _group(self, ctx: RequestContext, name: str | None, arn: str | None) -> GroupRecord:
        table = groups_table(self.store, ctx.account_id, ctx.region)
        if not name and not arn:
            raise _invalid("GroupName or GroupARN must be specified.")
        if name == DEFAULT_GROUP or (arn and arn.split("/")[1:2] == [DEFAULT_GROUP]):
            return GroupRecord(name=DEFAULT_GROUP, arn=self._default_arn(ctx))
        for record in table.values():
            if (name and record.name == name) or (arn and record.arn == arn):
                return record
        raise _invalid("Group not found")

    @staticmethod
    def _default_arn(ctx: RequestContext) -> str:
        return arns.build("xray", ctx.region, ctx.account_id, f"group/{DEFAULT_GROUP}")

    def create_group(self, ctx: RequestContext, *, group_name: str,
                     filter_expression: str | None = None,
                     insights_configuration: dict[str, bool] | None = None,
                     tags: list[dict[str, str]] | None = None, **_: Any) -> dict[str, Any]:
        table = groups_table(self.store, ctx.account_id, ctx.region)
        if group_name == DEFAULT_GROUP or group_name in table:
            raise _invalid(f"Group with name {group_name} already exists")
        self._check_expression(ctx, filter_expression)
        arn = arns.build("xray", ctx.region, ctx.account_id,
                         f"group/{group_name}/{ids.hex_token(32).upper()}")
        record = GroupRecord(name=group_name, arn=arn, filter_expression=filter_expression,
                             insights=dict(insights_configuration or {}))
        table.put(group_name, record)
        self._tag(ctx, arn, tags)
        return {"Group": group_shape(record)}

    def get_group(self, ctx: RequestContext, *, group_name: str | None = None,
                  group_arn: str | None = None, **_: Any) -> dict[str, Any]:
        return {"Group": group_shape(self._group(ctx, group_name, group_arn))}

    def get_groups(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        table = groups_table(self.store, ctx.account_id, ctx.region)
        default = GroupRecord(name=DEFAULT_GROUP, arn=self._default_arn(ctx))
        return {"Groups": [group_shape(r) for r in [default, *table.values()]]}

    def update_group(self, ctx: RequestContext, *, group_name: str | None = None,
                     group_arn: str | None = None, filter_expression: str | None = None,
                     insights_configuration: dict[str, bool] | None = None,
                     **_: Any) -> dict[str, Any]:
        record = self._group(ctx, group_name, group_arn)
        if record.name == DEFAULT_GROUP:
            raise _invalid("The Default group cannot be updated.")
        if filter_expression is not None:
            self._check_expression(ctx, filter_expression)
            record.filter_expression = filter_expression
        if insights_configuration is not None:
            record.insights.update(insights_configuration)
        groups_table(self.store, ctx.account_id, ctx.region).put(record.name, record)
        return {"Group": group_shape(record)}

    def delete_group(self, ctx: RequestContext, *, group_name: str | None = None,
                     group_arn: str | None = None, **_: Any) -> dict[str, Any]:
        record = self._group(ctx, group_name, group_arn)
        if record.name == DEFAULT_GROUP:
            raise _invalid("The Default group cannot be deleted.")
        groups_table(self.store, ctx.account_id, ctx.region).delete(record.name)
        self._forget_tags(ctx, record.arn)
        return {}

    # -- tags ----------------------------------------------------------------------------

    def _tags(self, ctx: RequestContext) -> Table[TagsRecord]:
        return self.store.table(ctx.account_id, ctx.region, TAGS, TagsRecord)

    def _taggable(self, ctx: RequestContext, arn: str) -> None:
        groups = {r.arn for r in groups_table(self.store, ctx.account_id, ctx.region).values()}
        if arn not in groups and arn not in self._rule_arns(ctx):
            raise ServiceError("ResourceNotFoundException", f"Resource {arn} not found.")

    def _tag(self, ctx: RequestContext, arn: str, tags: list[dict[str, str]] | None) -> None:
        if not tags:
            return
        table = self._tags(ctx)
        record = table.get(arn) or TagsRecord()
        for tag in tags:
            if tag["Key"].lower().startswith("aws:"):
                raise _invalid("Tag keys starting with aws: are reserved.")
            record.tags[tag["Key"]] = tag["Value"]
        if len(record.tags) > MAX_TAGS:
            raise ServiceError("TooManyTagsException",
                               f"A resource can have at most {MAX_TAGS} tags.",
                               fields={"ResourceName": arn})
        table.put(arn, record)

    def _forget_tags(self, ctx: RequestContext, arn: str) -> None:
        self._tags(ctx).delete(arn)

    def tag_resource(self, ctx: RequestContext, *, resource_arn: str,
                     tags: list[dict[str, str]], **_: Any) -> dict[str, Any]:
        self._taggable(ctx, resource_arn)
        self._tag(ctx, resource_arn, tags)
        return {}

    def untag_resource(self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str],
                       **_: Any) -> dict[str, Any]:
        self._taggable(ctx, resource_arn)
        table = self._tags(ctx)
        record = table.get(resource_arn)
        if record is not None:
            for key in tag_keys:
                record.tags.pop(key, None)
            table.put(resource_arn, record)
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, *, resource_arn: str,
                               **_: Any) -> dict[str, Any]:
        self._taggable(ctx, resource_arn)
        record = self._tags(ctx).get(resource_arn)
        tags = record.tags if record is not None else {}
        return {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}

    # -- encryption and telemetry --------------------------------------------------------

    def get_encryption_config(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        record = self.store.table(ctx.account_id, ctx.region, SETTINGS,
                                  EncryptionRecord).get("encryption") or EncryptionRecord()
        config: dict[str, Any] = {"Status": "ACTIVE", "Type": record.type}
        if record.key_id:
            config["KeyId"] = record.key_id
        return {"EncryptionConfig": config}

    def put_encryption_config(self, ctx: RequestContext, *, type: str,
                              key_id: str | None = None, **_: Any) -> dict[str, Any]:
        if type == "KMS" and not key_id:
            raise _invalid("KeyId must be specified for KMS encryption.")
        record = EncryptionRecord(key_id=key_id if type == "KMS" else None, type=type)
        self.store.table(ctx.account_id, ctx.region, SETTINGS, EncryptionRecord).put(
            "encryption", record)
        config: dict[str, Any] = {"Status": "UPDATING", "Type": record.type}
        if record.key_id:
            config["KeyId"] = record.key_id
        return {"EncryptionConfig": config}

    def put_telemetry_records(self, ctx: RequestContext, *,
                              telemetry_records: list[dict[str, Any]],
                              **_: Any) -> dict[str, Any]:
        table = self.store.table(ctx.account_id, ctx.region, TELEMETRY, TelemetryRecord)
        record = table.get("totals") or TelemetryRecord()
        for item in telemetry_records:
            record.records += 1
            record.received += item.get("SegmentsReceivedCount") or 0
            record.sent += item.get("SegmentsSentCount") or 0
            record.rejected += item.get("SegmentsRejectedCount") or 0
        table.put("totals", record)
        return {}


__all__ = ["DEFAULT_GROUP", "GroupsMixin", "group_shape", "groups_table"]
