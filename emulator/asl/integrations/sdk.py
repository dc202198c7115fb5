"""AWS SDK integrations (``arn:aws:states:::aws-sdk:<service>:<action>``), and optimized
integrations that behave as their SDK call (DynamoDB's item actions).

The call goes to the SdkCaller the Step Functions provider hands the engine, which answers
through the same wire conventions as any client request. Errors are named
``<Service>.<Code>Exception`` (``Sqs.QueueDoesNotExistException``).
"""

from __future__ import annotations

import json
from typing import Any

from emulator.asl.errors import StatesError
from emulator.asl.integrations import catalog
from emulator.asl.integrations.base import Call, sdk_metadata, unsupported


async def _call(call: Call, service: str, operation: str, prefix: str,
                generic_error: str | None = None) -> Any:
    sdk = call.services.sdk
    if sdk is None:
        raise StatesError(catalog.exception_name(prefix, f"{prefix}Exception"),
                          "AWS SDK integrations are not available in this context.")
    return await sdk.call(service, operation, call.params(), account=call.account,
                          region=call.region, error_prefix=prefix, generic_error=generic_error)


async def call_sdk(call: Call) -> Any:
    resource = call.resource
    found = catalog.sdk_operation(resource.service, resource.action)
    if found is None:
        raise unsupported(resource)
    service, operation = found
    return await _call(call, service, operation, catalog.sdk_error_prefix(resource.service))


async def call_optimized(call: Call) -> Any:
    resource = call.resource
    found = catalog.optimized_operation(resource.service, resource.action)
    if found is None:
        raise unsupported(resource)
    prefix, generic = catalog.OPTIMIZED_ERRORS.get(resource.service,
                                                   (resource.service, "AmazonServiceException"))
    output = await _call(call, found[0], found[1], prefix, generic)
    # The SDK for Java 1.x's response metadata comes with the answer, as for SQS or SNS.
    body = json.dumps(output, separators=(",", ":")).encode()
    return {**output, **sdk_metadata(call, len(body), "application/x-amz-json-1.0")}


__all__ = ["call_optimized", "call_sdk"]
