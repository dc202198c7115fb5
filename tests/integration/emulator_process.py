"""Start the emulator as a real process, the way a user does from a shell."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from emulator.server import free_port


class EmulatorProcess:
    def __init__(self, *args: str, cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, **(env or {})}
        env.pop("EMULATOR_STATE_DIR", None)
        # Never the fixed daemon port 2000: a running emulator or a parallel run may hold it.
        env.setdefault("EMULATOR_XRAY_DAEMON_PORT", "0")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "emulator", "--port", str(self.port), *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    def wait_healthy(self, timeout: float = 30) -> dict[str, object]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"emulator exited: {self.output()}")
            try:
                reply = httpx.get(f"{self.url}/_emulator/health", timeout=1)
                if reply.status_code == 200:
                    body: dict[str, object] = reply.json()
                    return body
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise TimeoutError("emulator did not become healthy")

    def terminate(self, timeout: float = 15) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no chance to flush anything
        self.proc.wait(10)

    def output(self) -> str:
        if self.proc.poll() is None:
            return ""
        assert self.proc.stdout is not None
        return self.proc.stdout.read().decode(errors="replace")

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
