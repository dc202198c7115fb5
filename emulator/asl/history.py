"""Execution history events as Step Functions writes them.

Each event has an id (from 1), the id of the event before it in the same thread of execution
(``previousEventId``: a Parallel branch or Map iteration continues from the event that started
it), a timestamp and the details member named after its type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.asl import errors

MAX_EVENTS = 25_000

# Event type -> the HistoryEvent member holding its details.
DETAILS: dict[str, str] = {
    "ExecutionStarted": "executionStartedEventDetails",
    "ExecutionSucceeded": "executionSucceededEventDetails",
    "ExecutionFailed": "executionFailedEventDetails",
    "ExecutionAborted": "executionAbortedEventDetails",
    "ExecutionTimedOut": "executionTimedOutEventDetails",
    "ExecutionRedriven": "executionRedrivenEventDetails",
    "TaskScheduled": "taskScheduledEventDetails",
    "TaskStarted": "taskStartedEventDetails",
    "TaskStartFailed": "taskStartFailedEventDetails",
    "TaskSubmitted": "taskSubmittedEventDetails",
    "TaskSubmitFailed": "taskSubmitFailedEventDetails",
    "TaskSucceeded": "taskSucceededEventDetails",
    "TaskFailed": "taskFailedEventDetails",
    "TaskTimedOut": "taskTimedOutEventDetails",
    "LambdaFunctionScheduled": "lambdaFunctionScheduledEventDetails",
    "LambdaFunctionScheduleFailed": "lambdaFunctionScheduleFailedEventDetails",
    "LambdaFunctionStartFailed": "lambdaFunctionStartFailedEventDetails",
    "LambdaFunctionSucceeded": "lambdaFunctionSucceededEventDetails",
    "LambdaFunctionFailed": "lambdaFunctionFailedEventDetails",
    "LambdaFunctionTimedOut": "lambdaFunctionTimedOutEventDetails",
    "MapStateStarted": "mapStateStartedEventDetails",
    "MapIterationStarted": "mapIterationStartedEventDetails",
    "MapIterationSucceeded": "mapIterationSucceededEventDetails",
    "MapIterationFailed": "mapIterationFailedEventDetails",
    "MapIterationAborted": "mapIterationAbortedEventDetails",
    "MapRunStarted": "mapRunStartedEventDetails",
    "MapRunFailed": "mapRunFailedEventDetails",
    "EvaluationFailed": "evaluationFailedEventDetails",
    "ActivityScheduled": "activityScheduledEventDetails",
    "ActivityScheduleFailed": "activityScheduleFailedEventDetails",
    "ActivityStarted": "activityStartedEventDetails",
    "ActivitySucceeded": "activitySucceededEventDetails",
    "ActivityFailed": "activityFailedEventDetails",
    "ActivityTimedOut": "activityTimedOutEventDetails",
}
for _kind in ("Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"):
    DETAILS[f"{_kind}StateEntered"] = "stateEnteredEventDetails"
    DETAILS[f"{_kind}StateExited"] = "stateExitedEventDetails"

EXECUTION_END = frozenset(
    {"ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"}
)


class Track:
    """One thread of events: the id of the last event written in it."""

    __slots__ = ("last",)

    def __init__(self, last: int = 0) -> None:
        self.last = last


class History:
    """The events of one execution. ``keep=False`` numbers events without storing them
    (EXPRESS executions and a Distributed Map's EXPRESS children, whose history is not kept)."""

    def __init__(
        self,
        now: Callable[[], float],
        events: list[dict[str, Any]] | None = None,
        keep: bool = True,
        limit: int = MAX_EVENTS,
    ) -> None:
        self.now = now
        self.events: list[dict[str, Any]] = events if events is not None else []
        self.count = len(self.events)
        self.keep = keep
        # Only kept histories (STANDARD executions) are limited.
        self.limit = limit if keep else 2**62

    def add(self, track: Track, kind: str, details: dict[str, Any] | None = None) -> int:
        if self.count >= self.limit - 1 and kind not in EXECUTION_END:
            raise errors.StatesError(
                errors.RUNTIME,
                f"The execution reached the maximum number of history events ({self.limit}).",
            )
        self.count += 1
        event_id = self.count
        if self.keep:
            event: dict[str, Any] = {
                "timestamp": self.now(),
                "type": kind,
                "id": event_id,
                "previousEventId": track.last,
            }
            if details is not None:
                event[DETAILS[kind]] = details
            self.events.append(event)
        track.last = event_id
        return event_id

    def truncate(self, count: int) -> None:
        del self.events[count:]
        self.count = count


def data_details(key: str, value: str) -> dict[str, Any]:
    """``{"input": ..., "inputDetails": {"truncated": false}}`` and the like."""
    return {key: value, f"{key}Details": {"truncated": False}}


__all__ = ["DETAILS", "EXECUTION_END", "MAX_EVENTS", "History", "Track", "data_details"]
