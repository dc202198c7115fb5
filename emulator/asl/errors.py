"""The States.* error names, the exception that carries an error and cause, and matching.

Matching follows the error-handling rules: ``States.ALL`` matches every error except the
terminal ``States.Runtime`` and ``States.DataLimitExceeded``; ``States.TaskFailed`` matches every
error except ``States.Timeout`` (and the same two terminal errors).
"""

from __future__ import annotations

from collections.abc import Iterable

ALL = "States.ALL"
TIMEOUT = "States.Timeout"
HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"
TASK_FAILED = "States.TaskFailed"
PERMISSIONS = "States.Permissions"
RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure"
# Not in the documented list, but what AWS reports when a reference path cannot be applied: a
# ResultPath into an input that is not an object, an ItemsPath naming a missing field.
REFERENCE_PATH_CONFLICT = "States.ReferencePathConflict"
PARAMETER_PATH_FAILURE = "States.ParameterPathFailure"
BRANCH_FAILED = "States.BranchFailed"
NO_CHOICE_MATCHED = "States.NoChoiceMatched"
INTRINSIC_FAILURE = "States.IntrinsicFailure"
EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold"
ITEM_READER_FAILED = "States.ItemReaderFailed"
RESULT_WRITER_FAILED = "States.ResultWriterFailed"
DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"
QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"
RUNTIME = "States.Runtime"

# Errors no catcher or retrier can handle.
TERMINAL = frozenset({RUNTIME, DATA_LIMIT_EXCEEDED})

KNOWN = frozenset({
    ALL, TIMEOUT, HEARTBEAT_TIMEOUT, TASK_FAILED, PERMISSIONS, RESULT_PATH_MATCH_FAILURE,
    PARAMETER_PATH_FAILURE, BRANCH_FAILED, NO_CHOICE_MATCHED, INTRINSIC_FAILURE,
    EXCEED_TOLERATED_FAILURE_THRESHOLD, ITEM_READER_FAILED, RESULT_WRITER_FAILED,
    DATA_LIMIT_EXCEEDED, QUERY_EVALUATION_ERROR, RUNTIME, "States.Http.Socket",
})


class StatesError(Exception):
    """A failure inside an execution, with the error name and cause AWS reports."""

    def __init__(self, error: str, cause: str | None = "") -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


class ExecutionAborted(Exception):
    """The execution was stopped (StopExecution) or timed out while running."""


def matches(error_equals: Iterable[str], error: str) -> bool:
    """Whether a Retrier or Catcher listing ``error_equals`` handles ``error``."""
    if error in TERMINAL:
        return False
    for name in error_equals:
        if name in (error, ALL):
            return True
        if name == TASK_FAILED and error != TIMEOUT:
            return True
    return False


def runtime(cause: str) -> StatesError:
    return StatesError(RUNTIME, cause)


__all__ = [
    "ALL", "BRANCH_FAILED", "DATA_LIMIT_EXCEEDED", "EXCEED_TOLERATED_FAILURE_THRESHOLD",
    "HEARTBEAT_TIMEOUT", "INTRINSIC_FAILURE", "KNOWN", "NO_CHOICE_MATCHED",
    "PARAMETER_PATH_FAILURE", "PERMISSIONS", "QUERY_EVALUATION_ERROR",
    "REFERENCE_PATH_CONFLICT", "RESULT_PATH_MATCH_FAILURE", "RUNTIME", "TASK_FAILED", "TERMINAL",
    "TIMEOUT",
    "ExecutionAborted", "StatesError", "matches", "runtime",
]
