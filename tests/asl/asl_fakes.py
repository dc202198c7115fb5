"""A fake FunctionInvoker: functions described as data in the test cases."""

from __future__ import annotations

import json
from typing import Any

from emulator.clock import Clock
from emulator.errors import ServiceError
from emulator.ports import InvokeResult


def InvokeError(code: str, message: str, status: int) -> ServiceError:
    """What the Lambda Invoke API raises."""
    return ServiceError(code, message, status=status)


class FakeFunctions:
    """``functions`` maps a function name to what it does:

    ``result`` (the payload it returns), ``echo`` (returns its event), ``error``
    (``{"errorType", "errorMessage"}``: a function error), ``invokeError``
    (``{"code", "message", "status"}``: the Invoke API fails), ``sleep`` (seconds on the
    clock before answering) and ``failures`` (fail this many calls, then succeed).
    """

    def __init__(self, functions: dict[str, dict[str, Any]], clock: Clock) -> None:
        self.functions = functions
        self.clock = clock
        self.calls: dict[str, list[Any]] = {name: [] for name in functions}

    async def invoke(self, function: str, payload: bytes, *, account: str, region: str,
                     qualifier: str | None = None, invocation_type: str = "RequestResponse",
                     client_context: str | None = None,
                     trace_header: str | None = None) -> InvokeResult:
        name = function.split(":function:")[-1].split(":")[0]
        spec = self.functions.get(name)
        if spec is None:
            raise InvokeError(
                "ResourceNotFoundException",
                f"Function not found: arn:aws:lambda:{region}:{account}:function:{name}", 404,
            )
        event = json.loads(payload) if payload else None
        self.calls[name].append(event)
        if spec.get("sleep"):
            await self.clock.sleep(float(spec["sleep"]))
        failing = len(self.calls[name]) <= int(spec.get("failures", 0 if "error" not in spec
                                                                 else 10**9))
        if "invokeError" in spec and failing:
            error = spec["invokeError"]
            raise InvokeError(error["code"], error["message"], int(error.get("status", 400)))
        if "error" in spec and failing:
            return InvokeResult(200, json.dumps(spec["error"]).encode(), "Unhandled")
        result = event if spec.get("echo") else spec.get("result")
        return InvokeResult(200, json.dumps(result).encode(),
                            headers={"x-amzn-RequestId": "00000000-0000-0000-0000-000000000000"})


__all__ = ["FakeFunctions", "InvokeError"]
