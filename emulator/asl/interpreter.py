"""Runs one execution of a state machine as an asyncio task.

Every wait (Wait states, retry back-off, timeouts) sleeps on the emulator clock, so tests move
time forward instead of sleeping, and a waiting execution costs one suspended coroutine.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.asl import errors
from emulator.asl.choice import parse_timestamp
from emulator.asl.errors import StatesError
from emulator.asl.history import History, Track, data_details
from emulator.asl.integrations.base import Services
from emulator.asl.integrations.callbacks import Callbacks
from emulator.asl.integrations.mocks import MockCase
from emulator.asl.map_runs import MapRunProgress
from emulator.asl.nodes import ChoiceState, FailState, Machine, PassState, WaitState
from emulator.asl.parallel_map import FlowRunner
from emulator.asl.paths import PathMissing, dumps, invalid_path
from emulator.asl.processing import ExecutionInfo, Frame, Step
from emulator.asl.task import TaskRunner
from emulator.asl.variables import Variables
from emulator.clock import Clock
from emulator.ports import FunctionInvoker


@dataclass
class Checkpoint:
    """Where a persisted execution resumes: the top-level state it last entered. States that
    finished before it are never run again; the state itself starts over (a Task that was in
    flight when the server died runs again, as a task whose worker was lost is retried)."""

    state: str
    input: Any
    event_count: int
    entered_id: int
    entered_time: float
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    status: str  # SUCCEEDED, FAILED, ABORTED or TIMED_OUT
    output: str | None = None
    error: str | None = None
    cause: str | None = None


def _no_invoker() -> FunctionInvoker | None:
    return None


class Execution(TaskRunner, FlowRunner):
    def __init__(
        self,
        machine: Machine,
        info: ExecutionInfo,
        clock: Clock,
        *,
        invoker: Callable[[], FunctionInvoker | None] = _no_invoker,
        services: Services | None = None,
        mocks: MockCase | None = None,
        wait_scale: float = 1.0,
        keep_history: bool = True,
        events: list[dict[str, Any]] | None = None,
        resume: Checkpoint | None = None,
        on_checkpoint: Callable[[Checkpoint], None] | None = None,
        on_map_run: Callable[[MapRunProgress], None] | None = None,
    ) -> None:
        self.machine = machine
        self.info = info
        self.clock = clock
        self.services = services or Services(functions=invoker, callbacks=Callbacks(clock))
        self.mocks = mocks
        self.wait_scale = wait_scale
        self.history = History(clock.now, events, keep=keep_history)
        self.resume = resume
        self.on_checkpoint = on_checkpoint
        self.on_map_run = on_map_run
        self.variables = Variables(resume.variables if resume else None)
        self.outcome: Outcome | None = None
        self._inner: asyncio.Future[Any] | None = None
        self._stop: tuple[str | None, str | None] | None = None
        self._current: Step | None = None
        self._redrive: tuple[str, Any] | None = None
        self._handlers: dict[str, Callable[[Step], Awaitable[tuple[Any, str | None]]]] = {
            "Pass": self.run_pass, "Task": self.run_task, "Choice": self.run_choice,
            "Wait": self.run_wait, "Succeed": self.run_succeed, "Fail": self.run_fail,
            "Parallel": self.run_parallel, "Map": self.run_map,
        }

    # ----- the execution --------------------------------------------------------------

    async def run(self) -> Outcome:
        """Run to the end; never raises for failures of the workflow itself."""
        self.threads += 1
        try:
            return await self._run()
        finally:
            self.threads -= 1

    async def _run(self) -> Outcome:
        track = Track()
        frame = Frame(track, self.variables, self.history, top=True)
        if self._redrive is not None:
            track.last = self.history.count
            self.history.add(track, "ExecutionRedriven",
                             {"redriveCount": self.info.redrive_count})
        elif self.resume is not None:
            self.history.truncate(self.resume.event_count)
            track.last = self.resume.entered_id
        elif self.history.count:
            self.history.truncate(1)  # restarted before any checkpoint: run again
            track.last = 1
        else:
            started: dict[str, Any] = {
                **data_details("input", self.info.input_text or dumps(self.info.input)),
                "roleArn": self.info.role_arn,
            }
            if self.info.alias_arn:
                started["stateMachineAliasArn"] = self.info.alias_arn
            if self.info.version_arn:
                started["stateMachineVersionArn"] = self.info.version_arn
            self.history.add(track, "ExecutionStarted", started)
        self._inner = asyncio.ensure_future(self._main(frame))
        timer: asyncio.Future[Any] | None = None
        if self.machine.timeout_seconds:
            deadline = self.info.start_time + self.machine.timeout_seconds
            timer = asyncio.ensure_future(self.clock.sleep_until(deadline))
        waiting = {self._inner} | ({timer} if timer else set())
        try:
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            self._inner.cancel()
            raise
        finally:
            if timer is not None:
                timer.cancel()
        if not self._inner.done():
            self._inner.cancel()
            await asyncio.wait({self._inner})
            self._aborted_state()
            self.history.add(track, "ExecutionTimedOut", {"error": errors.TIMEOUT,
                                                          "cause": "Execution timed out."})
            self.outcome = Outcome("TIMED_OUT", error=errors.TIMEOUT,
                                   cause="Execution timed out.")
            return self.outcome
        if self._inner.cancelled():
            error, cause = self._stop or (None, None)
            self._aborted_state()
            details = {k: v for k, v in (("error", error), ("cause", cause)) if v is not None}
            self.history.add(track, "ExecutionAborted", details)
            self.outcome = Outcome("ABORTED", error=error, cause=cause)
            return self.outcome
        failure = self._inner.exception()
        if isinstance(failure, StatesError):
            details = {"error": failure.error} if failure.error else {}
            if failure.cause is not None:
                details["cause"] = failure.cause
            self.history.add(track, "ExecutionFailed", details)
            self.outcome = Outcome("FAILED", error=failure.error or None, cause=failure.cause)
            return self.outcome
        if failure is not None:
            raise failure
        text = self._inner.result()
        self.history.add(track, "ExecutionSucceeded", data_details("output", text))
        self.outcome = Outcome("SUCCEEDED", output=text)
        return self.outcome

    def redrive(self, state: str, data: Any, variables: dict[str, Any]) -> None:
        """Run again from the top-level state that failed, with the input it had."""
        self._redrive = (state, data)
        self.variables.assign(variables)

    async def _main(self, frame: Frame) -> str:
        if self._redrive is not None:
            state, data = self._redrive
            output = await self.run_machine(self.machine, data, frame, start=state)
        elif self.resume is not None:
            output = await self.run_machine(self.machine, self.resume.input, frame, self.resume)
        else:
            output = await self.run_machine(self.machine, self.info.input, frame)
        return dumps(output)

    def stop(self, error: str | None = None, cause: str | None = None) -> None:
        """Abort the execution (StopExecution); ``run`` then returns ABORTED."""
        if self._inner is not None and not self._inner.done():
            self._stop = (error, cause)
            self._inner.cancel()

    def _aborted_state(self) -> None:
        step = self._current
        if step is not None and step.state.type in ("Task", "Wait", "Map", "Parallel"):
            self.history.add(step.frame.track, f"{step.state.type}StateAborted")

    # ----- states -----------------------------------------------------------------------

    async def run_machine(
        self, machine: Machine, data: Any, frame: Frame, resume: Any = None,
        start: str | None = None,
    ) -> Any:
        if frame.top:  # the execution itself counts from run()
            return await self._run_machine(machine, data, frame, resume, start)
        self.threads += 1
        try:
            return await self._run_machine(machine, data, frame, resume, start)
        finally:
            self.threads -= 1

    async def _run_machine(
        self, machine: Machine, data: Any, frame: Frame, resume: Any = None,
        start: str | None = None,
    ) -> Any:
        name = resume.state if resume is not None else (start or machine.start_at)
        while True:
            state = machine.states[name]
            if resume is not None:
                step = Step(state, data, frame, resume.entered_id, resume.entered_time)
                step.bind(self.context_object)
                resume = None
            else:
                step = self.enter(state, data, frame)
                if frame.top and self.on_checkpoint is not None:
                    self.on_checkpoint(Checkpoint(
                        state.name, data, self.history.count, step.entered_id,
                        step.entered_time, frame.variables.flat(),
                    ))
            if frame.top:
                self._current = step
            try:
                data, following = await self._handlers[state.type](step)
            except StatesError as failure:
                raise self.prefix(failure, step) from None
            if following is None:
                return data
            name = following

    def _simple_output(self, step: Step, effective: Any) -> tuple[Any, dict[str, Any]]:
        """Output and Assign for states without a result (Choice, Wait, Succeed)."""
        state = step.state
        if state.jsonata:
            states = self.states_bindings(step)
            assigned = self.assign(state.assign, step, step.raw_input, states)
            output = state.output(states, step.env) if state.output else step.raw_input
            return output, assigned
        assigned = self.assign(state.assign, step, effective)
        return self.output_path(step, effective), assigned

    async def run_pass(self, step: Step) -> tuple[Any, str | None]:
        state = step.state
        assert isinstance(state, PassState)
        if state.jsonata:
            states = self.states_bindings(step)
            output = state.output(states, step.env) if state.output else step.raw_input
            assigned = self.assign(state.assign, step, step.raw_input, states)
            return self.exit(step, output, assigned), state.next
        effective = self.effective_input(step)
        if state.parameters is not None:
            result = self.parameters(step, effective)
        elif state.has_result:
            result = state.result
        else:
            result = effective
        self.inspect("result", result)
        assigned = self.assign(state.assign, step, result)
        return self.exit(step, self.finish_jsonpath(step, result), assigned), state.next

    async def run_choice(self, step: Step) -> tuple[Any, str | None]:
        state = step.state
        assert isinstance(state, ChoiceState)
        effective = step.raw_input if state.jsonata else self.effective_input(step)
        states = self.states_bindings(step) if state.jsonata else {}
        for rule in state.choices:
            if rule.condition is not None:
                verdict = rule.condition(states, step.env)
                if not isinstance(verdict, bool):
                    raise StatesError(
                        errors.QUERY_EVALUATION_ERROR,
                        "The Condition field's value must evaluate to a boolean, got "
                        f"{dumps(verdict)}",
                    )
            else:
                assert rule.predicate is not None
                verdict = rule.predicate(effective, step.env)
            if verdict:
                if rule.assign is not None or rule.output is not None:
                    assigned = self.assign(rule.assign, step, effective, states)
                    if state.jsonata:
                        output = rule.output(states, step.env) if rule.output else step.raw_input
                    else:
                        output = self.output_path(step, effective)
                else:
                    output, assigned = self._simple_output(step, effective)
                return self.exit(step, output, assigned), rule.next
        if state.default is None:
            raise StatesError(errors.NO_CHOICE_MATCHED, "No Matches!")
        output, assigned = self._simple_output(step, effective)
        return self.exit(step, output, assigned), state.default

    async def run_wait(self, step: Step) -> tuple[Any, str | None]:
        state = step.state
        assert isinstance(state, WaitState)
        effective = step.raw_input if state.jsonata else self.effective_input(step)
        deadline = self._deadline(step, state, effective)
        with self.parking():
            await self.clock.sleep_until(deadline)
        output, assigned = self._simple_output(step, effective)
        return self.exit(step, output, assigned), state.next

    def _deadline(self, step: Step, state: WaitState, effective: Any) -> float:
        seconds: Any = state.seconds
        stamp: Any = state.timestamp
        if state.seconds_expr is not None or state.timestamp_expr is not None:
            states = self.states_bindings(step)
            if state.seconds_expr is not None:
                seconds = state.seconds_expr(states, step.env)
                if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
                    raise StatesError(errors.QUERY_EVALUATION_ERROR,
                                      "The Seconds field must evaluate to a non-negative "
                                      f"integer, got {dumps(seconds)}")
            else:
                stamp = state.timestamp_expr(states, step.env)  # type: ignore[misc]
                if parse_timestamp(stamp) is None:
                    raise StatesError(errors.QUERY_EVALUATION_ERROR,
                                      "The Timestamp field must evaluate to an ISO-8601 "
                                      f"timestamp, got {dumps(stamp)}")
        for path, kind in ((state.seconds_path, "seconds"), (state.timestamp_path, "stamp")):
            if path is None:
                continue
            try:
                value = path.get(effective, step.env)
            except PathMissing:
                raise invalid_path(path) from None
            if kind == "seconds":
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise errors.runtime(
                        f"The SecondsPath parameter does not reference a valid non-negative "
                        f"integer: {dumps(value)}"
                    )
                seconds = value
            else:
                if parse_timestamp(value) is None:
                    raise errors.runtime(
                        f"The TimestampPath parameter does not reference a valid ISO-8601 "
                        f"extended offset date-time format string: {dumps(value)}"
                    )
                stamp = value
        if seconds is not None:
            return step.entered_time + float(seconds) * self.wait_scale
        moment = parse_timestamp(stamp)
        assert moment is not None
        # AWS counts a timestamp's whole seconds and truncates its milliseconds.
        until = float(math.floor(moment.timestamp()))
        return step.entered_time + max(0.0, until - step.entered_time) * self.wait_scale

    async def run_succeed(self, step: Step) -> tuple[Any, str | None]:
        effective = step.raw_input if step.state.jsonata else self.effective_input(step)
        output, _ = self._simple_output(step, effective)
        return self.exit(step, output), None

    async def run_fail(self, step: Step) -> tuple[Any, str | None]:
        state = step.state
        assert isinstance(state, FailState)
        error, cause = state.error, state.cause
        if state.jsonata:
            states = self.states_bindings(step)
            if state.error_expr is not None:
                error = self._text(state.error_expr(states, step.env), "Error")
            if state.cause_expr is not None:
                cause = self._text(state.cause_expr(states, step.env), "Cause")
        else:
            if state.error_path is not None:
                error = self._text(state.error_path(step.raw_input, step.env), "ErrorPath")
            if state.cause_path is not None:
                cause = self._text(state.cause_path(step.raw_input, step.env), "CausePath")
        raise StatesError(error or "", cause)

    @staticmethod
    def _text(value: Any, field_name: str) -> str:
        if not isinstance(value, str):
            raise errors.runtime(
                f"The value of the field '{field_name}' must be a string, got {dumps(value)}"
            )
        return value


__all__ = ["Checkpoint", "Execution", "ExecutionInfo", "Outcome", "PathMissing"]
