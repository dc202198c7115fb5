"""A state machine as a graph to draw, and an execution's history as each state's status.

The definition is read as written (``States``, ``Next``, ``End``, Choice ``Choices`` and
``Default``, ``Catch``, Parallel ``Branches``, Map ``ItemProcessor`` or ``Iterator``); the
history is the GetExecutionHistory event list, whose ``previousEventId`` links tie each event
to the state it happened in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from emulator.console.layout import Edge, Graph, Node

START = "\x00start"
END = "\x00end"
_COMPARISONS = {
    "StringEquals": "==", "StringLessThan": "<", "StringGreaterThan": ">",
    "StringLessThanEquals": "<=", "StringGreaterThanEquals": ">=", "StringMatches": "matches",
    "NumericEquals": "==", "NumericLessThan": "<", "NumericGreaterThan": ">",
    "NumericLessThanEquals": "<=", "NumericGreaterThanEquals": ">=",
    "BooleanEquals": "==", "TimestampEquals": "==", "TimestampLessThan": "<",
    "TimestampGreaterThan": ">", "TimestampLessThanEquals": "<=",
    "TimestampGreaterThanEquals": ">=",
}
LABEL_LIMIT = 40


def graph(definition: dict[str, Any] | str) -> Graph:
    """The top-level graph: a start marker, every state, an end marker."""
    document = json.loads(definition) if isinstance(definition, str) else definition
    inner = _states(document, "")
    start = Node(START, "Start", "start")
    end = Node(END, "End", "end")
    edges = list(inner.edges)
    first = document.get("StartAt")
    if isinstance(first, str) and any(n.name == first for n in inner.nodes):
        edges.insert(0, Edge(START, _id("", first), kind="next"))
    for node_id in _terminals(document, ""):
        edges.append(Edge(node_id, END, kind="next"))
    return Graph([start, *inner.nodes, end], edges)


def _id(prefix: str, name: str) -> str:
    return f"{prefix}{name}"


def _states(document: dict[str, Any], prefix: str) -> Graph:
    """The states of one States object (the machine, a branch, a Map processor)."""
    states = document.get("States")
    if not isinstance(states, dict):
        return Graph([])
    nodes: list[Node] = []
    edges: list[Edge] = []
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        kind = str(state.get("Type", ""))
        node = Node(_id(prefix, name), name, kind, name=name)
        node.groups = _groups(name, kind, state, prefix)
        nodes.append(node)
        edges.extend(_edges(prefix, name, state, states))
    first = document.get("StartAt")
    if isinstance(first, str) and first in states:  # the start state first, for the layout
        nodes.sort(key=lambda n: n.name != first)
    return Graph(nodes, edges)


def _groups(name: str, kind: str, state: dict[str, Any], prefix: str) -> list[Graph]:
    if kind == "Parallel":
        branches = state.get("Branches")
        if not isinstance(branches, list):
            return []
        return [_branch(branch, f"{prefix}{name}/{index}/", f"Branch {index + 1}")
                for index, branch in enumerate(branches) if isinstance(branch, dict)]
    if kind == "Map":
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if isinstance(processor, dict):
            mode = (processor.get("ProcessorConfig") or {}).get("Mode", "INLINE")
            label = "Item processor" + (" (distributed)" if mode == "DISTRIBUTED" else "")
            return [_branch(processor, f"{prefix}{name}/", label)]
    return []


def _branch(document: dict[str, Any], prefix: str, label: str) -> Graph:
    inner = _states(document, prefix)
    inner.label = label
    return inner


def _edges(prefix: str, name: str, state: dict[str, Any], states: dict[str, Any]
           ) -> list[Edge]:
    source = _id(prefix, name)
    found: list[Edge] = []

    def to(target: Any, label: str, kind: str) -> None:
        if isinstance(target, str) and target in states:
            found.append(Edge(source, _id(prefix, target), _short(label), kind))

    if state.get("Type") == "Choice":
        for rule in state.get("Choices") or []:
            if isinstance(rule, dict):
                to(rule.get("Next"), rule_label(rule), "choice")
        to(state.get("Default"), "Default", "default")
    else:
        to(state.get("Next"), "", "next")
    for catcher in state.get("Catch") or []:
        if isinstance(catcher, dict):
            errors = catcher.get("ErrorEquals") or []
            to(catcher.get("Next"), "catch " + ", ".join(map(str, errors)), "catch")
    return found


def _terminals(document: dict[str, Any], prefix: str) -> list[str]:
    states = document.get("States")
    if not isinstance(states, dict):
        return []
    return [_id(prefix, name) for name, state in states.items() if isinstance(state, dict) and (
        state.get("End") is True or state.get("Type") in ("Succeed", "Fail"))]


def rule_label(rule: dict[str, Any]) -> str:
    """A Choice rule in a few words: ``$.total >= 100``, ``And(...)``, a JSONata condition."""
    if "Condition" in rule:
        return str(rule["Condition"])
    for combinator in ("And", "Or"):
        if isinstance(rule.get(combinator), list):
            parts = [rule_label(r) for r in rule[combinator] if isinstance(r, dict)]
            return f" {combinator.lower()} ".join(f"({part})" for part in parts)
    if isinstance(rule.get("Not"), dict):
        return f"not ({rule_label(rule['Not'])})"
    variable = str(rule.get("Variable", ""))
    for key, value in rule.items():
        operator = key.removesuffix("Path")
        if operator in _COMPARISONS:
            shown = value if key.endswith("Path") else json.dumps(value)
            return f"{variable} {_COMPARISONS[operator]} {shown}"
        if key.startswith("Is"):
            return f"{variable} {key}" if value else f"{variable} not {key}"
    return variable or "rule"


def _short(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[:LABEL_LIMIT - 1] + "…"


# -- an execution on the graph ----------------------------------------------------------------


@dataclass
class StateRun:
    """What an execution did in one state (every entry of it, Map iterations included)."""

    name: str
    status: str = "running"  # running, succeeded, failed, caught
    entered: int = 0
    retries: int = 0
    input: str | None = None
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    events: list[int] = field(default_factory=list)


_FAILURE_SUFFIXES = ("Failed", "TimedOut", "Aborted", "ScheduleFailed", "StartFailed",
                     "SubmitFailed")
_SCHEDULED = ("TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled")


def _details(event: dict[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def parents(definition: dict[str, Any] | str) -> dict[str, str | None]:
    """Each state's enclosing Parallel or Map state (None at the top level)."""
    document = json.loads(definition) if isinstance(definition, str) else definition
    found: dict[str, str | None] = {}

    def walk(states: Any, parent: str | None) -> None:
        if not isinstance(states, dict):
            return
        for name, state in states.items():
            if not isinstance(state, dict):
                continue
            found[name] = parent
            for branch in state.get("Branches") or []:
                if isinstance(branch, dict):
                    walk(branch.get("States"), name)
            processor = state.get("ItemProcessor") or state.get("Iterator")
            if isinstance(processor, dict):
                walk(processor.get("States"), name)

    walk(document.get("States"), None)
    return found


def runs(events: list[dict[str, Any]], execution_status: str = "RUNNING",
         enclosing: dict[str, str | None] | None = None) -> dict[str, StateRun]:
    """Each state's run, keyed by state name, from an execution's history events.

    An event belongs to the state its details name, else to the state of the event before
    it; the event after a state's exit belongs to the state around it (``enclosing``, from
    :func:`parents`).
    """
    by_id = {int(e.get("id", 0)): e for e in events}
    owner: dict[int, str | None] = {}  # event id -> the state it happened in
    found: dict[str, StateRun] = {}
    attempts: dict[str, int] = {}  # tasks scheduled since the state's latest entry
    for event in events:
        event_id = int(event.get("id", 0))
        kind = str(event.get("type", ""))
        details = _details(event)
        name = _owner(event, details, by_id, owner, enclosing or {})
        owner[event_id] = name
        if name is None or kind.startswith("Execution"):
            continue
        run = found.setdefault(name, StateRun(name))
        run.events.append(event_id)
        if kind.endswith("StateEntered"):
            run.entered += 1
            attempts[name] = 0
            run.status = "running"
            run.input = details.get("input", run.input)
        elif kind.endswith("StateExited"):
            run.output = details.get("output", run.output)
            run.status = "caught" if run.status == "failed" else "succeeded"
        elif kind in _SCHEDULED:
            if attempts.get(name, 0) > 0:  # scheduled again in the same entry: a retry
                run.retries += 1
            attempts[name] = attempts.get(name, 0) + 1
        elif kind.endswith(_FAILURE_SUFFIXES) and not kind.startswith("MapIteration"):
            run.status = "failed"
            run.error = details.get("error", run.error)
            run.cause = details.get("cause", run.cause)
    if execution_status != "RUNNING":
        for run in found.values():
            if run.status == "running":  # left unfinished when the execution ended
                run.status = "failed" if execution_status in ("FAILED", "TIMED_OUT") \
                    else "aborted"
    return found


def _owner(event: dict[str, Any], details: dict[str, Any], by_id: dict[int, dict[str, Any]],
           owner: dict[int, str | None], enclosing: dict[str, str | None]) -> str | None:
    if isinstance(details.get("name"), str):
        return str(details["name"])
    previous = event.get("previousEventId")
    before = by_id.get(int(previous)) if previous is not None else None
    if before is None:
        return None
    if str(before.get("type", "")).endswith("StateExited"):
        return enclosing.get(str(_details(before).get("name", "")))
    return owner.get(int(previous))  # type: ignore[arg-type]


def failure(events: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """The error and cause the execution failed with, if it failed."""
    for event in reversed(events):
        if event.get("type") in ("ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"):
            details = _details(event)
            return details.get("error"), details.get("cause")
    return None, None


__all__ = ["END", "START", "StateRun", "failure", "graph", "parents", "rule_label", "runs"]
