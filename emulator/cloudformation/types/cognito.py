"""AWS::Cognito::UserPool, UserPoolClient, UserPoolDomain, UserPoolGroup and
UserPoolResourceServer."""

from __future__ import annotations

from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, register
from emulator.cloudformation.tags import Tagging, tag_map
from emulator.cloudformation.types.base import Simple, fit

SERVICE = "cognito-idp"


@register
class UserPool(ResourceType):
    type_name = "AWS::Cognito::UserPool"
    tagging = Tagging("cognito-idp", "TagResource", "UntagResource", "ResourceArn",
                      style="map", user_only=True)
    tag_by = "Arn"
    service = SERVICE
    delete_operation, identity = "DeleteUserPool", {"UserPoolId": "@id"}
    extra_attributes = ("Arn", "ProviderName", "ProviderURL", "UserPoolId")

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        tags = {key: value for key, value in tag_map(ctx, properties, "UserPoolTags").items()
                if not key.startswith("aws:")}
        answer = await ctx.call(SERVICE, "CreateUserPool", fit(
            SERVICE, "CreateUserPool", properties, skip=("UserPoolTags",),
            PoolName=properties.get("UserPoolName") or ctx.physical_name(128),
            UserPoolTags=tags))
        pool = answer["UserPool"]
        provider = f"cognito-idp.{ctx.region}.amazonaws.com/{pool['Id']}"
        return Created(pool["Id"], {"Arn": pool["Arn"], "UserPoolId": pool["Id"],
                                    "ProviderName": provider,
                                    "ProviderURL": f"https://{provider}"})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await ctx.call(SERVICE, "UpdateUserPool", fit(
            SERVICE, "UpdateUserPool", properties, skip=("UserPoolTags",),
            UserPoolId=physical_id))
        return attributes


@register
class UserPoolClient(Simple):
    type_name = "AWS::Cognito::UserPoolClient"
    service = SERVICE
    noun = "UserPoolClient"
    physical = "UserPoolClient.ClientId"
    identity = {"UserPoolId": "UserPoolId", "ClientId": "@id"}
    extra_attributes = ("ClientSecret", "Name", "ClientId")
    outputs = {"ClientSecret": "UserPoolClient.ClientSecret",
               "Name": "UserPoolClient.ClientName", "ClientId": "UserPoolClient.ClientId"}
    generated_name = ("ClientName", 128)


@register
class UserPoolGroup(Simple):
    type_name = "AWS::Cognito::UserPoolGroup"
    service = SERVICE
    name_property = "GroupName"
    create_operation, delete_operation = "CreateGroup", "DeleteGroup"
    physical = "Group.GroupName"
    identity = {"UserPoolId": "UserPoolId", "GroupName": "@id"}
    generated_name = ("GroupName", 128)


@register
class UserPoolResourceServer(Simple):
    type_name = "AWS::Cognito::UserPoolResourceServer"
    service = SERVICE
    noun = "ResourceServer"
    physical = "ResourceServer.Identifier"
    identity = {"UserPoolId": "UserPoolId", "Identifier": "Identifier"}


@register
class UserPoolDomain(ResourceType):
    type_name = "AWS::Cognito::UserPoolDomain"
    service = SERVICE
    delete_operation, identity = (
        "DeleteUserPoolDomain", {"Domain": "@id", "UserPoolId": "UserPoolId"})
    extra_attributes = ("CloudFrontDistribution",)

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        await ctx.call(SERVICE, "CreateUserPoolDomain", fit(
            SERVICE, "CreateUserPoolDomain", properties))
        described = await ctx.call(SERVICE, "DescribeUserPoolDomain",
                                   {"Domain": properties["Domain"]})
        return Created(str(properties["Domain"]), {"CloudFrontDistribution": described[
            "DomainDescription"].get("CloudFrontDistribution", "")})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await ctx.call(SERVICE, "UpdateUserPoolDomain", fit(
            SERVICE, "UpdateUserPoolDomain", properties))
        return attributes


__all__ = ["UserPool", "UserPoolClient", "UserPoolDomain", "UserPoolGroup",
           "UserPoolResourceServer"]
