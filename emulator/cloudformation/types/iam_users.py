"""AWS::IAM::User, AccessKey, Group and UserToGroupAddition, kept by the IAM service (stored,
not enforced). A user's Ref is its name and GetAtt Arn its ARN; an access key's Ref is its
access key ID and GetAtt SecretAccessKey its secret; a group's Ref is its name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, ignore_missing, register
from emulator.cloudformation.tags import Tagging, tag_map, user_tags
from emulator.cloudformation.types.iam import drop_policies, sync_policies


def _later(ctx: ResourceContext, operation: str,
           params: dict[str, Any]) -> Callable[[], Awaitable[Any]]:
    return lambda: ctx.call("iam", operation, params)


async def _memberships(ctx: ResourceContext, user: str, new: list[str], old: list[str]) -> None:
    for group in old:
        if group not in new:
            await ignore_missing(_later(ctx, "RemoveUserFromGroup",
                                        {"GroupName": group, "UserName": user}))
    for group in new:
        if group not in old:
            await ctx.call("iam", "AddUserToGroup", {"GroupName": group, "UserName": user})


@register
class User(ResourceType):
    type_name = "AWS::IAM::User"
    tagging = Tagging("iam", "TagUser", "UntagUser", "UserName", user_only=True)
    name_property = "UserName"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("UserName") or ctx.physical_name(64)
        params: dict[str, Any] = {
            "UserName": name, "Path": properties.get("Path", "/"),
            "Tags": [{"Key": key, "Value": value}
                     for key, value in user_tags(tag_map(ctx, properties)).items()]}
        if properties.get("PermissionsBoundary") is not None:
            params["PermissionsBoundary"] = properties["PermissionsBoundary"]
        answer = await ctx.call("iam", "CreateUser", params)
        await sync_policies(ctx, "User", name, properties, {})
        await _memberships(ctx, name, list(properties.get("Groups") or []), [])
        return Created(name, {"Arn": answer["User"]["Arn"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await sync_policies(ctx, "User", physical_id, properties, previous)
        await _memberships(ctx, physical_id, list(properties.get("Groups") or []),
                           list(previous.get("Groups") or []))
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        if not await drop_policies(ctx, "User", physical_id):
            return
        await _memberships(ctx, physical_id, [], list(properties.get("Groups") or []))
        await ignore_missing(lambda: ctx.call("iam", "DeleteUser", {"UserName": physical_id}))


@register
class AccessKey(ResourceType):
    type_name = "AWS::IAM::AccessKey"
    extra_replacing = ("Serial",)  # a new serial rotates the key

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        answer = (await ctx.call("iam", "CreateAccessKey",
                                 {"UserName": properties["UserName"]}))["AccessKey"]
        key_id = answer["AccessKeyId"]
        if properties.get("Status", "Active") != "Active":
            await self._status(ctx, key_id, properties)
        return Created(key_id, {"Id": key_id, "SecretAccessKey": answer["SecretAccessKey"]})

    async def _status(self, ctx: ResourceContext, key_id: str,
                      properties: dict[str, Any]) -> None:
        await ctx.call("iam", "UpdateAccessKey", {
            "UserName": properties["UserName"], "AccessKeyId": key_id,
            "Status": properties.get("Status", "Active")})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await self._status(ctx, physical_id, properties)
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call("iam", "DeleteAccessKey", {
            "UserName": properties["UserName"], "AccessKeyId": physical_id}))


@register
class Group(ResourceType):
    type_name = "AWS::IAM::Group"
    name_property = "GroupName"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("GroupName") or ctx.physical_name(128)
        answer = await ctx.call("iam", "CreateGroup", {
            "GroupName": name, "Path": properties.get("Path", "/")})
        await sync_policies(ctx, "Group", name, properties, {})
        return Created(name, {"Arn": answer["Group"]["Arn"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await sync_policies(ctx, "Group", physical_id, properties, previous)
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        if not await drop_policies(ctx, "Group", physical_id):
            return
        members = await ctx.call("iam", "GetGroup", {"GroupName": physical_id})
        for user in members.get("Users", []):
            await ignore_missing(_later(ctx, "RemoveUserFromGroup", {
                "GroupName": physical_id, "UserName": user["UserName"]}))
        await ignore_missing(lambda: ctx.call("iam", "DeleteGroup",
                                              {"GroupName": physical_id}))


@register
class UserToGroupAddition(ResourceType):
    type_name = "AWS::IAM::UserToGroupAddition"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        group = properties["GroupName"]
        for user in properties.get("Users") or []:
            await ctx.call("iam", "AddUserToGroup", {"GroupName": group, "UserName": user})
        name = ctx.physical_name(64)
        return Created(name, {"Id": name})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await self.delete(ctx, physical_id, previous, attributes)
        for user in properties.get("Users") or []:
            await ctx.call("iam", "AddUserToGroup",
                           {"GroupName": properties["GroupName"], "UserName": user})
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        for user in properties.get("Users") or []:
            await ignore_missing(_later(ctx, "RemoveUserFromGroup", {
                "GroupName": properties["GroupName"], "UserName": user}))


__all__ = ["AccessKey", "Group", "User", "UserToGroupAddition"]
