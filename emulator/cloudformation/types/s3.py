"""AWS::S3::Bucket (with versioning, tags, CORS, encryption, public access block, ownership
controls, lifecycle rules and notifications) and AWS::S3::BucketPolicy."""

from __future__ import annotations

import json
from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, ignore_missing, register
from emulator.cloudformation.tags import tag_map, user_tags
from emulator.cloudformation.types.base import Put

_EVENT_SECTIONS = (("LambdaConfigurations", "LambdaFunctionConfigurations", "Function",
                    "LambdaFunctionArn"),
                   ("QueueConfigurations", "QueueConfigurations", "Queue", "QueueArn"),
                   ("TopicConfigurations", "TopicConfigurations", "Topic", "TopicArn"))


def _cors(value: dict[str, Any]) -> dict[str, Any]:
    rules = []
    for rule in value.get("CorsRules") or []:
        out: dict[str, Any] = {"AllowedMethods": rule["AllowedMethods"],
                               "AllowedOrigins": rule["AllowedOrigins"]}
        for source, target in (("AllowedHeaders", "AllowedHeaders"), ("ExposedHeaders",
                               "ExposeHeaders"), ("Id", "ID"), ("MaxAge", "MaxAgeSeconds")):
            if rule.get(source) is not None:
                out[target] = rule[source]
        rules.append(out)
    return {"CORSRules": rules}


def _lifecycle(value: dict[str, Any]) -> dict[str, Any]:
    rules = []
    for rule in value.get("Rules") or []:
        out: dict[str, Any] = {"Status": rule.get("Status", "Enabled"),
                               "Filter": {"Prefix": rule.get("Prefix", "")}}
        if rule.get("Id"):
            out["ID"] = rule["Id"]
        if rule.get("ExpirationInDays") is not None:
            out["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
        if rule.get("ExpirationDate") is not None:
            out["Expiration"] = {"Date": rule["ExpirationDate"]}
        if rule.get("NoncurrentVersionExpirationInDays") is not None:
            out["NoncurrentVersionExpiration"] = {
                "NoncurrentDays": int(rule["NoncurrentVersionExpirationInDays"])}
        if rule.get("AbortIncompleteMultipartUpload") is not None:
            out["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": int(
                rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])}
        transitions = rule.get("Transitions") or []
        if transitions:
            out["Transitions"] = [{"Days": int(t["TransitionInDays"]),
                                   "StorageClass": t["StorageClass"]}
                                  for t in transitions if "TransitionInDays" in t]
        rules.append(out)
    return {"Rules": rules}


def _notifications(value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for source, target, arn_from, arn_to in _EVENT_SECTIONS:
        entries = []
        for item in value.get(source) or []:
            entry: dict[str, Any] = {arn_to: item[arn_from], "Events": [item["Event"]]}
            rules = ((item.get("Filter") or {}).get("S3Key") or {}).get("Rules")
            if rules:
                entry["Filter"] = {"Key": {"FilterRules": rules}}
            entries.append(entry)
        if entries:
            out[target] = entries
    if (value.get("EventBridgeConfiguration") or {}).get("EventBridgeEnabled"):
        out["EventBridgeConfiguration"] = {}
    return out


# property -> (put operation, member, translate, delete operation)
_SETTINGS: dict[str, tuple[str, str, Any, str | None]] = {
    "VersioningConfiguration": ("PutBucketVersioning", "VersioningConfiguration", dict, None),
    "CorsConfiguration": ("PutBucketCors", "CORSConfiguration", _cors, "DeleteBucketCors"),
    "BucketEncryption": ("PutBucketEncryption", "ServerSideEncryptionConfiguration",
                         lambda v: {"Rules": v.get("ServerSideEncryptionConfiguration", [])},
                         "DeleteBucketEncryption"),
    "PublicAccessBlockConfiguration": ("PutPublicAccessBlock",
                                       "PublicAccessBlockConfiguration", dict,
                                       "DeletePublicAccessBlock"),
    "OwnershipControls": ("PutBucketOwnershipControls", "OwnershipControls", dict,
                          "DeleteBucketOwnershipControls"),
    "LifecycleConfiguration": ("PutBucketLifecycleConfiguration", "LifecycleConfiguration",
                               _lifecycle, "DeleteBucketLifecycle"),
    "NotificationConfiguration": ("PutBucketNotificationConfiguration",
                                  "NotificationConfiguration", _notifications, None),
}


@register
class Bucket(ResourceType):
    type_name = "AWS::S3::Bucket"
    delete_operation, identity = "DeleteBucket", {"Bucket": "@id"}
    name_property = "BucketName"

    async def _configure(self, ctx: ResourceContext, name: str, properties: dict[str, Any],
                         previous: dict[str, Any]) -> None:
        for key, (operation, member, translate, remover) in _SETTINGS.items():
            value = properties.get(key)
            if value is not None and value != previous.get(key):
                await ctx.call("s3", operation, {"Bucket": name, member: translate(value)})
            elif value is None and previous.get(key) is not None:
                if remover is not None:
                    await ctx.call("s3", remover, {"Bucket": name})
                elif key == "NotificationConfiguration":
                    await ctx.call("s3", operation, {"Bucket": name, member: {}})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("BucketName") or ctx.physical_name(63, lowercase=True)
        params: dict[str, Any] = {"Bucket": name}
        if ctx.region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
        if properties.get("ObjectLockEnabled") is not None:
            params["ObjectLockEnabledForBucket"] = properties["ObjectLockEnabled"]
        await ctx.call("s3", "CreateBucket", params)
        await self._configure(ctx, name, properties, {})
        await self.retag(ctx, name, {}, tag_map(ctx, properties), {})
        region = ctx.region
        return Created(name, {
            "Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com",
            "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
            "DualStackDomainName": f"{name}.s3.dualstack.{region}.amazonaws.com",
            "WebsiteURL": f"http://{name}.s3-website-{region}.amazonaws.com"})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await self._configure(ctx, physical_id, properties, previous)
        return attributes

    async def retag(self, ctx: ResourceContext, physical_id: str, attributes: dict[str, Any],
                    tags: dict[str, str], previous: dict[str, str]) -> None:
        # The bucket's tag set is replaced whole; S3's API refuses the aws: prefix.
        tag_set = [{"Key": key, "Value": value} for key, value in user_tags(tags).items()]
        if tag_set:
            await ctx.call("s3", "PutBucketTagging", {"Bucket": physical_id,
                                                      "Tagging": {"TagSet": tag_set}})
        elif user_tags(previous):
            await ctx.call("s3", "DeleteBucketTagging", {"Bucket": physical_id})


@register
class BucketPolicy(Put):
    type_name = "AWS::S3::BucketPolicy"
    extra_attributes = ("Id",)

    async def put(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any],
                  previous: dict[str, Any] | None) -> None:
        document = properties.get("PolicyDocument") or {}
        await ctx.call("s3", "PutBucketPolicy", {
            "Bucket": properties["Bucket"],
            "Policy": document if isinstance(document, str) else json.dumps(document)})

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call("s3", "DeleteBucketPolicy",
                                              {"Bucket": properties["Bucket"]}))


__all__ = ["Bucket", "BucketPolicy"]
