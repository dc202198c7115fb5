"""Lambda: functions, one function's configuration, recent invocations and live log tail, and a
test form that invokes it with a JSON payload."""

from __future__ import annotations

import base64
import json
from typing import Any

from starlette.responses import Response

from emulator.console import logview
from emulator.console.page import Page, View, route
from emulator.console.samples import sample_texts
from emulator.console.security import mask_document
from emulator.errors import ServiceError

SHOWN = 100  # functions listed at first; ?limit= shows more
TAIL_STREAMS = 5  # the streams with the latest events
TAIL_EVENTS = 150


async def functions(view: View) -> Response:
    text = view.query.get("q", "").lower()
    listed = view.resources("lambda").get("functions", [])
    matching = [f for f in listed if text in str(f.get("name", "")).lower()]
    matching.sort(key=lambda f: str(f.get("name")))
    limit = int(view.query["limit"]) if view.query.get("limit", "").isdigit() else SHOWN
    return view.render("lambda/functions.html", functions=matching[:limit],
                       total=len(listed), matching=len(matching), q=view.query.get("q", ""))


async def _log_events(view: View, group: str) -> list[dict[str, Any]]:
    """The latest events of the group's most recent streams, oldest first."""
    try:
        streams = (await view.call("logs", "DescribeLogStreams", logGroupName=group,
                                   orderBy="LastEventTime", descending=True,
                                   limit=TAIL_STREAMS)).get("logStreams", [])
    except ServiceError:  # no log group yet: the function never ran
        return []
    events: list[dict[str, Any]] = []
    for stream in streams:
        name = stream["logStreamName"]
        answer = await view.call("logs", "GetLogEvents", logGroupName=group,
                                 logStreamName=name, startFromHead=False, limit=TAIL_EVENTS)
        events.extend({**event, "logStreamName": name} for event in answer.get("events", []))
    events.sort(key=lambda e: (e.get("timestamp", 0), e.get("ingestionTime", 0)))
    return events[-TAIL_EVENTS:]


async def function(view: View, result: dict[str, Any] | None = None,
                   payload_text: str | None = None) -> Response:
    name = view.params["name"]
    found = await view.call("lambda", "GetFunction", FunctionName=name)
    config = found.get("Configuration", {})
    events = await _log_events(view, config.get("LoggingConfig", {}).get("LogGroup")
                               or f"/aws/lambda/{name}")
    environment = (config.get("Environment") or {}).get("Variables") or {}
    samples = sample_texts()
    return view.render(
        "lambda/function.html", name=name, config=config,
        environment=mask_document(environment), tags=found.get("Tags") or {},
        invocations=logview.invocations(events)[:20], log=logview.entries(events),
        samples=samples, payload=payload_text or samples["Empty object"], result=result)


async def invoke(view: View) -> Response:
    """The test form: a RequestResponse invoke with the payload, and its log tail."""
    text = view.form.get("payload", "") or "{}"
    try:
        json.loads(text)
    except ValueError as error:
        return await function(view, {"problem": f"The payload is not JSON: {error}"}, text)
    answer = await view.call("lambda", "Invoke", FunctionName=view.params["name"],
                             Payload=text.encode(), LogType="Tail")
    payload = answer.get("Payload", b"")
    tail = base64.b64decode(answer.get("LogResult") or b"").decode("utf-8", "replace")
    result = {"status": answer.get("StatusCode"), "error": answer.get("FunctionError"),
              "payload": payload.decode("utf-8", "replace") if isinstance(payload, bytes)
              else str(payload), "log": tail, "version": answer.get("ExecutedVersion")}
    return await function(view, result, text)


PAGE = Page(slug="lambda", title="Lambda", order=30, services=("lambda",), routes=[
    route("/", functions),
    route("/{name}", function),
    route("/{name}/invoke", invoke, "POST"),
], description="functions, invocations, live logs and a test form")
