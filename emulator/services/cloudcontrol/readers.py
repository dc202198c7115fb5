"""How Cloud Control reads a resource type: its primary identifier, and the resource's
properties as the type's CloudFormation schema names them, read live from the service that
holds it through the one in-process call (so a resource made by any client is found, not only
one a stack made).

Each reader answers ``read(call, identifier)`` with ``(primary identifier, properties)`` or
None when the service says the resource is not there, and ``identifiers(call)`` with every
resource of its type in the account and region. Property names and shapes follow each type's
page of the CloudFormation resource reference, for example
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-url.html
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from emulator.errors import ServiceError

# One in-process call, already bound to the request's account and region:
# (service, operation, params) -> output.
Call = Callable[[str, str, dict[str, Any]], Awaitable[dict[str, Any]]]
Read = Callable[[Call, str], Awaitable[tuple[str, dict[str, Any]] | None]]
Identifiers = Callable[[Call], Awaitable[list[str]]]

# The codes each service answers a missing resource with.
MISSING = frozenset({"ResourceNotFoundException", "AWS.SimpleQueueService.NonExistentQueue",
                     "QueueDoesNotExist", "NoSuchBucket", "NotFound", "NotFoundException"})


@dataclass(frozen=True)
class Reader:
    read: Read
    identifiers: Identifiers


async def _or_none(answer: Awaitable[dict[str, Any]]) -> dict[str, Any] | None:
    try:
        return await answer
    except ServiceError as error:
        if error.code in MISSING:
            return None
        raise


def _present(properties: dict[str, Any]) -> dict[str, Any]:
    """The properties a read handler returns: those with a value."""
    return {name: value for name, value in properties.items() if value not in (None, [], {})}


def _tags(tags: dict[str, str] | None) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in sorted((tags or {}).items())]


async def _pages(call: Call, service: str, operation: str, items: str, token: str,
                 request_token: str | None = None, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    marker: str | None = None
    while True:
        page = await call(service, operation,
                          {**params, **({request_token or token: marker} if marker else {})})
        found.extend(page.get(items) or [])
        marker = page.get(token)
        if not marker:
            return found


# AWS::Lambda::Url: primary identifier FunctionArn; read by the function's name or ARN.
def _function_and_qualifier(identifier: str) -> tuple[str, str | None]:
    """A function's name or ARN, and the alias a qualified one names."""
    parts = identifier.split(":")
    if identifier.startswith("arn:") and len(parts) == 8:
        return ":".join(parts[:7]), parts[7]
    if not identifier.startswith("arn:") and len(parts) == 2:
        return parts[0], parts[1]
    return identifier, None


async def _read_url(call: Call, identifier: str) -> tuple[str, dict[str, Any]] | None:
    name, qualifier = _function_and_qualifier(identifier)
    params: dict[str, Any] = {"FunctionName": name}
    if qualifier:
        params["Qualifier"] = qualifier
    config = await _or_none(call("lambda", "GetFunctionUrlConfig", params))
    if config is None:
        return None
    arn = config["FunctionArn"]
    parts = arn.split(":")
    properties = _present({
        "TargetFunctionArn": ":".join(parts[:7]),
        "Qualifier": parts[7] if len(parts) == 8 else None,
        "AuthType": config.get("AuthType"), "InvokeMode": config.get("InvokeMode"),
        "Cors": _present(config.get("Cors") or {}),
        "FunctionArn": arn, "FunctionUrl": config.get("FunctionUrl")})
    return arn, properties


async def _url_identifiers(call: Call) -> list[str]:
    names = [function["FunctionName"] for function in await _pages(
        call, "lambda", "ListFunctions", "Functions", "NextMarker", "Marker")]
    found = []
    for name in names:
        for config in await _pages(call, "lambda", "ListFunctionUrlConfigs",
                                   "FunctionUrlConfigs", "NextMarker", "Marker",
                                   FunctionName=name):
            found.append(config["FunctionArn"])
    return found


# AWS::Lambda::Function: primary identifier FunctionName.
async def _read_function(call: Call, identifier: str) -> tuple[str, dict[str, Any]] | None:
    answer = await _or_none(call("lambda", "GetFunction", {"FunctionName": identifier}))
    if answer is None:
        return None
    config = answer["Configuration"]
    environment = (config.get("Environment") or {}).get("Variables")
    properties = _present({
        "FunctionName": config["FunctionName"], "Arn": config["FunctionArn"],
        "Description": config.get("Description") or None, "Role": config.get("Role"),
        "Runtime": config.get("Runtime"), "Handler": config.get("Handler"),
        "MemorySize": config.get("MemorySize"), "Timeout": config.get("Timeout"),
        "PackageType": config.get("PackageType"), "Architectures": config.get("Architectures"),
        "Environment": {"Variables": environment} if environment else None,
        "Layers": [layer["Arn"] for layer in config.get("Layers") or []],
        "TracingConfig": config.get("TracingConfig"),
        "EphemeralStorage": config.get("EphemeralStorage"),
        "LoggingConfig": config.get("LoggingConfig"),
        "Tags": _tags(answer.get("Tags"))})
    return config["FunctionName"], properties


async def _function_identifiers(call: Call) -> list[str]:
    return [function["FunctionName"] for function in await _pages(
        call, "lambda", "ListFunctions", "Functions", "NextMarker", "Marker")]


# AWS::SQS::Queue: primary identifier QueueUrl.
_QUEUE_NUMBERS = ("DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod",
                  "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout",
                  "KmsDataKeyReusePeriodSeconds")
_QUEUE_FLAGS = ("FifoQueue", "ContentBasedDeduplication", "SqsManagedSseEnabled")
_QUEUE_TEXTS = ("DeduplicationScope", "FifoThroughputLimit", "KmsMasterKeyId")
_QUEUE_POLICIES = ("RedrivePolicy", "RedriveAllowPolicy")


async def _read_queue(call: Call, identifier: str) -> tuple[str, dict[str, Any]] | None:
    answer = await _or_none(call("sqs", "GetQueueAttributes",
                                 {"QueueUrl": identifier, "AttributeNames": ["All"]}))
    if answer is None:
        return None
    attributes = answer.get("Attributes") or {}
    tags = await call("sqs", "ListQueueTags", {"QueueUrl": identifier})
    properties: dict[str, Any] = {
        "QueueUrl": identifier, "Arn": attributes.get("QueueArn"),
        "QueueName": identifier.rstrip("/").rsplit("/", 1)[-1]}
    for name in _QUEUE_NUMBERS:
        if name in attributes:
            properties[name] = int(attributes[name])
    for name in _QUEUE_FLAGS:
        if name in attributes:
            properties[name] = attributes[name] == "true"
    for name in _QUEUE_TEXTS:
        properties[name] = attributes.get(name)
    for name in _QUEUE_POLICIES:
        if attributes.get(name):
            properties[name] = json.loads(attributes[name])
    properties["Tags"] = _tags(tags.get("Tags"))
    return identifier, _present(properties)


async def _queue_identifiers(call: Call) -> list[str]:
    return [str(url) for url in await _pages(call, "sqs", "ListQueues", "QueueUrls",
                                             "NextToken")]


# AWS::Logs::LogGroup: primary identifier LogGroupName.
async def _read_log_group(call: Call, identifier: str) -> tuple[str, dict[str, Any]] | None:
    groups = await call("logs", "DescribeLogGroups", {"logGroupNamePrefix": identifier})
    group = next((group for group in groups.get("logGroups") or []
                  if group["logGroupName"] == identifier), None)
    if group is None:
        return None
    return identifier, _present({
        "LogGroupName": identifier, "Arn": group.get("arn"),
        "RetentionInDays": group.get("retentionInDays"),
        "KmsKeyId": group.get("kmsKeyId"), "LogGroupClass": group.get("logGroupClass")})


async def _log_group_identifiers(call: Call) -> list[str]:
    return [group["logGroupName"] for group in await _pages(
        call, "logs", "DescribeLogGroups", "logGroups", "nextToken")]


# AWS::DynamoDB::Table: primary identifier TableName.
async def _read_table(call: Call, identifier: str) -> tuple[str, dict[str, Any]] | None:
    answer = await _or_none(call("dynamodb", "DescribeTable", {"TableName": identifier}))
    if answer is None:
        return None
    table = answer["Table"]
    billing = (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
    throughput = table.get("ProvisionedThroughput") or {}

    def index(found: dict[str, Any]) -> dict[str, Any]:
        shaped = {"IndexName": found["IndexName"], "KeySchema": found["KeySchema"],
                  "Projection": found.get("Projection")}
        if billing == "PROVISIONED" and found.get("ProvisionedThroughput"):
            shaped["ProvisionedThroughput"] = {
                name: found["ProvisionedThroughput"][name]
                for name in ("ReadCapacityUnits", "WriteCapacityUnits")}
        return shaped

    stream = table.get("StreamSpecification") or {}
    properties = _present({
        "TableName": identifier, "Arn": table.get("TableArn"),
        "StreamArn": table.get("LatestStreamArn"), "KeySchema": table.get("KeySchema"),
        "AttributeDefinitions": table.get("AttributeDefinitions"), "BillingMode": billing,
        "ProvisionedThroughput": {
            "ReadCapacityUnits": throughput.get("ReadCapacityUnits"),
            "WriteCapacityUnits": throughput.get("WriteCapacityUnits")}
        if billing == "PROVISIONED" else None,
        "GlobalSecondaryIndexes": [index(found) for found in
                                   table.get("GlobalSecondaryIndexes") or []],
        "LocalSecondaryIndexes": [index(found) for found in
                                  table.get("LocalSecondaryIndexes") or []],
        "StreamSpecification": {"StreamViewType": stream["StreamViewType"]}
        if stream.get("StreamEnabled") else None,
        "TableClass": (table.get("TableClassSummary") or {}).get("TableClass"),
        "DeletionProtectionEnabled": table.get("DeletionProtectionEnabled")})
    return identifier, properties


async def _table_identifiers(call: Call) -> list[str]:
    return [str(name) for name in await _pages(
        call, "dynamodb", "ListTables", "TableNames", "LastEvaluatedTableName",
        "ExclusiveStartTableName")]


# AWS::S3::Bucket: primary identifier BucketName.
async def _read_bucket(call: Call, identifier: str) -> tuple[str, dict[str, Any]] | None:
    located = await _or_none(call("s3", "GetBucketLocation", {"Bucket": identifier}))
    if located is None:
        return None
    region = located.get("LocationConstraint") or "us-east-1"
    return identifier, {
        "BucketName": identifier, "Arn": f"arn:aws:s3:::{identifier}",
        "DomainName": f"{identifier}.s3.amazonaws.com",
        "RegionalDomainName": f"{identifier}.s3.{region}.amazonaws.com",
        "DualStackDomainName": f"{identifier}.s3.dualstack.{region}.amazonaws.com",
        "WebsiteURL": f"http://{identifier}.s3-website-{region}.amazonaws.com"}


async def _bucket_identifiers(call: Call) -> list[str]:
    answer = await call("s3", "ListBuckets", {})
    return [bucket["Name"] for bucket in answer.get("Buckets") or []]


READERS: dict[str, Reader] = {
    "AWS::Lambda::Url": Reader(_read_url, _url_identifiers),
    "AWS::Lambda::Function": Reader(_read_function, _function_identifiers),
    "AWS::SQS::Queue": Reader(_read_queue, _queue_identifiers),
    "AWS::Logs::LogGroup": Reader(_read_log_group, _log_group_identifiers),
    "AWS::DynamoDB::Table": Reader(_read_table, _table_identifiers),
    "AWS::S3::Bucket": Reader(_read_bucket, _bucket_identifiers),
}

__all__ = ["READERS", "Call", "Reader"]
