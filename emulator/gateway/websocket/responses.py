"""What a two-way route sends back to its client.

A route is two-way when it has a route response (only ``$default`` exists for WebSocket
APIs), with or without a route response selection expression. A proxy integration's answer
is sent as it came (a Lambda proxy function's ``body``); a non-proxy integration's answer goes
through the integration response its key selects (a ``/regular expression/`` matching the
status code, or the Lambda function's error message, else ``$default``) and that response's
template.
"""

from __future__ import annotations

import base64
from typing import Any

from emulator.gateway.mapping import MappingError, render
from emulator.gateway.websocket import selection
from emulator.gateway.websocket.deployed import WebSocketSnapshot
from emulator.gateway.websocket.events import Call, template_context
from emulator.gateway.websocket.integrations import (
    IntegrationFailed,
    Outcome,
    sources,
    template_params,
)


def two_way(snapshot: WebSocketSnapshot, route: dict[str, Any]) -> bool:
    # "A route response is optional. When defined, it signals to API Gateway that it should
    # return a response to a client" (apigateway-websocket-api-selection-expressions.html):
    # only $default exists, so the route's selection expression, if any, can pick no other.
    return bool(snapshot.route_responses.get(str(route.get("RouteId"))))


def _selected(outcome: Outcome, responses: list[dict[str, Any]]) -> dict[str, Any]:
    value = outcome.error_message if outcome.error_message is not None \
        else str(outcome.status)
    fallback = None
    for response in responses:
        key = str(response.get("IntegrationResponseKey"))
        if key == selection.DEFAULT:
            fallback = response
        elif selection.matches(key, value):
            return response
    if fallback is None:
        raise IntegrationFailed("Execution failed due to configuration error: No match for "
                                "output mapping and no default output mapping configured. "
                                f"Endpoint Response Status Code: {outcome.status}")
    return fallback


def transformed(call: Call, integration: dict[str, Any], outcome: Outcome,
                snapshot: WebSocketSnapshot) -> bytes:
    """A non-proxy integration's answer after its integration response."""
    responses = list(snapshot.integration_responses.get(
        str(integration.get("IntegrationId")), {}).values())
    response = _selected(outcome, responses)
    body = outcome.body.decode("utf-8", "replace")
    templates: dict[str, str] = response.get("ResponseTemplates") or {}
    expression = response.get("TemplateSelectionExpression")
    key = selection.DEFAULT
    if expression:
        try:
            key = selection.evaluate(str(expression), sources(call, body))
        except selection.NotEvaluable:
            key = selection.DEFAULT
    template = templates.get(key, templates.get(selection.DEFAULT))
    data = outcome.body
    if template is not None:
        try:
            data = render(template, body, template_params(call), template_context(call),
                          call.stage_variables).encode()
        except MappingError as exc:
            raise IntegrationFailed(f"the response template failed: {exc}") from None
    if response.get("ContentHandlingStrategy") == "CONVERT_TO_TEXT":
        data = base64.b64encode(data)
    return data


def reply(call: Call, route: dict[str, Any], integration: dict[str, Any], outcome: Outcome,
          snapshot: WebSocketSnapshot) -> bytes | None:
    """What the client is sent, None for a one-way route."""
    if not two_way(snapshot, route):
        return None
    if outcome.proxy:  # a function that returns no body sends nothing
        return outcome.body or None
    return transformed(call, integration, outcome, snapshot)


__all__ = ["reply", "transformed", "two_way"]
