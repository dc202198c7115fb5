"""Lambda: a function ARN as the resource, or ``arn:aws:states:::lambda:invoke``.

Functions run through the ``functions`` port. A function error fails the task with the
function's ``errorType`` (``Lambda.Unknown`` when it gives none); an Invoke API error with
``Lambda.<Code>`` and a cause in the SDK's words.
"""

from __future__ import annotations

import json
from typing import Any

from emulator.asl.errors import StatesError
from emulator.asl.integrations.base import Call, optimized_failure
from emulator.asl.paths import dumps
from emulator.ports import InvokeResult


def _function_error(text: str) -> StatesError:
    error_type = "Lambda.Unknown"
    try:
        parsed = json.loads(text)
        if isinstance(parsed, dict) and isinstance(parsed.get("errorType"), str):
            error_type = parsed["errorType"]
    except ValueError:
        pass
    return StatesError(error_type, text)


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
        return json.loads(text) if text.strip() else None
    except ValueError:
        return text


async def invoke_function(call: Call) -> Any:
    """The legacy form: the state's parameters are the event; the result is the payload."""
    reply = await _invoke(call, call.resource.arn, dumps(call.parameters).encode())
    text = reply.payload.decode("utf-8", errors="replace")
    if reply.function_error:
        raise _function_error(text)
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
        raise _function_error(text)
    request_id = reply.headers.get("x-amzn-RequestId", "")
    headers = dict(reply.headers)
    result: dict[str, Any] = {"ExecutedVersion": reply.executed_version}
    result["Payload"] = _decode(text) if reply.status_code == 200 else ""
    result.update({
        "SdkHttpMetadata": {
            "AllHttpHeaders": {k: [v] for k, v in headers.items()},
            "HttpHeaders": headers,
            "HttpStatusCode": reply.status_code,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": reply.status_code,
    })
    return result


__all__ = ["invoke", "invoke_function"]
