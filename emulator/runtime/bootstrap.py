"""What the Python runtime does around a handler, in the shapes AWS's runtime gives them.

Loading the handler from its ``module.function`` string, turning the event and the result to
and from JSON, and the error payloads and error log lines of the Python runtime. This module
uses the standard library only: the process executor's worker loads it by path, possibly
under another interpreter.
"""

from __future__ import annotations

import decimal
import json
import math
import os
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from types import ModuleType, TracebackType
from typing import Any

MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
MARSHAL_ERROR = "Runtime.MarshalError"
UNMARSHAL_ERROR = "Runtime.UnmarshalError"

# The text log format of the Python runtime's logging handler.
LOG_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n"
LOG_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
_ERROR_LINE_TERMINATOR = "\r"
# Lambda's runtime hands its [ERROR] entry to the platform as one record with no newline after
# it (AWS's runtime interface client, FramedTelemetryLogSink.log_error). Here the entry travels
# in the function's output text, so it ends with this mark, which the log splitter drops.
UNTERMINATED_ENTRY = "\x00\n"
_ERROR_INDENT = "\u00a0"

# The LogRecord attributes the JSON log format does not copy into its object: the record's
# own, and the runtime's (AWS's runtime interface client, lambda_runtime_log_utils.py).
_RECORD_FIELDS = frozenset({
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module",
    "exc_info", "exc_text", "stack_info", "lineno", "funcName", "created", "msecs",
    "relativeCreated", "thread", "threadName", "processName", "process", "aws_request_id",
    "tenant_id", "_frame_type",
})
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False)

# Frames from these files are the runtime's own; stack traces start after them.
_RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__))

Handler = Callable[[Any, Any], Any]


class FaultError(Exception):
    """A failure the runtime itself reports, with its ``Runtime.*`` error type."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


def make_error(
    message: str, error_type: str, stack_trace: list[str] | None, request_id: str | None = None
) -> dict[str, Any]:
    """The error document the runtime posts, in the runtime's key order."""
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id if request_id is not None else "",
        "stackTrace": stack_trace or [],
    }


def load_handler(handler: str, import_module: Callable[[str], ModuleType]) -> Handler:
    """Import the handler's module and find the function, raising the runtime's faults."""
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as error:
        raise FaultError(MALFORMED_HANDLER_NAME, f"Bad handler '{handler}': {error}") from None
    try:
        if module_name.split(".")[0] in sys.builtin_module_names:
            raise FaultError(
                BUILT_IN_MODULE_CONFLICT,
                f"Cannot use built-in module {module_name} as a handler module",
            )
        module = import_module(module_name.replace("/", "."))
    except ImportError as error:
        raise FaultError(
            IMPORT_MODULE_ERROR, f"Unable to import module '{module_name}': {error}"
        ) from None
    except SyntaxError as error:
        trace = [f'  File "{error.filename}" Line {error.lineno}\n    {error.text}']
        raise FaultError(
            USER_CODE_SYNTAX_ERROR, f"Syntax error in module '{module_name}': {error}", trace
        ) from None
    function = getattr(module, function_name, None)
    if function is None:
        raise FaultError(
            HANDLER_NOT_FOUND, f"Handler '{function_name}' missing on module '{module_name}'"
        )
    return function  # type: ignore[no-any-return]


def user_stack(tb: TracebackType | None) -> list[str]:
    """The traceback as the runtime formats it, without the runtime's own frames."""
    frames = traceback.extract_tb(tb)
    for index, frame in enumerate(frames):
        if not os.path.abspath(frame.filename).startswith(_RUNTIME_DIR):
            return traceback.format_list(frames[index:])
    return traceback.format_list(frames)


def error_from_exception(error: BaseException, request_id: str | None) -> dict[str, Any]:
    """The payload of an unhandled exception (or a runtime fault)."""
    if isinstance(error, FaultError):
        return make_error(error.message, error.error_type, error.trace, request_id)
    return make_error(
        str(error), type(error).__name__, user_stack(error.__traceback__), request_id
    )


class _Encoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, decimal.Decimal):
            if o.is_nan():
                return math.nan
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


def marshal(result: Any) -> bytes:
    """The handler's result as the response payload; bytes pass through unchanged."""
    if isinstance(result, bytes):
        return result
    try:
        return _Encoder().encode(result).encode("utf-8")
    except Exception as error:
        raise FaultError(MARSHAL_ERROR, f"Unable to marshal response: {error}") from None


def unmarshal(payload: bytes) -> Any:
    try:
        return json.loads(payload) if payload else {}
    except Exception as error:
        raise FaultError(UNMARSHAL_ERROR, f"Unable to unmarshal input: {error}") from None


def error_json(error: dict[str, Any]) -> bytes:
    return json.dumps(error).encode("utf-8")


def json_logs(environ: Mapping[str, str]) -> bool:
    """Whether the function's LogFormat is JSON (``AWS_LAMBDA_LOG_FORMAT``)."""
    return environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"


def log_level(environ: Mapping[str, str]) -> str:
    """The root logger's level from ``AWS_LAMBDA_LOG_LEVEL``: Python has no TRACE, so DEBUG."""
    value = environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    return "DEBUG" if value == "TRACE" else value


def json_log_record(record: Any, logging: Any) -> str:
    """A ``logging`` record in the JSON log format, one object and its newline: the fields
    of https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html (timestamp, level,
    message, logger, requestId; stackTrace, errorType, errorMessage and location with an
    exception), then the record's own extra attributes; empty fields are left out."""
    record.levelno = min(50, max(0, record.levelno)) // 10 * 10
    record.levelname = logging.getLevelName(record.levelno)
    # timezone.utc, not datetime.UTC: the worker may run an interpreter older than 3.11.
    moment = datetime.fromtimestamp(record.created, tz=timezone.utc)  # noqa: UP017
    exc_info = record.exc_info
    document: dict[str, Any] = {
        "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "level": record.levelname,
        "message": record.getMessage(),
        "logger": record.name,
        "stackTrace": traceback.format_tb(exc_info[2]) if exc_info else None,
        "errorType": exc_info[0].__name__ if exc_info else None,
        "errorMessage": str(exc_info[1]) if exc_info else None,
        "requestId": getattr(record, "aws_request_id", None),
        "location": f"{record.pathname}:{record.funcName}:{record.lineno}" if exc_info
        else None,
    }
    document.update((key, value) for key, value in record.__dict__.items()
                    if key not in _RECORD_FIELDS and key not in document)
    return _JSON_ENCODER.encode(
        {key: value for key, value in document.items() if value is not None}) + "\n"


def error_log_json(error: dict[str, Any]) -> str:
    """The runtime's error entry in the JSON log format: one object, stored without a
    newline at its end, as the text format's ``[ERROR]`` entry."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    return json.dumps({"timestamp": stamp, "level": "ERROR", **error}) + UNTERMINATED_ENTRY


def error_log_entry(error: dict[str, Any], json_format: bool) -> str:
    return error_log_json(error) if json_format else error_log_text(error)


def error_log_text(error: dict[str, Any]) -> str:
    """The ``[ERROR]`` log entry the runtime writes: one event, lines joined by CR, stored
    without a newline at its end."""
    description = "[ERROR]"
    if error.get("errorType"):
        description += " " + error["errorType"]
    if error.get("errorMessage"):
        if error.get("errorType"):
            description += ":"
        description += " " + error["errorMessage"]
    lines = [description]
    stack = error.get("stackTrace")
    if stack is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack:
            for line in element.splitlines() or [""]:
                stripped = line.lstrip(" ")
                lines.append(_ERROR_INDENT * (len(line) - len(stripped)) + stripped)
    return _ERROR_LINE_TERMINATOR.join(lines) + UNTERMINATED_ENTRY


__all__ = [
    "HANDLER_NOT_FOUND",
    "IMPORT_MODULE_ERROR",
    "LOG_DATE_FORMAT",
    "LOG_FORMAT",
    "MARSHAL_ERROR",
    "UNTERMINATED_ENTRY",
    "FaultError",
    "Handler",
    "error_from_exception",
    "error_json",
    "error_log_entry",
    "error_log_json",
    "error_log_text",
    "json_log_record",
    "json_logs",
    "load_handler",
    "log_level",
    "make_error",
    "marshal",
    "unmarshal",
    "user_stack",
]
