"""AWS::DynamoDB::Table."""

from __future__ import annotations

from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, register
from emulator.cloudformation.tags import Tagging, tag_list
from emulator.cloudformation.types.base import fit


def _stream_spec(properties: dict[str, Any]) -> dict[str, Any] | None:
    spec = properties.get("StreamSpecification")
    if not spec:
        return None
    return {"StreamEnabled": True, "StreamViewType": spec["StreamViewType"]}


def _own_tags(ctx: ResourceContext, properties: dict[str, Any]) -> list[dict[str, str]]:
    return [tag for tag in tag_list(ctx, properties) if not tag["Key"].startswith("aws:")]


@register
class Table(ResourceType):
    type_name = "AWS::DynamoDB::Table"
    tagging = Tagging("dynamodb", "TagResource", "UntagResource", "ResourceArn",
                      user_only=True)
    tag_by = "Arn"
    delete_operation, identity = "DeleteTable", {"TableName": "@id"}
    name_property = "TableName"

    async def _ttl(self, ctx: ResourceContext, name: str, properties: dict[str, Any],
                   previous: dict[str, Any]) -> None:
        ttl, old = properties.get("TimeToLiveSpecification"), previous.get(
            "TimeToLiveSpecification")
        if ttl == old:
            return
        if ttl:
            spec = {"AttributeName": ttl["AttributeName"],
                    "Enabled": str(ttl.get("Enabled", True)).lower() == "true"}
        elif old:
            spec = {"AttributeName": old["AttributeName"], "Enabled": False}
        else:
            return
        await ctx.call("dynamodb", "UpdateTimeToLive", {"TableName": name,
                                                         "TimeToLiveSpecification": spec})

    def _attributes(self, table: dict[str, Any]) -> dict[str, Any]:
        out = {"Arn": table["TableArn"]}
        if table.get("LatestStreamArn"):
            out["StreamArn"] = table["LatestStreamArn"]
        return out

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("TableName") or ctx.physical_name(255)
        params = fit("dynamodb", "CreateTable", properties,
                     skip=("StreamSpecification", "TimeToLiveSpecification", "Tags",
                           "PointInTimeRecoverySpecification"),
                     TableName=name, StreamSpecification=_stream_spec(properties),
                     Tags=_own_tags(ctx, properties) or None)
        params.setdefault("BillingMode", "PROVISIONED" if "ProvisionedThroughput" in params
                          else "PAY_PER_REQUEST")
        if "SSESpecification" in params:
            params["SSESpecification"] = {"Enabled": str(properties["SSESpecification"].get(
                "SSEEnabled", False)).lower() == "true"}
        answer = await ctx.call("dynamodb", "CreateTable", params)
        await self._ttl(ctx, name, properties, {})
        recovery = properties.get("PointInTimeRecoverySpecification")
        if recovery:
            await ctx.call("dynamodb", "UpdateContinuousBackups", {
                "TableName": name, "PointInTimeRecoverySpecification": {
                    "PointInTimeRecoveryEnabled": str(recovery.get(
                        "PointInTimeRecoveryEnabled", False)).lower() == "true"}})
        return Created(name, self._attributes(answer["TableDescription"]))

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        params: dict[str, Any] = {"TableName": physical_id}
        for key in ("BillingMode", "ProvisionedThroughput", "AttributeDefinitions",
                    "DeletionProtectionEnabled", "TableClass"):
            if properties.get(key) != previous.get(key) and properties.get(key) is not None:
                params.update(fit("dynamodb", "UpdateTable", {key: properties[key]}))
        if properties.get("StreamSpecification") != previous.get("StreamSpecification"):
            params["StreamSpecification"] = _stream_spec(properties) or {"StreamEnabled": False}
        old_indexes = {i["IndexName"]: i for i in previous.get("GlobalSecondaryIndexes") or []}
        new_indexes = {i["IndexName"]: i for i in properties.get("GlobalSecondaryIndexes") or []}
        updates: list[dict[str, Any]] = []
        for index_name in old_indexes.keys() - new_indexes.keys():
            updates.append({"Delete": {"IndexName": index_name}})
        for index_name in new_indexes.keys() - old_indexes.keys():
            created = fit("dynamodb", "UpdateTable", {"GlobalSecondaryIndexUpdates": [
                {"Create": new_indexes[index_name]}]})["GlobalSecondaryIndexUpdates"][0]
            updates.append(created)
        if updates:
            params["GlobalSecondaryIndexUpdates"] = updates
        answer = None
        if len(params) > 1:
            answer = await ctx.call("dynamodb", "UpdateTable", params)
        await self._ttl(ctx, physical_id, properties, previous)
        if answer is not None:
            return {**attributes, **self._attributes(answer["TableDescription"])}
        return attributes


__all__ = ["Table"]
