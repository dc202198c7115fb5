"""Groups (named filter expressions), tags, encryption settings and telemetry records."""

from __future__ import annotations

from typing import Any

from emulator import arns, ids
from emulator.context import RequestContext
from emulator.services.xray.common import DEFAULT_GROUP, XrayBase, groups_table, invalid
from emulator.services.xray.models import (
    SETTINGS,
    TELEMETRY,
    EncryptionRecord,
    GroupRecord,
    TelemetryRecord,
)


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


class GroupsApi(XrayBase):
    """CreateGroup, GetGroup(s), UpdateGroup, DeleteGroup, tags, encryption, telemetry."""

    def _check_expression(self, ctx: RequestContext, expression: str | None) -> None:
        from emulator.xray.filters import FilterError, check  # lark loads on first use

        if expression:
            try:
                check(expression, lambda name: self.group_expression(
                    ctx.account_id, ctx.region, name))
            except FilterError as error:
                raise invalid(str(error)) from None

    def create_group(self, ctx: RequestContext, *, group_name: str,
                     filter_expression: str | None = None,
                     insights_configuration: dict[str, bool] | None = None,
                     tags: list[dict[str, str]] | None = None, **_: Any) -> dict[str, Any]:
        table = groups_table(self.store, ctx.account_id, ctx.region)
        if group_name == DEFAULT_GROUP or group_name in table:
            raise invalid(f"Group with name {group_name} already exists")
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
            raise invalid("The Default group cannot be updated.")
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
            raise invalid("The Default group cannot be deleted.")
        groups_table(self.store, ctx.account_id, ctx.region).delete(record.name)
        self._forget_tags(ctx, record.arn)
        return {}

    # -- tags ----------------------------------------------------------------------------

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
            raise invalid("KeyId must be specified for KMS encryption.")
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


__all__ = ["GroupsApi", "group_shape"]
