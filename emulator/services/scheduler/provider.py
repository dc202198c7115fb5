"""Amazon EventBridge Scheduler: schedule groups (groups.py), schedules (schedules.py) and
their firings on the emulator clock (firing.py, delivery.py)."""

from __future__ import annotations

from typing import Any

from emulator.services.scheduler.firing import FiringApi
from emulator.services.scheduler.groups import GroupsApi
from emulator.services.scheduler.schedules import SchedulesApi


class SchedulerProvider(SchedulesApi, GroupsApi, FiringApi):
    service_name = "scheduler"

    async def start(self) -> None:
        self.resume_schedules()

    async def stop(self) -> None:
        self.jobs.cancel_all()

    def reset(self) -> None:
        self.jobs.cancel_all()
        self._plans.clear()
        super().reset()

    def busy(self) -> list[str]:
        return self.jobs.busy()

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"schedules": [{"arn": schedule.arn, "expression": schedule.expression,
                               "state": schedule.state, "target": schedule.target.get("Arn")}
                              for _account, _region, schedule in self.schedules.everywhere()]}


__all__ = ["SchedulerProvider"]
