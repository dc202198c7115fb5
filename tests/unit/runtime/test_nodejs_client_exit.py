"""The Node.js runtime client stops when its Runtime API is gone: a server that answers
``/invocation/next`` with anything but an event (another process holding the port once the
emulator has exited) must not keep it asking in a loop."""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

import emulator

CLIENT = Path(emulator.__file__).parent / "runtime" / "nodejs" / "index.mjs"


class _NotFound(http.server.BaseHTTPRequestHandler):
    asked = 0

    def do_GET(self) -> None:
        type(self).asked += 1
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_a_runtime_api_that_answers_no_event_ends_the_client(tmp_path: Path) -> None:
    (tmp_path / "index.mjs").write_text("export const handler = async () => 'ok';\n")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {**os.environ, "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_port}",
               "LAMBDA_TASK_ROOT": str(tmp_path), "_HANDLER": "index.handler"}
        process = subprocess.run(["node", str(CLIENT)], env=env, cwd=tmp_path, timeout=60,
                                 capture_output=True)
    finally:
        server.shutdown()
    assert process.returncode != 0
    assert _NotFound.asked == 1
