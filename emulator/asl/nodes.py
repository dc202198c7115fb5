"""The typed tree a definition loads into: one node per state, every expression compiled.

Nodes are plain data. JSONPath fields hold compiled paths and templates; JSONata fields hold
compiled expressions (see emulator.asl.jsonata). Which set a state uses follows its effective
``QueryLanguage``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.asl.paths import Env, Evaluator, Path, Reference

JSONPATH = "JSONPath"
JSONATA = "JSONata"

# A compiled JSONata field: takes the $states bindings and the environment, returns a value.
Expr = Callable[[dict[str, Any], Env], Any]
Predicate = Callable[[Any, Env], bool]


@dataclass
class Retrier:
    error_equals: list[str]
    interval_seconds: float = 1
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: float | None = None
    jitter_strategy: str = "NONE"


@dataclass
class Catcher:
    error_equals: list[str]
    next: str
    result_path: Path | None = None
    result_path_set: bool = False  # False: the default "$"
    output: Expr | None = None
    assign: Assign | None = None


@dataclass
class Assign:
    """Compiled ``Assign``: evaluate every value first, then assign all at once."""

    jsonpath: Evaluator | None = None
    jsonata: Expr | None = None


@dataclass
class State:
    name: str
    type: str
    query_language: str
    next: str | None = None
    end: bool = False
    comment: str | None = None
    # JSONPath processing
    input_path: Reference | None = None
    input_path_set: bool = False
    output_path: Reference | None = None
    output_path_set: bool = False
    parameters: Evaluator | None = None
    result_selector: Evaluator | None = None
    result_path: Path | None = None
    result_path_set: bool = False
    # JSONata processing
    arguments: Expr | None = None
    output: Expr | None = None
    # both
    assign: Assign | None = None
    retry: list[Retrier] = field(default_factory=list)
    catch: list[Catcher] = field(default_factory=list)

    @property
    def jsonata(self) -> bool:
        return self.query_language == JSONATA


@dataclass
class PassState(State):
    result: Any = None
    has_result: bool = False


@dataclass
class TaskState(State):
    resource: str = ""
    timeout_seconds: int | None = None
    timeout_seconds_path: Reference | None = None
    timeout_expr: Expr | None = None
    heartbeat_seconds: int | None = None
    heartbeat_seconds_path: Reference | None = None
    heartbeat_expr: Expr | None = None
    credentials: Any = None


@dataclass
class ChoiceRule:
    next: str
    predicate: Predicate | None = None  # JSONPath rules
    condition: Expr | None = None  # JSONata rules
    assign: Assign | None = None
    output: Expr | None = None


@dataclass
class ChoiceState(State):
    choices: list[ChoiceRule] = field(default_factory=list)
    default: str | None = None


@dataclass
class WaitState(State):
    seconds: float | None = None
    timestamp: str | None = None
    seconds_path: Reference | None = None
    timestamp_path: Reference | None = None
    seconds_expr: Expr | None = None
    timestamp_expr: Expr | None = None


@dataclass
class SucceedState(State):
    pass


@dataclass
class FailState(State):
    error: str | None = None
    cause: str | None = None
    error_path: Evaluator | None = None
    cause_path: Evaluator | None = None
    error_expr: Expr | None = None
    cause_expr: Expr | None = None


@dataclass
class ParallelState(State):
    branches: list[Machine] = field(default_factory=list)


@dataclass
class ItemBatcher:
    max_items: int | None = None
    max_items_path: Reference | None = None
    max_bytes: int | None = None
    max_bytes_path: Reference | None = None
    batch_input: Evaluator | None = None
    batch_input_expr: Expr | None = None
    max_items_expr: Expr | None = None


@dataclass
class MapState(State):
    processor: Machine | None = None
    mode: str = "INLINE"
    execution_type: str = "STANDARD"
    items_path: Reference | None = None
    items_path_set: bool = False
    items_expr: Expr | None = None
    item_selector: Evaluator | None = None
    item_selector_expr: Expr | None = None
    max_concurrency: int = 0
    max_concurrency_path: Reference | None = None
    max_concurrency_expr: Expr | None = None
    tolerated_failure_percentage: float | None = None
    tolerated_failure_percentage_path: Reference | None = None
    tolerated_failure_percentage_expr: Expr | None = None
    tolerated_failure_count: int | None = None
    tolerated_failure_count_path: Reference | None = None
    tolerated_failure_count_expr: Expr | None = None
    item_batcher: ItemBatcher | None = None
    label: str | None = None
    # The ItemProcessor as written: a Distributed Map child's own definition.
    processor_definition: str = ""
    result_writer: Any = None
    item_reader: Any = None


@dataclass
class Machine:
    """A state machine, or a Parallel branch, or a Map's ItemProcessor."""

    start_at: str
    states: dict[str, State]
    query_language: str = JSONPATH
    comment: str | None = None
    timeout_seconds: int | None = None
    version: str | None = None


__all__ = [
    "JSONATA", "JSONPATH", "Assign", "Catcher", "ChoiceRule", "ChoiceState", "Expr",
    "FailState", "ItemBatcher", "Machine", "MapState", "ParallelState", "PassState",
    "Predicate", "Retrier", "State", "SucceedState", "TaskState", "WaitState",
]
