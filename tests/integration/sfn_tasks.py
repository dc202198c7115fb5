"""Helpers for the Step Functions integration tests: history, polling queues, tiny servers."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sfn_helpers import machine


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def events(client: Any, execution_arn: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = client.get_execution_history(executionArn=execution_arn, maxResults=1000,
                                            **({"nextToken": token} if token else {}))
        found.extend(page["events"])
        token = page.get("nextToken")
        if not token:
            return found


def types(client: Any, execution_arn: str) -> list[str]:
    return [event["type"] for event in events(client, execution_arn)]


def wait_for_event(client: Any, execution_arn: str, kind: str, count: int = 1,
                   attempts: int = 1000) -> list[dict[str, Any]]:
    """Poll the history until ``count`` events of type ``kind`` are in it."""
    for _ in range(attempts):
        found = [e for e in events(client, execution_arn) if e["type"] == kind]
        if len(found) >= count:
            return found
        time.sleep(0.01)
    raise AssertionError(f"no {kind} event in {types(client, execution_arn)}")


def receive(sqs: Any, url: str, attempts: int = 200) -> dict[str, Any]:
    """One message from the queue (deleted), polling briefly."""
    for _ in range(attempts):
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages", [])
        if messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
            return dict(messages[0])
        time.sleep(0.01)
    raise AssertionError(f"no message arrived on {url}")


def detail(event: dict[str, Any]) -> dict[str, Any]:
    """The ``...EventDetails`` member of a history event."""
    for key, value in event.items():
        if key.endswith("EventDetails"):
            return dict(value)
    return {}


def start(client: Any, arn: str, data: Any = None) -> str:
    reply = client.start_execution(stateMachineArn=arn, input=json.dumps(data or {}))
    return str(reply["executionArn"])


class Recorder(BaseHTTPRequestHandler):
    """Answers every request with the status and JSON body the test sets, and keeps them."""

    status = 200
    body: Any = {"ok": True}
    requests: list[dict[str, Any]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.requests.append({"method": self.command, "path": self.path,
                              "headers": dict(self.headers),
                              "body": self.rfile.read(length).decode()})
        payload = json.dumps(self.body).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def http_server(status: int = 200, body: Any = None) -> Iterator[type[Recorder]]:
    handler = type("Handler", (Recorder,), {"status": status, "body": body or {"ok": True},
                                            "requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


__all__ = ["detail", "events", "http_server", "machine", "receive", "start", "types",
           "unique", "wait_for_event"]
