"""The Task state: Lambda functions, by ARN or through ``arn:aws:states:::lambda:invoke``.

The function is run through the ``FunctionInvoker`` port; timeouts race the invocation against
the clock.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from emulator import ids
from emulator.asl import errors
from emulator.asl.errors import StatesError
from emulator.asl.history import data_details
from emulator.asl.nodes import TaskState
from emulator.asl.paths import PathMissing, dumps
from emulator.asl.processing import Core, Step
from emulator.asl.resources import Resource, parse_resource
from emulator.ports import FunctionInvoker, InvokeResult

DEFAULT_TIMEOUT = 99999999


class TaskRunner(Core):
    invoker: Callable[[], FunctionInvoker | None]

    async def run_task(self, step: Step) -> tuple[Any, str | None]:
        state = step.state
        assert isinstance(state, TaskState)
        resource = parse_resource(state.resource)
        assert resource is not None  # the loader only accepts resources it can parse

        async def attempt() -> tuple[Any, str | None]:
            if state.jsonata:
                states = self.states_bindings(step)
                payload = (
                    state.arguments(states, step.env) if state.arguments else step.raw_input
                )
                timeout = self._seconds(state.timeout_expr, states, step, "TimeoutSeconds")
            else:
                effective = self.effective_input(step)
                payload = self.parameters(step, effective)
                timeout = self._path_seconds(state.timeout_seconds_path, effective,
                                             "TimeoutSecondsPath")
            if timeout is None:
                timeout = state.timeout_seconds
            result = await self._invoke(step, state, resource, payload, timeout)
            self.inspect("result", result)
            if state.jsonata:
                states = self.states_bindings(step, result=result)
                output = state.output(states, step.env) if state.output else result
                assigned = self.assign(state.assign, step, result, states)
            else:
                if state.result_selector is not None:
                    result = state.result_selector(result, step.env)
                    self.inspect("afterResultSelector", result)
                assigned = self.assign(state.assign, step, result)
                output = self.finish_jsonpath(step, result)
            return self.exit(step, output, assigned), state.next

        return await self.with_recovery(step, attempt)

    def _seconds(self, expr: Any, states: dict[str, Any], step: Step, name: str) -> int | None:
        if expr is None:
            return None
        value = expr(states, step.env)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise StatesError(errors.QUERY_EVALUATION_ERROR,
                              f"The value of the field '{name}' must be a positive integer")
        return value

    @staticmethod
    def _path_seconds(path: Any, effective: Any, name: str) -> int | None:
        if path is None:
            return None
        try:
            value = path.get(effective)
        except PathMissing:
            raise errors.runtime(
                f"Invalid path '{path.text}' : No results for path: {path.bracketed()}"
            ) from None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise errors.runtime(f"The value of the field '{name}' must be a positive integer, "
                                 f"got {dumps(value)}")
        return value

    async def _invoke(
        self, step: Step, state: TaskState, resource: Resource, payload: Any,
        timeout: int | None,
    ) -> Any:
        track = step.frame.track
        history = step.frame.history
        legacy = resource.kind == "function"
        if legacy:
            scheduled: dict[str, Any] = {
                "resource": resource.arn, **data_details("input", dumps(payload)),
            }
            if timeout is not None:
                scheduled["timeoutInSeconds"] = timeout
            history.add(track, "LambdaFunctionScheduled", scheduled)
            history.add(track, "LambdaFunctionStarted")
        else:
            names = {"resourceType": resource.resource_type, "resource": resource.resource_name}
            scheduled = {**names, "region": self.info.region, "parameters": dumps(payload)}
            if timeout is not None:
                scheduled["timeoutInSeconds"] = timeout
            if state.heartbeat_seconds is not None:
                scheduled["heartbeatInSeconds"] = state.heartbeat_seconds
            history.add(track, "TaskScheduled", scheduled)
            history.add(track, "TaskStarted", names)
        try:
            result = await self._with_timeout(
                self._call_lambda(resource, payload), timeout or DEFAULT_TIMEOUT
            )
        except StatesError as failure:
            kind = "TimedOut" if failure.error == errors.TIMEOUT else "Failed"
            details: dict[str, Any] = {"error": failure.error}
            if failure.cause is not None:
                details["cause"] = failure.cause
            if legacy:
                history.add(track, f"LambdaFunction{kind}", details)
            else:
                history.add(track, f"Task{kind}", {**names, **details})
            raise
        text = self.check_size(resource.arn, result)
        if legacy:
            history.add(track, "LambdaFunctionSucceeded", data_details("output", text))
        else:
            history.add(track, "TaskSucceeded", {**names, **data_details("output", text)})
        return result

    async def _with_timeout(self, work: Any, seconds: float) -> Any:
        job = asyncio.ensure_future(work)
        timer = asyncio.ensure_future(self.clock.sleep_until(self.clock.now() + seconds))
        try:
            done, _ = await asyncio.wait({job, timer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
        if job in done:
            return job.result()
        job.cancel()
        raise StatesError(errors.TIMEOUT, None)

    async def _call_lambda(self, resource: Resource, payload: Any) -> Any:
        if resource.kind == "function":
            function, body, qualifier = resource.arn, payload, None
            invocation_type, client_context = "RequestResponse", None
        else:
            if not isinstance(payload, dict) or "FunctionName" not in payload:
                raise StatesError(
                    "States.Runtime", "The field 'FunctionName' is required for lambda:invoke"
                )
            function = str(payload["FunctionName"])
            body = payload.get("Payload")
            qualifier = payload.get("Qualifier")
            invocation_type = payload.get("InvocationType", "RequestResponse")
            client_context = payload.get("ClientContext")
        invoker = self.invoker()
        if invoker is None:
            raise StatesError("Lambda.ServiceException", "The Lambda service is not available.")
        data = b"" if body is None and resource.kind != "function" else dumps(body).encode()
        try:
            reply: InvokeResult = await invoker.invoke(
                function, data, account=self.info.account, region=self.info.region,
                qualifier=qualifier, invocation_type=invocation_type,
                client_context=client_context,
            )
        except StatesError:
            raise
        except Exception as error:
            code = getattr(error, "code", type(error).__name__)
            message = getattr(error, "message", str(error))
            status = getattr(error, "status", None) or 400
            raise StatesError(
                f"Lambda.{code}",
                f"{message} (Service: AWSLambda; Status Code: {status}; Error Code: {code}; "
                f"Request ID: {ids.request_id()}; Proxy: null)",
            ) from None
        text = reply.payload.decode("utf-8", errors="replace")
        if reply.function_error:
            error_type = "Lambda.Unknown"
            try:
                parsed = json.loads(text)
                if isinstance(parsed, dict) and isinstance(parsed.get("errorType"), str):
                    error_type = parsed["errorType"]
            except ValueError:
                pass
            raise StatesError(error_type, text)
        try:
            value = json.loads(text) if text.strip() else None
        except ValueError:
            value = text
        if resource.kind == "function":
            return value
        return {
            "ExecutedVersion": reply.executed_version,
            "Payload": value,
            "SdkHttpMetadata": {
                "AllHttpHeaders": {k: [v] for k, v in reply.headers.items()},
                "HttpHeaders": dict(reply.headers),
                "HttpStatusCode": reply.status_code,
            },
            "SdkResponseMetadata": {"RequestId": reply.headers.get("x-amzn-RequestId", "")},
            "StatusCode": reply.status_code,
        }


__all__ = ["TaskRunner"]
