"""The ``segments`` port other services trace through: incoming headers, sampling decisions
by the account's rules, recording, and the daemon address for Lambda environments."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from xray_support import XrayEmulator, running, trace_documents

from emulator.ports import SegmentRecorder

ACCOUNT = "000000000000"


@pytest.fixture(scope="module")
def xray() -> Iterator[XrayEmulator]:
    yield from running()


@pytest.fixture
def port(xray: XrayEmulator) -> SegmentRecorder:
    xray.reset()
    found: Any = xray.server.emulator.services.ports.segments
    return found  # type: ignore[no-any-return]


def test_an_incoming_header_is_honoured(port: SegmentRecorder, xray: XrayEmulator) -> None:
    root = f"1-{int(time.time()):08x}-{'1' * 24}"
    sampled = port.trace_context(f"Root={root};Parent={'2' * 16};Sampled=1",
                                 account=ACCOUNT, region=xray.region)
    assert (sampled.trace_id, sampled.parent_id, sampled.sampled) == (root, "2" * 16, True)
    assert sampled.header("3" * 16) == f"Root={root};Parent={'3' * 16};Sampled=1"
    unsampled = port.trace_context(f"Root={root};Sampled=0", account=ACCOUNT,
                                   region=xray.region)
    assert unsampled.sampled is False and unsampled.header() == f"Root={root};Sampled=0"
    fresh = port.trace_context(None, account=ACCOUNT, region=xray.region)
    assert fresh.trace_id != root and fresh.parent_id is None
    assert port.daemon_address == xray.daemon_address
    assert len(port.new_id()) == 16


def test_decisions_follow_the_rules(port: SegmentRecorder, xray: XrayEmulator) -> None:
    client = xray.client()
    client.create_sampling_rule(SamplingRule={
        "RuleName": "none-for-health", "ResourceARN": "*", "Priority": 1, "FixedRate": 0.0,
        "ReservoirSize": 0, "ServiceName": "*", "ServiceType": "AWS::ApiGateway::Stage",
        "Host": "*", "HTTPMethod": "GET", "URLPath": "/health", "Version": 1})
    decisions = [port.trace_context(None, account=ACCOUNT, region=xray.region,
                                    service_type="AWS::ApiGateway::Stage", method="GET",
                                    url_path="/health").sampled for _ in range(20)]
    assert decisions == [False] * 20
    # the default rule: the first request of a second, then 5%
    others = [port.trace_context(None, account=ACCOUNT, region=xray.region,
                                 service_type="AWS::ApiGateway::Stage", method="GET",
                                 url_path="/orders").sampled for _ in range(40)]
    assert others[0] is True and sum(others) < 40
    summaries = client.get_sampling_statistic_summaries()["SamplingStatisticSummaries"]
    counts = {s["RuleName"]: s["RequestCount"] for s in summaries}
    assert counts["none-for-health"] == 20 and counts["Default"] >= 40


def test_recorded_segments_keep_their_names_readable(port: SegmentRecorder,
                                                    xray: XrayEmulator) -> None:
    context = port.trace_context("Sampled=1", account=ACCOUNT, region=xray.region)
    now = time.time()
    port.record([{"name": "shop (v2)/prod", "id": port.new_id(), "trace_id": context.trace_id,
                  "start_time": now, "end_time": now + 0.01, "origin": "AWS::ApiGateway::Stage",
                  "subsegments": [{"name": "<lambda>", "id": port.new_id(),
                                   "start_time": now, "end_time": now + 0.005}]},
                 {"name": "broken"}], account=ACCOUNT, region=xray.region)
    (doc,) = trace_documents(xray.client(), context.trace_id)
    assert doc["name"] == "shop _v2_/prod" and doc["subsegments"][0]["name"] == "_lambda_"
