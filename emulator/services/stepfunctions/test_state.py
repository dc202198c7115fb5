"""TestState: run one state once, without retries or waits, and report each stage."""

from __future__ import annotations

import json
from typing import Any

from emulator import ids
from emulator.asl.diagnostics import InvalidDefinition
from emulator.asl.errors import StatesError
from emulator.asl.history import History, Track
from emulator.asl.interpreter import Execution, ExecutionInfo
from emulator.asl.loader import load_state
from emulator.asl.nodes import JSONATA, JSONPATH, Machine
from emulator.asl.paths import dumps
from emulator.asl.processing import Frame, Retriable
from emulator.asl.variables import Variables
from emulator.context import RequestContext
from emulator.ports import FunctionInvoker
from emulator.wire.errors import ServiceError


def _state_definition(definition: str, state_name: str | None) -> tuple[str, str, str]:
    """(state definition, its name, the query language it inherits)."""
    try:
        data = json.loads(definition)
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


class TestStateOperation:
    __test__ = False  # not a pytest test class

    def _invoker(self) -> FunctionInvoker | None: ...

    async def test_state(
        self, ctx: RequestContext, *, definition: str, role_arn: str | None = None,
        input: str | None = None, inspection_level: str | None = None,
        reveal_secrets: bool | None = None, variables: str | None = None,
        state_name: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        text, name, language = _state_definition(definition, state_name)
        try:
            state = load_state(text, language)
        except InvalidDefinition as error:
            raise ServiceError("InvalidDefinition", str(error)) from None
        state.name = name
        try:
            data = json.loads(input if input is not None else "{}")
            values = json.loads(variables) if variables else {}
        except (ValueError, RecursionError) as error:
            raise ServiceError("InvalidExecutionInput",
                               f"Invalid State Machine Execution Input: '{error}'") from None
        if not isinstance(values, dict):
            raise ServiceError("InvalidExecutionInput", "The variables must be a JSON object")
        clock = self.clock  # type: ignore[attr-defined]
        machine = Machine(name, {name: state}, language)
        info = ExecutionInfo(
            f"arn:aws:states:{ctx.region}:{ctx.account_id}:execution:TestState:{ids.uuid4()}",
            "TestState", f"arn:aws:states:{ctx.region}:{ctx.account_id}:stateMachine:TestState",
            "TestState", role_arn or "", data, clock.now(), ctx.account_id, ctx.region,
        )
        execution = Execution(machine, info, clock, invoker=self._invoker, wait_scale=0,
                              keep_history=False)
        execution.test_mode = True
        level = inspection_level or "INFO"
        inspection: dict[str, Any] = {"input": dumps(data)}
        execution.inspection = inspection
        scope = Variables(values)
        frame = Frame(Track(), scope, History(clock.now, keep=False))
        reply: dict[str, Any] = {}
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
            else:
                reply["status"] = "SUCCEEDED"
        if level in ("DEBUG", "TRACE"):
            if scope.values:
                inspection["variables"] = dumps(scope.values)
            reply["inspectionData"] = inspection
        return reply


__all__ = ["TestStateOperation"]
