"""Parallel and Map states: branches and iterations as asyncio tasks.

A failing branch (or INLINE iteration) cancels its siblings and fails the state with the
branch's own error. DISTRIBUTED maps run each iteration (or batch) as a child workflow whose
events are not written to the parent history, and may tolerate failures.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from emulator import ids
from emulator.asl import errors
from emulator.asl.errors import StatesError
from emulator.asl.history import History, Track, data_details
from emulator.asl.integrations.base import Services
from emulator.asl.integrations.mocks import FixedMock
from emulator.asl.item_reader import ItemReader, read_items
from emulator.asl.map_items import MapItems
from emulator.asl.map_runs import ChildRun, MapRunProgress
from emulator.asl.nodes import MapState, ParallelState
from emulator.asl.paths import dumps, select, select_items
from emulator.asl.processing import Core, Frame, Step
from emulator.asl.result_writer import MapRun, ResultWriter, export, shaped
from emulator.asl.variables import Variables


async def _all_or_first_failure(jobs: Sequence[Awaitable[Any]]) -> list[Any]:
    """Run every job; on the first failure cancel the rest and raise it."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    if not tasks:
        return []
    try:
        _done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    except asyncio.CancelledError:
        for task in tasks:
            task.cancel()
        raise
    failed = [t for t in tasks if t.done() and not t.cancelled() and t.exception()]
    if failed:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
        first = failed[0].exception()
        assert first is not None
        raise first
    return [task.result() for task in tasks]


async def _all_then_close(frame: Frame, jobs: Sequence[Awaitable[Any]], kind: str) -> list[Any]:
    """Every job's result, or the first failure; either way the state's closing event
    follows (``kind`` is the state type: ParallelStateSucceeded, MapStateFailed...)."""
    try:
        results = await _all_or_first_failure(jobs)
    except StatesError:
        frame.track.last = frame.history.count
        frame.history.add(frame.track, f"{kind}StateFailed")
        raise
    frame.track.last = frame.history.count
    frame.history.add(frame.track, f"{kind}StateSucceeded")
    return results


class FlowRunner(Core):
    # ----- Parallel ---------------------------------------------------------------------

    async def run_parallel(self, step: Step) -> tuple[Any, str | None]:
        state = step.state
        assert isinstance(state, ParallelState)
        frame = step.frame

        async def attempt() -> tuple[Any, str | None]:
            if state.jsonata:
                states = self.states_bindings(step)
                branch_input = (
                    state.arguments(states, step.env) if state.arguments else step.raw_input
                )
            else:
                branch_input = self.parameters(step, self.effective_input(step))
            mocked = self._flow_mock()
            if mocked:  # TestState: the mock is the branches' results
                return self.finish_result(step, mocked[0]), state.next
            started = frame.history.add(frame.track, "ParallelStateStarted")
            branches = [
                self.run_machine(branch, branch_input, frame.branch(started))
                for branch in state.branches
            ]
            results = await _all_then_close(frame, branches, "Parallel")
            return self.finish_result(step, results), state.next

        return await self.with_recovery(step, attempt)

    def _flow_mock(self) -> tuple[Any, ...]:
        """TestState's mocked result of a Parallel or Map state: (result,), or () when the
        state is not mocked."""
        mocks = getattr(self, "mocks", None)
        if not isinstance(mocks, FixedMock):
            return ()
        if mocks.mocked.throws:
            raise StatesError(mocks.mocked.error or "", mocks.mocked.cause)
        return (mocks.mocked.result,)

    # ----- Map --------------------------------------------------------------------------

    async def run_map(self, step: Step) -> tuple[Any, str | None]:
        state = step.state
        assert isinstance(state, MapState)

        async def attempt() -> tuple[Any, str | None]:
            if state.item_reader is not None:
                items, effective, states = await self._read_items(step, state)
            else:
                items, effective, states = self._items(step, state)
            limit = self._map_number(step, state, "max_concurrency", effective, states) or 0
            mocked = self._flow_mock()
            if mocked:  # TestState: the mock is the iterations' results
                return self.finish_result(step, mocked[0]), state.next
            inputs = [self._item_input(step, state, items, i, effective, states)
                      for i in range(len(items))]
            if state.mode == "DISTRIBUTED":
                results, run = await self._distributed(step, state, inputs, effective, states,
                                                       limit)
                if isinstance(state.result_writer, ResultWriter):
                    results = await self._write_results(step, state, run, effective, states)
            else:
                results = await self._inline(step, state, items, inputs, limit)
            return self.finish_result(step, results), state.next

        return await self.with_recovery(step, attempt)

    def _items(self, step: Step, state: MapState) -> tuple[MapItems, Any, dict[str, Any]]:
        """The array's elements or the object's key-value pairs (see map_items) that
        ItemsPath, or JSONata's Items, selects."""
        states: dict[str, Any] = {}
        if state.jsonata:
            states = self.states_bindings(step)
            value = state.items_expr(states, step.env) if state.items_expr else step.raw_input
            items = MapItems.of(value)
            if items is None:
                raise StatesError(
                    errors.QUERY_EVALUATION_ERROR,
                    f"The Items field must evaluate to a JSON array or object, got "
                    f"{dumps(value)}",
                )
            return items, step.raw_input, states
        effective = self.effective_input(step)
        value = (select_items(state.items_path, effective, step.env) if state.items_path_set
                 else effective)
        items = MapItems.of(value)
        if items is None:
            where = state.items_path.text if state.items_path is not None else "$"
            raise errors.runtime(
                f"Item reader failed: the value at ItemsPath '{where}' is not a JSON array "
                f"or object: {dumps(value)}"
            )
        return items, effective, states

    async def _read_items(self, step: Step, state: MapState
                          ) -> tuple[MapItems, Any, dict[str, Any]]:
        """The items an ItemReader reads from S3 (the state's input is not iterated)."""
        reader = state.item_reader
        assert isinstance(reader, ItemReader)
        if state.jsonata:
            states = self.states_bindings(step)
            effective = step.raw_input
            params = reader.arguments(states, step.env) if reader.arguments else {}
        else:
            states = {}
            effective = self.effective_input(step)
            params = reader.parameters(effective, step.env) if reader.parameters else {}
        if reader.max_items_expr is not None:
            limit: Any = reader.max_items_expr(states, step.env)
        elif reader.max_items_path is not None:
            limit = select(reader.max_items_path, effective, step.env)
        else:
            limit = reader.max_items
        services: Services | None = getattr(self, "services", None)
        if services is None or services.sdk is None:
            raise StatesError(errors.ITEM_READER_FAILED, "S3 is not reachable")
        items = await read_items(reader, params, int(limit) if limit else None, services.sdk,
                                 account=self.info.account, region=self.info.region)
        return items, effective, states

    def _map_number(
        self, step: Step, state: MapState, name: str, effective: Any, states: dict[str, Any]
    ) -> float | None:
        expr = getattr(state, f"{name}_expr")
        path = getattr(state, f"{name}_path")
        if expr is not None:
            value = expr(states, step.env)
        elif path is not None:
            value = select(path, effective, step.env)
        else:
            return getattr(state, name)  # type: ignore[no-any-return]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise errors.runtime(f"The value for '{name}' must be a non-negative number, "
                                 f"got {dumps(value)}")
        return float(value)

    def _item_input(
        self, step: Step, state: MapState, items: MapItems, index: int, effective: Any,
        states: dict[str, Any],
    ) -> Any:
        if state.item_selector is None and state.item_selector_expr is None:
            return items.inputs[index]
        map_step = Step(state, step.raw_input, step.frame, step.entered_id, step.entered_time)
        map_step.frame = Frame(step.frame.track, step.frame.variables, step.frame.history,
                               items.context(index))
        map_step.bind(self.context_object)
        if state.item_selector_expr is not None:
            bindings = dict(states)
            bindings["context"] = map_step.env.context
            return state.item_selector_expr(bindings, map_step.env)
        assert state.item_selector is not None
        return state.item_selector(effective, map_step.env)

    async def _inline(self, step: Step, state: MapState, items: MapItems, inputs: list[Any],
                      limit: float) -> list[Any]:
        """Run each item's input (``inputs``, made from ``items`` by ItemSelector)."""
        frame = step.frame
        started = frame.history.add(frame.track, "MapStateStarted", {"length": len(items)})
        gate = asyncio.Semaphore(int(limit)) if limit else None
        assert state.processor is not None
        processor = state.processor

        async def iteration(index: int) -> Any:
            item_frame = frame.branch(started, map_item=items.context(index))
            details = {"name": state.name, "index": index}
            frame.history.add(item_frame.track, "MapIterationStarted", details)
            try:
                output = await self.run_machine(processor, inputs[index], item_frame)
            except StatesError:
                frame.history.add(item_frame.track, "MapIterationFailed", details)
                raise
            except asyncio.CancelledError:
                frame.history.add(item_frame.track, "MapIterationAborted", details)
                raise
            frame.history.add(item_frame.track, "MapIterationSucceeded", details)
            return output

        failed = asyncio.Event()

        async def gated(index: int) -> Any:
            try:
                if gate is None:
                    return await iteration(index)
                async with gate:
                    if failed.is_set():  # an earlier item failed: start no more
                        raise asyncio.CancelledError
                    return await iteration(index)
            except StatesError:
                failed.set()
                raise

        return await _all_then_close(frame, [gated(i) for i in range(len(items))], "Map")

    async def _distributed(
        self, step: Step, state: MapState, inputs: list[Any], effective: Any,
        states: dict[str, Any], limit: float,
    ) -> tuple[list[Any], MapRun]:
        frame = step.frame
        item_count = len(inputs)
        inputs = self._batches(step, state, inputs, effective, states)
        batched = state.item_batcher is not None
        frame.history.add(frame.track, "MapStateStarted", {"length": len(inputs)})
        label = state.label or ids.uuid4()[:8]
        map_run = (
            f"{self.info.state_machine_arn.replace(':stateMachine:', ':mapRun:')}/"
            f"{label}:{ids.uuid4()}"
        )
        runs: list[ChildRun] = []
        frame.history.add(frame.track, "MapRunStarted", {"mapRunArn": map_run})
        tolerated_count = self._map_number(step, state, "tolerated_failure_count", effective,
                                           states)
        tolerated_pct = self._map_number(step, state, "tolerated_failure_percentage", effective,
                                         states)
        child_machine = f"{self.info.state_machine_arn}/{label}"
        kind = "express" if state.execution_type == "EXPRESS" else "execution"
        progress = MapRunProgress(
            map_run, self.info.arn, self.info.state_machine_arn, self.clock.now(),
            int(limit), tolerated_pct or 0.0, int(tolerated_count or 0),
            child_machine=child_machine,
            child_prefix=child_machine.replace(":stateMachine:", f":{kind}:"),
            label=label, child_definition=state.processor_definition,
            failure_count_limit=tolerated_count, failure_percentage_limit=tolerated_pct)
        progress.items.total, progress.executions.total = item_count, len(inputs)
        if self.on_map_run is not None:
            self.on_map_run(progress)
        gate = progress.gate  # UpdateMapRun may change its limit while children wait
        assert state.processor is not None
        processor = state.processor
        failures: list[StatesError] = []
        children = History(self.clock.now, keep=False)

        async def child(index: int) -> Any:
            # A STANDARD child keeps its own history, as GetExecutionHistory answers it.
            history = History(self.clock.now) if kind == "execution" else children
            child_frame = Frame(
                Track(), Variables(), history, {"Index": index, "Value": inputs[index]},
            )
            items = len(inputs[index].get("Items", ())) if batched else 1
            run = ChildRun(ids.uuid4(), inputs[index], self.clock.now(), 0.0, items=items)
            runs.append(run)
            # Whatever ends a started child, the run's counts hear of it exactly once.
            outcome: str | None = None
            try:
                await gate.acquire()
                try:
                    progress.started_child(run, self.clock.now())
                    if history is not children:
                        run.events = history.events
                        history.add(child_frame.track, "ExecutionStarted", {
                            **data_details("input", dumps(inputs[index])),
                            "roleArn": self.info.role_arn})
                    outcome = "aborted"
                    run.output = await self.run_machine(processor, inputs[index], child_frame)
                finally:
                    gate.release()
                outcome = "succeeded"
                return run.output
            except StatesError as failure:
                outcome = "failed"
                failures.append(failure)
                run.error, run.cause = failure.error, failure.cause
                output: dict[str, Any] = {"Error": failure.error}
                if failure.cause is not None:
                    output["Cause"] = failure.cause
                return output
            except Exception:
                outcome = "failed"
                raise
            finally:
                run.stop = self.clock.now()
                if outcome is not None:
                    progress.ended_child(run, outcome, run.stop)
                    if history is not children:
                        history.add(child_frame.track, *_child_end(run, outcome))

        tasks = [asyncio.ensure_future(child(i)) for i in range(len(inputs))]
        try:
            results = await asyncio.gather(*tasks)
        except BaseException:
            # A child that fails outside the States language ends the run: stop its siblings,
            # so every started child is counted before the run closes.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            progress.close("ABORTED", self.clock.now())
            raise
        if failures and _exceeds(len(failures), len(inputs), progress.failure_count_limit,
                                 progress.failure_percentage_limit):
            progress.close("FAILED", self.clock.now())
            cause = "The specified tolerated failure threshold was exceeded"
            frame.history.add(frame.track, "MapRunFailed",
                              {"error": errors.EXCEED_TOLERATED_FAILURE_THRESHOLD,
                               "cause": cause})
            frame.history.add(frame.track, "MapStateFailed")
            raise StatesError(errors.EXCEED_TOLERATED_FAILURE_THRESHOLD, cause)
        progress.close("SUCCEEDED", self.clock.now())
        frame.history.add(frame.track, "MapRunSucceeded")
        frame.history.add(frame.track, "MapStateSucceeded")
        return list(results), MapRun(map_run, label, runs, progress)

    async def _write_results(self, step: Step, state: MapState, run: MapRun, effective: Any,
                             states: dict[str, Any]) -> Any:
        writer = state.result_writer
        assert isinstance(writer, ResultWriter)
        map_run, runs = run.arn, run.children
        machine_arn = f"{self.info.state_machine_arn}/{run.label}"
        kind = "express" if state.execution_type == "EXPRESS" else "execution"
        prefix = machine_arn.replace(":stateMachine:", f":{kind}:")
        if not writer.exports:
            return shaped(writer, runs, machine_arn, prefix)
        if writer.arguments is not None:
            params = writer.arguments(states, step.env)
        else:
            params = writer.parameters(effective, step.env) if writer.parameters else {}
        services: Services | None = getattr(self, "services", None)
        if services is None or services.sdk is None:
            raise StatesError(errors.RESULT_WRITER_FAILED, "S3 is not reachable")
        written = await export(writer, params, runs, map_run, machine_arn, prefix, services.sdk,
                               account=self.info.account, region=self.info.region)
        if run.progress is not None:
            run.progress.results_written()
        return written

    def _batches(
        self, step: Step, state: MapState, inputs: list[Any], effective: Any,
        states: dict[str, Any],
    ) -> list[Any]:
        batcher = state.item_batcher
        if batcher is None:
            return inputs
        max_items = batcher.max_items
        if batcher.max_items_expr is not None:
            max_items = int(batcher.max_items_expr(states, step.env))
        elif batcher.max_items_path is not None:
            max_items = int(batcher.max_items_path.get(effective, step.env))
        max_bytes = batcher.max_bytes or 256 * 1024
        batch_input: Any = None
        if batcher.batch_input_expr is not None:
            batch_input = batcher.batch_input_expr(states, step.env)
        elif batcher.batch_input is not None:
            batch_input = batcher.batch_input(effective, step.env)
        batches: list[Any] = []
        current: list[Any] = []
        size = 0
        for item in inputs:
            item_size = len(dumps(item).encode())
            full = (max_items is not None and len(current) >= max_items) or (
                current and size + item_size > max_bytes
            )
            if full:
                batches.append(current)
                current, size = [], 0
            current.append(item)
            size += item_size
        if current:
            batches.append(current)
        return [
            {"Items": batch, **({"BatchInput": batch_input} if batch_input is not None else {})}
            for batch in batches
        ]


def _child_end(run: ChildRun, outcome: str) -> tuple[str, dict[str, Any]]:
    """The last event of a map run child's own history."""
    if outcome == "succeeded":
        return "ExecutionSucceeded", data_details("output", dumps(run.output))
    failure = {key: value for key, value in (("error", run.error), ("cause", run.cause))
               if value is not None}
    return ("ExecutionFailed" if outcome == "failed" else "ExecutionAborted"), failure


def _exceeds(failed: int, total: int, count: float | None, percentage: float | None) -> bool:
    """Whether ``failed`` iterations break the tolerated failure count or percentage."""
    if count is None and percentage is None:
        return failed > 0
    if count is not None and failed > count:
        return True
    return percentage is not None and total > 0 and failed * 100 / total > percentage


Runner = Callable[[Step], Awaitable[tuple[Any, str | None]]]

__all__ = ["FlowRunner"]
