"""OpenTelemetry traces (OTLP, protobuf or JSON) as X-Ray segment documents, the way X-Ray's
OTLP endpoint and the collector's X-Ray exporter convert them.

Server, consumer and root spans become segments named after the resource's
``service.name``; other spans become subsegments sent on their own (client
spans to AWS or remote services get the ``aws`` or ``remote`` namespace, so the service graph
infers their nodes). Attributes named in ``aws.xray.annotations`` become annotations, the
rest metadata; ``exception`` events become the cause.
"""

from __future__ import annotations

import base64
import contextlib
import secrets
from typing import Any

from emulator.xray.segments import Document

SERVER, CLIENT, PRODUCER, CONSUMER = 2, 3, 4, 5
_KINDS = {"SPAN_KIND_INTERNAL": 1, "SPAN_KIND_SERVER": SERVER, "SPAN_KIND_CLIENT": CLIENT,
          "SPAN_KIND_PRODUCER": PRODUCER, "SPAN_KIND_CONSUMER": CONSUMER}
STATUS_ERROR = 2
_ORIGINS = {
    "aws_lambda": "AWS::Lambda::Function",
    "aws_ec2": "AWS::EC2::Instance",
    "aws_ecs": "AWS::ECS::Container",
    "aws_eks": "AWS::EKS::Container",
    "aws_elastic_beanstalk": "AWS::ElasticBeanstalk::Environment",
}


class OtlpError(ValueError):
    """A request that is not OTLP trace data."""


def _value(value: dict[str, Any]) -> Any:
    if not isinstance(value, dict):
        return None
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "intValue" in value:
        return int(value["intValue"])
    if "doubleValue" in value:
        return float(value["doubleValue"])
    if "arrayValue" in value:
        return [_value(v) for v in (value["arrayValue"] or {}).get("values", [])]
    if "kvlistValue" in value:
        return _attributes((value["kvlistValue"] or {}).get("values", []))
    if "bytesValue" in value:
        return value["bytesValue"]
    return None


def _attributes(items: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in items or ():
        if isinstance(item, dict) and isinstance(item.get("key"), str):
            found[item["key"]] = _value(item.get("value") or {})
    return found


def _kind(value: Any) -> int:
    if isinstance(value, str):
        return _KINDS.get(value, 1)
    return int(value or 1)


def _status_code(status: Any) -> int:
    code = (status or {}).get("code", 0)
    if isinstance(code, str):
        return STATUS_ERROR if code == "STATUS_CODE_ERROR" else 0
    return int(code or 0)


def _hex(value: Any, length: int) -> str | None:
    text = str(value or "").lower()
    if len(text) != length or any(c not in "0123456789abcdef" for c in text):
        return None
    if set(text) == {"0"}:
        return None
    return text


def xray_trace_id(otel_trace_id: str) -> str:
    return f"1-{otel_trace_id[:8]}-{otel_trace_id[8:]}"


def _seconds(nanos: Any) -> float:
    return int(nanos or 0) / 1e9


def _first(attributes: dict[str, Any], *names: str) -> Any:
    for name in names:
        if attributes.get(name) is not None:
            return attributes[name]
    return None


def _http(attributes: dict[str, Any]) -> dict[str, Any]:
    request: dict[str, Any] = {}
    method = _first(attributes, "http.request.method", "http.method")
    if method:
        request["method"] = str(method)
    url = _first(attributes, "url.full", "http.url")
    if url is None:
        host = _first(attributes, "server.address", "http.host", "net.host.name")
        target = _first(attributes, "url.path", "http.target")
        if host and target:
            scheme = _first(attributes, "url.scheme", "http.scheme") or "http"
            url = f"{scheme}://{host}{target}"
    if url:
        request["url"] = str(url)
    agent = _first(attributes, "user_agent.original", "http.user_agent")
    if agent:
        request["user_agent"] = str(agent)
    client = _first(attributes, "client.address", "http.client_ip", "net.peer.ip")
    if client:
        request["client_ip"] = str(client)
    status = _first(attributes, "http.response.status_code", "http.status_code")
    http: dict[str, Any] = {}
    if request:
        http["request"] = request
    if status is not None:
        with contextlib.suppress(TypeError, ValueError):
            http["response"] = {"status": int(status)}
    return http


def _cause(events: Any) -> dict[str, Any] | None:
    exceptions: list[dict[str, Any]] = []
    for event in events or ():
        if not isinstance(event, dict) or event.get("name") != "exception":
            continue
        attributes = _attributes(event.get("attributes"))
        exception: dict[str, Any] = {"id": secrets.token_hex(8)}
        if attributes.get("exception.type"):
            exception["type"] = str(attributes["exception.type"])
        if attributes.get("exception.message"):
            exception["message"] = str(attributes["exception.message"])
        if attributes.get("exception.stacktrace"):
            exception["stack"] = [{"label": line} for line in
                                  str(attributes["exception.stacktrace"]).splitlines()[-10:]]
        exceptions.append(exception)
    return {"exceptions": exceptions} if exceptions else None


def _annotation_key(key: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in key)


def convert(request: dict[str, Any]) -> tuple[list[Document], int]:
    """Segment documents for an ExportTraceServiceRequest in OTLP/JSON form, and how many
    spans could not be converted."""
    documents: list[Document] = []
    rejected = 0
    resource_spans = request.get("resourceSpans")
    if not isinstance(resource_spans, list):
        raise OtlpError("resourceSpans is missing")
    for resource_span in resource_spans:
        if not isinstance(resource_span, dict):
            raise OtlpError("resourceSpans must hold objects")
        resource = _attributes((resource_span.get("resource") or {}).get("attributes"))
        service = str(resource.get("service.name") or "unknown_service")
        origin = _ORIGINS.get(str(resource.get("cloud.platform") or ""))
        spans = [span for scope in resource_span.get("scopeSpans") or []
                 if isinstance(scope, dict) for span in scope.get("spans") or []
                 if isinstance(span, dict)]
        for span in spans:
            document = _span(span, service, origin, resource)
            if document is None:
                rejected += 1
            else:
                documents.append(document)
    return documents, rejected


def _span(span: dict[str, Any], service: str, origin: str | None,
          resource: dict[str, Any]) -> Document | None:
    trace_id = _hex(span.get("traceId"), 32)
    span_id = _hex(span.get("spanId"), 16)
    if trace_id is None or span_id is None:
        return None
    parent = _hex(span.get("parentSpanId"), 16)
    kind = _kind(span.get("kind"))
    attributes = _attributes(span.get("attributes"))
    start = _seconds(span.get("startTimeUnixNano"))
    end = _seconds(span.get("endTimeUnixNano"))
    # Spans arrive in separate exports (a child usually before its parent), so only the span
    # itself decides: entry spans and root spans are segments.
    is_segment = parent is None or kind in (SERVER, CONSUMER)
    doc: Document = {"id": span_id, "trace_id": xray_trace_id(trace_id), "start_time": start}
    if end >= start and span.get("endTimeUnixNano"):
        doc["end_time"] = end
    else:
        doc["in_progress"] = True
    if is_segment:
        doc["name"] = service
        if origin:
            doc["origin"] = origin
        if parent:
            doc["parent_id"] = parent
        doc["aws"] = {"xray": {"sdk": "opentelemetry",
                               "sdk_version": str(resource.get("telemetry.sdk.version", ""))}}
    else:
        doc["type"] = "subsegment"
        doc["parent_id"] = parent
        doc["name"] = str(span.get("name") or "span")
        if kind in (CLIENT, PRODUCER):
            if attributes.get("rpc.system") == "aws-api":
                doc["namespace"] = "aws"
                doc["name"] = str(attributes.get("rpc.service") or doc["name"])
                operation = attributes.get("rpc.method")
                if operation:
                    doc["aws"] = {"operation": str(operation)}
            else:
                doc["namespace"] = "remote"
                host = _first(attributes, "server.address", "net.peer.name", "http.host")
                if host:
                    doc["name"] = str(host)
    http = _http(attributes)
    if http:
        doc["http"] = http
    status = (http.get("response") or {}).get("status")
    failed = _status_code(span.get("status")) == STATUS_ERROR
    if isinstance(status, int) and 400 <= status < 500:
        doc["error"] = True
        if status == 429:
            doc["throttle"] = True
    elif (isinstance(status, int) and status >= 500) or failed:
        doc["fault"] = True
    cause = _cause(span.get("events"))
    if cause is not None:
        doc["cause"] = cause
    indexed = attributes.get("aws.xray.annotations")
    indexed_keys = set(indexed) if isinstance(indexed, list) else set()
    annotations: dict[str, Any] = {}
    metadata: dict[str, Any] = {}
    for key, value in attributes.items():
        if key == "aws.xray.annotations":
            continue
        if key in indexed_keys and isinstance(value, str | int | float | bool):
            annotations[_annotation_key(key)] = value
        else:
            metadata[key] = value
    if annotations:
        doc["annotations"] = annotations
    if metadata:
        doc["metadata"] = {"default": metadata}
    return doc


def decode_protobuf(body: bytes) -> dict[str, Any]:
    """An ExportTraceServiceRequest in protobuf, as the OTLP/JSON form ``convert`` reads."""
    from google.protobuf.json_format import MessageToDict
    from google.protobuf.message import DecodeError
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
        ExportTraceServiceRequest,
    )

    message = ExportTraceServiceRequest()
    try:
        message.ParseFromString(body)
    except DecodeError as error:
        raise OtlpError(f"not an OTLP protobuf message: {error}") from None
    data: dict[str, Any] = MessageToDict(message)
    # protobuf's JSON mapping writes bytes as base64; OTLP/JSON writes ids in hex.
    for resource_span in data.get("resourceSpans", []):
        for scope in resource_span.get("scopeSpans", []):
            for span in scope.get("spans", []):
                for key in ("traceId", "spanId", "parentSpanId"):
                    if span.get(key):
                        span[key] = base64.b64decode(span[key]).hex()
    data.setdefault("resourceSpans", [])
    return data


def encode_response(rejected: int, message: str = "", protobuf: bool = True) -> bytes:
    """An ExportTraceServiceResponse, with partial success when spans were rejected."""
    if not protobuf:
        import json

        body: dict[str, Any] = {}
        if rejected:
            body["partialSuccess"] = {"rejectedSpans": str(rejected), "errorMessage": message}
        return json.dumps(body).encode()
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
        ExportTraceServiceResponse,
    )

    response = ExportTraceServiceResponse()
    if rejected:
        response.partial_success.rejected_spans = rejected
        response.partial_success.error_message = message
    result: bytes = response.SerializeToString()
    return result


__all__ = ["OtlpError", "convert", "decode_protobuf", "encode_response", "xray_trace_id"]
