"""Throughput measured by wrk, a compiled load generator that is not the bottleneck.

A Python client saturates long before the server it measures does, so throughput lines use
wrk (Debian's ``wrk`` package, installed here with apt when missing and allowed). One wrk
thread is enough for a 2-core machine and leaves the other core to the server. Each run's
numbers come out of a Lua ``done`` hook as one JSON line, so nothing depends on wrk's text.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

MARK = "WRK_RESULT "
DONE_HOOK = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '%s{"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
    .. '"p50_us": %d, "p99_us": %d, "mean_us": %.1f}\\n',
    "MARK", summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
""".replace("MARK", MARK)


class Missing(Exception):
    """wrk is not installed and could not be installed."""


@dataclass(frozen=True)
class Request:
    """What every request of a run sends."""

    url: str
    method: str = "GET"
    body: str = ""
    headers: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Run:
    """One wrk run: requests per second and latency percentiles in seconds."""

    requests: int
    seconds: float
    p50: float
    p99: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def executable() -> str:
    """wrk's path, installing Debian's package first when it is missing and we may."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, **quiet)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, env=env, **quiet)
        found = shutil.which("wrk")
        if found:
            return found
    raise Missing("wrk is not installed (apt-get install wrk)")


def _lua(request: Request) -> str:
    """The script that sets the request and reports the run."""
    lines = [f"wrk.method = {json.dumps(request.method)}"]
    if request.body:
        lines.append(f"wrk.body = {json.dumps(request.body)}")
    for name, value in (request.headers or {}).items():
        lines.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    return "\n".join(lines) + DONE_HOOK


def run(request: Request, connections: int, seconds: float, check: bool = True) -> Run:
    """``connections`` keep-alive connections sending ``request`` for ``seconds`` (whole ones:
    wrk counts in seconds).

    Any answer other than 2xx/3xx, or a socket error, invalidates the run: an error page is
    cheaper than a real answer and would flatter the number (``check=False`` for a warm-up,
    whose first answers may be slow or refused)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(request))
    try:
        done = subprocess.run(
            [executable(), "-t1", f"-c{connections}", f"-d{max(round(seconds), 1)}s",
             "--timeout", "10s", "-s", script.name, request.url],
            capture_output=True, text=True, check=False, timeout=seconds + 60)
    finally:
        Path(script.name).unlink()
    report = next((line[len(MARK):] for line in done.stdout.splitlines()
                   if line.startswith(MARK)), None)
    if done.returncode != 0 or report is None:
        raise RuntimeError(f"wrk failed on {request.url}: {done.stderr.strip() or done.stdout}")
    numbers = json.loads(report)
    if check and (numbers["status_errors"] or numbers["socket_errors"] or not numbers["requests"]):
        raise RuntimeError(f"{request.method} {request.url}: {numbers['status_errors']} error "
                           f"answers, {numbers['socket_errors']} socket errors out of "
                           f"{numbers['requests']}; the benchmark is invalid")
    return Run(numbers["requests"], numbers["duration_us"] / 1e6, numbers["p50_us"] / 1e6,
               numbers["p99_us"] / 1e6)


__all__ = ["Missing", "Request", "Run", "executable", "run"]
