"""Readable traces: the internal endpoint's tree with timings, and the CLI's waterfall."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from xray_support import XrayEmulator, running

from emulator.cli import main

NOW = time.time()
TRACE = f"1-{int(NOW):08x}-{'7' * 24}"


@pytest.fixture(scope="module")
def xray() -> Iterator[XrayEmulator]:
    for emulator in running():
        api = {"name": "api", "id": "a" * 16, "trace_id": TRACE, "start_time": NOW,
               "end_time": NOW + 0.5, "http": {"response": {"status": 502}}, "fault": True,
               "origin": "AWS::ApiGateway::Stage",
               "subsegments": [{"name": "worker", "id": "b" * 16, "start_time": NOW + 0.1,
                                "end_time": NOW + 0.45, "namespace": "remote",
                                "fault": True}]}
        worker = {"name": "worker", "id": "c" * 16, "trace_id": TRACE, "parent_id": "b" * 16,
                  "start_time": NOW + 0.12, "end_time": NOW + 0.44, "fault": True,
                  "cause": {"exceptions": [{"id": "d" * 16, "type": "TimeoutError",
                                            "message": "took too long"}]},
                  "subsegments": [{"name": "query", "id": "e" * 16, "start_time": NOW + 0.2,
                                   "end_time": NOW + 0.3}]}
        emulator.client().put_trace_segments(
            TraceSegmentDocuments=[json.dumps(api), json.dumps(worker)])
        yield emulator


def test_the_tree_nests_called_segments_under_their_caller(xray: XrayEmulator) -> None:
    view = httpx.get(f"{xray.endpoint_url}/_emulator/xray/traces/{TRACE}").json()
    assert view["id"] == TRACE and view["duration"] == 0.5 and view["fault"] is True
    (api,) = view["roots"]
    assert (api["name"], api["offset"], api["duration"], api["http_status"]) == (
        "api", 0.0, 0.5, 502)
    (call,) = api["children"]
    assert call["name"] == "worker" and call["kind"] == "subsegment"
    (worker,) = call["children"]
    assert worker["kind"] == "segment" and worker["offset"] == 0.12
    assert worker["exceptions"] == [{"type": "TimeoutError", "message": "took too long"}]
    assert worker["children"][0]["name"] == "query"
    missing = httpx.get(f"{xray.endpoint_url}/_emulator/xray/traces/1-00000000-{'0' * 24}")
    assert missing.status_code == 404


def test_the_cli_prints_a_waterfall(xray: XrayEmulator,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", TRACE, "--endpoint-url", xray.endpoint_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"Trace {TRACE}  500.0 ms  2 segment(s)  FAULT")
    rows = {line.split()[0]: line for line in lines[2:]}
    assert list(rows) == ["api", "worker", "query"]
    assert "|========================================|" in rows["api"]
    assert "502" in rows["api"] and "TimeoutError: took too long" in lines[4]
    query = next(line for line in lines if line.strip().startswith("query"))
    assert query.index("query") > lines[4].index("worker")
    assert "|                ========                |" in query

    assert main(["traces", "--endpoint-url", xray.endpoint_url]) == 0
    listing = capsys.readouterr().out
    assert TRACE in listing and "500.0 ms  api  502" in listing and "fault" in listing

    assert main(["trace", TRACE, "--json", "--endpoint-url", xray.endpoint_url]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == TRACE
    assert main(["trace", "1-00000000-" + "0" * 24, "--endpoint-url",
                 xray.endpoint_url]) == 1
    assert "no trace" in capsys.readouterr().err
