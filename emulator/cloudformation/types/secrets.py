"""AWS::SecretsManager::Secret, KMS keys and aliases, and SSM parameters."""

from __future__ import annotations

from typing import Any

from emulator import inbound
from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, ignore_missing, register
from emulator.cloudformation.tags import Tagging, tag_list, tag_map
from emulator.cloudformation.types.base import Put, json_text


async def _generated(ctx: ResourceContext, spec: dict[str, Any]) -> str:
    """A secret string made as GenerateSecretString describes it."""
    options: dict[str, Any] = {key: spec[key] for key in (
        "PasswordLength", "ExcludeCharacters", "ExcludeNumbers", "ExcludePunctuation",
        "ExcludeUppercase", "ExcludeLowercase", "IncludeSpace", "RequireEachIncludedType")
        if key in spec}
    password = (await ctx.call("secretsmanager", "GetRandomPassword", options))[
        "RandomPassword"]
    template = spec.get("SecretStringTemplate")
    key = spec.get("GenerateStringKey")
    if template and key:
        document = inbound.loads(template)
        document[key] = password
        return json_text(document)
    return str(password)


@register
class Secret(ResourceType):
    type_name = "AWS::SecretsManager::Secret"
    tagging = Tagging("secretsmanager", "TagResource", "UntagResource", "SecretId",
                      user_only=True)
    delete_operation, identity = "DeleteSecret", {"SecretId": "@id"}
    delete_options = {"ForceDeleteWithoutRecovery": True}
    name_property = "Name"
    extra_attributes = ("Id",)

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("Name") or ctx.physical_name(256)
        value = properties.get("SecretString")
        if value is None and properties.get("GenerateSecretString") is not None:
            value = await _generated(ctx, properties["GenerateSecretString"])
        params: dict[str, Any] = {"Name": name, "Tags": [
            tag for tag in tag_list(ctx, properties) if not tag["Key"].startswith("aws:")]}
        for key in ("Description", "KmsKeyId"):
            if properties.get(key) is not None:
                params[key] = properties[key]
        if value is not None:
            params["SecretString"] = value
        answer = await ctx.call("secretsmanager", "CreateSecret", params)
        return Created(answer["ARN"], {"Id": answer["ARN"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        params: dict[str, Any] = {"SecretId": physical_id,
                                  "Description": properties.get("Description", "")}
        if properties.get("SecretString") != previous.get("SecretString") and (
                properties.get("SecretString") is not None):
            params["SecretString"] = properties["SecretString"]
        elif properties.get("GenerateSecretString") != previous.get("GenerateSecretString") and (
                properties.get("GenerateSecretString") is not None):
            params["SecretString"] = await _generated(ctx, properties["GenerateSecretString"])
        await ctx.call("secretsmanager", "UpdateSecret", params)
        return attributes


@register
class RotationSchedule(Put):
    type_name = "AWS::SecretsManager::RotationSchedule"
    delete_operation, identity = "CancelRotateSecret", {"SecretId": "@id"}

    def new_id(self, ctx: ResourceContext, properties: dict[str, Any]) -> str:
        return str(properties["SecretId"])

    async def put(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any],
                  previous: dict[str, Any] | None) -> None:
        params: dict[str, Any] = {"SecretId": properties["SecretId"],
                                  "RotateImmediately": False}
        if properties.get("RotationLambdaARN"):
            params["RotationLambdaARN"] = properties["RotationLambdaARN"]
        if properties.get("RotationRules"):
            params["RotationRules"] = properties["RotationRules"]
        await ctx.call("secretsmanager", "RotateSecret", params)


@register
class Key(ResourceType):
    type_name = "AWS::KMS::Key"
    tagging = Tagging("kms", "TagResource", "UntagResource", "KeyId", style="kms")

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        params: dict[str, Any] = {"Tags": [
            {"TagKey": tag["Key"], "TagValue": str(tag["Value"])}
            for tag in tag_list(ctx, properties)]}
        if properties.get("KeyPolicy") is not None:
            policy = properties["KeyPolicy"]
            params["Policy"] = json_text(policy)
        for key in ("Description", "KeyUsage", "KeySpec"):
            if properties.get(key) is not None:
                params[key] = properties[key]
        answer = await ctx.call("kms", "CreateKey", params)
        key_id = answer["KeyMetadata"]["KeyId"]
        await self._settings(ctx, key_id, properties, {})
        return Created(key_id, {"Arn": answer["KeyMetadata"]["Arn"], "KeyId": key_id})

    async def _settings(self, ctx: ResourceContext, key_id: str, properties: dict[str, Any],
                        previous: dict[str, Any]) -> None:
        if str(properties.get("Enabled", True)).lower() == "false":
            await ctx.call("kms", "DisableKey", {"KeyId": key_id})
        elif str(previous.get("Enabled", True)).lower() == "false":
            await ctx.call("kms", "EnableKey", {"KeyId": key_id})
        rotation = str(properties.get("EnableKeyRotation", False)).lower() == "true"
        if rotation:
            await ctx.call("kms", "EnableKeyRotation", {"KeyId": key_id})
        elif str(previous.get("EnableKeyRotation", False)).lower() == "true":
            await ctx.call("kms", "DisableKeyRotation", {"KeyId": key_id})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        if properties.get("Description") != previous.get("Description"):
            await ctx.call("kms", "UpdateKeyDescription", {
                "KeyId": physical_id, "Description": properties.get("Description", "")})
        if properties.get("KeyPolicy") != previous.get("KeyPolicy") and properties.get(
                "KeyPolicy") is not None:
            policy = properties["KeyPolicy"]
            await ctx.call("kms", "PutKeyPolicy", {
                "KeyId": physical_id, "PolicyName": "default",
                "Policy": json_text(policy)})
        await self._settings(ctx, physical_id, properties, previous)
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        days = int(properties.get("PendingWindowInDays", 30))
        await ignore_missing(lambda: ctx.call("kms", "ScheduleKeyDeletion", {
            "KeyId": physical_id, "PendingWindowInDays": days}))


@register
class Alias(ResourceType):
    type_name = "AWS::KMS::Alias"
    delete_operation, identity = "DeleteAlias", {"AliasName": "@id"}

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        await ctx.call("kms", "CreateAlias", {"AliasName": properties["AliasName"],
                                             "TargetKeyId": properties["TargetKeyId"]})
        return Created(str(properties["AliasName"]))

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await ctx.call("kms", "UpdateAlias", {"AliasName": physical_id,
                                             "TargetKeyId": properties["TargetKeyId"]})
        return attributes


@register
class Parameter(Put):
    type_name = "AWS::SSM::Parameter"
    tagging = Tagging("ssm", "AddTagsToResource", "RemoveTagsFromResource", "ResourceId",
                      fixed=(("ResourceType", "Parameter"),))
    delete_operation, identity = "DeleteParameter", {"Name": "@id"}
    name_property = "Name"
    extra_attributes = ("Type", "Value")

    def new_id(self, ctx: ResourceContext, properties: dict[str, Any]) -> str:
        return str(properties.get("Name") or f"CFN-{ctx.physical_name(2048)}")

    def put_attributes(self, physical_id: str, properties: dict[str, Any]) -> dict[str, Any]:
        return {"Type": properties.get("Type", "String"),
                "Value": str(properties.get("Value", ""))}

    async def put(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any],
                  previous: dict[str, Any] | None) -> None:
        overwrite = previous is not None
        params: dict[str, Any] = {"Name": physical_id,
                                  "Value": str(properties.get("Value", "")),
                                  "Type": properties.get("Type", "String"),
                                  "Overwrite": overwrite}
        for key in ("Description", "AllowedPattern", "Tier", "DataType"):
            if properties.get(key) is not None:
                params[key] = properties[key]
        if not overwrite:
            tags = tag_map(ctx, properties)
            params["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        await ctx.call("ssm", "PutParameter", params)


__all__ = ["Alias", "Key", "Parameter", "RotationSchedule", "Secret"]
