"""CloudTrail records made from the calls the wire layer noted, with the fields
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
describes. Members the service's model marks sensitive (secrets, passwords, keys) are written
as CloudTrail writes them, ``HIDDEN_DUE_TO_SECURITY_REASONS``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import cache
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, ServiceModel, Shape, StructureShape

from emulator.api_calls import ApiCall, read_only
from emulator.services.cloudtrail import selection

EVENT_VERSION = "1.11"
HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"
ROOT = "000000000000"


@cache
def _model(service: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(service)


def event_source(service: str) -> str:
    """``lambda.amazonaws.com``: the service's endpoint prefix (``monitoring`` for
    CloudWatch, ``states`` for Step Functions, ``apigateway`` for both API Gateway APIs)."""
    prefix = _model(service).metadata.get("endpointPrefix") or service
    if prefix.startswith("apigateway") or prefix == "execute-api":
        prefix = "apigateway"
    return f"{prefix}.amazonaws.com"


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _masked(value: Any, shape: Shape | None) -> Any:
    if shape is None:
        return value
    if shape.metadata.get("sensitive"):
        return HIDDEN
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        return {name: _masked(item, shape.members.get(name)) for name, item in value.items()}
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_masked(item, shape.member) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: _masked(item, shape.value) for key, item in value.items()}
    if isinstance(value, bytes):
        return HIDDEN  # blobs (code, ciphertext) are not written out
    if isinstance(value, datetime):
        return iso(value.timestamp())
    return value


def _camel(members: dict[str, Any]) -> dict[str, Any]:
    """Top-level member names as CloudTrail writes them (``functionName``)."""
    return {name[:1].lower() + name[1:]: value for name, value in members.items()}


def elements(service: str, operation: str, members: Any, output: bool) -> Any:
    """requestParameters or responseElements: the members, sensitive ones hidden."""
    if not members:
        return None
    model = _model(service).operation_model(operation)
    shape = model.output_shape if output else model.input_shape
    masked = _masked(dict(members), shape)
    return _camel(masked) if isinstance(masked, dict) else masked


def user_identity(call: ApiCall) -> dict[str, Any]:
    """The caller: the account's root user, named by the access key the request was
    signed with (the emulator has no IAM users behind keys)."""
    return {"type": "Root", "principalId": call.account,
            "arn": f"arn:aws:iam::{call.account}:root", "accountId": call.account,
            "accessKeyId": call.access_key}


def event_id(call: ApiCall) -> str:
    """A stable id per call (the same record read twice has the same eventID)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, call.request_id))


def record(call: ApiCall) -> dict[str, Any]:
    made: dict[str, Any] = {
        "eventVersion": EVENT_VERSION,
        "userIdentity": user_identity(call),
        "eventTime": iso(call.time),
        "eventSource": event_source(call.service),
        "eventName": call.operation,
        "awsRegion": call.region,
        "sourceIPAddress": call.source_ip,
        "userAgent": call.user_agent,
    }
    if call.error_code is not None:
        made["errorCode"] = call.error_code
        made["errorMessage"] = call.error_message or ""
    if call.data and call.service == "s3":
        made["requestParameters"] = s3_parameters(call)
        made["responseElements"] = None
    else:
        made["requestParameters"] = elements(call.service, call.operation, call.params, False)
        made["responseElements"] = elements(call.service, call.operation, call.result,
                                            True) if call.error_code is None else None
    made.update({
        "requestID": call.request_id,
        "eventID": event_id(call),
        "readOnly": read_only(call.operation),
        "eventType": "AwsApiCall",
        "managementEvent": not call.data,
        "recipientAccountId": call.account,
        "eventCategory": "Data" if call.data else "Management",
    })
    if call.data:
        made["resources"] = data_resources(call)
    return made


def s3_parameters(call: ApiCall) -> dict[str, Any]:
    """An S3 object call's requestParameters as CloudTrail writes them: ``bucketName``,
    ``Host`` and ``key``, without the object's body."""
    bucket = str(call.params.get("Bucket", ""))
    made: dict[str, Any] = {"bucketName": bucket,
                            "Host": f"{bucket}.s3.{call.region}.amazonaws.com"}
    if call.params.get("Key") is not None:
        made["key"] = call.params["Key"]
    return made


def data_resources(call: ApiCall) -> list[dict[str, str]]:
    """A data event's resources: the object and its bucket for S3, else the function or
    table."""
    found = selection.data_resource(call)
    if found is None:
        return []
    kind, arn = found
    if kind != "AWS::S3::Object":
        return [{"accountId": call.account, "type": kind, "ARN": arn}]
    bucket = arn.split("/", 1)[0]
    made = [{"accountId": call.account, "type": "AWS::S3::Bucket", "ARN": bucket}]
    return [{"type": kind, "ARN": arn}, *made] if call.params.get("Key") else made


def resources(call: ApiCall) -> list[dict[str, str]]:
    """The resources LookupEvents names: the names, ARNs and URLs among the call's
    top-level members (without a resource type, which the model does not say)."""
    found: list[dict[str, str]] = []
    for members in (call.params, call.result or {}):
        for name, value in members.items():
            if not isinstance(value, str) or not value:
                continue
            if value.startswith("arn:") or name.endswith(("Name", "Arn", "ARN", "Url")) or (
                    name == "Bucket"):
                found.append({"ResourceName": value})
    unique: dict[str, dict[str, str]] = {}
    for item in found:
        unique.setdefault(item["ResourceName"], item)
    return list(unique.values())


__all__ = ["EVENT_VERSION", "HIDDEN", "elements", "event_id", "event_source", "iso",
           "record", "resources", "user_identity"]
