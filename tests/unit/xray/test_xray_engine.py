"""The X-Ray engine without HTTP: trace headers, the collector and its annotation index,
datagrams, sampling decisions and quotas, and OTLP conversion."""

from __future__ import annotations

import json
import random

import pytest
from xray_traces import ACCOUNT, NOW, REGION, collector, documents, trace_id

from emulator.xray import sampling
from emulator.xray.collector import Collector
from emulator.xray.daemon import split_datagram
from emulator.xray.filters import compile_filter
from emulator.xray.header import TraceHeader, new_trace_id, trace_epoch
from emulator.xray.otlp import convert


def test_trace_header_round_trip() -> None:
    header = TraceHeader.parse(f"Root={trace_id(1)};Parent={'a' * 16};Sampled=1;Lineage=x:1")
    assert (header.root, header.parent, header.sampled) == (trace_id(1), "a" * 16, True)
    assert header.to_header() == f"Root={trace_id(1)};Parent={'a' * 16};Sampled=1;Lineage=x:1"
    assert TraceHeader.parse("Root=1-bad;Sampled=?").root is None
    assert TraceHeader.parse("Sampled=?").sampled is None
    assert TraceHeader.parse("Sampled=0").sampled is False
    assert trace_epoch(new_trace_id(NOW)) == int(NOW)


@pytest.mark.parametrize("expression", [
    'annotation.customer = "acme"', 'annotation.customer = "acme" AND ok',
    'annotation[customer] = "globex" AND annotation.case = "fault"',
    'annotation.customer = "nobody"', 'annotation.case = "ok" OR fault',
    '!(annotation.customer = "acme")'])
def test_the_annotation_index_finds_what_a_full_scan_finds(expression: str) -> None:
    store = collector()
    compiled = compile_filter(expression)
    indexed = {t.id for t, _ in store.find(ACCOUNT, REGION, NOW - 60, NOW + 60, "TraceId",
                                           compiled)[0]}
    scanned = {t.id for t in store.live(ACCOUNT, REGION) if compiled.matches(t.facts)}
    assert indexed == scanned


def test_eviction_forgets_index_entries() -> None:
    store = Collector(lambda: NOW, max_bytes=1500)
    for n in range(5):
        doc = {"name": "a", "id": f"{n + 1:016x}", "trace_id": trace_id(n), "start_time": NOW,
               "end_time": NOW + 1, "annotations": {"k": f"v{n}", "pad": "p" * 500}}
        store.put_documents(ACCOUNT, REGION, [json.dumps(doc)])
    kept = store.store(ACCOUNT, REGION)
    assert len(kept) < 5
    assert set(kept.annotations) == {(k, v) for t in kept.traces.values()
                                     for (k, v) in t.indexed}


def test_datagram_header() -> None:
    assert split_datagram(b'{"format": "json", "version": 1}\n{"a": 1}') == b'{"a": 1}'
    assert split_datagram(b'{"format":"json","version":1}\n') == b""
    assert split_datagram(b'{"a": 1}') is None
    assert split_datagram(b'{"format": "json", "version": 2}\n{}') is None
    assert split_datagram(b"garbage\n{}") is None


def test_default_rule_samples_one_a_second_then_five_percent() -> None:
    sampler = sampling.Sampler(random.Random(7))
    rule = sampling.Rule("Default", 10000, 0.05, 1)
    decisions = [sampler.decide([rule], sampling.Request(), NOW + i / 1000)[0]
                 for i in range(1000)]
    assert decisions[0] is True
    assert 20 <= sum(decisions[1:]) <= 90
    assert sampler.decide([rule], sampling.Request(), NOW + 1.5)[0] is True


def test_rules_match_in_priority_order_with_wildcards() -> None:
    specific = sampling.Rule("orders", 1, 1.0, 0, service_name="order*", http_method="POST",
                             url_path="/orders/?")
    never = sampling.Rule("never", 2, 0.0, 0)
    default = sampling.Rule("Default", 10000, 0.05, 1)
    sampler = sampling.Sampler(random.Random(1))
    request = sampling.Request(service_name="orders-api", http_method="post", url_path="/orders/1")
    assert sampler.decide([default, never, specific], request, NOW) == (True, "orders")
    other = sampling.Request(service_name="billing", http_method="GET", url_path="/")
    assert sampler.decide([default, never, specific], other, NOW) == (False, "never")


def test_quota_splits_the_reservoir_by_reported_requests() -> None:
    sampler = sampling.Sampler()
    rule = sampling.Rule("r", 1, 0.1, 12)
    sampler.report(rule, "a" * 24, 30, 3, 0, NOW)
    busy = sampler.report(rule, "b" * 24, 90, 9, 0, NOW)
    quiet = sampler.report(rule, "a" * 24, 30, 3, 0, NOW)
    assert (quiet["ReservoirQuota"], busy["ReservoirQuota"]) == (3, 9)
    assert busy["Interval"] == sampling.TARGET_INTERVAL
    assert busy["ReservoirQuotaTTL"] > NOW
    # a client that stopped reporting no longer holds a share
    alone = sampler.report(rule, "a" * 24, 30, 3, 0, NOW + 60)
    assert alone["ReservoirQuota"] == 12


def test_otlp_ids_and_in_progress_spans() -> None:
    docs, rejected = convert({"resourceSpans": [{"scopeSpans": [{"spans": [
        {"traceId": "5f" * 16, "spanId": "ab" * 8, "startTimeUnixNano": "1000000000",
         "kind": "SPAN_KIND_SERVER", "status": {"code": "STATUS_CODE_ERROR"}},
        {"traceId": "0" * 32, "spanId": "ab" * 8},
    ]}]}]})
    assert rejected == 1
    (doc,) = docs
    assert doc["trace_id"] == f"1-{'5f' * 4}-{'5f' * 12}" and doc["id"] == "ab" * 8
    assert doc["name"] == "unknown_service" and doc["in_progress"] is True
    assert doc["fault"] is True and doc["start_time"] == 1.0


def test_fixture_traces_are_all_valid() -> None:
    assert len(documents()) == 5


def test_lambda_segments_nest_function_under_service() -> None:
    from itertools import count

    from emulator.xray.lambda_trace import LambdaInvocation, lambda_segments

    ids = (f"{n:016x}" for n in count(100))
    call = LambdaInvocation("fn", "arn:aws:lambda:us-east-1:000000000000:function:fn",
                            ACCOUNT, "req-1", start=NOW, end=NOW + 0.5,
                            invocation=(NOW + 0.2, NOW + 0.45), init=(NOW + 0.01, NOW + 0.2),
                            function_error="Unhandled",
                            error={"errorType": "KeyError", "errorMessage": "'id'"})
    service, function = lambda_segments(call, trace_id=trace_id(9), parent_id="e" * 16,
                                        service_id="a" * 16, function_id="b" * 16,
                                        new_id=lambda: next(ids))
    assert (service["origin"], service["parent_id"]) == ("AWS::Lambda", "e" * 16)
    assert (function["origin"], function["parent_id"]) == ("AWS::Lambda::Function", "a" * 16)
    names = [s["name"] for s in function["subsegments"]]
    assert names == ["Initialization", "Invocation", "Overhead"]
    assert function["fault"] is True
    assert function["subsegments"][1]["cause"]["exceptions"][0]["type"] == "KeyError"
    store = Collector(lambda: NOW, 10**6)
    assert store.put_documents(ACCOUNT, REGION, [json.dumps(service), json.dumps(function)]) == []
