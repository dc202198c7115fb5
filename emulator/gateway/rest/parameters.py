"""Request and response parameter mappings: the ``requestParameters`` of an integration and
the ``responseParameters`` of integration and gateway responses.

A source is a quoted literal, ``method.request.{path|querystring|multivaluequerystring|header|
multivalueheader}.NAME``, ``method.request.body[.JSONPath]``, ``integration.response.{header|
multivalueheader}.NAME``, ``integration.response.body[.JSONPath]``, ``stageVariables.NAME`` or
``context.NAME``.
"""

from __future__ import annotations

from typing import Any

from emulator import inbound
from emulator.gateway.mapping import select, to_json


def _context_value(context: dict[str, Any], dotted: str) -> Any:
    value: Any = context
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _body_value(body: bytes, path: str) -> str | None:
    if not path:
        return body.decode("utf-8", "replace")
    try:
        document = inbound.loads(body or b"{}")
    except ValueError:
        return None
    value = select(document, "$" + path if path.startswith((".", "[")) else "$." + path)
    if value is None:
        return None
    return value if isinstance(value, str) else to_json(value)


def resolve(source: str, *, params: dict[str, dict[str, str]],
            multi_query: dict[str, list[str]], multi_headers: dict[str, list[str]],
            request_body: bytes, stage_variables: dict[str, str], context: dict[str, Any],
            response_headers: list[tuple[str, str]] | None = None,
            response_body: bytes | None = None) -> str | None:
    """The value a mapping source names, or None when the request does not carry it."""
    source = source.strip()
    if len(source) >= 2 and source[0] == "'" and source[-1] == "'":
        return source[1:-1]
    if source.startswith("stageVariables."):
        return stage_variables.get(source.removeprefix("stageVariables."))
    if source.startswith("context."):
        value = _context_value(context, source.removeprefix("context."))
        return None if value is None else str(value)
    if source.startswith("method.request.body"):
        return _body_value(request_body, source.removeprefix("method.request.body"))
    if source.startswith("method.request."):
        where, _, name = source.removeprefix("method.request.").partition(".")
        if where == "multivaluequerystring":
            values = multi_query.get(name)
            return ",".join(values) if values else None
        if where == "multivalueheader":
            found = [v for k, vs in multi_headers.items() if k.lower() == name.lower()
                     for v in vs]
            return ",".join(found) if found else None
        if where == "header":
            for key, value in params.get("header", {}).items():
                if key.lower() == name.lower():
                    return value
            return None
        return params.get(where, {}).get(name)
    if source.startswith("integration.response.body") and response_body is not None:
        return _body_value(response_body, source.removeprefix("integration.response.body"))
    if source.startswith("integration.response.") and response_headers is not None:
        where, _, name = source.removeprefix("integration.response.").partition(".")
        found = [v for k, v in response_headers if k.lower() == name.lower()]
        if not found:
            return None
        return ",".join(found) if where == "multivalueheader" else found[-1]
    return None


__all__ = ["resolve"]
