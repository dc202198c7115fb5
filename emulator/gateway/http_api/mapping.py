"""Parameter mapping for HTTP APIs: the values (``$request.header.name``,
``${request.body.path}``, ``$context.requestId``, ``$stageVariables.name``, static text and
mixtures of them) and the changes (append, overwrite or remove a header or query string
parameter, overwrite the path, or, on the way back, a header or the status code)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator import inbound
from emulator.gateway.mapping import select

# Headers a mapping may not change (AWS's reserved headers for HTTP APIs).
RESERVED_HEADERS = frozenset({
    "access-control-allow-credentials", "access-control-allow-headers",
    "access-control-allow-methods", "access-control-allow-origin",
    "access-control-expose-headers", "access-control-max-age", "access-control-request-headers",
    "access-control-request-method", "apigw-requestid", "authorization", "connection",
    "content-encoding", "content-length", "content-location", "forwarded", "host",
    "keep-alive",
    "origin", "proxy-authenticate", "proxy-authorization", "te", "trailers",
    "transfer-encoding", "upgrade", "x-amz-apigw-id", "x-amzn-requestid", "x-amzn-trace-id",
    "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "via",
})
REFERENCE = re.compile(r"\$\{(?P<braced>[^}]+)\}|\$(?P<bare>(?:request|response|context|"
                       r"stageVariables)(?:\.[A-Za-z0-9_\-$\[\]'*]+)*)")


@dataclass
class Sources:
    """Where mapping values come from."""

    headers: dict[str, list[str]]  # lower-case names
    query: dict[str, list[str]]
    path: str
    path_params: dict[str, str]
    body: bytes
    context: dict[str, Any]
    stage_variables: dict[str, str]
    response_headers: dict[str, list[str]] = field(default_factory=dict)
    response_body: bytes | None = None
    _documents: dict[str, Any] = field(default_factory=dict)

    def document(self, which: str) -> Any:
        if which not in self._documents:
            raw = self.body if which == "request" else (self.response_body or b"")
            try:
                self._documents[which] = inbound.loads(raw[:102400] or b"null")
            except ValueError:
                self._documents[which] = None
        return self._documents[which]


def _lookup(name: str, sources: Sources) -> str | None:
    """The value ``request.header.x`` (and so on) names, None when it has none."""
    parts = name.split(".", 2)
    if name == "request.path":
        return sources.path
    if name == "request.body":
        return sources.body.decode("utf-8", "replace")
    if name == "response.body":
        return (sources.response_body or b"").decode("utf-8", "replace")
    if parts[0] in ("request", "response") and len(parts) == 3:
        where, rest = parts[1], parts[2]
        if parts[0] == "request" and where == "header":
            values = sources.headers.get(rest.lower())
            return ",".join(values) if values else None
        if parts[0] == "response" and where == "header":
            values = sources.response_headers.get(rest.lower())
            return ",".join(values) if values else None
        if where == "querystring":
            values = sources.query.get(rest)
            return ",".join(values) if values else None
        if where == "path":
            return sources.path_params.get(rest)
        if where == "body":
            document = sources.document(parts[0])
            if document is None:
                return None
            try:
                value = select(document, "$." + rest)
            except Exception:
                return None
            if value is None:
                return None
            return value if isinstance(value, str) else json.dumps(value)
        return None
    if parts[0] == "stageVariables":
        return sources.stage_variables.get(name.partition(".")[2])
    if parts[0] == "context":
        found: Any = sources.context
        for part in name.split(".")[1:]:
            found = found.get(part) if isinstance(found, dict) else None
        if found is None:
            return None
        return found if isinstance(found, str) else json.dumps(found)
    return None


def evaluate(expression: str, sources: Sources) -> str | None:
    """The value of a mapping expression; None when it is one reference that has no value."""
    whole = REFERENCE.fullmatch(expression)
    if whole is not None:
        return _lookup(whole["braced"] or whole["bare"], sources)

    def replace(match: re.Match[str]) -> str:
        return _lookup(match["braced"] or match["bare"], sources) or ""

    return REFERENCE.sub(replace, expression)


@dataclass
class MappedRequest:
    headers: list[tuple[str, str]]
    query: list[tuple[str, str]]
    path: str | None = None  # a new path, when overwritten


def _change(items: list[tuple[str, str]], action: str, name: str, value: str | None,
            same: Callable[[str, str], bool]) -> list[tuple[str, str]]:
    if action == "remove":
        return [(k, v) for k, v in items if not same(k, name)]
    if value is None:
        return items
    if action == "overwrite":
        return [*((k, v) for k, v in items if not same(k, name)), (name, value)]
    existing = [v for k, v in items if same(k, name)]
    if existing and action == "append":
        return [*((k, v) for k, v in items if not same(k, name)),
                (name, ",".join([*existing, value]))]
    return [*items, (name, value)]


def map_request(parameters: dict[str, str], request: MappedRequest, sources: Sources) -> None:
    """Apply an integration's request parameters, in place."""
    for key, expression in parameters.items():
        action, _, target = key.partition(":")
        value = evaluate(expression, sources)
        if target == "path":
            if value is not None:
                request.path = value if value.startswith("/") else "/" + value
            continue
        where, _, name = target.partition(".")
        if where == "header":
            request.headers = _change(request.headers, action, name, value,
                                      lambda a, b: a.lower() == b.lower())
        elif where == "querystring":
            if action == "append" and value is not None:
                request.query.append((name, value))
            else:
                request.query = _change(request.query, action, name, value,
                                        lambda a, b: a == b)


def map_response(parameters: dict[str, str], headers: list[tuple[str, str]],
                 sources: Sources) -> tuple[list[tuple[str, str]], int | None]:
    """Apply response parameters for one status code: the new headers and status."""
    status: int | None = None
    for key, expression in parameters.items():
        action, _, target = key.partition(":")
        value = evaluate(expression, sources)
        if target == "statuscode":
            if value is not None and value.strip().isdigit():
                status = int(value.strip())
            continue
        name = target.partition(".")[2]
        headers = _change(headers, action, name, value, lambda a, b: a.lower() == b.lower())
    return headers, status


__all__ = ["RESERVED_HEADERS", "MappedRequest", "Sources", "evaluate", "map_request",
           "map_response"]
