"""Traces, sampling rules and groups survive ``kill -9`` when state persists."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from emulator_process import EmulatorProcess
from xray_support import free_daemon_port, wait_for

# Each test kills and restarts a real emulator process (seconds each): the slow profile.
pytestmark = pytest.mark.slow


def _xray(url: str) -> Any:
    return boto3.client("xray", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_traces_and_rules_survive_kill_9(tmp_path: Path) -> None:
    state = tmp_path / "state"
    daemon = free_daemon_port()
    now = time.time()
    trace_id = f"1-{int(now):08x}-{'9' * 24}"
    with EmulatorProcess("--state-dir", str(state), "--xray-daemon-port",
                         str(daemon)) as first:
        first.wait_healthy()
        xray = _xray(first.url)
        xray.create_group(GroupName="slow", FilterExpression="responsetime > 1")
        xray.create_sampling_rule(SamplingRule={
            "RuleName": "keep", "ResourceARN": "*", "Priority": 1, "FixedRate": 1.0,
            "ReservoirSize": 0, "ServiceName": "*", "ServiceType": "*", "Host": "*",
            "HTTPMethod": "*", "URLPath": "*", "Version": 1})
        segment = {"name": "api", "id": "a" * 16, "trace_id": trace_id, "start_time": now,
                   "end_time": now + 2, "annotations": {"customer": "acme"}}
        separate = {"name": "db", "id": "b" * 16, "trace_id": trace_id, "type": "subsegment",
                    "parent_id": "a" * 16, "start_time": now + 0.5, "end_time": now + 1}
        xray.put_trace_segments(TraceSegmentDocuments=[json.dumps(segment)])
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(b'{"format": "json", "version": 1}\n' + json.dumps(separate).encode(),
                        ("127.0.0.1", daemon))

        def merged() -> bool:
            traces = xray.batch_get_traces(TraceIds=[trace_id])["Traces"]
            return bool(traces) and "subsegments" in traces[0]["Segments"][0]["Document"]

        wait_for(merged, "the subsegment sent to the daemon", deadline=30)
        first.kill()

    with EmulatorProcess("--state-dir", str(state), "--xray-daemon-port", "0") as second:
        second.wait_healthy()
        xray = _xray(second.url)
        (doc,) = [json.loads(s["Document"]) for s in xray.batch_get_traces(
            TraceIds=[trace_id])["Traces"][0]["Segments"]]
        assert doc["annotations"] == {"customer": "acme"}
        assert [s["name"] for s in doc["subsegments"]] == ["db"]
        found = xray.get_trace_summaries(StartTime=now - 60, EndTime=now + 60,
                                         FilterExpression='group.name = "slow" AND '
                                                          'annotation.customer = "acme"')
        assert [s["Id"] for s in found["TraceSummaries"]] == [trace_id]
        rules = [r["SamplingRule"]["RuleName"]
                 for r in xray.get_sampling_rules()["SamplingRuleRecords"]]
        assert rules == ["keep", "Default"]
        second.kill()
