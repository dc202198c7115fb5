"""Step Functions: state machines drawn as graphs, their executions, one execution on the graph
(each state's status, input, output, retries and failing cause) beside its history, and a form
that starts an execution."""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from starlette.responses import Response

from emulator.console import statemachine, svg
from emulator.console.layout import layout
from emulator.console.page import Page, View, route
from emulator.errors import ServiceError

EXECUTIONS_SHOWN = 100
HISTORY_LIMIT = 5000


def _machine_of(execution_arn: str) -> str:
    """The state machine ARN an execution ARN belongs to."""
    parts = execution_arn.split(":")
    if len(parts) < 8:
        return ""
    return ":".join([*parts[:5], "stateMachine", parts[6]])


def _summary(view: View) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """State machines with their executions counted by status, and activities."""
    listing = view.resources("stepfunctions")
    counts: dict[str, Counter[str]] = {}
    for execution in listing.get("executions", []):
        counts.setdefault(_machine_of(execution["arn"]), Counter())[execution["status"]] += 1
    rows = [{**machine, "counts": dict(counts.get(machine["arn"], {}))}
            for machine in sorted(listing.get("stateMachines", []),
                                  key=lambda m: str(m["name"]))]
    return rows, listing.get("activities", [])


async def machines(view: View) -> Response:
    rows, activities = view.console.memo(f"states:{view.account}:{view.region}",
                                         "stepfunctions", lambda: _summary(view))
    return view.render("stepfunctions/machines.html", machines=rows, activities=activities)


@lru_cache(maxsize=128)
def drawing(definition: str) -> tuple[Any, Any]:
    """The definition's graph and its layout, computed once per definition."""
    graph = statemachine.graph(definition)
    return graph, layout(graph)


async def _describe(view: View, name: str) -> dict[str, Any]:
    arn = f"arn:aws:states:{view.region}:{view.account}:stateMachine:{name}"
    return await view.call("stepfunctions", "DescribeStateMachine", stateMachineArn=arn)


async def machine(view: View, problem: str = "", given_input: str = "") -> Response:
    described = await _describe(view, view.params["name"])
    status = view.query.get("status") or None
    executions: list[dict[str, Any]] = []
    if described.get("type") != "EXPRESS":
        executions = (await view.call(
            "stepfunctions", "ListExecutions", stateMachineArn=described["stateMachineArn"],
            statusFilter=status, maxResults=EXECUTIONS_SHOWN)).get("executions", [])
    _, drawn = drawing(described["definition"])
    return view.render("stepfunctions/machine.html", machine=described,
                       graph=svg.render(drawn), executions=executions, status=status or "",
                       problem=problem, input_text=given_input or "{}",
                       definition=_pretty_definition(described["definition"]))


def _pretty_definition(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2)
    except ValueError:
        return text


async def start(view: View) -> Response:
    described = await _describe(view, view.params["name"])
    text = view.form.get("input", "").strip() or "{}"
    try:
        json.loads(text)
    except ValueError as error:
        return await machine(view, f"The input is not JSON: {error}", text)
    name = view.form.get("execution_name", "").strip() or None
    try:
        started = await view.call("stepfunctions", "StartExecution",
                                  stateMachineArn=described["stateMachineArn"], input=text,
                                  name=name)
    except ServiceError as error:
        return await machine(view, f"{error.code}: {error.message}", text)
    return view.redirect(view.url("execution?arn=" + quote(started["executionArn"], safe="")))


async def execution(view: View) -> Response:
    arn = view.query.get("arn", "")
    described = await view.call("stepfunctions", "DescribeExecution", executionArn=arn)
    events = await _history(view, arn)
    definition = described.get("definition") or (await view.call(
        "stepfunctions", "DescribeStateMachineForExecution", executionArn=arn))["definition"]
    runs = statemachine.runs(events, described["status"], statemachine.parents(definition))
    _, drawn = drawing(definition)
    statuses = {name: run.status for name, run in runs.items()}
    tips = {name: f"{name}: {run.status}" + (f", {run.retries} retries" if run.retries else "")
            for name, run in runs.items()}
    error, cause = statemachine.failure(events)
    failed_state = next((run for run in runs.values() if run.status == "failed"), None)
    return view.render("stepfunctions/execution.html", execution=described,
                       graph=Markup(svg.render(drawn, statuses, tips)), runs=runs,
                       events=events, error=error or described.get("error"),
                       cause=cause or described.get("cause"), failed_state=failed_state,
                       machine_name=described["stateMachineArn"].rsplit(":", 1)[-1])


async def _history(view: View, arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    token = None
    while len(events) < HISTORY_LIMIT:
        page = await view.call("stepfunctions", "GetExecutionHistory", executionArn=arn,
                               maxResults=1000, nextToken=token)
        events.extend(page.get("events", []))
        token = page.get("nextToken")
        if not token:
            break
    return events


PAGE = Page(slug="states", title="Step Functions", order=40, services=("stepfunctions",),
            routes=[
                route("/", machines),
                route("/execution", execution),
                route("/machines/{name}", machine),
                route("/machines/{name}/start", start, "POST"),
            ], description="state machines as graphs, executions on the graph")
