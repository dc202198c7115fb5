"""Starting a server as a subprocess, timing its first healthy answer, reading its memory."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
HEALTH_PATH = "/_emulator/health"
# Short enough that polling adds little to a start-up of a few hundred milliseconds.
POLL_INTERVAL = 0.002
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def emulator_command(port: int) -> list[str]:
    return [sys.executable, "-m", "emulator", "--port", str(port)]


def module_command(module: str, port: int) -> list[str]:
    """A floor app from bench/, started the same way as the emulator."""
    return [sys.executable, "-m", module, "--port", str(port)]


def health_status(port: int, timeout: float = 1.0) -> int | None:
    """The status of one GET of the health route, or None when nothing answers yet."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", HEALTH_PATH)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        connection.close()


def rss_bytes(pid: int) -> int:
    """Resident set size of a process, from /proc (Linux) or psutil elsewhere."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError(f"no VmRSS for process {pid}")
    import psutil  # type: ignore[import-untyped]

    return int(psutil.Process(pid).memory_info().rss)


@dataclass
class Started:
    """A server that has answered its first health check."""

    process: subprocess.Popen[bytes]
    port: int
    startup_seconds: float

    @property
    def endpoint_url(self) -> str:
        return f"http://{HOST}:{self.port}"


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def started(command: Sequence[str], port: int) -> Iterator[Started]:
    """Run ``command``, poll the health route until it answers 200, and stop it on exit.

    The clock starts just before the process is spawned, so interpreter start-up, imports,
    app construction and binding the port all count.
    """
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    began = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = began + START_TIMEOUT
        while health_status(port) != 200:
            if process.poll() is not None:
                raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}")
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{' '.join(command)} did not answer within {START_TIMEOUT}s")
            time.sleep(POLL_INTERVAL)
        yield Started(process, port, time.perf_counter() - began)
    finally:
        _stop(process)


@contextmanager
def emulator_and_floor(floor_module: str) -> Iterator[tuple[Started, Started]]:
    """The emulator and a floor app from bench/, both answering (the emulator starts first)."""
    our_port, floor_port = free_port(), free_port()
    with (
        started(emulator_command(our_port), our_port) as ours,
        started(module_command(floor_module, floor_port), floor_port) as floor,
    ):
        yield ours, floor


__all__ = [
    "HEALTH_PATH",
    "HOST",
    "REPO_ROOT",
    "Started",
    "emulator_and_floor",
    "emulator_command",
    "free_port",
    "health_status",
    "module_command",
    "rss_bytes",
    "started",
]
