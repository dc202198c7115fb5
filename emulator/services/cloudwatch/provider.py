"""The CloudWatch provider: metrics, alarms evaluated on the clock, dashboards, tags, and the
``metrics`` port the other services publish through."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from emulator.services.cloudwatch.alarms import AlarmsApi
from emulator.services.cloudwatch.dashboards import DashboardsApi
from emulator.services.cloudwatch.evaluation import EvaluationApi
from emulator.services.cloudwatch.metrics import MetricsApi
from emulator.services.cloudwatch.models import ALARMS
from emulator.services.cloudwatch.port import MetricsPort
from emulator.services.cloudwatch.tags import TagsApi


class CloudWatchProvider(MetricsApi, AlarmsApi, DashboardsApi, TagsApi, EvaluationApi):
    service_name = "cloudwatch"
    _loop: asyncio.Task[None] | None = None

    def port(self, name: str) -> object | None:
        return MetricsPort(self) if name == "metrics" else None  # the registry keeps it

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop().create_task(self.run_evaluations())

    async def stop(self) -> None:
        for task in [self._loop, *self.actions]:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._loop = None

    def reset(self) -> None:
        super().reset()
        self.scopes.clear()

    def busy(self) -> list[str]:
        return [f"{len(self.actions)} alarm action(s) under way"] if self.actions else []

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        alarms = [{"name": record.name, "arn": record.arn, "state": record.state,
                   "kind": record.kind}
                  for account, region in self.store.scopes(ALARMS)
                  for record in self.alarms(account, region).values()]
        metrics = [{"namespace": metric.namespace, "name": metric.name,
                    "dimensions": dict(metric.dimensions), "account": account,
                    "region": region}
                   for (account, region), data in self.scopes.items()
                   for metric in data.series]
        return {"alarms": alarms, "metrics": metrics}


__all__ = ["CloudWatchProvider"]
