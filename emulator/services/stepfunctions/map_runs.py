"""DescribeMapRun, ListMapRuns and UpdateMapRun: the Distributed Map runs of an execution, live
while it runs (the engine's MapRunProgress) and kept in its record once it ended, and the
runs' child executions that ListExecutions (``mapRunArn``), DescribeExecution,
DescribeStateMachineForExecution and GetExecutionHistory (STANDARD children) report
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html,
https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListMapRuns.html,
https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateMapRun.html)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from emulator.asl.map_runs import MapRunProgress
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.stepfunctions import naming
from emulator.services.stepfunctions.common import StepFunctionsBase

_LISTED = ("executionArn", "mapRunArn", "stateMachineArn", "startDate", "stopDate")
# In a stored run, but not DescribeMapRun's answer.
_KEPT_ONLY = ("stateMachineArn", "children", "childStateMachineArn", "label", "childDefinition")
# What a child's DescribeStateMachineForExecution needs of its run.
_RUN_FACTS = ("mapRunArn", "executionArn", "childStateMachineArn", "label", "childDefinition")


class MapRunsApi(StepFunctionsBase):
    def _map_run_arn(self, map_run_arn: str) -> naming.SfnArn:
        parts = naming.parse_arn(map_run_arn)
        if parts.kind != "mapRun":
            raise ServiceError("InvalidArn", "Invalid Arn: 'Resource type not valid in this "
                                             f"context: {parts.kind}'")
        return parts

    def _live_run(self, map_run_arn: str) -> MapRunProgress | None:
        for runs in list(self.map_runs.values()):
            for run in runs:
                if run.arn == map_run_arn:
                    return run
        return None

    def _stored_runs(self, account: str, region: str) -> Iterator[dict[str, Any]]:
        for record in self._executions(account, region).values():
            yield from record.map_runs

    def _find_run(self, ctx: RequestContext,
                  map_run_arn: str) -> MapRunProgress | dict[str, Any]:
        """The live run or the stored one that ``map_run_arn`` names, in the caller's account."""
        parts = self._map_run_arn(map_run_arn)
        if parts.account == ctx.account_id:
            live = self._live_run(map_run_arn)
            if live is not None:
                return live
            for stored in self._stored_runs(ctx.account_id, parts.region):
                if stored["mapRunArn"] == map_run_arn:
                    return stored
        raise ServiceError("ResourceNotFound", f"Resource not found: '{map_run_arn}'")

    def describe_map_run(self, ctx: RequestContext, *, map_run_arn: str,
                         **_: Any) -> dict[str, Any]:
        run = self._find_run(ctx, map_run_arn)
        if isinstance(run, MapRunProgress):
            return run.describe()
        return {k: v for k, v in run.items() if k not in _KEPT_ONLY}

    def list_map_runs(self, ctx: RequestContext, *, execution_arn: str,
                      max_results: int | None = None, next_token: str | None = None,
                      **_: Any) -> dict[str, Any]:
        parsed = naming.execution_arn(execution_arn)
        record = self._executions(parsed.account, parsed.region).get(execution_arn)
        if record is None or parsed.account != ctx.account_id:
            raise ServiceError("ExecutionDoesNotExist",
                               f"Execution Does Not Exist: '{execution_arn}'")
        runs = record.map_runs + [run.stored() for run in self.map_runs.get(record.arn, [])]
        listed = [{key: run[key] for key in _LISTED if key in run} for run in runs]
        return naming.listing("mapRuns", listed, next_token, max_results)

    def update_map_run(self, ctx: RequestContext, *, map_run_arn: str,
                       max_concurrency: int | None = None,
                       tolerated_failure_percentage: float | None = None,
                       tolerated_failure_count: int | None = None,
                       **_: Any) -> dict[str, Any]:
        """New settings for the children of a running map run that have not started yet."""
        run = self._find_run(ctx, map_run_arn)
        if not isinstance(run, MapRunProgress) or run.status != "RUNNING":
            raise ServiceError("ValidationException",
                               f"Map Run is not in progress: '{map_run_arn}'")
        if tolerated_failure_percentage is not None and not (
                0 <= tolerated_failure_percentage <= 100):
            raise ServiceError("ValidationException",
                               "toleratedFailurePercentage must be between 0 and 100")
        run.update(max_concurrency, tolerated_failure_percentage, tolerated_failure_count)
        return {}

    # ----- the runs' child executions -----------------------------------------------------

    def map_run_children(self, ctx: RequestContext, map_run_arn: str) -> list[dict[str, Any]]:
        run = self._find_run(ctx, map_run_arn)
        if isinstance(run, MapRunProgress):
            return [run.child_summary(child) for child in run.children]
        return list(run.get("children", []))

    def map_run_child(self, ctx: RequestContext, arn: str) -> dict[str, Any] | None:
        found = self._child_and_run(ctx, arn)
        return found[0] if found is not None else None

    def map_run_of_child(self, ctx: RequestContext, arn: str) -> dict[str, Any] | None:
        found = self._child_and_run(ctx, arn)
        return found[1] if found is not None else None

    def map_run_child_events(self, ctx: RequestContext,
                             arn: str) -> list[dict[str, Any]] | None:
        found = self._child_and_run(ctx, arn)
        return found[2] if found is not None else None

    def _child_and_run(self, ctx: RequestContext, arn: str) -> tuple[
            dict[str, Any], dict[str, Any], list[dict[str, Any]] | None] | None:
        """The child execution ``arn`` names, as listed; its map run (its ARN, its parent
        execution, the label and the children's state machine and definition); and its own
        history (None for an EXPRESS child)."""
        parts = naming.parse_arn(arn)
        if parts.account != ctx.account_id or "/" not in parts.machine_name:
            return None
        for runs in list(self.map_runs.values()):
            for run in runs:
                if arn.startswith(run.child_prefix + ":"):
                    for child in run.children:
                        if run.child_arn(child) == arn:
                            return run.child_summary(child), {
                                "mapRunArn": run.arn, "executionArn": run.execution_arn,
                                **run.child_machine_facts()}, child.events
        for stored in self._stored_runs(ctx.account_id, parts.region):
            for summary in stored.get("children", ()):
                if summary["executionArn"] == arn:
                    listed = {key: value for key, value in summary.items() if key != "events"}
                    return listed, {key: stored.get(key, "") for key in _RUN_FACTS}, \
                        summary.get("events")
        return None


__all__ = ["MapRunsApi"]
