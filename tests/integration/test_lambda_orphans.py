"""A function's runtime process outlives nothing: when the emulator dies without a chance to
stop it (SIGKILL, an out-of-memory kill, a crashed container), the Node.js runtime process it
started finds its output pipe and Runtime API gone and exits, instead of failing on every line
it writes and retrying its report in a loop that kept a core busy forever."""

from __future__ import annotations

import os
import time
from pathlib import Path

import boto3
import pytest
from emulator_process import EmulatorProcess
from lambda_support import ROLE, unique, zip_of
from runtime_functions import need

pytestmark = pytest.mark.slow  # a server of its own, started and killed: about 5 s


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The parent pid is the second field after the parenthesised command name.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
def test_a_node_runtime_exits_when_the_emulator_is_killed() -> None:
    need("node")
    server = EmulatorProcess()
    try:
        server.wait_healthy()
        client = boto3.client("lambda", endpoint_url=server.url, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
        name = unique("orphan")
        client.create_function(
            FunctionName=name, Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
            Code={"ZipFile": zip_of({"index.js": """
                // Output between invocations too, as a timer or a client library's may be.
                setInterval(() => console.log("still here"), 20).unref();
                exports.handler = async () => { console.log("answering"); return 1; };
            """})})
        assert client.invoke(FunctionName=name)["Payload"].read() == b"1"
        runtimes = [pid for pid in _children(server.proc.pid)
                    if "index.mjs" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")]
        assert runtimes, "the warm Node.js runtime process is the emulator's child"
    finally:
        server.kill()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in runtimes) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in runtimes if _alive(pid)]
    for pid in left:
        os.kill(pid, 9)
    assert left == []
