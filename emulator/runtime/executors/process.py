"""The process executor: each execution environment is a warm worker process.

It gives what in-process cannot: a real kill on timeout, a memory limit at MemorySize (the
worker's resident memory is watched and the worker killed past it, reported as
``Runtime.OutOfMemory``), and crash isolation (``os._exit()``, a segfault). One spare worker
is started ahead, so a cold start pays for the handler's imports, not the interpreter's.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import mmap
import os
import queue
import shutil
import signal
import struct
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emulator import leftovers
from emulator.clock import Clock
from emulator.runtime import runtimes
from emulator.runtime.executors import children
from emulator.runtime.executors.base import Completion, InvokeJob, Notices
from emulator.runtime.executors.worker import Channel
from emulator.runtime.spec import FunctionSpec

log = logging.getLogger("emulator.lambda")

WORKER = Path(__file__).with_name("worker.py")
_OWN_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"


# The AWS SDK for Python and its dependencies, all pure Python (so any Python 3 can import
# them): what Lambda's Python runtimes provide besides the standard library.
SDK_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


def sdk_folder() -> str:
    """A temporary folder of links to this Python's copies of ``SDK_PACKAGES``."""
    import importlib.util

    folder = str(leftovers.folder("lambda-sdk"))
    for name in SDK_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        source = Path(spec.origin)
        if spec.submodule_search_locations:
            source = source.parent
        with contextlib.suppress(OSError):
            os.symlink(source, Path(folder) / source.name)
    return folder


def _runs_here_notice(runtime: str, why: str) -> str:
    return (f"[emulator] {runtime} {why}; this function runs on Python "
            f"{sys.version.split()[0]}, the emulator's own")


_NO_SDK = "here cannot import the AWS SDK for Python the emulator provides"


def imports_sdk(python: str, folders: list[str]) -> bool:
    """Whether ``python`` imports boto3 with ``folders`` last on its path, as its workers do:
    this Python's boto3 and urllib3 may need a newer Python than an older runtime's (urllib3
    2 needs 3.10), and a function whose ``import boto3`` fails cannot run as on Lambda."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run(
            [python, "-B", "-c", "import sys; sys.path.extend(sys.argv[1:]); import boto3",
             *folders],
            capture_output=True, timeout=60, check=False, stdin=subprocess.DEVNULL,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"})
        return done.returncode == 0
    return False


class SharedClock:
    """The emulator clock's offset, in a file workers map, so their remaining time follows
    the emulator's clock even when a test moves it."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        handle, name = leftovers.file("clock")
        os.write(handle, struct.pack("d", 0.0))
        self.path = name
        self._map = mmap.mmap(handle, 8)
        os.close(handle)
        self.sync()

    def sync(self) -> None:
        if not self._map.closed:  # an exchange the shutdown ended may still tick once
            struct.pack_into("d", self._map, 0, self.clock.offset)

    def close(self) -> None:
        self._map.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)


class Worker:
    """One worker process and the two pipes to it."""

    def __init__(self, python: str, clock_path: str) -> None:
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        self.process = subprocess.Popen(
            [python, "-u", str(WORKER), str(to_child_r), str(from_child_w), clock_path],
            pass_fds=(to_child_r, from_child_w),
            stdin=subprocess.DEVNULL,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"},
            start_new_session=True,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        # The worker's own framing (length-prefixed JSON), seen from this side of the pipes.
        self._channel = Channel(self._from_child, self._to_child)
        # One thread per worker runs each exchange (see ProcessEnvironment._exchange): a new
        # thread for every invocation cost more than the invocation's own messages.
        self._exchanges: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self.reader = threading.Thread(target=self._serve, daemon=True,
                                       name="lambda-worker-reader")
        self.reader.start()
        self._killed = False
        self._kill_lock = threading.Lock()

    def _serve(self) -> None:
        while (exchange := self._exchanges.get()) is not None:
            try:
                exchange()
            except Exception:  # that exchange is then left to its deadline, as before
                log.exception("a Lambda worker's exchange failed")

    def run(self, exchange: Callable[[], None]) -> None:
        """Run ``exchange`` (sending and reading until its answer) on the worker's thread."""
        self._exchanges.put(exchange)

    def send(self, document: dict[str, Any]) -> None:
        self._channel.send(document)

    def receive(self) -> dict[str, Any]:
        return self._channel.receive()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._exchanges.put(None)  # its thread ends after the exchange under way, if any
        # A timed-out worker is killed, then closed: reap it (and close its pipes) once only,
        # or the second close could hit a descriptor the process has reused since.
        with self._kill_lock:
            if self._killed:
                return
            self._killed = True
        # Reap it without blocking the caller; the pipes close once nothing reads them.
        threading.Thread(target=self._reap, daemon=True).start()

    def _reap(self) -> None:
        self.process.wait()
        self.reader.join()
        for fd in (self._to_child, self._from_child):
            with contextlib.suppress(OSError):
                os.close(fd)


class ProcessEnvironment:
    def __init__(self, spec: FunctionSpec, environ: dict[str, str], log_stream: str,
                 clock: Clock, shared_clock: SharedClock, worker: Worker,
                 notice: str = "", fallback_paths: list[str] | None = None) -> None:
        self.spec = spec
        self._notice = notice
        self._fallback_paths = fallback_paths or []
        self.log_stream = log_stream
        self._clock = clock
        self._shared_clock = shared_clock
        self._environ = environ
        self._worker = worker

    @property
    def alive(self) -> bool:
        return self._worker.alive

    async def _exchange(self, message: dict[str, Any], deadline: float) -> Completion:
        """Send one message, collect logs until ``done``, on the clock's deadline."""
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[Completion] = loop.create_future()
        output: list[str] = []
        worker = self._worker

        def read() -> None:
            try:
                worker.send(message)
                while True:
                    reply = worker.receive()
                    if reply["op"] == "log":
                        output.append(reply["text"])
                        continue
                    payload = base64.b64decode(reply.get("payload") or "")
                    outcome = Completion(reply["status"], payload=payload, error=reply.get("error"))
                    break
            except (EOFError, OSError, ValueError):
                code = worker.process.wait()
                outcome = Completion("exit", exit_code=code)

            def deliver() -> None:
                if not finished.done():
                    finished.set_result(outcome)

            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(deliver)

        self._shared_clock.sync()
        worker.run(read)
        ending, peak_kb = await children.watch(
            self._clock, deadline, finished, worker.process.pid, self.spec.memory_size,
            on_tick=self._shared_clock.sync)
        if ending == "timeout":
            worker.kill()
            return Completion("timeout", log="".join(output),
                              max_memory_mb=max(1, peak_kb // 1024))
        if ending == "oom":
            worker.kill()
            await finished
            outcome = Completion("oom")
        else:
            outcome = finished.result()
        outcome.log = "".join(output)
        outcome.max_memory_mb = min(self.spec.memory_size, max(1, peak_kb // 1024))
        return outcome

    async def init(self, deadline: float) -> Completion:
        spec = self.spec
        outcome = await self._exchange({
            "op": "init",
            "handler": spec.handler,
            "paths": [str(path) for path in spec.python_paths],
            "fallback_paths": self._fallback_paths,
            "env": self._environ,
            "cwd": str(spec.code_dir),
            "bytecode": not spec.hot_reload,
            "function_name": spec.function_name,
            "version": spec.version,
            "memory_size": spec.memory_size,
            "log_group": spec.log_group,
            "log_stream": self.log_stream,
        }, deadline)
        outcome.log = self._notice + outcome.log
        return outcome

    async def invoke(self, job: InvokeJob) -> Completion:
        return await self._exchange({
            "op": "invoke",
            "request_id": job.request_id,
            "payload": base64.b64encode(job.payload).decode(),
            "deadline_ms": int(job.deadline * 1000),
            "invoked_arn": job.invoked_arn,
            "client_context": job.client_context,
            "env": job.environment,
        }, job.deadline)

    def close(self) -> None:
        self._worker.kill()


class ProcessExecutor:
    def __init__(self, clock: Clock, *, match_interpreter: bool = True) -> None:
        self._clock = clock
        self._shared_clock = SharedClock(clock)
        self._match_interpreter = match_interpreter
        self._spares: dict[str, Worker] = {}
        # Every worker started and not yet collected, busy ones included: a server that
        # stops kills them all, so no handler runs on (and repeats its side effects after a
        # restart) with no server left to take its answer.
        self._workers: weakref.WeakSet[Worker] = weakref.WeakSet()
        self._notices = Notices()
        self._sdk_folder: str | None = None
        self._imports_sdk: dict[str, bool] = {}  # interpreter: whether it imports the SDK
        self._lock = threading.Lock()

    def interpreter(self, runtime: str) -> str:
        """An installed ``python3.X`` of the runtime's version when asked to match and one
        runs and imports the SDK; else this Python."""
        if not self._match_interpreter:
            return sys.executable
        python = runtimes.python_for(runtime) or sys.executable
        if python == sys.executable:
            return python
        with self._lock:
            known = self._imports_sdk.get(python)
        if known is None:
            known = imports_sdk(python, self._sdk_paths())
            with self._lock:
                self._imports_sdk[python] = known
        return python if known else sys.executable

    def _sdk_paths(self) -> list[str]:
        """A folder exposing this Python's boto3 and its pure-Python dependencies, for
        functions on another interpreter, as Lambda's Python runtimes include the SDK."""
        with self._lock:
            if self._sdk_folder is None:
                self._sdk_folder = sdk_folder()
        return [self._sdk_folder] if self._sdk_folder else []

    def _started(self, python: str) -> Worker:
        worker = Worker(python, self._shared_clock.path)
        self._workers.add(worker)
        return worker

    def _take_worker(self, python: str) -> Worker:
        with self._lock:
            spare = self._spares.pop(python, None)
            self._spares[python] = self._started(python)
        if spare is not None and spare.alive:
            return spare
        if spare is not None:
            spare.kill()
        with self._lock:
            return self._started(python)

    def create(self, spec: FunctionSpec, environ: dict[str, str],
               log_stream: str) -> ProcessEnvironment:
        python = self.interpreter(spec.runtime)
        worker = self._take_worker(python)
        notice = None
        if python == sys.executable and spec.runtime != _OWN_RUNTIME:
            installed = self._match_interpreter and runtimes.python_for(spec.runtime)
            notice = _runs_here_notice(spec.runtime,
                                       _NO_SDK if installed else "is not installed here")
        return ProcessEnvironment(spec, environ, log_stream, self._clock, self._shared_clock,
                                  worker, self._notices.once(spec, notice),
                                  [] if python == sys.executable else self._sdk_paths())

    def shutdown(self) -> None:
        with self._lock:
            for worker in list(self._workers):
                if worker.alive:  # a reaped worker's pid may be someone else's by now
                    worker.kill()
            self._spares.clear()
            if self._sdk_folder:
                shutil.rmtree(self._sdk_folder, ignore_errors=True)
        self._shared_clock.close()


__all__ = ["ProcessEnvironment", "ProcessExecutor", "SharedClock", "Worker"]
