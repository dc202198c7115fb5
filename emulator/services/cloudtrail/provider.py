"""The CloudTrail provider: LookupEvents over the calls the wire layer noted, trails, and their
log files delivered to S3 on the clock."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from emulator.services.cloudtrail.delivery import DeliveryApi
from emulator.services.cloudtrail.lookup import LookupApi
from emulator.services.cloudtrail.selection import SelectionApi, has_data
from emulator.services.cloudtrail.trails import TrailsApi


class CloudTrailProvider(LookupApi, TrailsApi, SelectionApi, DeliveryApi):
    service_name = "cloudtrail"
    _loop: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if any(has_data(record) for _, _, record in self.trails.everywhere()):
            self.watch_data_events()  # restored trails that select data events
        self._loop = asyncio.get_running_loop().create_task(self.run_deliveries())

    async def stop(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._loop
            self._loop = None

    def reset(self) -> None:
        super().reset()
        self.calls.clear()

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"trails": [{"name": record.name, "arn": record.arn, "account": account,
                            "region": region, "logging": record.logging}
                           for account, region, record in self.trails.everywhere()]}


__all__ = ["CloudTrailProvider"]
