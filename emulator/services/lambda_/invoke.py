"""Invoke: by name, ARN, version or alias; RequestResponse, Event and DryRun; and the same
call offered to other services as the ``functions`` port."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from emulator import ids, inbound
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import InvokeResult
from emulator.runtime import runtimes
from emulator.runtime.spec import (
    ASYNC_REQUEST_LIMIT,
    SYNC_REQUEST_LIMIT,
    InvocationRequest,
    ParsedPayload,
    Throttled,
)
from emulator.services.lambda_.common import LambdaBase
from emulator.services.lambda_.names import (
    Scope,
    function_arn,
    scope_of,
    split_function_name,
    user_error,
)
from emulator.services.lambda_.tracing import InvocationTrace
from emulator.streams import ByteStream, read_at_most

INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")


# The deprecated InvokeAsync keeps the old 256 KB asynchronous limit; Invoke allows 1 MB.
INVOKE_ASYNC_LIMIT = 256 * 1024


def _too_large(limit: int, operation: str = "InvokeFunction") -> ServiceError:
    return ServiceError(
        "RequestEntityTooLargeException",
        f"Request must be smaller than {limit} bytes for the {operation} operation",
        status=413,
        fields={"Type": "User"},
    )


def _client_context(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        text = base64.b64decode(raw, validate=True).decode("utf-8")
        if not isinstance(inbound.loads(text), dict):
            raise ValueError("not an object")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise user_error("InvalidRequestContentException",
                         "Client context must be a valid Base64-encoded JSON object.") from None
    return text


class InvokeApi(LambdaBase):
    async def invoke(self, ctx: RequestContext, *, function_name: str,
                     invocation_type: str | None = None, log_type: str | None = None,
                     client_context: str | None = None, payload: bytes | None = None,
                     qualifier: str | None = None, **_: Any) -> dict[str, Any]:
        result = await self.invoke_function(
            scope_of(ctx), function_name, payload or b"", qualifier=qualifier,
            invocation_type=invocation_type or "RequestResponse", client_context=client_context,
            trace_header=ctx.headers.get("x-amzn-trace-id"), tail=log_type == "Tail",
            request_id=ctx.request_id,
        )
        output: dict[str, Any] = {"StatusCode": result.status_code}
        if result.status_code == 200:
            output.update(Payload=result.payload, ExecutedVersion=result.executed_version)
            if result.function_error:
                output["FunctionError"] = result.function_error
            if result.log_result is not None:
                output["LogResult"] = result.log_result
        return output

    async def invoke_with_response_stream(
            self, ctx: RequestContext, *, function_name: str, invocation_type: str | None = None,
            log_type: str | None = None, client_context: str | None = None,
            payload: bytes | None = None, qualifier: str | None = None,
            **_: Any) -> dict[str, Any]:
        """The response as an event stream: what the function wrote (a streaming handler's
        bytes as written, prelude included, also when it failed afterwards; a buffered
        handler's whole answer) in a PayloadChunk, then InvokeComplete, with the function's
        error if it failed
        (https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStream.html)."""
        result = await self.invoke_function(
            scope_of(ctx), function_name, payload or b"", qualifier=qualifier,
            invocation_type=invocation_type or "RequestResponse", client_context=client_context,
            trace_header=ctx.headers.get("x-amzn-trace-id"), tail=log_type == "Tail",
            request_id=ctx.request_id, response_stream=True,
        )
        output: dict[str, Any] = {"StatusCode": result.status_code}
        if result.status_code != 200:
            return output
        complete: dict[str, Any] = {}
        events: list[dict[str, Any]] = []
        if result.partial_payload:
            events.append({"PayloadChunk": {"Payload": result.partial_payload}})
        if result.function_error:
            document = _error_document(result.payload)
            complete.update(ErrorCode=str(document.get("errorType") or "Unhandled"),
                            ErrorDetails=str(document.get("errorMessage") or ""))
        elif result.payload:
            events.append({"PayloadChunk": {"Payload": result.payload}})
        complete["LogResult"] = result.log_result or ""
        events.append({"InvokeComplete": complete})
        output.update(ExecutedVersion=result.executed_version, EventStream=events)
        return output

    async def invoke_function(
            self, scope: Scope, function: str, payload: bytes, *, qualifier: str | None = None,
            invocation_type: str = "RequestResponse", client_context: str | None = None,
            trace_header: str | None = None, tail: bool = False, request_id: str | None = None,
            traced: bool = True, response_stream: bool = False) -> InvokeResult:
        """One invocation, raising ServiceError as the Invoke API answers; ``traced`` False
        leaves X-Ray out of it, as for InvokeAsync; ``response_stream`` when the caller reads
        a streamed answer as a stream (its larger limit applies)."""
        if invocation_type not in INVOCATION_TYPES:
            raise user_error("InvalidParameterValueException",
                             f"Unsupported invocation type {invocation_type}")
        name, qualifier = split_function_name(function, qualifier)
        limit = ASYNC_REQUEST_LIMIT if invocation_type == "Event" else SYNC_REQUEST_LIMIT
        if len(payload) > limit:
            raise _too_large(limit)
        parsed = None
        if payload.strip():
            try:
                parsed = ParsedPayload(inbound.loads(payload))
            except (ValueError, UnicodeDecodeError) as error:
                raise user_error(
                    "InvalidRequestContentException",
                    f"Could not parse request body into json: Could not parse payload into "
                    f"json: {error}",
                ) from None
        context_text = _client_context(client_context)
        version = qualifier
        if qualifier and qualifier != "$LATEST" and not qualifier.isdigit():
            self.latest(scope, name)
            version = self.route_alias(scope, name, qualifier)
        record = self.version_record(scope, name, version)
        if invocation_type == "DryRun":
            return InvokeResult(status_code=204, payload=b"", executed_version=record.version)
        if runtimes.family(record.runtime) is None:
            raise ServiceError(
                "InvalidRuntimeException",
                f"The runtime parameter of {record.runtime} is not supported by this emulator, "
                "which runs Python, Node.js and custom (provided) runtimes.",
                fields={"Type": "User"},
            )
        spec = self.spec(scope, record)
        trace = InvocationTrace.begin(
            self.ports, self.clock, tracing_mode=record.tracing_mode, header=trace_header,
            account=scope.account, region=scope.region, function_name=name,
        ) if traced else None
        request = InvocationRequest(
            payload=payload,
            invoked_arn=function_arn(scope, name, qualifier),
            client_context=context_text,
            trace_header=trace.header if trace else trace_header,
            tail=tail,
            request_id=request_id,
            parsed=parsed,
            streamed=response_stream,
        )
        if invocation_type == "Event":
            event_id = request_id or ids.request_id()
            self.accept_event(scope, name, qualifier, payload, event_id, trace_header,
                              trace.event_header if trace else None)
            if trace is not None:
                trace.accepted(function_name=name, function_arn=request.invoked_arn,
                               account=scope.account, region=scope.region, request_id=event_id)
            return InvokeResult(status_code=202, payload=b"", executed_version=record.version,
                                headers={"x-amzn-RequestId": event_id})
        try:
            result = await self.runtime.invoke(spec, request)
        except Throttled as throttled:
            raise ServiceError(
                "TooManyRequestsException",
                "Rate Exceeded.",
                fields={"Type": "User", "Reason": throttled.reason},
            ) from None
        if trace is not None:
            trace.finish(result, function_name=name, function_arn=request.invoked_arn,
                         account=scope.account, region=scope.region)
        return InvokeResult(
            status_code=200,
            payload=result.payload,
            function_error=result.function_error,
            log_result=result.log_tail,
            executed_version=result.executed_version,
            headers=_reply_headers(result.request_id, request.trace_header),
            content_type=result.content_type,
            partial_payload=result.partial_payload,
        )


    async def invoke_async(
        self, ctx: RequestContext, *, function_name: str, invoke_args: ByteStream | bytes,
        **_: Any,
    ) -> dict[str, Any]:
        """The deprecated InvokeAsync: an Event invocation answered with Status 202 (its
        payload is a streaming member, read here up to the limit)."""
        payload = await read_at_most(invoke_args, INVOKE_ASYNC_LIMIT)
        if payload is None:
            raise _too_large(INVOKE_ASYNC_LIMIT, "InvokeAsync")
        # InvokeAsync does not support X-Ray: no trace reaches the function.
        await self.invoke_function(scope_of(ctx), function_name, payload,
                                   invocation_type="Event", request_id=ctx.request_id,
                                   traced=False)
        return {"Status": 202}


def _error_document(payload: bytes) -> dict[str, Any]:
    try:
        document = inbound.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return {}
    return document if isinstance(document, dict) else {}


def _reply_headers(request_id: str, trace_header: str | None) -> dict[str, str]:
    """The Invoke API's own headers that callers inside the emulator read (Step Functions
    reports them in SdkHttpMetadata)."""
    headers = {"x-amzn-RequestId": request_id}
    if trace_header:
        headers["X-Amzn-Trace-Id"] = trace_header
    return headers


class FunctionsPort:
    """The ``functions`` port: other services invoke functions through it."""

    def __init__(self, provider: InvokeApi) -> None:
        self._provider = provider

    async def invoke(self, function: str, payload: bytes, *, account: str, region: str,
                     qualifier: str | None = None, invocation_type: str = "RequestResponse",
                     client_context: str | None = None, trace_header: str | None = None
                     ) -> InvokeResult:
        return await self._provider.invoke_function(
            Scope(account, region), function, payload, qualifier=qualifier,
            invocation_type=invocation_type, client_context=client_context,
            trace_header=trace_header,
        )


__all__ = ["FunctionsPort", "InvokeApi"]
