"""TestState: run one state once, without retries or waits, and report each stage.

A ``mock`` answers for the state's integration (or, for Map and Parallel, for the whole
state); ``stateConfiguration.retrierRetryCount`` says which retry the test is; ``context``
fills in the context object.
"""

from __future__ import annotations

import json
from typing import Any

from emulator import ids, inbound
from emulator.asl.diagnostics import InvalidDefinition
from emulator.asl.errors import StatesError
from emulator.asl.history import History, Track
from emulator.asl.integrations.mocks import FixedMock, Mocked
from emulator.asl.interpreter import Execution, ExecutionInfo
from emulator.asl.loader import load_state
from emulator.asl.nodes import JSONATA, JSONPATH, Machine, State, TaskState
from emulator.asl.paths import dumps
from emulator.asl.processing import Frame, Retriable
from emulator.asl.resources import parse_resource
from emulator.asl.variables import Variables
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.stepfunctions.common import StepFunctionsBase
from emulator.services.stepfunctions.mock_validation import check_mock_result


def _state_definition(definition: str, state_name: str | None) -> tuple[str, str, str]:
    """(state definition, its name, the query language it inherits)."""
    try:
        data = inbound.loads(definition)
    except (ValueError, RecursionError) as error:
        raise ServiceError("InvalidDefinition",
                           f"Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: "
                           f"{error}'") from None
    if isinstance(data, dict) and "States" in data and "Type" not in data:
        language = data.get("QueryLanguage", JSONPATH)
        states = data.get("States") or {}
        name = state_name or data.get("StartAt")
        if not isinstance(states, dict) or name not in states:
            raise ServiceError("ValidationException",
                               f"State '{name}' was not found in the definition")
        return json.dumps(states[name]), str(name), language if language in (
            JSONPATH, JSONATA) else JSONPATH
    return definition, state_name or "TestState", JSONPATH


def _mock(mock: dict[str, Any] | None, state: State, reveal: bool | None) -> FixedMock | None:
    """TestState's ``mock`` as the answer for the state, checked as AWS checks it."""
    resource = parse_resource(state.resource) if isinstance(state, TaskState) else None
    if mock is None:
        if resource is not None and (resource.kind == "activity" or resource.job
                                     or resource.callback):
            raise ServiceError(
                "ValidationException",
                "TestState tests activities, .sync and .waitForTaskToken tasks only with a "
                "mock",
            )
        return None
    if reveal:
        raise ServiceError("ValidationException",
                           "revealSecrets cannot be used when a mock is specified")
    if ("result" in mock) == ("errorOutput" in mock):
        raise ServiceError("ValidationException",
                           "Specify exactly one of the mock's result and errorOutput")
    if "errorOutput" in mock:
        error = mock["errorOutput"] or {}
        return FixedMock(Mocked(error=str(error.get("error", "")), cause=error.get("cause")))
    try:
        result = inbound.loads(mock["result"])
    except (ValueError, RecursionError) as problem:
        raise ServiceError("ValidationException",
                           f"The mock result is not valid JSON: {problem}") from None
    if resource is not None:
        check_mock_result(resource, result, mock.get("fieldValidationMode") or "STRICT")
    return FixedMock(Mocked(result=result))


def _json_object(text: str | None, what: str) -> dict[str, Any]:
    try:
        value = inbound.loads(text) if text else {}
    except (ValueError, RecursionError) as error:
        raise ServiceError("InvalidExecutionInput",
                           f"Invalid State Machine Execution Input: '{error}'") from None
    if not isinstance(value, dict):
        raise ServiceError("InvalidExecutionInput", f"The {what} must be a JSON object")
    return value


class TestStateApi(StepFunctionsBase):
    """TestState: one state run alone, with its inspection data."""

    __test__ = False  # not a pytest test class

    async def test_state(
        self, ctx: RequestContext, *, definition: str, role_arn: str | None = None,
        input: str | None = None, inspection_level: str | None = None,
        reveal_secrets: bool | None = None, variables: str | None = None,
        state_name: str | None = None, mock: dict[str, Any] | None = None,
        context: str | None = None, state_configuration: dict[str, Any] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        text, name, language = _state_definition(definition, state_name)
        try:
            state = load_state(text, language)
        except InvalidDefinition as error:
            raise ServiceError("InvalidDefinition", str(error)) from None
        state.name = name
        try:
            data = inbound.loads(input if input is not None else "{}")
        except (ValueError, RecursionError) as error:
            raise ServiceError("InvalidExecutionInput",
                               f"Invalid State Machine Execution Input: '{error}'") from None
        values = _json_object(variables, "variables")
        overrides = _json_object(context, "context")
        mocked = _mock(mock, state, reveal_secrets)
        clock = self.clock
        machine = Machine(name, {name: state}, language)
        info = ExecutionInfo(
            f"arn:aws:states:{ctx.region}:{ctx.account_id}:execution:TestState:{ids.uuid4()}",
            "TestState", f"arn:aws:states:{ctx.region}:{ctx.account_id}:stateMachine:TestState",
            "TestState", role_arn or "", data, clock.now(), ctx.account_id, ctx.region,
        )
        execution = Execution(machine, info, clock, services=self._services(), mocks=mocked,
                              wait_scale=0, keep_history=False)
        execution.test_mode = True
        execution.context_override = overrides or None
        retries = (state_configuration or {}).get("retrierRetryCount")
        if isinstance(retries, int):
            execution.test_retry_count = retries
        level = inspection_level or "INFO"
        inspection: dict[str, Any] = {"input": dumps(data)}
        execution.inspection = inspection
        exchange: dict[str, Any] = {}
        execution.inspection_raw = exchange
        scope = Variables(values)
        frame = Frame(Track(), scope, History(clock.now, keep=False))
        reply: dict[str, Any] = {}
        details: dict[str, Any] = {}
        try:
            step = execution.enter(state, data, frame)
            try:
                output, following = await execution._handlers[state.type](step)
            except StatesError as failure:
                raise execution.prefix(failure, step) from None
        except Retriable as retry:
            reply.update(status="RETRIABLE", error=retry.failure.error)
            if retry.failure.cause is not None:
                reply["cause"] = retry.failure.cause
            details = {"retryBackoffIntervalSeconds": int(retry.delay),
                       "retryIndex": retry.index}
        except StatesError as failure:
            reply.update(status="FAILED", error=failure.error)
            if failure.cause is not None:
                reply["cause"] = failure.cause
        else:
            reply["output"] = dumps(output)
            if following is not None:
                reply["nextState"] = following
            caught = execution.caught_error
            if caught is not None:
                reply.update(status="CAUGHT_ERROR", error=caught.error)
                if caught.cause is not None:
                    reply["cause"] = caught.cause
                details = {"catchIndex": execution.caught_index or 0}
            else:
                reply["status"] = "SUCCEEDED"
        if level in ("DEBUG", "TRACE"):
            if scope.values:
                inspection["variables"] = dumps(scope.values)
            if details:
                inspection["errorDetails"] = details
            if level == "TRACE":
                inspection.update(exchange)
            reply["inspectionData"] = inspection
        return reply


__all__ = ["TestStateApi"]
