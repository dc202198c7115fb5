"""X-Ray: traces (newest first, with filter expressions), one trace as a waterfall, and the
service map drawn as a graph."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.responses import Response

from emulator.console import svg
from emulator.console.layout import Edge, Graph, Node, layout
from emulator.console.page import Page, View, route
from emulator.console.waterfall import waterfall
from emulator.errors import ServiceError

WINDOWS = {"5": "5 minutes", "60": "1 hour", "360": "6 hours", "1440": "24 hours"}
SHOWN = 100
NARROWINGS = 6  # halvings of the window looking for the newest matches of a filter
MAP_TRACES = 300  # the service map is drawn from the newest traces


def _window(view: View) -> tuple[str, datetime, datetime]:
    minutes = view.query.get("window", "60")
    minutes = minutes if minutes in WINDOWS else "60"
    end = view.console.clock.now_datetime().astimezone(UTC) + timedelta(seconds=1)
    return minutes, end - timedelta(minutes=int(minutes)), end


def _listed(item: dict[str, Any]) -> dict[str, Any]:
    """A ``traces`` port entry in the shape the page shows."""
    return {"id": item["id"], "start": item["start_time"], "duration": item["duration"],
            "method": item.get("method") or "", "url": item.get("url") or "",
            "status": item.get("http_status"), "fault": item.get("fault"),
            "error": item.get("error"), "throttle": False, "name": item.get("name")}


def _summarized(summary: dict[str, Any]) -> dict[str, Any]:
    """A GetTraceSummaries entry in the shape the page shows."""
    http = summary.get("Http") or {}
    return {"id": summary["Id"], "start": summary.get("StartTime"),
            "duration": summary.get("ResponseTime") or summary.get("Duration") or 0.0,
            "method": http.get("HttpMethod") or "", "url": http.get("HttpURL") or "",
            "status": http.get("HttpStatus"), "fault": summary.get("HasFault"),
            "error": summary.get("HasError"), "throttle": summary.get("HasThrottle"),
            "name": ""}


async def _matching(view: View, start: datetime, end: datetime, expression: str
                    ) -> list[dict[str, Any]]:
    """The newest traces a filter expression matches: a page of GetTraceSummaries (oldest
    first) over a window narrowed toward its end until one page holds all of it."""
    span = end - start
    found: list[dict[str, Any]] = []
    for _ in range(NARROWINGS):
        answer = await view.call("xray", "GetTraceSummaries", StartTime=end - span,
                                 EndTime=end, FilterExpression=expression)
        found = answer.get("TraceSummaries", [])
        if not answer.get("NextToken"):
            break
        span = span / 2
    rows = [_summarized(summary) for summary in found]
    rows.sort(key=lambda row: str(row["start"]), reverse=True)
    return rows


def _recent(view: View, limit: int) -> list[dict[str, Any]]:
    if "xray" not in view.console.services.loaded():
        return []
    return [_listed(item) for item in view.port("traces").recent(view.account, view.region,
                                                                 limit)]


async def traces(view: View) -> Response:
    minutes, start, end = _window(view)
    expression = view.query.get("filter", "").strip()
    problem = ""
    rows: list[dict[str, Any]] = []
    try:
        rows = await _matching(view, start, end, expression) if expression else \
            _recent(view, SHOWN)
    except ServiceError as error:
        problem = error.message or error.code
    return view.render("xray/traces.html", rows=rows, filter=expression, problem=problem,
                       windows=WINDOWS, window=minutes)


async def trace(view: View) -> Response:
    trace_id = view.params["trace_id"]
    answer = await view.call("xray", "BatchGetTraces", TraceIds=[trace_id])
    found = answer.get("Traces") or []
    if not found:
        return view.render("xray/trace.html", http_status=404, trace_id=trace_id, drawn=None)
    return view.render("xray/trace.html", trace_id=trace_id, drawn=waterfall(found[0]))


def service_graph(services: list[dict[str, Any]]) -> Graph:
    """GetServiceGraph's services as nodes, their edges as edges (client first)."""
    nodes, edges = [], []
    for service in services:
        reference = str(service.get("ReferenceId"))
        name = str(service.get("Name") or service.get("Type") or reference)
        nodes.append(Node(reference, name, "service", name=reference))
        for edge in service.get("Edges") or []:
            stats = edge.get("SummaryStatistics") or {}
            count = int(stats.get("TotalCount") or 0)
            label = f"{count} call{'s' if count != 1 else ''}" if count else ""
            edges.append(Edge(reference, str(edge.get("ReferenceId")), label, "next"))
    return Graph(nodes, edges)


def _health(service: dict[str, Any]) -> str:
    stats = service.get("SummaryStatistics") or {}
    if int((stats.get("FaultStatistics") or {}).get("TotalCount") or 0):
        return "failed"
    if int((stats.get("ErrorStatistics") or {}).get("TotalCount") or 0):
        return "caught"
    return "succeeded" if stats else ""


async def service_map(view: View) -> Response:
    """The service map of the newest traces (GetServiceGraph's services for them)."""
    services: list[dict[str, Any]] = []
    if "xray" in view.console.services.loaded():
        services = view.port("traces").service_graph(view.account, view.region, MAP_TRACES)
    graph = service_graph(services)
    statuses = {str(s.get("ReferenceId")): _health(s) for s in services}
    tips = {str(s.get("ReferenceId")): f"{s.get('Name')} ({s.get('Type')})" for s in services}
    drawn = svg.render(layout(graph), statuses, tips) if services else None
    return view.render("xray/map.html", graph=drawn, services=services, limit=MAP_TRACES)


PAGE = Page(slug="xray", title="X-Ray", order=50, services=("xray",), routes=[
    route("/", traces),
    route("/map", service_map),
    route("/traces/{trace_id}", trace),
], description="traces, waterfalls and the service map")
