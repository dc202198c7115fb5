"""AWS::S3::Bucket (with versioning, tags, CORS, encryption, public access block, ownership
controls, lifecycle rules, notifications and website configuration) and AWS::S3::BucketPolicy."""

from __future__ import annotations

from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, ignore_missing, register
from emulator.cloudformation.tags import tag_map, user_tags
from emulator.cloudformation.types.base import Put, json_text

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


def _rule_filter(rule: dict[str, Any]) -> dict[str, Any]:
    """The S3 Filter of a CloudFormation Rule: its prefix, tag filters and object sizes,
    under And when there is more than one."""
    conditions: dict[str, Any] = {}
    if rule.get("Prefix"):
        conditions["Prefix"] = rule["Prefix"]
    tags = [{"Key": tag["Key"], "Value": tag["Value"]} for tag in rule.get("TagFilters") or []]
    for source in ("ObjectSizeGreaterThan", "ObjectSizeLessThan"):
        if rule.get(source) is not None:
            conditions[source] = int(rule[source])
    if len(conditions) + len(tags) > 1:
        return {"And": {**conditions, **({"Tags": tags} if tags else {})}}
    if tags:
        return {"Tag": tags[0]}
    return conditions or {"Prefix": ""}


def _transition(item: dict[str, Any], days: str) -> dict[str, Any]:
    out: dict[str, Any] = {"StorageClass": item["StorageClass"]}
    if item.get("TransitionInDays") is not None:
        out[days] = int(item["TransitionInDays"])
    if item.get("TransitionDate") is not None:
        out["Date"] = item["TransitionDate"]
    if item.get("NewerNoncurrentVersions") is not None:
        out["NewerNoncurrentVersions"] = int(item["NewerNoncurrentVersions"])
    return out


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"Status": rule.get("Status", "Enabled"), "Filter": _rule_filter(rule)}
    if rule.get("Id"):
        out["ID"] = rule["Id"]
    expiration: dict[str, Any] = {}
    if rule.get("ExpirationInDays") is not None:
        expiration["Days"] = int(rule["ExpirationInDays"])
    if rule.get("ExpirationDate") is not None:
        expiration["Date"] = rule["ExpirationDate"]
    if rule.get("ExpiredObjectDeleteMarker") is not None:
        expiration["ExpiredObjectDeleteMarker"] = rule["ExpiredObjectDeleteMarker"] in (
            True, "true", "True")
    if expiration:
        out["Expiration"] = expiration
    noncurrent = dict(rule.get("NoncurrentVersionExpiration") or {})
    if rule.get("NoncurrentVersionExpirationInDays") is not None:
        noncurrent.setdefault("NoncurrentDays", rule["NoncurrentVersionExpirationInDays"])
    if noncurrent:
        out["NoncurrentVersionExpiration"] = {key: int(value)
                                              for key, value in noncurrent.items()}
    if rule.get("AbortIncompleteMultipartUpload") is not None:
        out["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": int(
            rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])}
    transitions = [*(rule.get("Transitions") or []), *filter(None, [rule.get("Transition")])]
    if transitions:
        out["Transitions"] = [_transition(item, "Days") for item in transitions]
    noncurrent_moves = [*(rule.get("NoncurrentVersionTransitions") or []),
                        *filter(None, [rule.get("NoncurrentVersionTransition")])]
    if noncurrent_moves:
        out["NoncurrentVersionTransitions"] = [_transition(item, "NoncurrentDays")
                                               for item in noncurrent_moves]
    return out


def _lifecycle(value: dict[str, Any]) -> dict[str, Any]:
    """A CloudFormation LifecycleConfiguration as PutBucketLifecycleConfiguration takes it
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-rule.html)."""
    return {"Rules": [_lifecycle_rule(rule) for rule in value.get("Rules") or []]}


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


def _encryption(value: dict[str, Any]) -> dict[str, Any]:
    """A CloudFormation BucketEncryption as PutBucketEncryption takes it: the template's
    ServerSideEncryptionByDefault is the API's ApplyServerSideEncryptionByDefault
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-serversideencryptionrule.html)."""
    rules = []
    for rule in value.get("ServerSideEncryptionConfiguration") or []:
        out = {key: item for key, item in rule.items() if key != "ServerSideEncryptionByDefault"}
        if rule.get("ServerSideEncryptionByDefault") is not None:
            out["ApplyServerSideEncryptionByDefault"] = rule["ServerSideEncryptionByDefault"]
        rules.append(out)
    return {"Rules": rules}


def _website(value: dict[str, Any]) -> dict[str, Any]:
    """A CloudFormation WebsiteConfiguration as PutBucketWebsite takes it: documents by name,
    routing rules' RoutingRuleCondition and RedirectRule as Condition and Redirect
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-websiteconfiguration.html)."""
    out: dict[str, Any] = {}
    if value.get("IndexDocument"):
        out["IndexDocument"] = {"Suffix": value["IndexDocument"]}
    if value.get("ErrorDocument"):
        out["ErrorDocument"] = {"Key": value["ErrorDocument"]}
    if value.get("RedirectAllRequestsTo"):
        out["RedirectAllRequestsTo"] = dict(value["RedirectAllRequestsTo"])
    rules = []
    for rule in value.get("RoutingRules") or []:
        item: dict[str, Any] = {"Redirect": dict(rule.get("RedirectRule") or {})}
        if rule.get("RoutingRuleCondition"):
            item["Condition"] = dict(rule["RoutingRuleCondition"])
        rules.append(item)
    if rules:
        out["RoutingRules"] = rules
    return out


def _logging(value: dict[str, Any]) -> dict[str, Any]:
    """A LoggingConfiguration as PutBucketLogging takes it; with no DestinationBucketName the
    logs go to the bucket itself, filled in by the caller
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-loggingconfiguration.html)."""
    return {"LoggingEnabled": {"TargetBucket": value.get("DestinationBucketName"),
                               "TargetPrefix": value.get("LogFilePrefix", "")}}


# property -> (put operation, member, translate, delete operation)
_SETTINGS: dict[str, tuple[str, str, Any, str | None]] = {
    "VersioningConfiguration": ("PutBucketVersioning", "VersioningConfiguration", dict, None),
    # The same document as the API's; Object Lock, once on, cannot be taken off a bucket.
    "ObjectLockConfiguration": ("PutObjectLockConfiguration", "ObjectLockConfiguration", dict,
                                None),
    "CorsConfiguration": ("PutBucketCors", "CORSConfiguration", _cors, "DeleteBucketCors"),
    "BucketEncryption": ("PutBucketEncryption", "ServerSideEncryptionConfiguration",
                         _encryption, "DeleteBucketEncryption"),
    "PublicAccessBlockConfiguration": ("PutPublicAccessBlock",
                                       "PublicAccessBlockConfiguration", dict,
                                       "DeletePublicAccessBlock"),
    "OwnershipControls": ("PutBucketOwnershipControls", "OwnershipControls", dict,
                          "DeleteBucketOwnershipControls"),
    "LifecycleConfiguration": ("PutBucketLifecycleConfiguration", "LifecycleConfiguration",
                               _lifecycle, "DeleteBucketLifecycle"),
    "NotificationConfiguration": ("PutBucketNotificationConfiguration",
                                  "NotificationConfiguration", _notifications, None),
    "WebsiteConfiguration": ("PutBucketWebsite", "WebsiteConfiguration", _website,
                             "DeleteBucketWebsite"),
    "LoggingConfiguration": ("PutBucketLogging", "BucketLoggingStatus", _logging, None),
}
# Settings taken off by putting an empty document (no delete operation).
_EMPTIED = ("NotificationConfiguration", "LoggingConfiguration")


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
                document = translate(value)
                if key == "LoggingConfiguration":
                    document["LoggingEnabled"]["TargetBucket"] = (
                        document["LoggingEnabled"]["TargetBucket"] or name)
                await ctx.call("s3", operation, {"Bucket": name, member: document})
            elif value is None and previous.get(key) is not None:
                if remover is not None:
                    await ctx.call("s3", remover, {"Bucket": name})
                elif key in _EMPTIED:
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
            "Policy": json_text(document)})

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call("s3", "DeleteBucketPolicy",
                                              {"Bucket": properties["Bucket"]}))


__all__ = ["Bucket", "BucketPolicy"]
