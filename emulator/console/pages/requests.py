"""Requests: every request the emulator answered (AWS API calls, invoke URLs, function URLs,
WebSocket messages), filterable, each opening its request and response with bodies cut short
and credentials masked."""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response

from emulator import traffic
from emulator.console.page import Page, View, route
from emulator.console.security import mask_body, mask_headers
from emulator.traffic import Exchange

SHOWN = 100
KINDS = ("api", "execute-api", "http-api", "websocket", "function-url", "unroutable")
STATUSES = {"": "any status", "ok": "2xx and 3xx", "4xx": "4xx", "5xx": "5xx",
            "errors": "4xx and 5xx"}


def _filter(kind: str, status: str, words: list[str]) -> Callable[[Exchange], bool]:
    def keep(exchange: Exchange) -> bool:
        if kind and exchange.kind != kind:
            return False
        code = exchange.status
        if (status == "ok" and code >= 400) or (status == "4xx" and not 400 <= code < 500) \
                or (status == "5xx" and code < 500) or (status == "errors" and code < 400):
            return False
        return not words or traffic.matches(exchange, words)

    return keep


async def listing(view: View) -> Response:
    kind = view.query.get("kind", "")
    status = view.query.get("status", "")
    text = view.query.get("q", "")
    found = view.console.requests.recent(SHOWN, _filter(kind, status, text.split()))
    return view.render("requests.html", exchanges=found, kinds=KINDS, statuses=STATUSES,
                       kind=kind, status=status, q=text, total=len(view.console.requests),
                       capacity=view.console.requests.capacity)


def _content_type(pairs: list[tuple[str, str]]) -> str:
    return next((v for k, v in pairs if k.lower() == "content-type"), "")


async def detail(view: View) -> Response:
    try:
        exchange = view.console.requests.get(int(view.params["id"]))
    except ValueError:
        exchange = None
    if exchange is None:
        return view.render("request.html", http_status=404, exchange=None)
    sent = traffic.header_pairs(exchange.request_headers)
    answered = traffic.header_pairs(exchange.response_headers)
    return view.render(
        "request.html", exchange=exchange, request_headers=mask_headers(sent),
        response_headers=mask_headers(answered),
        request_body=mask_body(exchange.request_body, _content_type(sent)),
        response_body=mask_body(exchange.response_body, _content_type(answered)),
        limit=view.console.requests.body_bytes)


PAGE = Page(slug="requests", title="Requests", order=10, routes=[
    route("/", listing),
    route("/{id}", detail),
], description="every request answered, with its request and response")
