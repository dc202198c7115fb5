"""AWS::ECR::Repository: a repository with its tag mutability, scanning, encryption,
lifecycle policy, repository policy and tags; Ref is the name, with Arn and RepositoryUri.

https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecr-repository.html
"""

from __future__ import annotations

from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, register
from emulator.cloudformation.tags import Tagging, tag_map
from emulator.cloudformation.types.base import json_text


def _text(value: Any) -> str:
    return json_text(value)


@register
class Repository(ResourceType):
    type_name = "AWS::ECR::Repository"
    tagging = Tagging("ecr", "TagResource", "UntagResource", "resourceArn", tags="tags",
                      keys="tagKeys")
    tag_by = "Arn"
    delete_operation, identity = "DeleteRepository", {"repositoryName": "@id"}
    name_property = "RepositoryName"

    async def _policies(self, ctx: ResourceContext, name: str, properties: dict[str, Any],
                        previous: dict[str, Any]) -> None:
        lifecycle = (properties.get("LifecyclePolicy") or {}).get("LifecyclePolicyText")
        if lifecycle != (previous.get("LifecyclePolicy") or {}).get("LifecyclePolicyText"):
            if lifecycle:
                await ctx.call("ecr", "PutLifecyclePolicy", {
                    "repositoryName": name, "lifecyclePolicyText": _text(lifecycle)})
            else:
                await ctx.call("ecr", "DeleteLifecyclePolicy", {"repositoryName": name})
        policy = properties.get("RepositoryPolicyText")
        if policy != previous.get("RepositoryPolicyText"):
            if policy:
                await ctx.call("ecr", "SetRepositoryPolicy", {
                    "repositoryName": name, "policyText": _text(policy)})
            else:
                await ctx.call("ecr", "DeleteRepositoryPolicy", {"repositoryName": name})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("RepositoryName") or ctx.physical_name(256, lowercase=True)
        params: dict[str, Any] = {"repositoryName": name}
        if properties.get("ImageTagMutability"):
            params["imageTagMutability"] = properties["ImageTagMutability"]
        scanning = properties.get("ImageScanningConfiguration")
        if scanning is not None:
            params["imageScanningConfiguration"] = {
                "scanOnPush": scanning.get("ScanOnPush") in (True, "true")}
        encryption = properties.get("EncryptionConfiguration")
        if encryption is not None:
            params["encryptionConfiguration"] = {
                "encryptionType": encryption.get("EncryptionType", "AES256"),
                **({"kmsKey": encryption["KmsKey"]} if encryption.get("KmsKey") else {})}
        tags = tag_map(ctx, properties)
        if tags:
            params["tags"] = [{"Key": key, "Value": value} for key, value in tags.items()]
        created = await ctx.call("ecr", "CreateRepository", params)
        await self._policies(ctx, name, properties, {})
        repository = created["repository"]
        return Created(name, {"Arn": repository["repositoryArn"],
                              "RepositoryUri": repository["repositoryUri"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        mutability = properties.get("ImageTagMutability") or "MUTABLE"
        if mutability != (previous.get("ImageTagMutability") or "MUTABLE"):
            await ctx.call("ecr", "PutImageTagMutability", {
                "repositoryName": physical_id, "imageTagMutability": mutability})
        scanning = properties.get("ImageScanningConfiguration") or {}
        if scanning != (previous.get("ImageScanningConfiguration") or {}):
            await ctx.call("ecr", "PutImageScanningConfiguration", {
                "repositoryName": physical_id, "imageScanningConfiguration": {
                    "scanOnPush": scanning.get("ScanOnPush") in (True, "true")}})
        await self._policies(ctx, physical_id, properties, previous)
        return attributes


__all__ = ["Repository"]
