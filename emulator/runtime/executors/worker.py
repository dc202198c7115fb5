"""A process executor worker: one Lambda runtime process, serving one execution environment.

Run as ``python worker.py IN_FD OUT_FD CLOCK_FILE``. Standard library only, and loaded by
path, so it runs under any installed Python 3. Messages are length-prefixed JSON documents:
``init`` sets the environment, working folder and import path and imports the handler;
``invoke`` runs it once. The handler's prints and log records travel back as ``log``
messages, in order, before the ``done`` message that ends each phase. ``sys.exit()`` and
``os._exit()`` end this process, as they end a Lambda runtime; the emulator reports it.
"""

from __future__ import annotations

import base64
import importlib
import importlib.util
import io
import json
import logging
import mmap
import os
import struct
import sys
import time
from types import ModuleType
from typing import Any

_HEADER = struct.Struct("!I")


class Channel:
    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd = read_fd
        self.write_fd = write_fd

    def _read_exactly(self, size: int) -> bytes:
        chunks = []
        while size:
            chunk = os.read(self.read_fd, size)
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def receive(self) -> dict[str, Any]:
        (size,) = _HEADER.unpack(self._read_exactly(_HEADER.size))
        document: dict[str, Any] = json.loads(self._read_exactly(size))
        return document

    def send(self, document: dict[str, Any]) -> None:
        data = json.dumps(document).encode()
        view = memoryview(_HEADER.pack(len(data)) + data)
        while view:
            written = os.write(self.write_fd, view)
            view = view[written:]


class LogStream(io.TextIOBase):
    """sys.stdout and sys.stderr: text goes to the emulator, in order with the results."""

    def __init__(self, channel: Channel) -> None:
        super().__init__()
        self.channel = channel

    def write(self, text: str) -> int:
        if text:
            self.channel.send({"op": "log", "text": text})
        return len(text)

    def isatty(self) -> bool:
        return False


def _load(name: str, path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or ".") == here:
        sys.path.pop(0)  # the worker's folder is not the function's
    runtime_dir = os.path.dirname(here)
    bootstrap: Any = _load("_lambda_bootstrap", os.path.join(runtime_dir, "bootstrap.py"))
    contexts: Any = _load("_lambda_context", os.path.join(runtime_dir, "context.py"))
    loopback: Any = _load("_lambda_loopback", os.path.join(runtime_dir, "loopback.py"))
    channel = Channel(int(sys.argv[1]), int(sys.argv[2]))
    with open(sys.argv[3], "rb") as clock_file:
        clock = mmap.mmap(clock_file.fileno(), 8, access=mmap.ACCESS_READ)

    def now_ms() -> int:
        (offset,) = struct.unpack_from("d", clock, 0)
        return int((time.time() + offset) * 1000)

    stream = LogStream(channel)
    sys.stdout = stream
    sys.stderr = stream
    state: dict[str, Any] = {"request_id": "", "handler": None, "spec": {}, "json": False}

    class LambdaHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            record.aws_request_id = state["request_id"]
            try:
                text = bootstrap.json_log_record(record, logging) if state["json"] else \
                    self.format(record)
            except Exception:
                self.handleError(record)
                return
            stream.write(text)

    formatter = logging.Formatter(bootstrap.LOG_FORMAT, bootstrap.LOG_DATE_FORMAT)
    formatter.converter = time.gmtime
    handler = LambdaHandler()
    handler.setFormatter(formatter)
    logging.getLogger().addHandler(handler)

    def fail(error: BaseException, request_id: str | None) -> None:
        document = bootstrap.error_from_exception(error, request_id)
        stream.write(bootstrap.error_log_entry(document, state["json"]))
        channel.send({"op": "done", "status": "error", "error": document})

    while True:
        try:
            message = channel.receive()
        except EOFError:
            return
        if message["op"] == "init":
            os.environ.clear()
            os.environ.update(message["env"])
            state["json"] = bootstrap.json_logs(os.environ)
            loopback.install(os.environ.get("AWS_ENDPOINT_URL"))
            level = bootstrap.log_level(os.environ)
            if level in logging._nameToLevel:
                logging.getLogger().setLevel(level)
            os.chdir(message["cwd"])
            sys.path[0:0] = message["paths"]
            # The AWS SDK the runtime provides, last: the interpreter's own copy comes first.
            sys.path.extend(message.get("fallback_paths", []))
            sys.dont_write_bytecode = not message["bytecode"]
            state["spec"] = message
            try:
                state["handler"] = bootstrap.load_handler(message["handler"],
                                                          importlib.import_module)
            except Exception as error:
                fail(error, None)
                continue
            channel.send({"op": "done", "status": "ok"})
        elif message["op"] == "invoke":
            spec = state["spec"]
            request_id = message["request_id"]
            state["request_id"] = request_id
            os.environ.update(message["env"])
            try:
                context = contexts.LambdaContext(
                    request_id=request_id,
                    function_name=spec["function_name"],
                    function_version=spec["version"],
                    invoked_function_arn=message["invoked_arn"],
                    memory_limit_in_mb=spec["memory_size"],
                    log_group_name=spec["log_group"],
                    log_stream_name=spec["log_stream"],
                    deadline_ms=message["deadline_ms"],
                    now_ms=now_ms,
                    client_context=contexts.parse_client_context(message["client_context"]),
                )
                event = bootstrap.unmarshal(base64.b64decode(message["payload"]))
                result = bootstrap.marshal(state["handler"](event, context))
            except Exception as error:
                fail(error, request_id)
                continue
            channel.send({"op": "done", "status": "ok",
                          "payload": base64.b64encode(result).decode()})


if __name__ == "__main__":
    main()
