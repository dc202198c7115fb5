"""AWS Step Functions: the provider lists its parts (state machines, versions and aliases,
executions, activities, tags, TestState) and runs what outlives a request.

Definitions are compiled once by emulator.asl and cached by their text. The engine reaches
other services through the Services bundle the base class builds: the ports, the AWS SDK seam
(sdk.py) and nested executions (nested.py).
"""

from __future__ import annotations

from typing import Any

from emulator.services.stepfunctions.activities import ActivitiesApi
from emulator.services.stepfunctions.executions import ExecutionsApi
from emulator.services.stepfunctions.machines import MachinesApi
from emulator.services.stepfunctions.map_runs import MapRunsApi
from emulator.services.stepfunctions.nested import ExecutionsPort
from emulator.services.stepfunctions.tags import TagsApi
from emulator.services.stepfunctions.test_state import TestStateApi
from emulator.services.stepfunctions.versions import VersionsApi


class StepFunctionsProvider(MachinesApi, VersionsApi, ExecutionsApi, MapRunsApi, ActivitiesApi,
                            TagsApi, TestStateApi):
    service_name = "stepfunctions"

    def port(self, name: str) -> object | None:
        return ExecutionsPort(self) if name == "executions" else None

    async def start(self) -> None:
        self.resume_stored()

    async def stop(self) -> None:
        for _execution, task, _record in list(self.launched.values()):
            task.cancel()
        self._running.clear()
        self.launched.clear()

    def reset(self) -> None:
        # Reset may come from another thread (the pytest plugin): cancel on each task's loop,
        # and move to a new generation so no execution of the old one writes its record.
        self._generation += 1
        for _execution, task, _record in list(self.launched.values()):
            task.get_loop().call_soon_threadsafe(task.cancel)
        self._running.clear()
        self.launched.clear()
        self.children.clear()
        self.map_runs.clear()
        self.callbacks.reset()
        super().reset()

    def busy(self) -> list[str]:
        """Executions that can move on without the clock or a caller (a task token, an
        activity worker): not yet started, or with a state running."""
        return [f"execution {arn} is running"
                for arn, (execution, task, _record) in list(self.launched.items())
                if not task.done() and (execution.threads == 0 or execution.busy)]

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "stateMachines": [{"arn": m.arn, "name": m.name, "type": m.type}
                              for _account, _region, m in self._machines.everywhere()],
            "executions": [{"arn": e.arn, "status": e.status}
                           for _account, _region, e in self._executions.everywhere()],
            "activities": [{"arn": a.arn, "name": a.name}
                           for _account, _region, a in self._activities.everywhere()],
        }


__all__ = ["StepFunctionsProvider"]
