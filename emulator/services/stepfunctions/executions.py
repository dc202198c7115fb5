"""Executions: starting, running as asyncio tasks, persisting, resuming, stopping, redriving,
and the read operations over them.

STANDARD executions are stored records: written when they start, at each top-level state (a
checkpoint a restart resumes from) and when they end. EXPRESS executions are not stored. A
closed execution is forgotten 90 days after it closed, as AWS forgets it, or sooner when more
than ``settings.sfn_max_executions`` are stored in its account and region (oldest first).
"""

from __future__ import annotations

import asyncio
import logging
import math
from json import JSONDecodeError
from typing import Any, cast

from emulator import ids, inbound
from emulator.asl.diagnostics import InvalidDefinition
from emulator.asl.integrations.mocks import MockCase
from emulator.asl.interpreter import Checkpoint, Execution, ExecutionInfo
from emulator.asl.tracing import ORIGIN, ExecutionTrace
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import SegmentRecorder
from emulator.runtime.invoker import LogSink
from emulator.services.stepfunctions import execution_logs, metrics, status_events
from emulator.services.stepfunctions.common import StepFunctionsBase, Target
from emulator.services.stepfunctions.json_errors import jackson_message
from emulator.services.stepfunctions.mock_config import split_test_case
from emulator.services.stepfunctions.models import ExecutionRecord
from emulator.services.stepfunctions.naming import (
    check_name,
    execution_arn,
    listing,
    machine_arn_of,
    page,
)
from emulator.store import Table

log = logging.getLogger("emulator.stepfunctions")

REDRIVE_DAYS = 14
# AWS keeps a closed execution's record and history for 90 days
# (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
CLOSED_RETENTION_SECONDS = 90 * 86_400


class ExecutionsApi(StepFunctionsBase):
    """StartExecution, StartSyncExecution, StopExecution, RedriveExecution, the reads over
    executions, and running them: as asyncio tasks, stored and resumed when STANDARD."""

    # ----- starting and running ----------------------------------------------------------

    @staticmethod
    def _parse_input(text: str | None) -> tuple[str, Any]:
        raw = "{}" if text is None else text
        try:
            return raw, inbound.loads(raw)
        except RecursionError:
            raise ServiceError("InvalidExecutionInput", "Invalid State Machine Execution Input: "
                               "'the JSON is nested too deeply'") from None
        except ValueError as error:
            why = jackson_message(raw, error) if isinstance(error, JSONDecodeError) else error
            raise ServiceError(
                "InvalidExecutionInput", f"Invalid State Machine Execution Input: '{why}'"
            ) from None

    def _new_record(self, ctx: RequestContext, target: Target, name: str | None,
                    input_text: str, trace_header: str | None, express: bool,
                    test_case: str | None = None) -> ExecutionRecord:
        execution_name = name if name is not None else ids.uuid4()
        check_name(execution_name)
        machine = target.machine
        region, account = ctx.region, ctx.account_id
        if express:
            arn = (f"arn:aws:states:{region}:{account}:express:{machine.name}:"
                   f"{execution_name}:{ids.uuid4()}")
        else:
            arn = f"arn:aws:states:{region}:{account}:execution:{machine.name}:{execution_name}"
        return ExecutionRecord(
            arn=arn, name=execution_name, machine_arn=machine.arn, machine_name=machine.name,
            type=machine.type, start_date=self._now(), input=input_text,
            trace_header=trace_header, role_arn=target.role_arn, definition=target.definition,
            revision_id=target.revision_id, version_arn=target.version_arn,
            alias_arn=target.alias_arn, mock_test_case=test_case,
        )

    def _mocks(self, record: ExecutionRecord) -> MockCase | None:
        if record.mock_test_case is None:
            return None
        return self.mock_file.test_case(record.machine_name, record.mock_test_case)

    def _resolve(self, ctx: RequestContext, arn: str) -> tuple[Target, str | None]:
        """The target of a start request, and the mock test case its ``#suffix`` names."""
        base, test_case = split_test_case(arn)
        target = self._target(ctx, base)
        if test_case is not None:
            self.mock_file.check(target.machine.name, test_case)
        return target, test_case

    def _execution(self, record: ExecutionRecord, account: str, region: str,
                   resume: Checkpoint | None = None) -> Execution:
        node = self._compile(record.definition)
        info = ExecutionInfo(
            record.arn, record.name, record.machine_arn, record.machine_name, record.role_arn,
            inbound.loads(record.input), record.start_date, account, region,
            redrive_count=record.redrive_count, redrive_time=record.redrive_date,
            alias_arn=record.alias_arn, version_arn=record.version_arn, input_text=record.input,
        )
        standard = record.type == "STANDARD"
        on_checkpoint = None
        if standard and self._persistent():
            table = self._executions(account, region)

            generation = self._generation

            def on_checkpoint(point: Checkpoint) -> None:
                if self._generation == generation:
                    record.checkpoint = point.__dict__.copy()
                    table.put(record.arn, record)

        machine = self._machines(account, region).get(record.machine_arn)
        logged = machine is not None and execution_logs.wanted(machine.logging)
        execution = Execution(
            node, info, self.clock, services=self._services(), mocks=self._mocks(record),
            wait_scale=self._wait_scale(), keep_history=standard or logged,
            events=record.events if standard else None, resume=resume,
            on_checkpoint=on_checkpoint,
            on_map_run=lambda run: self.map_runs.setdefault(record.arn, []).append(run),
        )
        execution.trace = self._trace(record, account, region)
        return execution

    def _trace(self, record: ExecutionRecord, account: str,
               region: str) -> ExecutionTrace | None:
        """X-Ray for this execution: when its state machine has tracing enabled, or when it
        was started inside a trace (traceHeader), and the trace is sampled."""
        machine = self._machines(account, region).get(record.machine_arn)
        enabled = bool(machine is not None and machine.tracing.get("enabled"))
        if not enabled and not record.trace_header:
            return None
        try:
            recorder = cast(SegmentRecorder, self.ports.get("segments"))
        except LookupError:
            return None
        context = recorder.trace_context(record.trace_header, account=account, region=region,
                                         service_name=record.machine_name, service_type=ORIGIN)
        if not context.sampled:
            return None
        return ExecutionTrace(recorder, context, self.clock, name=record.machine_name,
                              execution_arn=record.arn, state_machine_arn=record.machine_arn,
                              account=account, region=region)

    def _launch(self, record: ExecutionRecord, account: str, region: str,
                resume: Checkpoint | None = None,
                execution: Execution | None = None) -> asyncio.Task[Any]:
        execution = execution or self._execution(record, account, region, resume)
        if resume is None:
            metrics.started(self.metrics, account, region, record.machine_arn)
            self._status_changed(record, account, region)
        task = asyncio.get_running_loop().create_task(
            self._drive(execution, record, account, region)
        )
        if record.type == "STANDARD":
            self._running[record.arn] = (execution, task)
        self.launched[record.arn] = (execution, task, record)
        return task

    async def _drive(self, execution: Execution, record: ExecutionRecord, account: str,
                     region: str) -> None:
        generation = self._generation
        try:
            outcome = await execution.run()
        except asyncio.CancelledError:
            if self._generation == generation:
                self._running.pop(record.arn, None)
                self.launched.pop(record.arn, None)
                self.map_runs.pop(record.arn, None)
            raise
        except Exception:  # a defect must not leave the execution RUNNING for ever
            log.exception("execution %s failed unexpectedly", record.arn)
            record.status, record.error = "FAILED", "States.Runtime"
            record.cause = "An internal error occurred while running the execution."
        else:
            record.status = outcome.status
            record.output, record.error, record.cause = (
                outcome.output, outcome.error, outcome.cause
            )
            if execution.trace is not None:
                execution.trace.finish(outcome.status, outcome.error)
            step = execution._current
            if outcome.status != "SUCCEEDED" and step is not None:
                record.redrive_point = {
                    "state": step.state.name, "input": step.raw_input,
                    "variables": step.frame.variables.flat(),
                }
        if self._generation != generation:
            return  # the store was reset while this execution ran
        self._publish_logs(execution, record, account, region)
        record.stop_date = self._now()
        record.map_runs = record.map_runs + [run.stored()
                                             for run in self.map_runs.pop(record.arn, [])]
        record.checkpoint = None
        metrics.ended(self.metrics, account, region, record.machine_arn, record.status,
                      record.stop_date - record.start_date)
        self._running.pop(record.arn, None)
        self.launched.pop(record.arn, None)
        if record.type == "STANDARD":
            self._store_end(record, account, region)
        self._status_changed(record, account, region)

    def _status_changed(self, record: ExecutionRecord, account: str, region: str) -> None:
        """Tell EventBridge (Step Functions Execution Status Change)."""
        try:
            buses = self.ports.buses
        except LookupError:
            return
        status_events.send(buses, record, self._redrive_status(record), now=self._now(),
                           account=account, region=region)

    def _publish_logs(self, execution: Execution, record: ExecutionRecord, account: str,
                      region: str) -> None:
        """The execution's history to CloudWatch Logs, when its state machine logs."""
        machine = self._machines(account, region).get(record.machine_arn)
        if machine is None or not execution_logs.wanted(machine.logging):
            return
        try:
            sink = cast(LogSink, self.ports.get("logs"))
        except LookupError:
            return
        execution_logs.publish(sink, machine.logging, record.machine_name, record.arn,
                               execution.history.events, account=account, region=region,
                               started=record.start_date,
                               redrive_count=record.redrive_count)

    def _store_end(self, record: ExecutionRecord, account: str, region: str) -> None:
        """Store a finished execution. When its record cannot be written, store at least that
        it ended (as failed, without output or history): a restart must never run it again."""
        table = self._executions(account, region)
        try:
            table.put(record.arn, record)
            self._forget_closed(table)
            return
        except Exception as error:  # whatever the store refused, say it ended
            log.error("execution %s ended %s but its record could not be stored (%s); it is "
                      "stored as failed, without its output and history", record.arn,
                      record.status, error)
            cause = (f"The execution ended {record.status} but its result could not be "
                     f"stored: {type(error).__name__}")
        record.status, record.error, record.cause = "FAILED", "States.Runtime", cause
        record.output, record.redrive_point = None, None
        del record.events[1:]
        record.events.append({"id": len(record.events) + 1, "previousEventId": len(record.events),
                              "timestamp": record.stop_date, "type": "ExecutionFailed",
                              "executionFailedEventDetails": {"error": "States.Runtime",
                                                              "cause": cause}})
        table.put(record.arn, record)
        self._forget_closed(table)

    def _forget_closed(self, table: Table[ExecutionRecord]) -> None:
        """Drop closed executions, oldest first, while more than ``sfn_max_executions`` are
        stored, and those that closed more than 90 days ago. Called as one closes: the walk
        from the oldest stops at the first closed execution that may stay."""
        excess = len(table) - self.settings.sfn_max_executions
        horizon = self._now() - CLOSED_RETENTION_SECONDS
        doomed: list[str] = []
        for arn, record in table.oldest_first():
            if record.status == "RUNNING" or arn in self._running:
                continue
            if len(doomed) >= excess and (record.stop_date or horizon) >= horizon:
                break
            doomed.append(arn)
        table.delete_many(doomed)

    def resume_stored(self) -> int:
        """Start again every stored STANDARD execution that was running; returns how many."""
        count = 0
        for account, region in self.store.scopes("executions"):
            table = self._executions(account, region)
            for record in table.values():
                if record.status != "RUNNING" or record.arn in self._running:
                    continue
                point = Checkpoint(**record.checkpoint) if record.checkpoint else None
                try:
                    self._launch(record, account, region, resume=point)
                    count += 1
                except (InvalidDefinition, ServiceError) as error:
                    log.warning("cannot resume %s: %s", record.arn, error)
        return count

    # ----- operations -----------------------------------------------------------------------

    def start_execution(
        self, ctx: RequestContext, *, state_machine_arn: str, name: str | None = None,
        input: str | None = None, trace_header: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        target, test_case = self._resolve(ctx, state_machine_arn)
        # X-Ray SDKs send the trace in the X-Amzn-Trace-Id header; traceHeader also carries it.
        trace_header = trace_header or ctx.headers.get("x-amzn-trace-id")
        input_text, _value = self._parse_input(input)
        express = target.machine.type == "EXPRESS"
        record = self._new_record(ctx, target, name, input_text, trace_header, express,
                                  test_case)
        if not express:
            table = self._executions(ctx.account_id, ctx.region)
            existing = table.get(record.arn)
            if existing is not None:
                if existing.status == "RUNNING" and existing.input == input_text:
                    return {"executionArn": existing.arn, "startDate": existing.start_date}
                raise ServiceError("ExecutionAlreadyExists",
                                   f"Execution Already Exists: '{record.arn}'")
            table.put(record.arn, record)
        self._launch(record, ctx.account_id, ctx.region)
        return {"executionArn": record.arn, "startDate": record.start_date}

    async def start_sync_execution(
        self, ctx: RequestContext, *, state_machine_arn: str, name: str | None = None,
        input: str | None = None, trace_header: str | None = None,
        included_data: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        target, test_case = self._resolve(ctx, state_machine_arn)
        if target.machine.type != "EXPRESS":
            raise ServiceError("StateMachineTypeNotSupported",
                               "This operation is not supported by this type of state machine")
        trace_header = trace_header or ctx.headers.get("x-amzn-trace-id")
        input_text, _value = self._parse_input(input)
        record = self._new_record(ctx, target, name, input_text, trace_header, True, test_case)
        execution = self._execution(record, ctx.account_id, ctx.region)
        try:
            outcome = await execution.run()
        finally:  # a synchronous execution is never described again: its runs go with it
            self.map_runs.pop(record.arn, None)
        if execution.trace is not None:
            execution.trace.finish(outcome.status, outcome.error)
        self._publish_logs(execution, record, ctx.account_id, ctx.region)
        stop = self._now()
        reply: dict[str, Any] = {
            "executionArn": record.arn, "stateMachineArn": record.machine_arn,
            "name": record.name, "startDate": record.start_date, "stopDate": stop,
            "status": outcome.status, "input": input_text,
            "inputDetails": {"included": True},
            "billingDetails": {
                "billedMemoryUsedInMB": 64,
                "billedDurationInMilliseconds": _billed_milliseconds(stop - record.start_date),
            },
        }
        if outcome.output is not None:
            reply["output"] = outcome.output
            reply["outputDetails"] = {"included": True}
        if outcome.error is not None:
            reply["error"] = outcome.error
        if outcome.cause is not None:
            reply["cause"] = outcome.cause
        if trace_header is not None:
            reply["traceHeader"] = trace_header
        if included_data == "METADATA_ONLY":
            for key in ("input", "output"):
                reply.pop(key, None)
            reply["inputDetails"] = {"included": False}
            if "outputDetails" in reply:
                reply["outputDetails"] = {"included": False}
        return reply

    def _record(self, ctx: RequestContext, arn: str) -> ExecutionRecord:
        parsed = execution_arn(arn)
        record = self._executions(parsed.account, parsed.region).get(arn)
        if record is None or parsed.account != ctx.account_id:
            raise ServiceError("ExecutionDoesNotExist", f"Execution Does Not Exist: '{arn}'")
        return record

    def describe_execution(
        self, ctx: RequestContext, *, execution_arn: str, included_data: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        metadata_only = included_data == "METADATA_ONLY"
        child = self.map_run_child(ctx, execution_arn)
        if child is not None:
            return _child_described(child, metadata_only)
        record = self._record(ctx, execution_arn)
        reply: dict[str, Any] = {
            "executionArn": record.arn, "stateMachineArn": record.machine_arn,
            "name": record.name, "status": record.status, "startDate": record.start_date,
            "inputDetails": {"included": not metadata_only},
            "redriveCount": record.redrive_count,
        }
        if not metadata_only:
            reply["input"] = record.input
        for key, value in (("stopDate", record.stop_date), ("error", record.error),
                           ("cause", record.cause), ("traceHeader", record.trace_header),
                           ("stateMachineVersionArn", record.version_arn),
                           ("stateMachineAliasArn", record.alias_arn),
                           ("redriveDate", record.redrive_date)):
            if value is not None:
                reply[key] = value
        if record.status == "SUCCEEDED":
            reply["outputDetails"] = {"included": not metadata_only}
            if not metadata_only:
                reply["output"] = record.output
        reply.update(self._redrive_status(record))
        return reply

    def _redrive_status(self, record: ExecutionRecord) -> dict[str, str]:
        if record.status == "RUNNING":
            return {"redriveStatus": "NOT_REDRIVABLE",
                    "redriveStatusReason": "Execution is RUNNING and cannot be redriven"}
        if record.status == "SUCCEEDED":
            return {"redriveStatus": "NOT_REDRIVABLE",
                    "redriveStatusReason": "Execution is SUCCEEDED and cannot be redriven"}
        if record.stop_date is not None and (
            self._now() - record.stop_date > REDRIVE_DAYS * 86400
        ):
            return {"redriveStatus": "NOT_REDRIVABLE",
                    "redriveStatusReason": "Execution stopped more than 14 days ago"}
        return {"redriveStatus": "REDRIVABLE"}

    def describe_state_machine_for_execution(
        self, ctx: RequestContext, *, execution_arn: str, **_: Any
    ) -> dict[str, Any]:
        run = self.map_run_of_child(ctx, execution_arn)
        # A map run's child answers the map run's state machine: its parent's settings, the
        # ItemProcessor for definition, and the map run's ARN and label.
        record = self._record(ctx, run["executionArn"] if run else execution_arn)
        machine = self._machines(ctx.account_id, ctx.region).get(record.machine_arn)
        reply: dict[str, Any] = {
            "stateMachineArn": record.machine_arn, "name": record.machine_name,
            "definition": record.definition, "roleArn": record.role_arn,
            "updateDate": (machine.update_date or machine.creation_date) if machine
            else record.start_date,
            "loggingConfiguration": machine.logging if machine else {"level": "OFF",
                                                                     "includeExecutionData": False},
            "tracingConfiguration": machine.tracing if machine else {"enabled": False},
        }
        if record.revision_id:
            reply["revisionId"] = record.revision_id
        if run is not None:
            reply.update(stateMachineArn=run["childStateMachineArn"],
                         name=run["childStateMachineArn"].split(":")[-1],
                         definition=run["childDefinition"], mapRunArn=run["mapRunArn"],
                         label=run["label"])
        return reply

    def list_executions(
        self, ctx: RequestContext, *, state_machine_arn: str | None = None,
        status_filter: str | None = None, max_results: int | None = None,
        next_token: str | None = None, map_run_arn: str | None = None,
        redrive_filter: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        if (state_machine_arn is None) == (map_run_arn is None):
            # "You can specify either a mapRunArn or a stateMachineArn, but not both."
            raise ServiceError("ValidationException",
                               "Must provide a StateMachine ARN or MapRun ARN")
        if map_run_arn is not None:
            return self._map_run_executions(ctx, map_run_arn, status_filter, next_token,
                                            max_results)
        assert state_machine_arn is not None
        target = self._target(ctx, state_machine_arn)
        if target.machine.type == "EXPRESS":
            raise ServiceError("StateMachineTypeNotSupported",
                               "This operation is not supported by this type of state machine")
        qualifier = machine_arn_of(state_machine_arn)[1]
        records = [
            r for r in self._executions(ctx.account_id, ctx.region).values()
            if r.machine_arn == target.machine.arn
            and (status_filter is None or r.status == status_filter)
            and (qualifier is None or state_machine_arn in (r.version_arn, r.alias_arn))
            and (redrive_filter is None
                 or (redrive_filter == "REDRIVEN") == (r.redrive_count > 0))
        ]
        records.sort(key=lambda r: r.start_date, reverse=True)
        chunk, token = page(list(records), next_token, max_results)
        items = []
        for record in chunk:
            assert isinstance(record, ExecutionRecord)
            item: dict[str, Any] = {
                "executionArn": record.arn, "stateMachineArn": record.machine_arn,
                "name": record.name, "status": record.status, "startDate": record.start_date,
                "redriveCount": record.redrive_count,
            }
            for key, value in (("stopDate", record.stop_date),
                               ("stateMachineVersionArn", record.version_arn),
                               ("stateMachineAliasArn", record.alias_arn),
                               ("redriveDate", record.redrive_date)):
                if value is not None:
                    item[key] = value
            items.append(item)
        reply: dict[str, Any] = {"executions": items}
        if token:
            reply["nextToken"] = token
        return reply

    def _map_run_executions(self, ctx: RequestContext, map_run_arn: str,
                            status_filter: str | None, next_token: str | None,
                            max_results: int | None) -> dict[str, Any]:
        """ListExecutions of a map run: its started child executions, the latest first, with
        their map run and item count."""
        children = [child for child in self.map_run_children(ctx, map_run_arn)
                    if status_filter is None or child["status"] == status_filter]
        children.sort(key=lambda child: child["startDate"], reverse=True)
        listed = [{key: child[key] for key in _CHILD_LISTED if key in child} | {"redriveCount": 0}
                  for child in children]
        return listing("executions", listed, next_token, max_results)

    def stop_execution(
        self, ctx: RequestContext, *, execution_arn: str, error: str | None = None,
        cause: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        record = self._record(ctx, execution_arn)
        running = self._running.get(record.arn)
        if running is None:
            if record.status == "RUNNING":  # stored, but no longer running anywhere
                record.status, record.stop_date = "ABORTED", self._now()
                record.error, record.cause = error, cause
                self._executions(ctx.account_id, ctx.region).put(record.arn, record)
                self._status_changed(record, ctx.account_id, ctx.region)
            return {"stopDate": record.stop_date or self._now()}
        execution, _task = running
        execution.stop(error, cause)
        return {"stopDate": self._now()}

    async def redrive_execution(
        self, ctx: RequestContext, *, execution_arn: str, client_token: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        record = self._record(ctx, execution_arn)
        status = self._redrive_status(record)
        if status["redriveStatus"] != "REDRIVABLE" or record.redrive_point is None:
            reason = status.get("redriveStatusReason", "Execution cannot be redriven")
            raise ServiceError("ExecutionNotRedrivable", f"{reason}: '{execution_arn}'")
        point = record.redrive_point
        record.redrive_count += 1
        record.redrive_date = self._now()
        record.status, record.stop_date = "RUNNING", None
        record.output = record.error = record.cause = None
        execution = self._execution(record, ctx.account_id, ctx.region)
        execution.redrive(point["state"], point["input"], point.get("variables", {}))
        self._executions(ctx.account_id, ctx.region).put(record.arn, record)
        self._launch(record, ctx.account_id, ctx.region, execution=execution)
        return {"redriveDate": record.redrive_date}

    def get_execution_history(
        self, ctx: RequestContext, *, execution_arn: str, max_results: int | None = None,
        reverse_order: bool | None = None, next_token: str | None = None,
        include_execution_data: bool | None = None, **_: Any,
    ) -> dict[str, Any]:
        child_events = self.map_run_child_events(ctx, execution_arn)
        events = list(child_events if child_events is not None
                      else self._record(ctx, execution_arn).events)
        if reverse_order:
            events.reverse()
        chunk, token = page(events, next_token, max_results, default=1000)
        include = include_execution_data is not False
        reply: dict[str, Any] = {"events": [_event_for_output(event, include) for event in chunk]}
        if token:
            reply["nextToken"] = token
        return reply


_DATA_KEYS = ("input", "output", "parameters")
_CHILD_LISTED = ("executionArn", "stateMachineArn", "name", "status", "startDate", "stopDate",
                 "mapRunArn", "itemCount")


def _child_described(child: dict[str, Any], metadata_only: bool) -> dict[str, Any]:
    """DescribeExecution of a map run's child execution: it names its map run."""
    reply = {key: value for key, value in child.items() if key != "itemCount"}
    reply["redriveCount"] = 0
    reply["inputDetails"] = {"included": not metadata_only}
    if "output" in reply:
        reply["outputDetails"] = {"included": not metadata_only}
    if metadata_only:
        reply.pop("input", None)
        reply.pop("output", None)
    return reply


def _event_for_output(event: dict[str, Any], include_data: bool) -> dict[str, Any]:
    if include_data:
        return event
    out: dict[str, Any] = {}
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k not in _DATA_KEYS}
        out[key] = value
    return out


def _billed_milliseconds(seconds: float) -> int:
    """An Express execution's billed duration: rounded up to the nearest 100 ms
    (https://aws.amazon.com/step-functions/pricing/)."""
    return max(100, math.ceil(seconds * 10 - 1e-9) * 100)


__all__ = ["REDRIVE_DAYS", "ExecutionsApi"]
