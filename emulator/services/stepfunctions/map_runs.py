"""DescribeMapRun and ListMapRuns: the Distributed Map runs of an execution, live while it
runs (the engine's MapRunProgress) and kept in its record once it ended
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html,
https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListMapRuns.html)."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.stepfunctions import naming
from emulator.services.stepfunctions.common import StepFunctionsBase

_LISTED = ("executionArn", "mapRunArn", "stateMachineArn", "startDate", "stopDate")


class MapRunsApi(StepFunctionsBase):
    def describe_map_run(self, ctx: RequestContext, *, map_run_arn: str,
                         **_: Any) -> dict[str, Any]:
        parts = naming.parse_arn(map_run_arn)
        if parts.kind != "mapRun":
            raise ServiceError("InvalidArn", "Invalid Arn: 'Resource type not valid in this "
                                             f"context: {parts.kind}'")
        if parts.account == ctx.account_id:
            for runs in list(self.map_runs.values()):
                for run in runs:
                    if run.arn == map_run_arn:
                        return run.describe()
            for record in self._executions(ctx.account_id, parts.region).values():
                for stored in record.map_runs:
                    if stored["mapRunArn"] == map_run_arn:
                        return {k: v for k, v in stored.items() if k != "stateMachineArn"}
        raise ServiceError("ResourceNotFound", f"Resource not found: '{map_run_arn}'")

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


__all__ = ["MapRunsApi"]
