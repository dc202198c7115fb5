"""No handler fault takes the server down or changes how it answers others, under the
configuration ``localcloud serve`` (and the container) starts with.

Each test makes a function commit one fault, then checks that the server still answers its
health route, that another function answers as before, and that a request the server answered
before the fault is answered the same way afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from lambda_support import ROLE, unique, zip_of

from emulator.server import free_port

STEADY = "def handler(event, context):\n    return {'steady': event.get('n')}\n"
# A JSON body nested deeper than the server's recursion limit lets its parser go.
NESTED = b'{"QueueName": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"


class Server:
    """``python -m emulator`` with nothing configured but a free port, its output in a file."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {name: value for name, value in os.environ.items()
               if not name.upper().startswith("EMULATOR_")}
        env["EMULATOR_XRAY_DAEMON_PORT"] = "0"  # parallel runs must not share UDP port 2000
        self.output = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "emulator", "--port", str(self.port)],
            env=env, stdout=self.output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not self.healthy():
            assert self.proc.poll() is None, self.log()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        self.lam = boto3.client(
            "lambda", endpoint_url=self.url, region_name="us-east-1",
            aws_access_key_id="test", aws_secret_access_key="test",
            config=boto3.session.Config(retries={"max_attempts": 1}, read_timeout=120))
        self.steady = self.create(STEADY)

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/_emulator/health", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def log(self) -> str:
        self.output.seek(0)
        return self.output.read().decode(errors="replace")[-4000:]

    def create(self, source: str, **options: Any) -> str:
        name = unique("crash")
        self.lam.create_function(FunctionName=name, Runtime="python3.11", Handler="app.handler",
                                 Role=ROLE, Code={"ZipFile": zip_of({"app.py": source})},
                                 **options)
        return name

    def invoke(self, name: str, event: Any = None) -> dict[str, Any]:
        reply = self.lam.invoke(FunctionName=name, Payload=json.dumps(event or {}).encode())
        body: dict[str, Any] = json.loads(reply["Payload"].read() or b"null")
        return body

    def probe(self) -> tuple[int, bytes]:
        """An AWS API request the server parses: a deeply nested JSON body."""
        reply = httpx.post(self.url, content=NESTED, timeout=30, headers={
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.CreateQueue",
            "Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sqs/"
                             "aws4_request, SignedHeaders=host, Signature=0"})
        body = json.loads(reply.content)
        return reply.status_code, body.get("__type", body.get("code", "")).encode()

    def peak_rss_mb(self) -> int:
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
        return 0

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.output.close()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    started = Server()
    try:
        yield started
    finally:
        started.stop()


def assert_unaffected(server: Server, before: tuple[int, bytes]) -> None:
    assert server.proc.poll() is None, f"the server died:\n{server.log()}"
    assert server.healthy()
    assert server.invoke(server.steady, {"n": 7}) == {"steady": 7}
    assert server.probe() == before


def test_the_default_configuration_runs_handlers_out_of_the_server(server: Server) -> None:
    name = server.create("import os\ndef handler(event, context):\n    return os.getpid()\n")
    assert server.invoke(name) != server.proc.pid


def test_a_segfault(server: Server) -> None:
    before = server.probe()
    name = server.create("import ctypes\ndef handler(event, context):\n"
                         "    return ctypes.string_at(0)\n")
    body = server.invoke(name)
    assert body["errorType"] == "Runtime.ExitError"
    assert body["errorMessage"].endswith("Runtime exited with error: signal: segmentation fault")
    assert_unaffected(server, before)


@pytest.mark.parametrize("where", ["handler", "thread"])
def test_os_exit(server: Server, where: str) -> None:
    before = server.probe()
    source = ("import os, threading, time\n"
              "def later():\n    time.sleep(0.3)\n    os._exit(3)\n"
              "def handler(event, context):\n"
              "    if event.get('thread'):\n"
              "        threading.Thread(target=later).start()\n"
              "        return 'returned'\n"
              "    os._exit(3)\n")
    name = server.create(source)
    if where == "handler":
        body = server.invoke(name)
        assert body["errorType"] == "Runtime.ExitError"
        assert body["errorMessage"].endswith("Runtime exited with error: exit status 3")
    else:
        assert server.invoke(name, {"thread": True}) == "returned"
        time.sleep(0.6)
        # The environment whose process ended is replaced by a new one.
        assert server.invoke(name, {"thread": True}) == "returned"
        time.sleep(0.6)
    assert_unaffected(server, before)


def test_a_raised_recursion_limit(server: Server) -> None:
    before = server.probe()
    name = server.create("import sys\ndef handler(event, context):\n"
                         "    sys.setrecursionlimit(10**6)\n    return sys.getrecursionlimit()\n")
    assert server.invoke(name) == 10**6
    assert_unaffected(server, before)


def test_tampered_modules_and_import_path(server: Server) -> None:
    before = server.probe()
    name = server.create(
        "import sys\n"
        "def handler(event, context):\n"
        "    sys.modules['json'] = None\n"
        "    sys.modules.pop('asyncio', None)\n"
        "    sys.path.clear()\n"
        "    sys.meta_path.clear()\n"
        "    return 'tampered'\n")
    assert server.invoke(name) == "tampered"
    assert_unaffected(server, before)
    # A service the server has not loaded yet still loads and answers.
    sns = boto3.client("sns", endpoint_url=server.url, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    assert sns.list_topics()["Topics"] == []


def test_threads_left_running(server: Server) -> None:
    before = server.probe()
    name = server.create(
        "import threading\n"
        "def spin():\n    while True:\n        pass\n"
        "def handler(event, context):\n"
        "    for _ in range(4):\n"
        "        threading.Thread(target=spin, daemon=True).start()\n"
        "    return threading.active_count()\n")
    assert server.invoke(name) == 5
    assert_unaffected(server, before)
    assert server.invoke(name) == 9  # the same environment, warm, its threads still there


def test_runaway_memory_is_out_of_memory(server: Server) -> None:
    # https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
    before = server.probe()
    name = server.create("def handler(event, context):\n"
                         "    hog = b'x' * (2 * 1024 ** 3)\n    return len(hog)\n",
                         MemorySize=128, Timeout=30)
    body = server.invoke(name)
    assert body["errorType"] == "Runtime.OutOfMemory"
    assert body["errorMessage"].endswith("Error: Runtime exited with error: signal: killed")
    assert server.peak_rss_mb() < 1024
    assert_unaffected(server, before)


def test_changed_signal_handlers() -> None:
    server = Server()
    try:
        before = server.probe()
        name = server.create(
            "import ctypes, signal\n"
            "def handler(event, context):\n"
            "    libc = ctypes.CDLL(None)\n"
            "    libc.signal(signal.SIGTERM, 1)\n"  # SIG_IGN, below Python's main-thread check
            "    libc.signal(signal.SIGINT, 1)\n"
            "    return 'ignoring'\n")
        assert server.invoke(name) == "ignoring"
        assert_unaffected(server, before)
        # The server still stops gracefully when asked to.
        server.proc.send_signal(signal.SIGTERM)
        # uvicorn re-raises SIGTERM once its graceful shutdown is done
        assert server.proc.wait(15) in (0, -signal.SIGTERM)
        assert "Finished server process" in server.log()
    finally:
        server.stop()


@pytest.mark.slow  # kills and restarts a real emulator process
def test_a_killed_server_leaves_nothing_behind_once_another_starts() -> None:
    # Leftovers of issue 19: the temporary code folders of a server that died are removed on
    # the next start (docs/reliability.md).
    first = Server()
    pid = first.proc.pid
    try:
        assert first.invoke(first.steady, {"n": 1}) == {"steady": 1}
        owned = [path for path in Path(tempfile.gettempdir()).iterdir()
                 if path.name.startswith("emulator-") and f"-{pid}-" in path.name]
        assert any(path.name.startswith(f"emulator-lambda-{pid}-") for path in owned), owned
    finally:
        first.stop()  # kill -9: nothing is cleaned up
    assert all(path.exists() for path in owned)
    second = Server()
    try:
        assert not any(path.exists() for path in owned)
    finally:
        second.stop()
