"""Lambda: a function ARN as the resource, or ``arn:aws:states:::lambda:invoke``.

Functions run through the ``functions`` port. A function error fails the task with the
function's ``errorType`` (``Lambda.Unknown`` when it gives none); an Invoke API error with
``Lambda.<Code>`` and a cause in the SDK's words. The two forms word a function error's cause
differently: the legacy function-ARN task passes the function's error payload on as Lambda
returned it, while ``lambda:invoke`` parses the payload ("The Payload field of the response is
parsed from escaped Json to Json") and writes it back compactly, as it writes every JSON value.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from emulator import inbound
from emulator.asl.errors import StatesError
from emulator.asl.integrations.base import Call, optimized_failure
from emulator.asl.paths import dumps
from emulator.ports import InvokeResult


def _function_error(text: str, *, reserialise: bool) -> StatesError:
    error_type = "Lambda.Unknown"
    cause = text
    try:
        parsed = inbound.loads(text)
    except ValueError:
        return StatesError(error_type, cause)
    if isinstance(parsed, dict) and isinstance(parsed.get("errorType"), str):
        error_type = parsed["errorType"]
    if reserialise:
        cause = dumps(parsed)
    return StatesError(error_type, cause)


async def _invoke(call: Call, function: str, body: bytes, **options: Any) -> InvokeResult:
    invoker = call.services.functions()
    if invoker is None:
        raise StatesError("Lambda.ServiceException", "The Lambda service is not available.")
    try:
        return await invoker.invoke(function, body, account=call.account, region=call.region,
                                    trace_header=call.trace_header, **options)
    except StatesError:
        raise
    except Exception as error:
        raise optimized_failure("lambda", error) from None


def _decode(text: str) -> Any:
    try:
        return inbound.loads(text) if text.strip() else None
    except ValueError:
        return text


async def invoke_function(call: Call) -> Any:
    """The legacy form: the state's parameters are the event; the result is the payload."""
    reply = await _invoke(call, call.resource.arn, dumps(call.parameters).encode())
    text = reply.payload.decode("utf-8", errors="replace")
    if reply.function_error:
        raise _function_error(text, reserialise=False)
    return _decode(text)


async def invoke(call: Call) -> Any:
    """``lambda:invoke``: the Invoke API's answer, with the payload as JSON."""
    function = str(call.required("FunctionName"))
    params = call.params()
    body = params.get("Payload")
    data = b"" if body is None else dumps(body).encode()
    reply = await _invoke(
        call, function, data, qualifier=params.get("Qualifier"),
        invocation_type=params.get("InvocationType", "RequestResponse"),
        client_context=params.get("ClientContext"),
    )
    text = reply.payload.decode("utf-8", errors="replace")
    if reply.function_error:
        raise _function_error(text, reserialise=True)
    request_id = reply.headers.get("x-amzn-RequestId", "")
    received = _invoke_headers(call, reply, request_id)
    result: dict[str, Any] = {"ExecutedVersion": reply.executed_version}
    result["Payload"] = _decode(text) if reply.status_code == 200 else ""
    result.update({
        "SdkHttpMetadata": {
            "AllHttpHeaders": {name: [value] for name, value in received.items()},
            # The SDK keeps these in a map ordered by name, whatever the case.
            "HttpHeaders": dict(sorted(received.items(), key=lambda item: item[0].lower())),
            "HttpStatusCode": reply.status_code,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": reply.status_code,
    })
    return result


def _invoke_headers(call: Call, reply: InvokeResult, request_id: str) -> dict[str, str]:
    """The Invoke API's response headers, named and ordered as Step Functions reports them
    (a recorded ``lambda:invoke`` result lists exactly these)."""
    received = {"X-Amz-Executed-Version": reply.executed_version}
    if reply.status_code == 200:
        received["x-amzn-Remapped-Content-Length"] = "0"
    received["Connection"] = "keep-alive"
    received["x-amzn-RequestId"] = request_id
    received["Content-Length"] = str(len(reply.payload))
    moment = datetime.fromtimestamp(call.clock.now(), tz=UTC)
    received["Date"] = format_datetime(moment, usegmt=True)
    trace = reply.headers.get("X-Amzn-Trace-Id")
    if trace:
        received["X-Amzn-Trace-Id"] = trace
    if reply.status_code == 200:
        received["Content-Type"] = "application/json"
    return received


__all__ = ["invoke", "invoke_function"]
