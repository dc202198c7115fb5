"""The one interface every executor offers: execution environments that init and invoke."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from emulator.runtime.spec import FunctionSpec, ParsedPayload

# "fault": the runtime could not be started at all (Runtime.InvalidEntrypoint).
Status = Literal["ok", "error", "timeout", "exit", "oom", "fault"]


@dataclass
class Completion:
    """How one init or invoke phase ended."""

    status: Status
    payload: bytes = b""  # the marshalled result, when ok; the runtime's own error body
    error: dict[str, Any] | None = None  # the runtime's error document, when error
    exit_code: int | None = None  # when exit: the status, or minus the signal number
    log: str = ""  # what the phase wrote
    max_memory_mb: int | None = None
    content_type: str | None = None  # a streamed response's Content-Type
    partial_payload: bytes = b""  # what a streamed response sent before its error

    @property
    def survives(self) -> bool:
        """Whether the environment may serve another invocation afterwards."""
        return self.status in ("ok", "error")


@dataclass(frozen=True)
class InvokeJob:
    request_id: str
    payload: bytes
    invoked_arn: str
    deadline: float  # emulator-clock epoch seconds
    client_context: str | None = None
    trace_header: str | None = None
    environment: dict[str, str] = field(default_factory=dict)  # per-invocation variables
    parsed: ParsedPayload | None = None  # ``payload`` already parsed (see ParsedPayload)


class Notices:
    """Lines about how a function runs here (another interpreter than the one it names),
    written in its log once per function version and runtime."""

    def __init__(self) -> None:
        self._said: set[tuple[str, str, str]] = set()

    def once(self, spec: FunctionSpec, text: str | None) -> str:
        """``text`` as a log line the first time for this function version, else ""."""
        if not text:
            return ""
        key = (spec.function_arn, spec.version, spec.runtime)
        if key in self._said:
            return ""
        self._said.add(key)
        return text + "\n"


class Environment(Protocol):
    """One execution environment: a runtime that imports the handler once, then serves
    invocations one at a time until it is closed."""

    spec: FunctionSpec
    log_stream: str

    @property
    def alive(self) -> bool:
        """False once the environment can serve nothing more (its process ended)."""
        ...

    async def init(self, deadline: float) -> Completion: ...

    async def invoke(self, job: InvokeJob) -> Completion: ...

    def close(self) -> None: ...


class Executor(Protocol):
    def create(self, spec: FunctionSpec, environ: dict[str, str], log_stream: str) -> Environment:
        """A new, uninitialised environment with these variables."""
        ...

    def shutdown(self) -> None: ...


__all__ = ["Completion", "Environment", "Executor", "InvokeJob", "Notices", "Status"]
