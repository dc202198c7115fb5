"""Which code runs a resource: one function per optimized integration, the AWS SDK path, and
``.sync`` waits. Resources AWS offers but this emulator cannot run fail when called (a mock
configuration can still answer for them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from emulator.asl.integrations import apigateway, catalog, events, http, lambda_, sns, sqs, states
from emulator.asl.integrations.base import Call, unsupported
from emulator.asl.integrations.sdk import call_optimized, call_sdk

Handler = Callable[[Call], Awaitable[Any]]

REQUEST: dict[tuple[str, str], Handler] = {
    ("lambda", "invoke"): lambda_.invoke,
    ("sqs", "sendMessage"): sqs.send_message,
    ("sns", "publish"): sns.publish,
    ("events", "putEvents"): events.put_events,
    ("states", "startExecution"): states.start_execution,
    ("http", "invoke"): http.invoke,
    ("apigateway", "invoke"): apigateway.invoke,
}

JOBS: dict[tuple[str, str], Handler] = {
    ("states", "startExecution"): states.wait_execution,
}


async def request(call: Call) -> Any:
    """Call the resource; for ``.sync`` and ``.waitForTaskToken`` this is the submission."""
    resource = call.resource
    if resource.kind == "function":
        return await lambda_.invoke_function(call)
    if resource.kind == "sdk":
        return await call_sdk(call)
    handler = REQUEST.get((resource.service, resource.action))
    if handler is not None:
        return await handler(call)
    if resource.service in catalog.OPTIMIZED_AS_SDK:
        return await call_optimized(call)
    raise unsupported(resource)


async def wait_job(call: Call) -> Any:
    """``.sync``: wait for the job ``request`` started and return its outcome."""
    handler = JOBS.get((call.resource.service, call.resource.action))
    if handler is None:
        raise unsupported(call.resource)
    return await handler(call)


__all__ = ["JOBS", "REQUEST", "request", "wait_job"]
