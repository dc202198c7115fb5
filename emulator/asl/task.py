"""The Task state: Lambda functions, activities and service integrations, in AWS's three
patterns (request-response, ``.sync`` and ``.waitForTaskToken``), with mocked answers from a
mock configuration when the execution runs a test case.

Each attempt writes the history events AWS writes for its kind of resource; timeouts and
heartbeats race the work against the clock. What each resource does lives in
emulator.asl.integrations.
"""

from __future__ import annotations

import asyncio
from typing import Any

from emulator.asl import errors
from emulator.asl.errors import StatesError
from emulator.asl.history import data_details
from emulator.asl.integrations import dispatch
from emulator.asl.integrations.base import Call, Services
from emulator.asl.integrations.callbacks import Callbacks, new_token
from emulator.asl.integrations.mocks import MockCase, Mocked
from emulator.asl.nodes import TaskState
from emulator.asl.paths import dumps, select
from emulator.asl.processing import Core, Step
from emulator.asl.resources import Resource, parse_resource

DEFAULT_TIMEOUT = 99999999
_TIMED_OUT = frozenset({errors.TIMEOUT, errors.HEARTBEAT_TIMEOUT})


class TaskEvents:
    """The history events of one Task attempt, named for its kind of resource."""

    def __init__(self, step: Step, resource: Resource, region: str) -> None:
        self.history = step.frame.history
        self.track = step.frame.track
        self.keep = self.history.keep  # EXPRESS: events are numbered, not written
        self.resource = resource
        self.region = region
        self.kind = {"function": "LambdaFunction", "activity": "Activity"}.get(resource.kind,
                                                                               "Task")
        self.names = {"resourceType": resource.resource_type,
                      "resource": resource.resource_name}

    def _add(self, suffix: str, details: dict[str, Any] | None = None) -> None:
        if not self.keep:
            self.history.add(self.track, f"{self.kind}{suffix}")
            return
        if self.kind == "Task" and details is not None:
            details = {**self.names, **details}
        elif self.kind == "Task":
            details = dict(self.names)
        self.history.add(self.track, f"{self.kind}{suffix}", details)

    def scheduled(self, payload: Any, timeout: int | None, heartbeat: int | None) -> None:
        if not self.keep:
            self._add("Scheduled")
            return
        if self.kind == "Task":
            details: dict[str, Any] = {"region": self.region, "parameters": dumps(payload)}
        else:
            details = {"resource": self.resource.arn, **data_details("input", dumps(payload))}
        if timeout is not None:
            details["timeoutInSeconds"] = timeout
        if heartbeat is not None and self.kind != "LambdaFunction":
            details["heartbeatInSeconds"] = heartbeat
        self._add("Scheduled", details)

    def started(self, worker: str | None = None) -> None:
        if self.kind == "Activity":
            self._add("Started", {"workerName": worker} if worker else {})
        else:
            self._add("Started", None if self.kind == "LambdaFunction" else {})

    def submitted(self, output: Any) -> None:
        self._add("Submitted", data_details("output", dumps(output)) if self.keep else None)

    def succeeded(self, text: str) -> None:
        self._add("Succeeded", data_details("output", text))

    def failed(self, failure: StatesError) -> None:
        details: dict[str, Any] = {"error": failure.error}
        if failure.cause is not None:
            details["cause"] = failure.cause
        self._add("TimedOut" if failure.error in _TIMED_OUT else "Failed", details)


class TaskRunner(Core):
    services: Services
    mocks: MockCase | None

    def _callbacks(self) -> Callbacks:
        if self.services.callbacks is None:
            self.services.callbacks = Callbacks(self.clock)
        return self.services.callbacks

    async def run_task(self, step: Step) -> tuple[Any, str | None]:
        state = step.state
        assert isinstance(state, TaskState)
        resource = parse_resource(state.resource)
        assert resource is not None  # the loader only accepts resources it can parse

        async def attempt() -> tuple[Any, str | None]:
            token: str | None = None
            if resource.callback or resource.kind == "activity":
                token = new_token()
                if resource.callback:  # $$.Task.Token, for the parameters to pass on
                    step.task_token = token
                    step.bind(self.context_object)
            if state.jsonata:
                states = self.states_bindings(step)
                payload = (
                    state.arguments(states, step.env) if state.arguments else step.raw_input
                )
                timeout = self._seconds(state.timeout_expr, states, step, "TimeoutSeconds")
                heartbeat = self._seconds(state.heartbeat_expr, states, step,
                                          "HeartbeatSeconds")
            else:
                effective = self.effective_input(step)
                payload = self.parameters(step, effective)
                timeout = self._path_seconds(state.timeout_seconds_path, effective, step,
                                             "TimeoutSecondsPath")
                heartbeat = self._path_seconds(state.heartbeat_seconds_path, effective, step,
                                               "HeartbeatSecondsPath")
            if timeout is None:
                timeout = state.timeout_seconds
            if heartbeat is None:
                heartbeat = state.heartbeat_seconds
            result = await self._perform(step, state, resource, payload, timeout, heartbeat,
                                         token)
            self.inspect("result", result)
            return self.finish_result(step, result), state.next

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
    def _path_seconds(path: Any, effective: Any, step: Step, name: str) -> int | None:
        if path is None:
            return None
        value = select(path, effective, step.env)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise errors.runtime(f"The value of the field '{name}' must be a positive integer, "
                                 f"got {dumps(value)}")
        return value

    async def _perform(
        self, step: Step, state: TaskState, resource: Resource, payload: Any,
        timeout: int | None, heartbeat: int | None, token: str | None,
    ) -> Any:
        events = TaskEvents(step, resource, self.info.region)
        events.scheduled(payload, timeout, heartbeat)
        trace = self.trace
        segment = trace.begin(state.name, resource.resource_type, resource.resource_name) \
            if trace is not None else None
        header = trace.header(segment) if trace is not None and segment is not None else None
        work = self._work(step, state, resource, payload, heartbeat, token, events, header)
        failure: BaseException | None = None
        try:
            result = await (work if timeout is None else self._with_timeout(work, timeout))
            # AWS names an AWS SDK task by its resource type ("aws-sdk:cloudformation") and a
            # Lambda function by its ARN.
            text = self.check_size(
                resource.resource_type if resource.kind == "sdk" else resource.arn, result
            )
        except StatesError as error:
            failure = error
            events.failed(error)
            raise
        finally:
            if trace is not None and segment is not None:
                trace.end(segment, failure)
        events.succeeded(text)
        return result

    async def _work(
        self, step: Step, state: TaskState, resource: Resource, payload: Any,
        heartbeat: int | None, token: str | None, events: TaskEvents,
        trace_header: str | None = None,
    ) -> Any:
        mocked = self._mocked(state.name)
        if resource.kind == "activity":
            return await self._activity(resource, payload, heartbeat, token, events, mocked)
        events.started()
        if mocked is not None:
            return _answer(mocked)
        info = self.info
        call = Call(resource, payload, info.account, info.region, info.arn,
                    info.state_machine_arn, self.services, self.clock, token, trace_header)
        callbacks = self._callbacks()
        pending = None
        if resource.callback and token is not None:
            # Open the token before calling: the service may answer at once.
            pending = callbacks.open(token, heartbeat=heartbeat)
        try:
            submitted = await dispatch.request(call)
            if self.inspection_raw is not None and "request" in call.extra:
                self.inspection_raw["request"] = call.extra["request"]
                self.inspection_raw["response"] = call.extra["response"]
            if pending is not None:
                events.submitted(submitted)
                with self.parking():  # until a caller answers
                    return await callbacks.wait(pending)
            if resource.job:
                events.submitted(submitted)
                with self.parking():  # the job itself is what runs
                    return await dispatch.wait_job(call)
            return submitted
        finally:
            if pending is not None and not pending.future.done():
                callbacks.close(pending.token, "timed out")

    async def _activity(
        self, resource: Resource, payload: Any, heartbeat: int | None, token: str | None,
        events: TaskEvents, mocked: Mocked | None,
    ) -> Any:
        if mocked is not None:
            events.started()
            return _answer(mocked)
        assert token is not None
        callbacks = self._callbacks()
        pending = callbacks.open(token, heartbeat=heartbeat, activity=resource.arn,
                                 input=dumps(payload), on_start=events.started)
        with self.parking():  # until a worker answers
            return await callbacks.wait(pending)

    def _mocked(self, state: str) -> Mocked | None:
        if self.mocks is None or not self.mocks.mocks(state):
            return None
        return self.mocks.next(state)

    async def _with_timeout(self, work: Any, seconds: float) -> Any:
        job = asyncio.ensure_future(work)
        timer = asyncio.ensure_future(self.clock.sleep_until(self.clock.now() + seconds))
        try:
            done, _ = await asyncio.wait({job, timer}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            job.cancel()
            raise
        finally:
            timer.cancel()
        if job in done:
            return job.result()
        job.cancel()
        await asyncio.wait({job})
        raise StatesError(errors.TIMEOUT, None)


def _answer(mocked: Mocked) -> Any:
    if mocked.throws:
        raise StatesError(mocked.error or "", mocked.cause)
    return mocked.result


__all__ = ["DEFAULT_TIMEOUT", "TaskEvents", "TaskRunner"]
