"""Which service and operation a request is for.

The service comes from the SigV4 credential scope, then ``X-Amz-Target``, then the path; the
operation from the target, the query ``Action`` or the model's request URIs.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache, lru_cache
from urllib.parse import parse_qsl, unquote

from botocore.model import OperationModel

from emulator.errors import ServiceError, unknown_service
from emulator.wire import rpc_v2_cbor, specs
from emulator.wire.request import WireRequest

# The wire protocols parse.py and serialize.py speak.
PROTOCOLS = frozenset({"json", "rest-json", "query", "ec2", "rest-xml", rpc_v2_cbor.PROTOCOL})
# Protocols that send the operation as an Action form field (ec2 is query with its own naming).
QUERY_LIKE = frozenset({"query", "ec2"})
_LABEL = re.compile(r"\{([^}]+?)(\+?)\}")


@dataclass(frozen=True)
class Route:
    service: str
    protocol: str
    operation: OperationModel
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _UriRule:
    pattern: re.Pattern[str]
    labels: tuple[str, ...]  # label names, in the order of the pattern's groups
    required_query: tuple[tuple[str, str | None], ...]
    specificity: tuple[tuple[int, ...], int, int, bool]
    operation: str
    # Operations sharing one method and URI (S3's PutObject, CopyObject, UploadPart) are
    # told apart by the query parameters and headers their required members travel in.
    member_query: tuple[str, ...] = ()
    member_headers: tuple[str, ...] = ()


_LITERAL, _PLAIN_LABEL, _GREEDY_LABEL = 2, 1, 0


def _segment_rank(segment: str) -> int:
    if "{" not in segment:
        return _LITERAL
    return _GREEDY_LABEL if "+}" in segment else _PLAIN_LABEL


def _rule(name: str, uri: str, operation: OperationModel | None = None,
          shared: bool = False) -> _UriRule:
    path, _, query = uri.partition("?")
    regex, labels, position = ["^"], [], 0
    for match in _LABEL.finditer(path):
        regex.append(re.escape(path[position:match.start()]))
        regex.append("(.+)" if match.group(2) else "([^/]+)")
        labels.append(match.group(1))
        position = match.end()
    regex.append(re.escape(path[position:].rstrip("/")) + "/?$")
    required: list[tuple[str, str | None]] = []
    for item in filter(None, query.split("&")):
        key, has_value, value = item.partition("=")
        required.append((key, value if has_value else None))
    # Smithy's precedence: compare segment by segment from the left, a literal beating a
    # label and a label beating a greedy label; then more required query literals win.
    ranks = tuple(_segment_rank(segment) for segment in path.strip("/").split("/"))
    member_query: list[str] = []
    member_headers: list[str] = []
    shape = operation.input_shape if operation is not None else None
    if shared and shape is not None:
        for member_name in shape.required_members:
            member = shape.members[member_name]
            location = member.serialization.get("location")
            wire_name = str(member.serialization.get("name", member_name))
            if location == "querystring":
                member_query.append(wire_name)
            elif location == "header":
                member_headers.append(wire_name.lower())
    # Among operations sharing a URI, the one asking more of the request wins, then the one
    # that is not deprecated (GetBucketLifecycleConfiguration over GetBucketLifecycle).
    deprecated = bool(operation is not None and operation.deprecated)
    return _UriRule(
        re.compile("".join(regex)), tuple(labels), tuple(required),
        (ranks, len(required), len(member_query) + len(member_headers), not deprecated), name,
        tuple(member_query), tuple(member_headers),
    )


@cache
def _uri_rules(service: str) -> dict[str, tuple[_UriRule, ...]]:
    """The service's request URIs as match rules, grouped by HTTP method, most specific
    first."""
    model = specs.service_model(service)
    by_method: dict[str, list[_UriRule]] = {}
    uses: dict[tuple[str, str], int] = {}
    for name in model.operation_names:
        http = model.operation_model(name).http
        key = (http.get("method", "POST").upper(), http.get("requestUri", "/"))
        uses[key] = uses.get(key, 0) + 1
    for name in model.operation_names:
        operation = model.operation_model(name)
        method = operation.http.get("method", "POST").upper()
        uri = operation.http.get("requestUri", "/")
        rule = _rule(name, uri, operation, uses[(method, uri)] > 1)
        by_method.setdefault(method, []).append(rule)
    return {
        method: tuple(sorted(rules, key=lambda rule: rule.specificity, reverse=True))
        for method, rules in by_method.items()
    }


@cache
def _member_headers(service: str) -> frozenset[str]:
    """The headers that tell operations sharing a URI apart."""
    return frozenset(name for rules in _uri_rules(service).values() for rule in rules
                     for name in rule.member_headers)


@cache
def _host_rules(service: str) -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    virtual = specs.overlay(service).get("virtualHost", {})
    return (tuple(re.compile(text) for text in virtual.get("serviceHosts", ())),
            tuple(re.compile(text) for text in virtual.get("bucketHosts", ())))


def host_label(service: str, host: str) -> str | None:
    """The URI label a virtual-host address carries (S3's bucket), when it carries one."""
    service_hosts, label_hosts = _host_rules(service)
    if not label_hosts:
        return None
    host = host.lower()
    if any(rule.match(host) for rule in service_hosts):
        return None
    for rule in label_hosts:
        found = rule.match(host)
        if found is not None:
            return found["label"]
    return None


def _addressed_by_host(service: str, host: str) -> bool:
    service_hosts, label_hosts = _host_rules(service)
    host = host.lower()
    return any(rule.match(host) for rule in (*service_hosts, *label_hosts))


def rest_path(service: str, request: WireRequest) -> str:
    """The request's path with a virtual-host label put back in front, as path-style
    requests carry it, so one set of request URIs matches both styles."""
    path = request.path or "/"
    label = host_label(service, request.host)
    return path if label is None else f"/{label}{path}"


def match_rest_path(service: str, request: WireRequest) -> tuple[str, dict[str, str]] | None:
    """The rest operation whose method and request URI match, with its decoded labels."""
    headers = _member_headers(service)
    present = frozenset(name for name in headers if name in request.headers) if headers else (
        frozenset())
    found = _match_rest_path(service, request.method.upper(), rest_path(service, request),
                             request.query_string, present)
    if found is None:
        return None
    operation, labels = found
    return operation, dict(labels)


# Clients call the same few URIs again and again (a function's Invoke); the answer depends on
# nothing else, so the last ones are kept.
@lru_cache(maxsize=1024)
def _match_rest_path(service: str, method: str, path: str, query_string: str,
                     headers: frozenset[str]) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    query: dict[str, str] | None = None
    for rule in _uri_rules(service).get(method, ()):
        found = rule.pattern.match(path)
        if found is None:
            continue
        if rule.required_query or rule.member_query:
            if query is None:
                query = dict(parse_qsl(query_string, keep_blank_values=True))
            if any(
                key not in query or (value is not None and query[key] != value)
                for key, value in rule.required_query
            ) or any(key not in query for key in rule.member_query):
                continue
        if any(name not in headers for name in rule.member_headers):
            continue
        values = found.groups()
        labels = tuple((name, unquote(value))
                       for name, value in zip(rule.labels, values, strict=True))
        return rule.operation, labels
    return None


def _protocol_for(service: str, request: WireRequest) -> str:
    """The protocol the request arrives in, among those the service's model lists."""
    available = specs.protocols(service)
    if len(available) == 1:
        return available[0]
    if rpc_v2_cbor.PROTOCOL in available and rpc_v2_cbor.speaks(request):
        return rpc_v2_cbor.PROTOCOL
    if "json" in available and ("x-amz-target" in request.headers or
                                request.content_type.startswith("application/x-amz-json")):
        return "json"
    if "query" in available and ("Action" in request.form):
        return "query"
    rest = [name for name in available if name.startswith("rest-")]
    return rest[0] if rest else available[0]


# The rest operations matched while telling services apart, so route() need not match again.
_Matched = dict[str, tuple[str, dict[str, str]]]


def _pick_service(request: WireRequest, implemented: Collection[str], matched: _Matched) -> str:
    index = specs.service_index()
    scope = request.credential_scope
    target = request.headers.get("x-amz-target", "")
    target_service = index["target"].get(target.rsplit(".", 1)[0]) if target else None
    rpc_v2 = rpc_v2_cbor.addressed(request) if not target else None
    if rpc_v2 is not None:
        target_service = index["target"].get(rpc_v2[0])
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
        # Services sharing a signing name (apigateway, apigatewayv2) are told apart by which
        # one has the operation; implemented ones are asked first.
        preferred = [name for name in candidates if name in implemented] or candidates
        for name in [*preferred, *(name for name in candidates if name not in preferred)]:
            if _matches_service(name, request, matched):
                return name
        same_name = [name for name in preferred if scope and name == scope.service]
        return (same_name or preferred)[0]
    if not target:
        # Unsigned requests: a host that names a service (S3's), then the services whose
        # request URIs match, those that take anonymous requests (S3) last.
        for name in implemented:
            if _addressed_by_host(name, request.host):
                return name
        if "s3" in implemented and request.legacy_access_key is not None and (
                "Action" not in request.form):
            # Signature version 2 (an "AWS key:signature" header, or a presigned URL's
            # AWSAccessKeyId) is S3's alone now: query APIs signed that way name their Action.
            # Asking every service's model instead loads them all (EC2's is tens of MB).
            return "s3"
        implemented = sorted(implemented,
                             key=lambda name: bool(specs.overlay(name).get("anonymous")))
    for name in implemented:
        if _matches_service(name, request, matched):
            return name
    if target:
        raise _unknown_operation(f"The operation {target} is not known to any service.")
    hint = f"credential scope service {scope.service!r}" if scope else "no credential scope"
    raise unknown_service(hint)


def _unknown_operation(message: str, status: int = 400) -> ServiceError:
    return ServiceError("UnknownOperationException", message, status=status)


def _matches_service(service: str, request: WireRequest, matched: _Matched) -> bool:
    protocol = _protocol_for(service, request)
    model = specs.service_model(service)
    if protocol in QUERY_LIKE:
        return request.form.get("Action") in model.operation_names
    if protocol == "json":
        target = request.headers.get("x-amz-target", "")
        return bool(target.rsplit(".", 1)[0] == model.metadata.get("targetPrefix"))
    if protocol == rpc_v2_cbor.PROTOCOL:
        addressed = rpc_v2_cbor.addressed(request)
        return addressed is not None and addressed[0] == model.metadata.get("targetPrefix")
    found = match_rest_path(service, request)
    if found is not None:
        matched[service] = found
    return found is not None


def route(request: WireRequest, implemented: Collection[str]) -> Route:
    """Find the service, protocol and operation, or raise the AWS error for a bad address."""
    matched: _Matched = {}
    service = _pick_service(request, implemented, matched)
    protocol = _protocol_for(service, request)
    if protocol not in PROTOCOLS:
        raise ServiceError(
            "NotImplemented",
            f"Service {service} speaks the {protocol} protocol, which is not implemented yet.",
            status=501,
            sender_fault=False,
        )
    if protocol in QUERY_LIKE:
        model = specs.protocol_model(service, protocol)
        action = request.form.get("Action")
        if not action:
            raise ServiceError("MissingAction", "The request must contain an Action.", status=400)
        if action not in model.operation_names:
            raise ServiceError(
                "InvalidAction", f"The action {action} is not valid for this endpoint.", status=400
            )
        return Route(service, protocol, model.operation_model(action))
    model = specs.protocol_model(service, protocol)
    if protocol == rpc_v2_cbor.PROTOCOL:
        name = rpc_v2_cbor.operation_for(service, request)
        return Route(service, protocol, model.operation_model(name))
    if protocol == "json":
        target = request.headers.get("x-amz-target", "")
        prefix, _, name = target.rpartition(".")
        if prefix != model.metadata.get("targetPrefix") or name not in model.operation_names:
            raise _unknown_operation(
                f"The operation {target or '(none)'} is not known to {service}."
            )
        return Route(service, protocol, model.operation_model(name))
    found = matched.get(service) or match_rest_path(service, request)
    if found is None:
        raise _unknown_operation(
            f"No {service} operation answers {request.method} {request.path}.", status=404
        )
    name, labels = found
    return Route(service, protocol, model.operation_model(name), labels)


__all__ = ["PROTOCOLS", "QUERY_LIKE", "Route", "host_label", "match_rest_path", "rest_path",
           "route"]
