"""What the runtime is told about a function, an invocation, and what it answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from emulator.runtime.jsonlogs import LogSettings

# Python runs in-process or in worker processes; every other runtime through the Runtime API.
ExecutorName = Literal["inprocess", "process", "runtime-api"]

# AWS's limits, in bytes: the request and response payload of a synchronous invocation
# (the response allows 100 bytes more), and the request of an asynchronous one.
SYNC_REQUEST_LIMIT = 6 * 1024 * 1024
SYNC_RESPONSE_LIMIT = 6 * 1024 * 1024 + 100
# What a streamed response may carry when the caller reads it as a stream (a function URL in
# RESPONSE_STREAM mode, InvokeWithResponseStream): "payloads up to 200 MB"
# (https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html).
STREAMED_RESPONSE_LIMIT = 200 * 1024 * 1024
ASYNC_REQUEST_LIMIT = 1024 * 1024
# Lambda gives module initialisation at most 10 seconds.
INIT_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class FunctionSpec:
    """One function version, ready to run."""

    account: str
    region: str
    function_name: str
    function_arn: str  # unqualified
    version: str  # "$LATEST" or a published number
    runtime: str
    handler: str
    code_dir: Path
    layer_dirs: tuple[Path, ...] = ()
    environment: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 3.0  # seconds
    memory_size: int = 128  # MB
    revision: str = ""  # changes whenever code or configuration change
    hot_reload: bool = False
    executor: ExecutorName = "inprocess"
    reserved_concurrency: int | None = None
    unreserved_limit: int = 1000  # the account's limit less every reservation
    log_group: str = ""
    log_settings: LogSettings = field(default_factory=LogSettings)
    endpoint_url: str = ""
    nodejs_sdk_dir: Path | None = None  # where Node.js functions' AWS SDK goes; None: none

    @property
    def pool_key(self) -> tuple[str, str]:
        return (self.function_arn, self.version)

    @property
    def python_paths(self) -> list[Path]:
        """Where the function's imports are found, as on AWS: the code, then each layer's
        ``python/lib/pythonX.Y/site-packages`` and ``python`` folders, the last layer first."""
        version = self.runtime.removeprefix("python")
        paths = [self.code_dir]
        for layer in reversed(self.layer_dirs):
            paths.append(layer / "python" / "lib" / f"python{version}" / "site-packages")
            paths.append(layer / "python")
        return paths


@dataclass(frozen=True)
class ParsedPayload:
    """A payload the caller already parsed as JSON (to check it), so a runtime in this
    process need not parse it again; ``value`` is that invocation's own copy."""

    value: Any


@dataclass(frozen=True)
class InvocationRequest:
    payload: bytes
    invoked_arn: str
    client_context: str | None = None  # JSON, already base64-decoded
    trace_header: str | None = None
    tail: bool = False
    request_id: str | None = None  # the caller's; a new one when None
    parsed: ParsedPayload | None = None  # ``payload``, parsed, when the caller did
    # The caller reads a streamed response as a stream (up to STREAMED_RESPONSE_LIMIT).
    streamed: bool = False


@dataclass
class InvocationResult:
    payload: bytes
    executed_version: str
    request_id: str
    function_error: str | None = None
    log_tail: str | None = None  # base64, for LogType=Tail
    log_text: str = ""
    content_type: str | None = None  # a streamed response's Content-Type, None when buffered
    # What a streamed response sent before its error, when the caller reads it as a stream.
    partial_payload: bytes = b""
    # When init and the handler ran, on the emulator's clock (init_*, invoke_*), for X-Ray.
    timings: dict[str, float] = field(default_factory=dict)


class Throttled(Exception):
    """The invocation exceeds a concurrency limit; ``reason`` is the ThrottleReason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


__all__ = [
    "ASYNC_REQUEST_LIMIT",
    "INIT_TIMEOUT_SECONDS",
    "SYNC_REQUEST_LIMIT",
    "SYNC_RESPONSE_LIMIT",
    "ExecutorName",
    "FunctionSpec",
    "InvocationRequest",
    "InvocationResult",
    "ParsedPayload",
    "Throttled",
]
