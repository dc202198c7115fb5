"""The OpenTelemetry SDK with its OTLP/HTTP exporter, and OTLP/JSON, sending to /v1/traces."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode
from xray_support import XrayEmulator, by_name, running, trace_documents


@pytest.fixture(scope="module")
def xray() -> Iterator[XrayEmulator]:
    yield from running()


def _tracer(xray: XrayEmulator, service: str) -> tuple[TracerProvider, object]:
    provider = TracerProvider(resource=Resource.create({"service.name": service,
                                                        "cloud.platform": "aws_ec2"}))
    exporter = OTLPSpanExporter(endpoint=f"{xray.endpoint_url}/v1/traces")
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, provider.get_tracer("tests")


def _xray_id(span_context_trace_id: int) -> str:
    text = f"{span_context_trace_id:032x}"
    return f"1-{text[:8]}-{text[8:]}"


def test_otel_spans_become_segments_and_subsegments(xray: XrayEmulator) -> None:
    provider, tracer = _tracer(xray, "orders-api")
    with tracer.start_as_current_span(  # type: ignore[attr-defined]
        "POST /orders", kind=SpanKind.SERVER,
        attributes={"http.request.method": "POST", "url.full": "http://api/orders",
                    "http.response.status_code": 500, "user_agent.original": "pytest",
                    "order.customer": "acme", "order.items": 3,
                    "aws.xray.annotations": ["order.customer", "order.items"]},
    ) as root:
        with tracer.start_as_current_span("validate") as validate:  # type: ignore[attr-defined]
            validate.set_attribute("rules", 12)
        with tracer.start_as_current_span(  # type: ignore[attr-defined]
            "DynamoDB.PutItem", kind=SpanKind.CLIENT,
            attributes={"rpc.system": "aws-api", "rpc.service": "DynamoDB",
                        "rpc.method": "PutItem"},
        ) as call:
            call.record_exception(RuntimeError("throughput exceeded"))
            call.set_status(Status(StatusCode.ERROR))
        root.set_status(Status(StatusCode.ERROR))
    provider.shutdown()

    trace_id = _xray_id(root.get_span_context().trace_id)
    documents = trace_documents(xray.client(), trace_id)
    segment = next(d for d in documents if not d.get("inferred"))
    assert segment["name"] == "orders-api" and segment["origin"] == "AWS::EC2::Instance"
    assert segment["id"] == f"{root.get_span_context().span_id:016x}"
    assert segment["http"]["request"] == {"method": "POST", "url": "http://api/orders",
                                          "user_agent": "pytest"}
    assert segment["http"]["response"] == {"status": 500} and segment["fault"] is True
    assert segment["annotations"] == {"order_customer": "acme", "order_items": 3}
    names = by_name([segment])
    assert names["validate"]["metadata"]["default"] == {"rules": 12}
    dynamo = names["DynamoDB"]
    assert dynamo["namespace"] == "aws" and dynamo["aws"]["operation"] == "PutItem"
    assert dynamo["fault"] is True
    assert dynamo["cause"]["exceptions"][0]["type"] == "RuntimeError"
    assert dynamo["cause"]["exceptions"][0]["message"] == "throughput exceeded"
    inferred = [d for d in documents if d.get("inferred")]
    assert [d["name"] for d in inferred] == ["DynamoDB"]
    assert inferred[0]["parent_id"] == dynamo["id"]

    graph = xray.client().get_trace_graph(TraceIds=[trace_id])["Services"]
    kinds = {(s["Name"], s.get("Type")) for s in graph}
    assert ("orders-api", "AWS::EC2::Instance") in kinds
    assert ("DynamoDB", "AWS::DynamoDB::Table") in kinds


def test_otlp_json_is_accepted_and_bad_bodies_are_refused(xray: XrayEmulator) -> None:
    now = time.time_ns()
    trace_hex = f"{int(time.time()):08x}" + "ab" * 12
    body = {"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name",
                                     "value": {"stringValue": "json-service"}}]},
        "scopeSpans": [{"spans": [
            {"traceId": trace_hex, "spanId": "1" * 16, "name": "GET /",
             "kind": 2, "startTimeUnixNano": str(now), "endTimeUnixNano": str(now + 5_000_000),
             "attributes": [{"key": "http.method", "value": {"stringValue": "GET"}},
                            {"key": "http.status_code", "value": {"intValue": "404"}}]},
            {"traceId": trace_hex, "spanId": "2" * 16, "parentSpanId": "1" * 16,
             "name": "lookup", "kind": 1, "startTimeUnixNano": str(now + 1_000_000),
             "endTimeUnixNano": str(now + 2_000_000)},
            {"traceId": "zz", "spanId": "3" * 16, "name": "broken"},
        ]}],
    }]}
    reply = httpx.post(f"{xray.endpoint_url}/v1/traces", json=body)
    assert reply.status_code == 200
    assert reply.json() == {"partialSuccess": {"rejectedSpans": "1",
                                               "errorMessage": "spans without valid ids"}}
    trace_id = f"1-{trace_hex[:8]}-{trace_hex[8:]}"
    segment = trace_documents(xray.client(), trace_id)[0]
    assert segment["error"] is True and segment["http"]["response"]["status"] == 404
    assert segment["subsegments"][0]["name"] == "lookup"
    summaries = xray.client().get_trace_summaries(
        StartTime=time.time() - 60, EndTime=time.time() + 60,
        FilterExpression='service("json-service") { error }')["TraceSummaries"]
    assert [s["Id"] for s in summaries] == [trace_id]

    assert httpx.post(f"{xray.endpoint_url}/v1/traces", content=b"[1]",
                      headers={"content-type": "application/json"}).status_code == 400
    assert httpx.post(f"{xray.endpoint_url}/v1/traces", content=b"\xff\x00garbage",
                      headers={"content-type": "application/x-protobuf"}).status_code == 400
    assert httpx.post(f"{xray.endpoint_url}/v1/traces", content=b"x",
                      headers={"content-type": "text/plain"}).status_code == 415
