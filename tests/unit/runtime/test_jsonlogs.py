"""The JSON log format's pieces: platform events, level filtering, and the Python runtime's
records.

Sources: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html
(a line without a valid ``"level"`` counts as INFO; levels TRACE..FATAL, system DEBUG..WARN),
https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html (platform event
records), events recorded from CloudWatch Logs (``platform.start``/``platform.report``
compact and without a newline, the report's ``metrics`` before its ``status``), and AWS's
runtime interface client for Python (awslambdaric/lambda_runtime_log_utils.py: the JSON
record's fields and their order, one newline after it).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Any

import pytest

from emulator.clock import Clock
from emulator.runtime import bootstrap, jsonlogs
from emulator.runtime.environment import standard_variables
from emulator.runtime.executors.base import Completion, InvokeJob
from emulator.runtime.invoker import Runtime
from emulator.runtime.spec import FunctionSpec, InvocationRequest


def test_settings_of_a_logging_config() -> None:
    assert not jsonlogs.LogSettings.of({}).json
    assert jsonlogs.LogSettings.of({"LogFormat": "Text", "ApplicationLogLevel": "ERROR"}) == \
        jsonlogs.LogSettings()
    settings = jsonlogs.LogSettings.of({"LogFormat": "JSON", "SystemLogLevel": "warn"})
    assert (settings.application_level, settings.system_level) == ("INFO", "WARN")
    assert settings.variables() == {"AWS_LAMBDA_LOG_FORMAT": "JSON",
                                    "AWS_LAMBDA_LOG_LEVEL": "INFO"}
    assert jsonlogs.LogSettings().variables() == {}


def test_a_text_function_sees_no_log_variables_and_a_json_one_does(tmp_path: object) -> None:
    spec = FunctionSpec(account="000000000000", region="us-east-1", function_name="f",
                        function_arn="arn", version="$LATEST", runtime="python3.12",
                        handler="app.handler", code_dir=tmp_path)  # type: ignore[arg-type]
    assert "AWS_LAMBDA_LOG_FORMAT" not in standard_variables(spec, "s")
    json_spec = FunctionSpec(**{**spec.__dict__, "log_settings": jsonlogs.LogSettings.of(
        {"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG"})})
    variables = standard_variables(json_spec, "s")
    assert (variables["AWS_LAMBDA_LOG_FORMAT"], variables["AWS_LAMBDA_LOG_LEVEL"]) == \
        ("JSON", "DEBUG")


def test_line_levels_as_lambda_reads_them() -> None:
    assert jsonlogs.line_level('{"level": "debug", "msg": "my debug log"}\n') == "DEBUG"
    assert jsonlogs.line_level('{"level":"WARNING","message":"x"}') == "WARN"
    assert jsonlogs.line_level('{"level":"CRITICAL"}') == "FATAL"
    for line in ("plain text\n", '{"level": "loud"}', '{"level": 3}', "{not json", "[1]"):
        assert jsonlogs.line_level(line) == "INFO"


def test_application_and_system_filtering() -> None:
    settings = jsonlogs.LogSettings("JSON", "WARN", "DEBUG")
    assert not settings.keeps_application("printed\n")
    assert not settings.keeps_application('{"level":"INFO"}')
    assert settings.keeps_application('{"level":"WARN"}')
    assert settings.keeps_application('{"level":"ERROR"}')
    assert settings.keeps_system("DEBUG")
    warn_only = jsonlogs.LogSettings("JSON", "TRACE", "WARN")
    assert not warn_only.keeps_system("INFO") and warn_only.keeps_application('{"level":"TRACE"}')


def test_platform_events_are_compact_and_newline_free() -> None:
    at = 1718645035.826
    start = jsonlogs.start(at, "r1", "$LATEST")
    assert start == ('{"time":"2024-06-17T17:23:55.826Z","type":"platform.start",'
                     '"record":{"requestId":"r1","version":"$LATEST"}}')
    report = jsonlogs.report(at, "r1", duration_ms=18.5934, memory_size=2048,
                             max_memory_mb=246, init_ms=None, status="success")
    assert report == ('{"time":"2024-06-17T17:23:55.826Z","type":"platform.report","record":'
                      '{"requestId":"r1","metrics":{"durationMs":18.593,"billedDurationMs":19,'
                      '"memorySizeMB":2048,"maxMemoryUsedMB":246},"status":"success"}}')
    failed = json.loads(jsonlogs.report(at, "r1", duration_ms=1, memory_size=128,
                                        max_memory_mb=9, init_ms=12.34567, status="error",
                                        error_type="Runtime.ExitError"))["record"]
    assert failed["metrics"]["initDurationMs"] == 12.346
    assert list(failed) == ["requestId", "metrics", "status", "errorType"]
    assert jsonlogs.report_fields(report) == json.loads(report)["record"]
    assert jsonlogs.report_fields(start) is None


def _record(message: str, level: int = logging.INFO, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("root", level, "/var/task/app.py", 7, message, None, None,
                               "handler")
    record.__dict__.update(extra)
    record.created = 1718676426.5
    return record


def test_a_python_logging_record_in_json() -> None:
    line = bootstrap.json_log_record(_record("hi %s", aws_request_id="r1", order=42), logging)
    assert line.endswith("}\n")
    document = json.loads(line)
    assert list(document) == ["timestamp", "level", "message", "logger", "requestId", "order"]
    assert document["timestamp"] == "2024-06-18T02:07:06.500Z"
    assert (document["level"], document["requestId"], document["order"]) == ("INFO", "r1", 42)
    # Python's level names stay Python's (WARNING, CRITICAL); custom levels round down.
    assert json.loads(bootstrap.json_log_record(_record("w", 35), logging))["level"] == \
        "WARNING"
    assert '"message": "hi %s"' in line  # no args: the message as written, ", " separators


def test_a_logged_exception_brings_its_error_fields() -> None:
    try:
        raise KeyError("id")
    except KeyError:
        record = _record("failed", logging.ERROR, aws_request_id="r1")
        record.exc_info = sys.exc_info()
    document = json.loads(bootstrap.json_log_record(record, logging))
    assert (document["errorType"], document["errorMessage"]) == ("KeyError", "'id'")
    assert document["location"] == "/var/task/app.py:handler:7"
    assert document["stackTrace"][0].startswith('  File "')


def test_the_runtimes_error_entry_in_json_has_no_newline() -> None:
    error = bootstrap.make_error("boom", "ValueError", ["  File x\n"], "r1")
    entry = bootstrap.error_log_entry(error, True)
    assert entry.endswith(bootstrap.UNTERMINATED_ENTRY)
    document = json.loads(entry.removesuffix(bootstrap.UNTERMINATED_ENTRY))
    assert list(document) == ["timestamp", "level", "errorMessage", "errorType", "requestId",
                              "stackTrace"]
    assert document["level"] == "ERROR" and len(document["timestamp"]) == 19
    assert bootstrap.error_log_entry(error, False) == bootstrap.error_log_text(error)


class _Ending:
    """An executor whose environments end each invocation as told."""

    def __init__(self, status: str) -> None:
        self.status = status

    def create(self, spec: FunctionSpec, environ: dict[str, str], log_stream: str) -> Any:
        ending = self.status

        class Environment:
            alive = True

            def __init__(self) -> None:
                self.spec, self.log_stream = spec, log_stream

            async def init(self, deadline: float) -> Completion:
                return Completion("ok")

            async def invoke(self, job: InvokeJob) -> Completion:
                return Completion(ending, log="working\n", max_memory_mb=7)  # type: ignore[arg-type]

            def close(self) -> None:
                return None

        return Environment()

    def shutdown(self) -> None:
        return None


@pytest.mark.parametrize("status,report_status,error_type", [
    ("timeout", "timeout", None), ("exit", "error", "Runtime.ExitError"),
    ("oom", "error", "Runtime.OutOfMemory")])
def test_a_failed_invocation_is_told_by_the_report_alone(
        tmp_path: Path, status: str, report_status: str, error_type: str | None) -> None:
    # In JSON the text format's "Task timed out" line and the failure written after REPORT
    # have no place: platform.report carries the status and the platform's error type.
    clock = Clock()
    runtime = Runtime(clock, {"inprocess": lambda: _Ending(status)})  # type: ignore[arg-type, return-value]
    spec = FunctionSpec(account="111111111111", region="eu-west-1", function_name="f",
                        function_arn="arn:aws:lambda:eu-west-1:111111111111:function:f",
                        version="$LATEST", runtime="python3.12", handler="app.handler",
                        code_dir=tmp_path, log_settings=jsonlogs.LogSettings("JSON"))
    request = InvocationRequest(payload=b"{}", invoked_arn=spec.function_arn)
    try:
        result = asyncio.run(runtime.invoke(spec, request))
    finally:
        runtime.shutdown()
    lines = result.log_text.splitlines()
    assert [json.loads(line)["type"] for line in lines if line.startswith('{"time"')] == [
        "platform.initStart", "platform.start", "platform.report"]
    assert "working" in lines and len(lines) == 4
    record = json.loads(lines[-1])["record"]
    assert (record["status"], record.get("errorType")) == (report_status, error_type)
    assert record["metrics"]["maxMemoryUsedMB"] == 7
