"""Custom resources (AWS::CloudFormation::CustomResource and Custom::*) backed by a Lambda
function or an SNS topic, and nested stacks (AWS::CloudFormation::Stack).

A custom resource's provider gets AWS's request (invoked asynchronously, or published to the
topic) with a presigned S3 URL, and PUTs its answer there, as the cfn-response helper does;
the answer is awaited on the emulator clock for ServiceTimeout seconds (an hour by default).
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import quote

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.errors import ResourceError
from emulator.cloudformation.ports import CustomResponses, NestedStacks
from emulator.cloudformation.resources import NEW_PHYSICAL_ID, Created, ResourceType, register

DEFAULT_TIMEOUT = 3600.0


def _responses(ctx: ResourceContext) -> CustomResponses:
    responses: CustomResponses = ctx.extras["responses"]
    return responses


def _nested(ctx: ResourceContext) -> NestedStacks:
    nested: NestedStacks = ctx.extras["nested"]
    return nested


def _stringified(value: Any) -> Any:
    """The properties as the provider receives them: every scalar a string (booleans as
    ``true``/``false``), as CloudFormation sends them, at any depth."""
    if isinstance(value, dict):
        return {key: _stringified(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_stringified(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


async def _ask(ctx: ResourceContext, request_type: str, properties: dict[str, Any], *,
               physical_id: str | None = None,
               old_properties: dict[str, Any] | None = None) -> dict[str, Any]:
    """Send one request to the custom resource's provider and return its SUCCESS answer."""
    token = properties.get("ServiceToken")
    if not isinstance(token, str) or not token.startswith("arn:"):
        raise ResourceError("ServiceToken is required and must be the ARN of a Lambda "
                            "function or an SNS topic", "InvalidRequest")
    request_id = str(uuid.uuid4())
    key = quote(f"{ctx.stack_id}|{ctx.logical_id}|{request_id}", safe="")
    request: dict[str, Any] = {
        "RequestType": request_type, "ServiceToken": token,
        "ResponseURL": await _responses(ctx).url(key), "StackId": ctx.stack_id,
        "RequestId": request_id, "LogicalResourceId": ctx.logical_id,
        "ResourceType": ctx.extras.get("type_name", "AWS::CloudFormation::CustomResource"),
        "ResourceProperties": _stringified(properties),
    }
    if physical_id is not None:
        request["PhysicalResourceId"] = physical_id
    if old_properties is not None:
        request["OldResourceProperties"] = _stringified(old_properties)
    timeout = float(properties.get("ServiceTimeout", DEFAULT_TIMEOUT))
    if token.split(":")[2] == "sns":
        await ctx.call("sns", "Publish", {"TopicArn": token, "Message": json.dumps(request)})
    else:
        await ctx.call("lambda", "Invoke", {"FunctionName": token, "InvocationType": "Event",
                                            "Payload": json.dumps(request).encode()})
    try:
        answer = await _responses(ctx).wait(key, timeout)
    except ValueError:
        raise ResourceError(f"Invalid custom resource response (RequestId: {request_id})",
                            "InvalidRequest") from None
    if answer is None:
        raise ResourceError("CloudFormation did not receive a response from your Custom "
                            f"Resource. Please check your custom resource in region "
                            f"{ctx.region}. (RequestId: {request_id})", "NotStabilized")
    if answer.get("Status") != "SUCCESS":
        raise ResourceError(f"Received response status [{answer.get('Status')}] from custom "
                            f"resource. Message returned: {answer.get('Reason', '')} "
                            f"(RequestId: {request_id})", "GeneralServiceException")
    return answer


def _data(answer: dict[str, Any]) -> dict[str, Any]:
    data = answer.get("Data") or {}
    return {str(key): value for key, value in data.items()} if isinstance(data, dict) else {}


@register
class CustomResource(ResourceType):
    type_name = "AWS::CloudFormation::CustomResource"
    extra_replacing = ("ServiceToken",)

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        answer = await _ask(ctx, "Create", properties)
        physical_id = answer.get("PhysicalResourceId")
        if not physical_id:
            raise ResourceError("Invalid PhysicalResourceId", "InvalidRequest")
        return Created(str(physical_id), _data(answer))

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        answer = await _ask(ctx, "Update", properties, physical_id=physical_id,
                            old_properties=previous)
        out = _data(answer)
        new_id = str(answer.get("PhysicalResourceId") or physical_id)
        if new_id != physical_id:
            out[NEW_PHYSICAL_ID] = new_id
        return out

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await _ask(ctx, "Delete", properties, physical_id=physical_id)


@register
class Stack(ResourceType):
    type_name = "AWS::CloudFormation::Stack"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        stack_id, outputs = await _nested(ctx).create(ctx.stack_id, ctx.logical_id, properties,
                                                      ctx.tags)
        return Created(stack_id, {"Outputs." + key: value for key, value in outputs.items()})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        outputs = await _nested(ctx).update(physical_id, properties, ctx.tags)
        return {"Outputs." + key: value for key, value in outputs.items()}

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await _nested(ctx).delete(physical_id)


__all__ = ["CustomResource", "Stack"]
