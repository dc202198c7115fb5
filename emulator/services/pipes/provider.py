"""Amazon EventBridge Pipes: pipes and their tags (pipes.py), each running pipe read by a
source poller (running.py) that hands its batches to the pipe's delivery (delivery.py)."""

from __future__ import annotations

from typing import Any

from emulator.services.pipes.pipes import PipesApi
from emulator.services.pipes.running import RunningApi


class PipesProvider(PipesApi, RunningApi):
    service_name = "pipes"

    async def start(self) -> None:
        self.resume_pipes()

    async def stop(self) -> None:
        if self._sources is not None:
            self._sources.reset()

    def reset(self) -> None:
        if self._sources is not None:
            self._sources.reset()
        super().reset()

    def busy(self) -> list[str]:
        return self._sources.busy() if self._sources is not None else []

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"pipes": [{"arn": pipe.arn, "source": pipe.source, "target": pipe.target,
                           "state": pipe.current_state}
                          for _account, _region, pipe in self.pipes.everywhere()]}


__all__ = ["PipesProvider"]
