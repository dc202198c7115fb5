"""The real aws-xray-sdk pointed at the emulator's daemon: UDP segments and the TCP proxy."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest
from aws_xray_sdk.core import AWSXRayRecorder
from aws_xray_sdk.core.context import Context
from aws_xray_sdk.core.daemon_config import DaemonConfig
from aws_xray_sdk.core.sampling.connector import ServiceConnector
from aws_xray_sdk.core.sampling.sampler import DefaultSampler
from aws_xray_sdk.core.sampling.sampling_rule import SamplingRule
from xray_support import XrayEmulator, by_name, running, trace_documents, wait_for

HEADER = b'{"format": "json", "version": 1}\n'


@pytest.fixture(scope="module")
def xray() -> Iterator[XrayEmulator]:
    yield from running()


def _recorder(address: str, **options: object) -> AWSXRayRecorder:
    recorder = AWSXRayRecorder()
    settings: dict[str, object] = {"daemon_address": address, "sampling": False,
                                   "context_missing": "LOG_ERROR", "context": Context()}
    settings.update(options)
    recorder.configure(**settings)  # type: ignore[arg-type]
    return recorder


def _send(address: str, document: dict[str, object]) -> None:
    host, port = address.split(":")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(HEADER + json.dumps(document).encode(), (host, int(port)))


def test_a_segment_comes_back_intact(xray: XrayEmulator) -> None:
    recorder = _recorder(xray.daemon_address)
    segment = recorder.begin_segment("checkout")
    segment.put_annotation("customer", "acme")
    segment.put_annotation("items", 3)
    segment.put_annotation("express", True)
    segment.put_metadata("order", {"id": "o-1", "lines": [1, 2]}, "shop")
    segment.put_http_meta("method", "POST")
    segment.put_http_meta("url", "https://shop.example.com/checkout")
    segment.put_http_meta("status", 500)
    segment.set_user("alice")
    with recorder.in_subsegment("charge") as charge:
        charge.put_annotation("gateway", "stripe")
        try:
            raise ValueError("card declined")
        except ValueError as error:
            charge.add_exception(error, [])
        with recorder.in_subsegment("fraud-check") as inner:
            inner.put_metadata("score", 0.2)
    recorder.end_segment()

    documents = trace_documents(xray.client(), segment.trace_id)
    assert len(documents) == 1
    doc = documents[0]
    assert doc["id"] == segment.id and doc["name"] == "checkout"
    assert doc["annotations"] == {"customer": "acme", "items": 3, "express": True}
    assert doc["metadata"]["shop"]["order"] == {"id": "o-1", "lines": [1, 2]}
    assert doc["http"]["request"] == {"method": "POST",
                                      "url": "https://shop.example.com/checkout"}
    assert doc["http"]["response"]["status"] == 500
    assert doc["fault"] is True and doc["user"] == "alice"
    charge_doc = doc["subsegments"][0]
    assert charge_doc["name"] == "charge" and charge_doc["annotations"] == {"gateway": "stripe"}
    exception = charge_doc["cause"]["exceptions"][0]
    assert exception["type"] == "ValueError" and exception["message"] == "card declined"
    assert charge_doc["fault"] is True
    assert charge_doc["subsegments"][0]["name"] == "fraud-check"
    assert charge_doc["subsegments"][0]["metadata"]["default"]["score"] == 0.2


def test_subsegments_sent_separately_are_merged(xray: XrayEmulator) -> None:
    # A streaming threshold of one makes the SDK send finished subsegments on their own.
    recorder = _recorder(xray.daemon_address, streaming_threshold=1)
    segment = recorder.begin_segment("batch")
    for name in ("load", "transform", "store"):
        with recorder.in_subsegment(name) as sub:
            sub.put_annotation("step", name)
    recorder.end_segment()

    client = xray.client()

    def merged() -> list[dict[str, object]] | None:
        docs = trace_documents(client, segment.trace_id)
        names = {s["name"] for s in docs[0].get("subsegments", [])}  # type: ignore[union-attr]
        return docs if names == {"load", "transform", "store"} else None

    doc = wait_for(merged, "three merged subsegments")[0]
    subsegments = doc["subsegments"]
    assert [s["name"] for s in subsegments] == ["load", "transform", "store"]  # type: ignore
    assert len(client.batch_get_traces(TraceIds=[segment.trace_id])["Traces"][0]["Segments"]) == 1
    summaries = client.get_trace_summaries(
        StartTime=time.time() - 60, EndTime=time.time() + 60,
        FilterExpression='annotation.step = "transform"')["TraceSummaries"]
    assert [s["Id"] for s in summaries] == [segment.trace_id]


def test_an_in_progress_segment_is_replaced_when_complete(xray: XrayEmulator) -> None:
    client = xray.client()
    trace_id = f"1-{int(time.time()):08x}-{'c' * 24}"
    start = time.time()
    _send(xray.daemon_address, {"name": "long-job", "id": "a" * 16, "trace_id": trace_id,
                                "start_time": start, "in_progress": True})
    first = trace_documents(client, trace_id)[0]
    assert first["in_progress"] is True and "end_time" not in first
    summary = client.get_trace_summaries(StartTime=start - 60, EndTime=start + 60,
                                         FilterExpression="partial")["TraceSummaries"]
    assert trace_id in [s["Id"] for s in summary]

    _send(xray.daemon_address, {"name": "long-job", "id": "a" * 16, "trace_id": trace_id,
                                "start_time": start, "end_time": start + 1.5})
    done = wait_for(lambda: [d for d in trace_documents(client, trace_id)
                             if "end_time" in d], "the finished segment")[0]
    assert done["end_time"] == start + 1.5 and "in_progress" not in done
    # a late in-progress copy never replaces the finished document
    _send(xray.daemon_address, {"name": "long-job", "id": "a" * 16, "trace_id": trace_id,
                                "start_time": start, "in_progress": True})
    _send(xray.daemon_address, {"name": "marker", "id": "b" * 16, "trace_id": trace_id,
                                "start_time": start, "end_time": start + 0.1})
    docs = trace_documents(client, trace_id, 2)
    assert by_name(docs)["long-job"]["end_time"] == start + 1.5


def test_datagrams_without_the_header_are_dropped(xray: XrayEmulator) -> None:
    host, port = xray.daemon_address.split(":")
    trace_id = f"1-{int(time.time()):08x}-{'d' * 24}"
    document = {"name": "x", "id": "e" * 16, "trace_id": trace_id, "start_time": time.time(),
                "end_time": time.time()}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(json.dumps(document).encode(), (host, int(port)))
        sock.sendto(b'{"format": "xml", "version": 1}\n' + json.dumps(document).encode(),
                    (host, int(port)))
    _send(xray.daemon_address, {**document, "id": "f" * 16})
    docs = trace_documents(xray.client(), trace_id)
    assert [d["id"] for d in docs] == ["f" * 16]


def test_centralised_sampling_rule_through_the_tcp_proxy(xray: XrayEmulator) -> None:
    client = xray.client()
    base = {"ResourceARN": "*", "ServiceType": "*", "Host": "*", "HTTPMethod": "*",
            "URLPath": "*", "Version": 1}
    client.create_sampling_rule(SamplingRule={
        **base, "RuleName": "never-checkout", "Priority": 1, "FixedRate": 0.0,
        "ReservoirSize": 0, "ServiceName": "checkout"})
    client.create_sampling_rule(SamplingRule={
        **base, "RuleName": "always-orders", "Priority": 2, "FixedRate": 1.0,
        "ReservoirSize": 0, "ServiceName": "orders"})
    try:
        sampler = DefaultSampler()
        sampler.load_settings(DaemonConfig(xray.daemon_address), Context())
        sampler.start()
        wait_for(lambda: {"never-checkout", "always-orders"}
                 <= {r.name for r in sampler._cache.rules}, "the SDK to poll the rules")

        recorder = _recorder(xray.daemon_address, sampling=True, sampler=sampler)
        kept = recorder.begin_segment("orders")
        assert kept.sampled
        recorder.end_segment()
        dropped = recorder.begin_segment("checkout")
        assert not dropped.sampled
        recorder.end_segment()
        trace_documents(client, kept.trace_id)
        assert client.batch_get_traces(TraceIds=[dropped.trace_id])["Traces"] == []

        # The SDK reports statistics and gets its quota through the same proxy.
        connector = ServiceConnector()
        host, port = xray.daemon_address.split(":")
        connector.setup_xray_client(host, port, None)
        rules = {r.name: r for r in connector.fetch_sampling_rules()}
        assert rules["always-orders"].rate == 1.0
        assert rules["never-checkout"].match({"service": "checkout"})
        assert not rules["never-checkout"].match({"service": "orders"})
        default = rules["Default"]
        assert (default.rate, default.priority, default.is_default()) == (0.05, 10000, True)
    finally:
        client.delete_sampling_rule(RuleName="never-checkout")
        client.delete_sampling_rule(RuleName="always-orders")


def test_reservoir_quota_is_shared_between_clients(xray: XrayEmulator) -> None:
    client = xray.client()
    client.create_sampling_rule(SamplingRule={
        "RuleName": "shared", "ResourceARN": "*", "Priority": 5, "FixedRate": 0.1,
        "ReservoirSize": 10, "ServiceName": "shared", "ServiceType": "*", "Host": "*",
        "HTTPMethod": "*", "URLPath": "*", "Version": 1})
    host, port = xray.daemon_address.split(":")
    try:
        connectors = [ServiceConnector(), ServiceConnector()]
        quotas = []
        for _ in range(2):  # the second round sees both clients as active
            quotas = []
            for connector in connectors:
                connector.setup_xray_client(host, port, None)
                rule = SamplingRule(name="shared", priority=5, rate=0.1, reservoir_size=10)
                for _ in range(4):
                    rule.increment_request_count()
                    rule.increment_sampled_count()
                targets, modified = connector.fetch_sampling_target([rule])
                assert targets["shared"]["rate"] == 0.1
                assert modified > 0
                assert targets["shared"]["interval"] == 10
                assert targets["shared"]["TTL"] > time.time()
                quotas.append(targets["shared"]["quota"])
        assert quotas == [5, 5]
        summaries = client.get_sampling_statistic_summaries()["SamplingStatisticSummaries"]
        shared = next(s for s in summaries if s["RuleName"] == "shared")
        assert shared["RequestCount"] == 16 and shared["SampledCount"] == 16
    finally:
        client.delete_sampling_rule(RuleName="shared")
