"""AWS::IAM::Role, Policy, RolePolicy, ManagedPolicy and InstanceProfile (stored, not
enforced, as the IAM service here keeps them); users, access keys and groups are in
emulator.cloudformation.types.iam_users."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, ignore_missing, register
from emulator.cloudformation.tags import Tagging, tag_map, user_tags
from emulator.cloudformation.types.base import Put, json_text


def _later(ctx: ResourceContext, service: str, operation: str,
           params: dict[str, Any]) -> Callable[[], Awaitable[Any]]:
    return lambda: ctx.call(service, operation, params)


def _json(value: Any) -> str:
    return json_text(value)


# The properties of AWS::IAM::Policy and ManagedPolicy listing who holds the policy, and the
# kind each names in IAM's operations (PutRolePolicy, AttachUserPolicy, ...).
_HOLDERS = (("Roles", "Role"), ("Users", "User"), ("Groups", "Group"))


async def sync_policies(ctx: ResourceContext, kind: str, name: str,
                        properties: dict[str, Any], previous: dict[str, Any]) -> None:
    """Give the role, user or group (``kind``) named ``name`` the ManagedPolicyArns and inline
    Policies ``properties`` list, in place of those ``previous`` listed."""
    new_arns, old_arns = (list(p.get("ManagedPolicyArns") or []) for p in (properties, previous))
    member = f"{kind}Name"
    for arn in old_arns:
        if arn not in new_arns:
            await ignore_missing(_later(ctx, "iam", f"Detach{kind}Policy",
                                        {member: name, "PolicyArn": arn}))
    for arn in new_arns:
        if arn not in old_arns:
            await ctx.call("iam", f"Attach{kind}Policy", {member: name, "PolicyArn": arn})
    new_inline = {p["PolicyName"]: _json(p["PolicyDocument"])
                  for p in properties.get("Policies") or []}
    for policy in previous.get("Policies") or []:
        if policy["PolicyName"] not in new_inline:
            await ignore_missing(_later(ctx, "iam", f"Delete{kind}Policy",
                                        {member: name, "PolicyName": policy["PolicyName"]}))
    old_inline = {p["PolicyName"]: _json(p["PolicyDocument"])
                  for p in previous.get("Policies") or []}
    for policy_name, document in new_inline.items():
        if old_inline.get(policy_name) != document:
            await ctx.call("iam", f"Put{kind}Policy", {
                member: name, "PolicyName": policy_name, "PolicyDocument": document})


async def drop_policies(ctx: ResourceContext, kind: str, name: str) -> bool:
    """Detach and delete every policy of the role, user or group named ``name`` (before it is
    deleted); False when it is gone already."""
    member = f"{kind}Name"
    try:
        attached = await ctx.call("iam", f"ListAttached{kind}Policies", {member: name})
        inline = await ctx.call("iam", f"List{kind}Policies", {member: name})
    except Exception:
        return False
    for policy in attached.get("AttachedPolicies", []):
        await ignore_missing(_later(ctx, "iam", f"Detach{kind}Policy", {
            member: name, "PolicyArn": policy["PolicyArn"]}))
    for policy_name in inline.get("PolicyNames", []):
        await ignore_missing(_later(ctx, "iam", f"Delete{kind}Policy", {
            member: name, "PolicyName": policy_name}))
    return True


@register
class Role(ResourceType):
    type_name = "AWS::IAM::Role"
    tagging = Tagging("iam", "TagRole", "UntagRole", "RoleName", user_only=True)
    name_property = "RoleName"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("RoleName") or ctx.physical_name(64)
        params: dict[str, Any] = {
            "RoleName": name,
            "AssumeRolePolicyDocument": _json(properties.get("AssumeRolePolicyDocument", {})),
            "Path": properties.get("Path", "/"),
            "Tags": [{"Key": key, "Value": value}
                     for key, value in user_tags(tag_map(ctx, properties)).items()]}
        for key in ("Description", "MaxSessionDuration", "PermissionsBoundary"):
            if properties.get(key) is not None:
                params[key] = properties[key]
        answer = await ctx.call("iam", "CreateRole", params)
        await sync_policies(ctx, "Role", name, properties, {})
        role = answer["Role"]
        return Created(name, {"Arn": role["Arn"], "RoleId": role["RoleId"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        trust = _json(properties.get("AssumeRolePolicyDocument", {}))
        if trust != _json(previous.get("AssumeRolePolicyDocument", {})):
            await ctx.call("iam", "UpdateAssumeRolePolicy",
                           {"RoleName": physical_id, "PolicyDocument": trust})
        await ctx.call("iam", "UpdateRole", {
            "RoleName": physical_id, "Description": properties.get("Description", ""),
            "MaxSessionDuration": properties.get("MaxSessionDuration", 3600)})
        await sync_policies(ctx, "Role", physical_id, properties, previous)
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        if not await drop_policies(ctx, "Role", physical_id):
            return
        await ignore_missing(lambda: ctx.call("iam", "DeleteRole", {"RoleName": physical_id}))


@register
class Policy(Put):
    """An inline policy put on each listed role, user and group."""

    type_name = "AWS::IAM::Policy"
    extra_attributes = ("Id",)

    def put_attributes(self, physical_id: str, properties: dict[str, Any]) -> dict[str, Any]:
        return {"Id": physical_id}

    async def put(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any],
                  previous: dict[str, Any] | None) -> None:
        if previous is not None:  # off the roles it leaves, or all of them when renamed
            same_name = previous.get("PolicyName") == properties.get("PolicyName")
            await self._remove(ctx, previous, {prop: list(properties.get(prop) or [])
                                               for prop, _ in _HOLDERS} if same_name else {})
        for prop, kind in _HOLDERS:
            for name in properties.get(prop) or []:
                await ctx.call("iam", f"Put{kind}Policy", {
                    f"{kind}Name": name, "PolicyName": properties["PolicyName"],
                    "PolicyDocument": _json(properties["PolicyDocument"])})

    async def _remove(self, ctx: ResourceContext, properties: dict[str, Any],
                      keep: dict[str, list[str]]) -> None:
        for prop, kind in _HOLDERS:
            for name in properties.get(prop) or []:
                if name not in keep.get(prop, []):
                    await ignore_missing(_later(ctx, "iam", f"Delete{kind}Policy", {
                        f"{kind}Name": name, "PolicyName": properties["PolicyName"]}))

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await self._remove(ctx, properties, {})


@register
class RolePolicy(Put):
    type_name = "AWS::IAM::RolePolicy"
    delete_operation, identity = (
        "DeleteRolePolicy", {"RoleName": "RoleName", "PolicyName": "PolicyName"})

    def new_id(self, ctx: ResourceContext, properties: dict[str, Any]) -> str:
        return f"{properties['PolicyName']}|{properties['RoleName']}"

    async def put(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any],
                  previous: dict[str, Any] | None) -> None:
        await ctx.call("iam", "PutRolePolicy", {
            "RoleName": properties["RoleName"], "PolicyName": properties["PolicyName"],
            "PolicyDocument": _json(properties.get("PolicyDocument", {}))})


@register
class ManagedPolicy(ResourceType):
    type_name = "AWS::IAM::ManagedPolicy"
    name_property = "ManagedPolicyName"

    async def _attach(self, ctx: ResourceContext, arn: str, properties: dict[str, Any],
                      previous: dict[str, Any]) -> None:
        for prop, kind in _HOLDERS:
            new, old = list(properties.get(prop) or []), list(previous.get(prop) or [])
            for name in old:
                if name not in new:
                    await ignore_missing(_later(ctx, "iam", f"Detach{kind}Policy",
                                                {f"{kind}Name": name, "PolicyArn": arn}))
            for name in new:
                if name not in old:
                    await ctx.call("iam", f"Attach{kind}Policy",
                                   {f"{kind}Name": name, "PolicyArn": arn})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("ManagedPolicyName") or ctx.physical_name(128)
        params: dict[str, Any] = {"PolicyName": name, "Path": properties.get("Path", "/"),
                                  "PolicyDocument": _json(properties["PolicyDocument"])}
        if properties.get("Description") is not None:
            params["Description"] = properties["Description"]
        answer = await ctx.call("iam", "CreatePolicy", params)
        arn = answer["Policy"]["Arn"]
        await self._attach(ctx, arn, properties, {})
        return Created(arn, {"PolicyArn": arn, "PolicyId": answer["Policy"]["PolicyId"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        document = _json(properties["PolicyDocument"])
        if document != _json(previous.get("PolicyDocument", {})):
            versions = (await ctx.call("iam", "ListPolicyVersions",
                                       {"PolicyArn": physical_id}))["Versions"]
            if len(versions) >= 5:
                oldest = [v for v in versions if not v["IsDefaultVersion"]][-1]
                await ctx.call("iam", "DeletePolicyVersion", {
                    "PolicyArn": physical_id, "VersionId": oldest["VersionId"]})
            await ctx.call("iam", "CreatePolicyVersion", {
                "PolicyArn": physical_id, "PolicyDocument": document, "SetAsDefault": True})
        await self._attach(ctx, physical_id, properties, previous)
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await self._attach(ctx, physical_id, {}, properties)
        try:
            versions = (await ctx.call("iam", "ListPolicyVersions",
                                       {"PolicyArn": physical_id}))["Versions"]
        except Exception:
            return
        for version in versions:
            if not version["IsDefaultVersion"]:
                await ctx.call("iam", "DeletePolicyVersion", {
                    "PolicyArn": physical_id, "VersionId": version["VersionId"]})
        await ignore_missing(lambda: ctx.call("iam", "DeletePolicy",
                                              {"PolicyArn": physical_id}))


@register
class InstanceProfile(ResourceType):
    type_name = "AWS::IAM::InstanceProfile"
    name_property = "InstanceProfileName"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("InstanceProfileName") or ctx.physical_name(128)
        answer = await ctx.call("iam", "CreateInstanceProfile", {
            "InstanceProfileName": name, "Path": properties.get("Path", "/")})
        for role in properties.get("Roles") or []:
            await ctx.call("iam", "AddRoleToInstanceProfile", {
                "InstanceProfileName": name, "RoleName": role})
        return Created(name, {"Arn": answer["InstanceProfile"]["Arn"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        for role in previous.get("Roles") or []:
            await ignore_missing(_later(ctx,
                "iam", "RemoveRoleFromInstanceProfile",
                {"InstanceProfileName": physical_id, "RoleName": role}))
        for role in properties.get("Roles") or []:
            await ctx.call("iam", "AddRoleToInstanceProfile", {
                "InstanceProfileName": physical_id, "RoleName": role})
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        for role in properties.get("Roles") or []:
            await ignore_missing(_later(ctx,
                "iam", "RemoveRoleFromInstanceProfile",
                {"InstanceProfileName": physical_id, "RoleName": role}))
        await ignore_missing(lambda: ctx.call("iam", "DeleteInstanceProfile",
                                              {"InstanceProfileName": physical_id}))


__all__ = ["InstanceProfile", "ManagedPolicy", "Policy", "Role", "RolePolicy", "drop_policies",
           "sync_policies"]
