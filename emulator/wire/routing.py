"""Which service and operation a request is for.

The service comes from the SigV4 credential scope, then ``X-Amz-Target``, then the path; the
operation from the target, the query ``Action`` or the model's request URIs.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import unquote

from botocore.model import OperationModel

from emulator.wire import specs
from emulator.wire.errors import ServiceError, unknown_service
from emulator.wire.request import WireRequest

_LABEL = re.compile(r"\{([^}]+?)(\+?)\}")


@dataclass(frozen=True)
class Route:
    service: str
    protocol: str
    operation: OperationModel
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _UriRule:
    method: str
    pattern: re.Pattern[str]
    required_query: tuple[tuple[str, str | None], ...]
    specificity: tuple[int, int]
    operation: str


@cache
def _uri_rules(service: str) -> tuple[_UriRule, ...]:
    model = specs.service_model(service)
    rules: list[_UriRule] = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        uri = http.get("requestUri", "/")
        path, _, query = uri.partition("?")
        regex, position, literal_chars, greedy = ["^"], 0, 0, 0
        for match in _LABEL.finditer(path):
            literal = path[position:match.start()]
            literal_chars += len(literal)
            regex.append(re.escape(literal))
            is_greedy = bool(match.group(2))
            greedy += is_greedy
            group = re.sub(r"\W", "_", match.group(1))
            regex.append(f"(?P<{group}>.+)" if is_greedy else f"(?P<{group}>[^/]+)")
            position = match.end()
        tail = path[position:]
        literal_chars += len(tail)
        regex.append(re.escape(tail.rstrip("/")) + "/?$")
        required: list[tuple[str, str | None]] = []
        for item in filter(None, query.split("&")):
            key, has_value, value = item.partition("=")
            required.append((key, value if has_value else None))
        rules.append(
            _UriRule(
                http.get("method", "POST").upper(),
                re.compile("".join(regex)),
                tuple(required),
                (literal_chars + 100 * len(required), -greedy),
                name,
            )
        )
    rules.sort(key=lambda rule: rule.specificity, reverse=True)
    return tuple(rules)


def _label_names(service: str, operation: str) -> dict[str, str]:
    uri = specs.service_model(service).operation_model(operation).http.get("requestUri", "/")
    return {re.sub(r"\W", "_", m.group(1)): m.group(1) for m in _LABEL.finditer(uri)}


def match_rest_path(service: str, request: WireRequest) -> tuple[str, dict[str, str]] | None:
    """The rest operation whose method and request URI match, with its decoded labels."""
    path = request.path or "/"
    query = dict(request.query_items)
    path_matched = False
    for rule in _uri_rules(service):
        found = rule.pattern.match(path)
        if found is None:
            continue
        if any(
            key not in query or (value is not None and query[key] != value)
            for key, value in rule.required_query
        ):
            continue
        path_matched = True
        if rule.method != request.method.upper():
            continue
        names = _label_names(service, rule.operation)
        labels = {names[key]: unquote(value) for key, value in found.groupdict().items()}
        return rule.operation, labels
    if path_matched:
        return None
    return None


def _query_capable(service: str) -> bool:
    return "query" in specs.protocols(service)


def _protocol_for(service: str, request: WireRequest) -> str:
    available = specs.protocols(service)
    if len(available) == 1:
        return available[0]
    if "x-amz-target" in request.headers or request.content_type.startswith(
        "application/x-amz-json"
    ):
        return "json" if "json" in available else available[0]
    if "query" in available and ("Action" in request.form):
        return "query"
    return available[0]


def _pick_service(request: WireRequest, implemented: Collection[str]) -> str:
    index = specs.service_index()
    scope = request.credential_scope
    target = request.headers.get("x-amz-target", "")
    target_service = index["target"].get(target.rsplit(".", 1)[0]) if target else None
    candidates: list[str] = []
    if scope is not None:
        candidates = list(index["signing"].get(scope.service, []))
        if not candidates and scope.service in specs.available_services():
            candidates = [scope.service]
    if target_service and (not candidates or target_service in candidates):
        return str(target_service)
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        preferred = [name for name in candidates if name in implemented] or candidates
        for name in preferred:
            if _matches_service(name, request):
                return name
        same_name = [name for name in preferred if scope and name == scope.service]
        return (same_name or preferred)[0]
    for name in implemented:
        if _matches_service(name, request):
            return name
    hint = f"credential scope service {scope.service!r}" if scope else "no credential scope"
    raise unknown_service(hint)


def _matches_service(service: str, request: WireRequest) -> bool:
    protocol = _protocol_for(service, request)
    model = specs.service_model(service)
    if protocol == "query":
        return request.form.get("Action") in model.operation_names
    if protocol == "json":
        target = request.headers.get("x-amz-target", "")
        return bool(target.rsplit(".", 1)[0] == model.metadata.get("targetPrefix"))
    return match_rest_path(service, request) is not None


def route(request: WireRequest, implemented: Collection[str]) -> Route:
    """Find the service, protocol and operation, or raise the AWS error for a bad address."""
    service = _pick_service(request, implemented)
    protocol = _protocol_for(service, request)
    if protocol == "query":
        model = specs.query_model(service)
        action = request.form.get("Action")
        if not action:
            raise ServiceError("MissingAction", "The request must contain an Action.", status=400)
        if action not in model.operation_names:
            raise ServiceError(
                "InvalidAction", f"The action {action} is not valid for this endpoint.", status=400
            )
        return Route(service, protocol, model.operation_model(action))
    model = specs.service_model(service)
    if protocol == "json":
        target = request.headers.get("x-amz-target", "")
        prefix, _, name = target.rpartition(".")
        if prefix != model.metadata.get("targetPrefix") or name not in model.operation_names:
            raise ServiceError(
                "UnknownOperationException",
                f"The operation {target or '(none)'} is not known to {service}.",
                status=400,
            )
        return Route(service, protocol, model.operation_model(name))
    matched = match_rest_path(service, request)
    if matched is None:
        raise ServiceError(
            "UnknownOperationException",
            f"No {service} operation answers {request.method} {request.path}.",
            status=404,
        )
    name, labels = matched
    return Route(service, protocol, model.operation_model(name), labels)


__all__ = ["Route", "match_rest_path", "route"]
