"""What every state shares while it runs: input and output processing in both query
languages, Assign, the context object, events, and Retry / Catch.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from emulator.asl import errors
from emulator.asl.errors import StatesError
from emulator.asl.history import History, Track, data_details
from emulator.asl.map_runs import MapRunProgress
from emulator.asl.nodes import Assign, Catcher, Machine, State
from emulator.asl.paths import apply_result_path, dumps, select
from emulator.asl.tracing import ExecutionTrace
from emulator.asl.variables import StateEnv, Variables
from emulator.clock import Clock

MAX_PAYLOAD = 256 * 1024

# Errors the interpreter raises itself; their cause names the state and its entered event.
_PREFIXED = frozenset({
    errors.RUNTIME, errors.INTRINSIC_FAILURE, errors.QUERY_EVALUATION_ERROR,
    errors.RESULT_PATH_MATCH_FAILURE, errors.PARAMETER_PATH_FAILURE,
})


def iso(epoch: float) -> str:
    """A timestamp as the context object writes it: ``2024-01-01T00:00:00.000Z``."""
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Frame:
    """A thread of states: the top level, a Parallel branch or a Map iteration."""

    track: Track
    variables: Variables
    history: History
    map_item: dict[str, Any] | None = None
    top: bool = False

    def branch(self, start: int, variables: Variables | None = None,
               map_item: dict[str, Any] | None = None) -> Frame:
        """A child thread (Parallel branch, Map iteration) starting after event ``start``."""
        return Frame(Track(start), variables or self.variables.child(), self.history, map_item)


@dataclass
class Step:
    """One state being run: what its fields evaluate against."""

    state: State
    raw_input: Any
    frame: Frame
    entered_id: int
    entered_time: float
    retry_count: int = 0
    task_token: str | None = None  # $$.Task.Token while a .waitForTaskToken task runs
    env: StateEnv = field(init=False)

    def bind(self, context: Callable[[Step], dict[str, Any]]) -> None:
        self.env = StateEnv(lambda: context(self), self.frame.variables)


@dataclass
class ExecutionInfo:
    arn: str
    name: str
    state_machine_arn: str
    state_machine_name: str
    role_arn: str
    input: Any
    start_time: float
    account: str
    region: str
    redrive_count: int = 0
    redrive_time: float | None = None
    alias_arn: str | None = None
    version_arn: str | None = None
    input_text: str | None = None  # the input as the caller sent it


class Retriable(Exception):
    """TestState only: the error matched a retrier that has attempts left."""

    def __init__(self, failure: StatesError, index: int = 0, delay: float = 0.0) -> None:
        super().__init__(failure.error)
        self.failure = failure
        self.index = index
        self.delay = delay


class Core:
    """State-independent parts of running an execution."""

    info: ExecutionInfo
    clock: Clock
    wait_scale: float
    machine: Machine
    # TestState: stop at the first retry and record each stage of data processing.
    test_mode = False
    test_retry_count: int | None = None  # TestState's stateConfiguration.retrierRetryCount
    inspection: dict[str, Any] | None = None
    inspection_raw: dict[str, Any] | None = None  # TestState TRACE: the HTTP exchange
    caught_error: StatesError | None = None
    caught_index: int | None = None
    context_override: dict[str, Any] | None = None  # TestState's context
    trace: ExecutionTrace | None = None  # X-Ray, when the execution is traced
    # Told of each Distributed Map run as it starts (it then updates the progress it was given).
    on_map_run: Callable[[MapRunProgress], None] | None = None
    # Threads of states running (the execution, branches, iterations) and how many of them
    # wait on the clock or an answer from outside: when equal, only time or a caller moves it.
    threads = 0
    parked = 0

    @contextmanager
    def parking(self) -> Iterator[None]:
        self.parked += 1
        try:
            yield
        finally:
            self.parked -= 1

    @property
    def busy(self) -> bool:
        return self.threads > self.parked

    def inspect(self, key: str, value: Any) -> None:
        if self.inspection is not None:
            self.inspection[key] = dumps(value)

    async def run_machine(
        self, machine: Machine, data: Any, frame: Frame, resume: Any = None,
        start: str | None = None,
    ) -> Any:
        raise NotImplementedError

    # ----- context object and environment ------------------------------------------------

    def context_object(self, step: Step) -> dict[str, Any]:
        info = self.info
        execution: dict[str, Any] = {
            "Id": info.arn,
            "Input": info.input,
            "Name": info.name,
            "RoleArn": info.role_arn,
            "StartTime": iso(info.start_time),
            "RedriveCount": info.redrive_count,
        }
        if info.redrive_time is not None:
            execution["RedriveTime"] = iso(info.redrive_time)
        context: dict[str, Any] = {
            "Execution": execution,
            "State": {
                "EnteredTime": iso(step.entered_time),
                "Name": step.state.name,
                "RetryCount": step.retry_count,
            },
            "StateMachine": {"Id": info.state_machine_arn, "Name": info.state_machine_name},
        }
        if step.task_token:  # only a task waiting for a callback has one
            context["Task"] = {"Token": step.task_token}
        if step.frame.map_item is not None:
            context["Map"] = {"Item": step.frame.map_item}
        if self.context_override:
            _merge(context, self.context_override)
        return context

    def states_bindings(self, step: Step, **extra: Any) -> dict[str, Any]:
        bindings: dict[str, Any] = {"input": step.raw_input, "context": step.env.context}
        bindings.update(extra)
        return bindings

    # ----- events -----------------------------------------------------------------------

    def enter(self, state: State, raw_input: Any, frame: Frame) -> Step:
        entered_id = frame.history.add(
            frame.track, f"{state.type}StateEntered",
            {"name": state.name, **data_details("input", dumps(raw_input))},
        )
        step = Step(state, raw_input, frame, entered_id, self.clock.now())
        step.bind(self.context_object)
        return step

    def exit(self, step: Step, output: Any, assigned: dict[str, Any] | None = None) -> Any:
        text = self.check_size(step.state.name, output)
        details: dict[str, Any] = {"name": step.state.name, **data_details("output", text)}
        if assigned:
            details["assignedVariables"] = {k: dumps(v) for k, v in assigned.items()}
            details["assignedVariablesDetails"] = {"truncated": False}
        step.frame.history.add(step.frame.track, f"{step.state.type}StateExited", details)
        return output

    def check_size(self, name: str, value: Any) -> str:
        text = dumps(value)
        if len(text) > MAX_PAYLOAD // 4 and len(text.encode()) > MAX_PAYLOAD:
            raise StatesError(
                errors.DATA_LIMIT_EXCEEDED,
                f"The state/task '{name}' returned a result with a size exceeding the maximum "
                "number of bytes service limit.",
            )
        return text

    def prefix(self, error: StatesError, step: Step) -> StatesError:
        if error.error in _PREFIXED and not getattr(error, "prefixed", False):
            error.cause = (
                f"An error occurred while executing the state '{step.state.name}' "
                f"(entered at the event id #{step.entered_id}). {error.cause}"
            )
            error.prefixed = True  # type: ignore[attr-defined]
        return error

    # ----- JSONPath input and output ---------------------------------------------------

    def effective_input(self, step: Step) -> Any:
        value = step.raw_input
        if step.state.input_path_set:
            value = select(step.state.input_path, step.raw_input, step.env)
        self.inspect("afterInputPath", value)
        return value

    def parameters(self, step: Step, effective: Any) -> Any:
        value = effective
        if step.state.parameters is not None:
            value = step.state.parameters(effective, step.env)
        self.inspect("afterParameters", value)
        return value

    def finish_result(self, step: Step, result: Any) -> Any:
        """The state's output from the result it produced (a task's answer, a map's or
        parallel's list): Output and Assign under JSONata; ResultSelector, Assign,
        ResultPath and OutputPath under JSONPath."""
        state = step.state
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
        return self.exit(step, output, assigned)

    def finish_jsonpath(self, step: Step, result: Any) -> Any:
        """ResultPath then OutputPath, for states that produce a result."""
        state = step.state
        output = result
        if state.result_path_set:
            output = apply_result_path(state.result_path, step.raw_input, result)
        self.inspect("afterResultPath", output)
        if state.output_path_set:
            output = select(state.output_path, output, step.env)
        return output

    @staticmethod
    def output_path(step: Step, value: Any) -> Any:
        if not step.state.output_path_set:
            return value
        return select(step.state.output_path, value, step.env)

    # ----- Assign -------------------------------------------------------------------------

    def assign(
        self, assign: Assign | None, step: Step, value: Any, states: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Evaluate every Assign value against the variables as they were, then assign."""
        if assign is None:
            return {}
        if assign.jsonata is not None:
            values = assign.jsonata(states or self.states_bindings(step), step.env)
        else:
            assert assign.jsonpath is not None
            values = assign.jsonpath(value, step.env)
        if not isinstance(values, dict):
            raise errors.StatesError(errors.QUERY_EVALUATION_ERROR,
                                     "The field 'Assign' must evaluate to a JSON object")
        step.frame.variables.assign(values)
        return dict(values)

    # ----- Retry and Catch ----------------------------------------------------------------

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            with self.parking():
                await self.clock.sleep_until(self.clock.now() + seconds * self.wait_scale)

    async def with_recovery(
        self, step: Step, attempt: Callable[[], Awaitable[tuple[Any, str | None]]]
    ) -> tuple[Any, str | None]:
        state = step.state
        attempts = [0] * len(state.retry)
        while True:
            try:
                return await attempt()
            except StatesError as failure:
                self.prefix(failure, step)
                if failure.error in errors.TERMINAL:
                    raise
                index = next(
                    (i for i, r in enumerate(state.retry)
                     if errors.matches(r.error_equals, failure.error)),
                    None,
                )
                count = 0 if index is None else attempts[index]
                if self.test_mode and self.test_retry_count is not None:
                    count = self.test_retry_count
                if index is not None and count < state.retry[index].max_attempts:
                    retrier = state.retry[index]
                    delay = retrier.interval_seconds * retrier.backoff_rate ** count
                    if retrier.max_delay_seconds is not None:
                        delay = min(delay, retrier.max_delay_seconds)
                    if self.test_mode:
                        raise Retriable(failure, index, delay) from None
                    if retrier.jitter_strategy == "FULL":
                        delay = random.uniform(0, delay)
                    attempts[index] += 1
                    step.retry_count += 1
                    step.bind(self.context_object)
                    await self.sleep(delay)
                    continue
                for position, catcher in enumerate(state.catch):
                    if errors.matches(catcher.error_equals, failure.error):
                        self.caught_index = position
                        return self.caught(step, catcher, failure), catcher.next
                raise

    def caught(self, step: Step, catcher: Catcher, failure: StatesError) -> Any:
        self.caught_error = failure
        error_output: dict[str, Any] = {"Error": failure.error}
        if failure.cause is not None:
            error_output["Cause"] = failure.cause
        if step.state.jsonata:
            states = self.states_bindings(step, errorOutput=error_output)
            output = catcher.output(states, step.env) if catcher.output else error_output
            assigned = self.assign(catcher.assign, step, error_output, states)
        else:
            assigned = self.assign(catcher.assign, step, error_output)
            output = error_output
            if catcher.result_path_set:
                output = apply_result_path(catcher.result_path, step.raw_input, error_output)
        return self.exit(step, output, assigned)


def _merge(target: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


__all__ = ["MAX_PAYLOAD", "Core", "ExecutionInfo", "Frame", "Step", "iso"]
