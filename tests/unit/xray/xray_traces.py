"""Small, known traces for the X-Ray engine tests, built with the collector."""

from __future__ import annotations

import json
from typing import Any

from emulator.xray.collector import Collector
from emulator.xray.trace import Trace

NOW = 1_700_000_000.0
ACCOUNT, REGION = "000000000000", "us-east-1"


def trace_id(n: int) -> str:
    return f"1-{int(NOW):08x}-{n:024x}"


def seg_id(n: int) -> str:
    return f"{n:016x}"


def _http(method: str, url: str, status: int, **request: str) -> dict[str, Any]:
    return {"request": {"method": method, "url": url, **request},
            "response": {"status": status}}


def documents() -> dict[str, list[dict[str, Any]]]:
    """Named traces, each a list of segment documents."""
    ok = {
        "name": "api", "id": seg_id(0x11), "trace_id": trace_id(1), "start_time": NOW,
        "end_time": NOW + 0.1, "user": "alice",
        "http": _http("GET", "https://shop.example.com/ok", 200, user_agent="curl/8.0",
                      client_ip="10.0.0.1"),
        "annotations": {"case": "ok", "customer": "acme", "tier": 3, "vip": True},
        "subsegments": [{"name": "DynamoDB", "id": seg_id(0x12), "namespace": "aws",
                         "start_time": NOW + 0.01, "end_time": NOW + 0.05,
                         "http": {"response": {"status": 200}}}],
    }
    fault_api = {
        "name": "api", "id": seg_id(0x21), "trace_id": trace_id(2), "start_time": NOW,
        "end_time": NOW + 2.0, "fault": True, "user": "carol",
        "http": _http("POST", "https://shop.example.com/orders", 500),
        "annotations": {"case": "fault", "customer": "globex", "tier": 1},
        "subsegments": [{"name": "worker", "id": seg_id(0x22), "namespace": "remote",
                         "start_time": NOW + 0.1, "end_time": NOW + 2.5, "fault": True,
                         "http": _http("POST", "https://worker.internal/run", 500)}],
    }
    fault_worker = {
        "name": "worker", "id": seg_id(0x23), "trace_id": trace_id(2), "parent_id": seg_id(0x22),
        "start_time": NOW + 0.2, "end_time": NOW + 2.4, "fault": True,
        "origin": "AWS::EC2::Instance",
        "cause": {"exceptions": [{"id": seg_id(0x99), "type": "ValueError",
                                  "message": "boom at the worker"}]},
        "subsegments": [{"name": "compute", "id": seg_id(0x24), "start_time": NOW + 0.3,
                         "end_time": NOW + 2.3, "fault": True,
                         "cause": {"exceptions": [{"id": seg_id(0x98), "type": "KeyError",
                                                   "message": "missing key"}]}}],
    }
    error = {
        "name": "api", "id": seg_id(0x31), "trace_id": trace_id(3), "start_time": NOW,
        "end_time": NOW + 0.5, "error": True, "user": "bob",
        "http": _http("GET", "https://shop.example.com/items/7", 404),
        "annotations": {"case": "error", "vip": False, "ratio": 0.5},
    }
    throttle = {
        "name": "gateway", "id": seg_id(0x41), "trace_id": trace_id(4), "start_time": NOW,
        "end_time": NOW + 0.2, "error": True, "throttle": True,
        "http": _http("PUT", "https://shop.example.com/cart", 429),
        "annotations": {"case": "throttle"},
    }
    partial = {
        "name": "slow", "id": seg_id(0x51), "trace_id": trace_id(5), "start_time": NOW,
        "in_progress": True, "annotations": {"case": "partial"},
    }
    return {"ok": [ok], "fault": [fault_api, fault_worker], "error": [error],
            "throttle": [throttle], "partial": [partial]}


def collector() -> Collector:
    found = Collector(lambda: NOW + 10, max_bytes=10**9)
    for docs in documents().values():
        rejected = found.put_documents(ACCOUNT, REGION, [json.dumps(d) for d in docs])
        assert not rejected, rejected
    return found


def named_traces() -> dict[str, Trace]:
    store = collector()
    return {name: store.get(ACCOUNT, REGION, docs[0]["trace_id"])  # type: ignore[misc]
            for name, docs in documents().items()}
