"""Tumbling windows for stream event sources.

Windows are aligned on multiples of TumblingWindowInSeconds and a record belongs to the window
its arrival time falls in. Each invocation of a window gets the state the previous one
returned; the function must answer with a ``state`` property, or the invocation counts as
failed. When the window is over (on the clock) Lambda invokes once more with no records and
``isFinalInvokeForWindow`` true, then drops the state. A state over 1 MB ends the window early
(https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-windows).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

STATE_LIMIT = 1024 * 1024


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Window:
    size: int  # seconds
    start: float | None = None  # the open window's start; None when no window is open
    state: Any = field(default_factory=dict)
    terminated_early: bool = False

    def start_of(self, arrival: float) -> float:
        return math.floor(arrival / self.size) * self.size

    @property
    def end(self) -> float:
        return (self.start or 0.0) + self.size

    def due(self, now: float) -> bool:
        """Whether the open window needs its final invocation now."""
        return self.start is not None and (self.terminated_early or now >= self.end)

    def open(self, start: float) -> None:
        self.start, self.state, self.terminated_early = start, {}, False

    def close(self) -> None:
        self.start, self.state, self.terminated_early = None, {}, False

    def fields(self, shard_id: str, source_arn: str, *, final: bool) -> dict[str, Any]:
        """The members a window invocation's event carries besides ``Records``."""
        return {
            "window": {"start": _iso(self.start or 0.0), "end": _iso(self.end)},
            "state": self.state,
            "shardId": shard_id,
            "eventSourceARN": source_arn,
            "isFinalInvokeForWindow": final,
            "isWindowTerminatedEarly": self.terminated_early,
        }

    def accept(self, response: Any) -> bool:
        """Keep the state the function answered; False when it answered none."""
        if not isinstance(response, dict) or "state" not in response:
            return False
        state = response["state"]
        self.state = state if state is not None else {}
        if len(json.dumps(self.state)) > STATE_LIMIT:
            self.terminated_early = True
        return True


__all__ = ["STATE_LIMIT", "Window"]
