"""The Lambda engine: run one invocation of a function version, as Lambda does.

Takes a warm execution environment or starts one (cold start: module init, reported as Init
Duration), runs the handler under the function's timeout on the emulator's clock, turns the
way it ended into the payload and error the Invoke API returns, and writes the platform's log
lines around the handler's own output to the log sink and the console.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import time
from collections.abc import Callable
from typing import Protocol

from emulator import ids
from emulator.clock import Clock
from emulator.ports import MetricSink
from emulator.runtime import jsonlogs, logformat, metrics, paths, reload
from emulator.runtime.bootstrap import error_json
from emulator.runtime.environment import EnvironmentPool, log_stream_name, standard_variables
from emulator.runtime.executors.base import Completion, Environment, Executor, InvokeJob
from emulator.runtime.spec import (
    INIT_TIMEOUT_SECONDS,
    STREAMED_RESPONSE_LIMIT,
    SYNC_RESPONSE_LIMIT,
    FunctionSpec,
    InvocationRequest,
    InvocationResult,
    Throttled,
)

log = logging.getLogger("emulator.lambda")


class LogSink(Protocol):
    """Where an invocation's log events go (CloudWatch Logs)."""

    def write(
        self, account: str, region: str, group: str, stream: str, events: list[tuple[int, str]]
    ) -> None: ...


def _service_error(error_type: str, message: str) -> bytes:
    """An error Lambda itself reports, compact as the service writes it."""
    return json.dumps({"errorType": error_type, "errorMessage": message},
                      separators=(",", ":")).encode()


def _echo(function_name: str, texts: list[str]) -> None:
    # One log event may hold several lines: the runtime joins a traceback's lines with CR,
    # which a terminal would print over each other. People read each on its own line.
    for text in texts:
        text = text.removesuffix("\n")  # the newline that ends the stored event
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            log.info("[%s] %s", function_name, line)


def _exit_reason(code: int | None) -> str:
    if code is None or code == 0:
        return "Runtime exited without providing a reason"
    if code < 0:
        names = {signal.SIGKILL: "killed", signal.SIGSEGV: "segmentation fault",
                 signal.SIGABRT: "aborted", signal.SIGTERM: "terminated"}
        try:
            name = names.get(signal.Signals(-code), signal.Signals(-code).name.lower())
        except ValueError:
            name = str(-code)
        return f"Runtime exited with error: signal: {name}"
    return f"Runtime exited with error: exit status {code}"


def _phase_status(status: str) -> str:
    """A phase's status as the platform's events name it."""
    return {"ok": "success", "timeout": "timeout"}.get(status, "error")


def _platform_error_type(outcome: Completion) -> str | None:
    """The error type of a failure the platform reports (not a handler's own error)."""
    if outcome.status == "oom":
        return "Runtime.OutOfMemory"
    if outcome.status == "exit":
        return "Runtime.ExitError"
    if outcome.status == "fault":
        return str((outcome.error or {}).get("errorType") or "") or None
    return None


def _json_init_start(spec: FunctionSpec, at: float) -> str:
    version, arn = logformat.runtime_version(spec.runtime, spec.region)
    return jsonlogs.init_start(at, runtime_version=version, runtime_version_arn=arn,
                               function_name=spec.function_name, version=spec.version)


class Runtime:
    """Runs functions; one per emulator, shared by every account and region."""

    def __init__(
        self,
        clock: Clock,
        executors: dict[str, Callable[[], Executor]],
        *,
        account_limit: int = 1000,
        idle_seconds: float = 900.0,
        log_sink: LogSink | None = None,
        metric_sink: MetricSink | None = None,
    ) -> None:
        self.clock = clock
        self.pool = EnvironmentPool(account_limit, idle_seconds)
        self.log_sink = log_sink
        self.metric_sink = metric_sink
        self._executor_factories = executors
        self._executors: dict[str, Executor] = {}

    def executor(self, name: str) -> Executor:
        executor = self._executors.get(name)
        if executor is None:
            executor = self._executor_factories[name]()
            self._executors[name] = executor
        return executor

    def _revision(self, spec: FunctionSpec) -> str:
        if not spec.hot_reload:
            return spec.revision
        return spec.revision + ":" + reload.fingerprint(spec.python_paths)

    async def invoke(self, spec: FunctionSpec, request: InvocationRequest) -> InvocationResult:
        """Run one synchronous invocation; raises Throttled when over a concurrency limit."""
        try:
            self.pool.admit(spec)
        except Throttled:
            if self.metric_sink is not None:
                metrics.throttled(self.metric_sink, spec, request)
            raise
        try:
            result = await self._invoke(spec, request)
            if self.metric_sink is not None:
                metrics.invoked(self.metric_sink, spec, request, result,
                                self.pool.in_flight(spec.function_arn))
            return result
        finally:
            self.pool.release(spec)

    async def _invoke(self, spec: FunctionSpec, request: InvocationRequest) -> InvocationResult:
        request_id = request.request_id or ids.request_id()
        revision = self._revision(spec)
        environment, stale = self.pool.take(spec, revision, self.clock.now())
        for old in stale:
            old.close()
        lines: list[tuple[int, str]] = []
        init_ms: float | None = None
        outcome: Completion | None = None
        init_failed = False
        timings: dict[str, float] = {}
        if environment is None:
            stream = log_stream_name(spec.version, self.clock.now())
            environment = self.executor(spec.executor).create(
                spec, standard_variables(spec, stream), stream
            )
            self._platform(spec, lines, "INFO", logformat.init_start(spec.runtime, spec.region),
                           lambda at: _json_init_start(spec, at))
            began = time.perf_counter()
            timings["init_start"] = self.clock.now()
            init = await environment.init(self.clock.now() + INIT_TIMEOUT_SECONDS)
            timings["init_end"] = self.clock.now()
            init_ms = (time.perf_counter() - began) * 1000
            lines.extend(self._stamp(spec, self._shown(spec, init).log))
            if init.status != "ok":
                outcome, init_failed = init, True
            if spec.log_settings.json:
                status = _phase_status(init.status)
                self._platform(spec, lines, "DEBUG", "",
                               lambda at: jsonlogs.init_runtime_done(at, status))
                self._platform(spec, lines, "DEBUG" if status == "success" else "INFO", "",
                               lambda at: jsonlogs.init_report(at, status, init_ms or 0.0))
        self._platform(spec, lines, "INFO", logformat.start(request_id, spec.version),
                       lambda at: jsonlogs.start(at, request_id, spec.version))
        began = time.perf_counter()
        timeout = spec.timeout
        if outcome is None:
            extra = {"_X_AMZN_TRACE_ID": request.trace_header} if request.trace_header else {}
            timings["invoke_start"] = self.clock.now()
            outcome = await environment.invoke(
                InvokeJob(
                    request_id=request_id,
                    payload=request.payload,
                    invoked_arn=request.invoked_arn,
                    deadline=self.clock.now() + timeout,
                    client_context=request.client_context,
                    trace_header=request.trace_header,
                    environment=extra,
                    parsed=request.parsed,
                )
            )
            timings["invoke_end"] = self.clock.now()
            lines.extend(self._stamp(spec, self._shown(spec, outcome).log))
        else:
            timeout = INIT_TIMEOUT_SECONDS
        duration_ms = (time.perf_counter() - began) * 1000
        limit = STREAMED_RESPONSE_LIMIT if request.streamed and outcome.content_type \
            else SYNC_RESPONSE_LIMIT
        payload, function_error, after = self._result(outcome, request_id, timeout, limit)
        if spec.log_settings.json:
            self._json_ending(spec, lines, outcome, request_id, duration_ms, len(payload),
                              init_ms)
        else:
            if outcome.status == "timeout":
                lines.append((self.clock.now_millis(),
                              logformat.timed_out(request_id, timeout, self.clock.now())))
            now = self.clock.now_millis()
            lines.append((now, logformat.end(request_id)))
            lines.append((now, logformat.report(
                request_id,
                duration_ms=duration_ms,
                memory_size=spec.memory_size,
                max_memory_mb=outcome.max_memory_mb or 1,
                init_ms=init_ms,
                status="timeout" if outcome.status == "timeout" else None,
            )))
            lines.extend((now, line) for line in after)
        # A failed init leaves no usable environment; Lambda starts a new one next time.
        if outcome.survives and not init_failed:
            if not self.pool.give_back(spec, revision, environment, self.clock.now()):
                environment.close()
        else:
            environment.close()
        self._emit(spec, environment, lines)
        texts = [text for _, text in lines]
        # A caller reading the stream gets what a failed streamed response sent before failing.
        partial = outcome.partial_payload if request.streamed and function_error else b""
        return InvocationResult(
            payload=payload,
            executed_version=spec.version,
            request_id=request_id,
            function_error=function_error,
            log_tail=logformat.tail(texts) if request.tail else None,
            log_text=logformat.as_text(texts),
            timings=timings,
            content_type=outcome.content_type if function_error is None or partial else None,
            partial_payload=partial,
        )

    @staticmethod
    def _shown(spec: FunctionSpec, outcome: Completion) -> Completion:
        """The outcome with paths in its log and error as Lambda shows them."""
        failed = outcome.status in ("error", "fault")
        if not outcome.log and not failed:  # nothing to rewrite (most quick handlers)
            return outcome
        pairs = paths.aws_paths(spec)
        outcome.log = paths.rewrite(outcome.log, pairs)
        if failed:
            outcome.payload = paths.rewrite_bytes(outcome.payload, pairs)
            if outcome.error is not None and not outcome.payload:
                outcome.error = json.loads(paths.rewrite(json.dumps(outcome.error), pairs))
        return outcome

    def _stamp(self, spec: FunctionSpec, text: str) -> list[tuple[int, str]]:
        now = self.clock.now_millis()
        settings = spec.log_settings
        return [(now, line) for line in logformat.split_output(text)
                if not settings.json or settings.keeps_application(line)]

    def _platform(self, spec: FunctionSpec, lines: list[tuple[int, str]], level: str,
                  text: str, as_json: Callable[[float], str]) -> None:
        """One platform line: ``text`` in Text format; in JSON, the event ``as_json`` makes
        at this moment, when SystemLogLevel lets ``level`` through."""
        settings = spec.log_settings
        if not settings.json:
            lines.append((self.clock.now_millis(), text))
        elif settings.keeps_system(level):
            now = self.clock.now()
            lines.append((int(now * 1000), as_json(now)))

    def _json_ending(self, spec: FunctionSpec, lines: list[tuple[int, str]],
                     outcome: Completion, request_id: str, duration_ms: float,
                     produced: int, init_ms: float | None) -> None:
        """platform.runtimeDone (DEBUG) and platform.report: the status and error type
        stand for the text format's timeout line and the failure after REPORT."""
        status = _phase_status(outcome.status)
        error_type = _platform_error_type(outcome)
        self._platform(spec, lines, "DEBUG", "", lambda at: jsonlogs.runtime_done(
            at, request_id, status, duration_ms, produced, error_type))
        self._platform(spec, lines, "INFO", "", lambda at: jsonlogs.report(
            at, request_id, duration_ms=duration_ms, memory_size=spec.memory_size,
            max_memory_mb=outcome.max_memory_mb or 1, init_ms=init_ms, status=status,
            error_type=error_type))

    @staticmethod
    def _result(
        outcome: Completion, request_id: str, timeout: float, limit: int = SYNC_RESPONSE_LIMIT
    ) -> tuple[bytes, str | None, list[str]]:
        """The response payload, X-Amz-Function-Error, and log events after REPORT."""
        if outcome.status == "ok":
            if len(outcome.payload) > limit:
                return _service_error(
                    "Function.ResponseSizeTooLarge",
                    "Response payload size exceeded maximum allowed payload size "
                    f"({limit} bytes).",
                ), "Unhandled", []
            return outcome.payload, None, []
        if outcome.status == "error":
            # A runtime's own error body is answered as it was posted.
            return outcome.payload or error_json(outcome.error or {}), "Unhandled", []
        if outcome.status == "fault":
            error = outcome.error or {}
            error_type = error.get("errorType", "")
            message = f"RequestId: {request_id} Error: {error.get('errorMessage', '')}"
            return _service_error(error_type, message), "Unhandled", [
                logformat.runtime_failure(message, error_type)]
        if outcome.status == "timeout":
            message = f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds"
            return _service_error("Sandbox.Timedout", message), "Unhandled", []
        if outcome.status == "oom":
            message = f"RequestId: {request_id} Error: Runtime exited with error: signal: killed"
            return _service_error("Runtime.OutOfMemory", message), "Unhandled", [
                logformat.runtime_failure(message, "Runtime.OutOfMemory")]
        message = f"RequestId: {request_id} Error: {_exit_reason(outcome.exit_code)}"
        return _service_error("Runtime.ExitError", message), "Unhandled", [
            logformat.runtime_failure(message, "Runtime.ExitError")]

    def _emit(self, spec: FunctionSpec, environment: Environment,
              lines: list[tuple[int, str]]) -> None:
        if log.isEnabledFor(logging.INFO):
            # The console copy is for people: it is written once the caller has its answer.
            asyncio.get_running_loop().call_soon(
                _echo, spec.function_name, [text for _, text in lines])
        if self.log_sink is not None and lines:
            try:
                self.log_sink.write(spec.account, spec.region, spec.log_group,
                                    environment.log_stream, lines)
            except Exception:
                log.exception("could not write the logs of %s", spec.function_name)

    def retire(self, function_arn: str | None = None) -> None:
        """Close the idle environments of a function (or of all)."""
        for environment in self.pool.drain(function_arn):
            environment.close()

    def shutdown(self) -> None:
        self.retire()
        for executor in self._executors.values():
            executor.shutdown()


__all__ = ["LogSink", "Runtime"]
