"""The default executor: handlers run inside the emulator's process.

Each execution environment owns one thread, which imports the handler once and then runs one
invocation at a time, as a Lambda runtime process does. The thread sees its own modules
(``runtime.modules``), its own ``os.environ`` and log (``runtime.isolation``). The event loop
waits on the emulator's clock; when the deadline passes first, the environment is discarded
and its thread is asked to stop by an exception raised inside it. Coverage and breakpoints
reach handler code, since it is ordinary Python in this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import queue
import resource
import sys
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from emulator.clock import Clock
from emulator.runtime import isolation, loopback, scoped_patches
from emulator.runtime.bootstrap import (
    LOG_DATE_FORMAT,
    LOG_FORMAT,
    Handler,
    error_from_exception,
    error_log_entry,
    json_log_record,
    json_logs,
    load_handler,
    log_level,
    marshal,
    unmarshal,
)
from emulator.runtime.context import LambdaContext, parse_client_context
from emulator.runtime.executors.base import Completion, InvokeJob, Notices
from emulator.runtime.modules import ModuleNamespace
from emulator.runtime.spec import FunctionSpec

log = logging.getLogger("emulator.lambda")


_OWN_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"

# How long the event loop blocks waiting for a handler that has been quick so far.
QUICK_SECONDS = 0.001


class _Handoff:
    """The outcome of one phase, handed from the environment's thread to the event loop.

    The loop first waits on a lock for a short while; if the handler is still running then,
    it asks for a future, resolved on the loop once the outcome arrives.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.outcome: Completion | None = None
        self._loop = loop
        self._lock = threading.Lock()
        self._delivered = threading.Lock()
        self._delivered.acquire()
        self._future: asyncio.Future[None] | None = None

    def deliver(self, outcome: Completion) -> None:
        """From the environment's thread."""
        with self._lock:
            self.outcome = outcome
            future = self._future
        if future is None:
            self._delivered.release()
            return
        with contextlib.suppress(RuntimeError):  # the loop is gone at shutdown
            self._loop.call_soon_threadsafe(_resolve, future)

    def wait(self, seconds: float) -> bool:
        """Block the calling thread until the outcome arrives; False after ``seconds``."""
        return self._delivered.acquire(timeout=seconds)

    def future(self) -> asyncio.Future[None] | None:
        """A future done once the outcome arrives; None when it already has."""
        with self._lock:
            if self.outcome is not None:
                return None
            self._future = self._loop.create_future()
            return self._future


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


# The task that last had a quick outcome (a weak reference: an id could be a new task's).
_last_quick_task: weakref.ref[asyncio.Task[Any]] | None = None


async def _let_others_run() -> None:
    """Awaiting an outcome used to suspend the caller; a quick outcome does not. A task that
    invokes again (a state machine calling quick functions in a loop) still lets the other
    tasks run once, so it cannot hold the event loop; a request that invokes once and
    answers need not."""
    global _last_quick_task
    task = asyncio.current_task()
    if task is None:
        return
    if _last_quick_task is not None and _last_quick_task() is task:
        await asyncio.sleep(0)
    _last_quick_task = weakref.ref(task)


class _Killed(BaseException):
    """Raised inside a handler thread whose invocation timed out."""


class _Stop(BaseException):
    """Ends a handler thread after sys.exit()."""


def _scope_endpoint() -> str | None:
    """The emulator's address for a handler thread (None elsewhere: the server's own calls)."""
    scope = isolation.current()
    return scope.environ.get("AWS_ENDPOINT_URL") if scope is not None else None


def _exit_code(exit: SystemExit) -> int:
    if exit.code is None:
        return 0
    if isinstance(exit.code, int):
        return exit.code
    return 1  # sys.exit("message") prints the message and exits with status 1


class InProcessEnvironment:
    def __init__(
        self, spec: FunctionSpec, environ: dict[str, str], log_stream: str, clock: Clock
    ) -> None:
        self.spec = spec
        self.log_stream = log_stream
        self._clock = clock
        self._environ = environ
        self._output: list[str] = []
        self._output_lock = threading.Lock()
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._handler: Handler | None = None
        self._namespace: ModuleNamespace | None = None
        self._request_id = ""
        self._quick = True  # whether the last invocation ended within QUICK_SECONDS
        self.notice = ""  # a line for the init log (see Notices)
        self._json = json_logs(environ)
        self._scope = isolation.Scope(self._environ, self._write)
        isolation.install()
        loopback.install_for(_scope_endpoint)
        self._thread = threading.Thread(
            target=self._main, name=f"lambda:{spec.function_name}", daemon=True
        )
        self._thread.start()

    # -- the handler thread ------------------------------------------------------------

    def _write(self, text: str) -> None:
        with self._output_lock:
            self._output.append(text)

    def _drain(self) -> str:
        with self._output_lock:
            text = "".join(self._output)
            self._output.clear()
        return text

    def _print(self, *values: Any, sep: str | None = " ", end: str | None = "\n",
               file: Any = None, flush: bool = False) -> None:
        if file is None or file is sys.stdout or file is sys.stderr:
            text = (" " if sep is None else sep).join(str(value) for value in values)
            self._write(text + ("\n" if end is None else end))
        else:
            print(*values, sep=sep, end=end, file=file, flush=flush)

    def _main(self) -> None:
        isolation.bind(self._scope)
        try:
            while (job := self._jobs.get()) is not None:
                job()
        except (_Killed, _Stop):
            pass  # a timed-out invocation or sys.exit() ends this environment, as planned
        except BaseException:  # anything else ends it too, but is worth a line in the log
            log.exception("Lambda environment thread %s ended unexpectedly",
                          threading.current_thread().name)
        finally:
            isolation.bind(None)

    def _setup_logging(self, namespace: ModuleNamespace) -> None:
        """The runtime's logging handler on the environment's own root logger."""
        own_logging: Any = namespace.import_module("logging")
        environment = self
        as_json = self._json

        class LambdaHandler(own_logging.Handler):  # type: ignore[misc]
            def emit(self, record: Any) -> None:
                record.aws_request_id = environment._request_id
                try:
                    text = json_log_record(record, own_logging) if as_json else \
                        self.format(record)
                except Exception:
                    self.handleError(record)
                    return
                environment._write(text)

        formatter = own_logging.Formatter(LOG_FORMAT, LOG_DATE_FORMAT)
        formatter.converter = time.gmtime
        handler = LambdaHandler()
        handler.setFormatter(formatter)
        root = own_logging.getLogger()
        root.addHandler(handler)
        level = log_level(self._environ)
        if level in own_logging._nameToLevel:
            root.setLevel(level)

    def _load(self) -> Completion:
        namespace = ModuleNamespace(
            self.spec.python_paths,
            cache_bytecode=not self.spec.hot_reload,
            builtins_overrides={"print": self._print},
        )
        self._namespace = namespace
        self._scope.namespace = namespace
        try:
            self._setup_logging(namespace)
            self._handler = load_handler(self.spec.handler, namespace.import_module)
        except Exception as error:
            document = error_from_exception(error, None)
            self._write(error_log_entry(document, self._json))
            return Completion("error", error=document)
        return Completion("ok")

    def _call(self, job: InvokeJob) -> Completion:
        assert self._handler is not None
        self._request_id = job.request_id
        self._environ.update(job.environment)
        spec = self.spec
        try:
            context = LambdaContext(
                request_id=job.request_id,
                function_name=spec.function_name,
                function_version=spec.version,
                invoked_function_arn=job.invoked_arn,
                memory_limit_in_mb=spec.memory_size,
                log_group_name=spec.log_group,
                log_stream_name=self.log_stream,
                deadline_ms=int(job.deadline * 1000),
                now_ms=self._clock.now_millis,
                client_context=parse_client_context(job.client_context),
            )
            event = job.parsed.value if job.parsed is not None else unmarshal(job.payload)
            result = self._handler(event, context)
            return Completion("ok", payload=marshal(result))
        except Exception as error:
            document = error_from_exception(error, job.request_id)
            self._write(error_log_entry(document, self._json))
            return Completion("error", error=document)

    # -- the event loop's side ----------------------------------------------------------

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    async def _run(self, work: Callable[[], Completion], deadline: float,
                   quick: bool = False) -> Completion:
        handoff = _Handoff(asyncio.get_running_loop())

        def job() -> None:
            fatal = False
            snapshot = isolation.Snapshot()
            watch = scoped_patches.Watch()
            try:
                outcome = work()
            except SystemExit as exit:
                outcome, fatal = Completion("exit", exit_code=_exit_code(exit)), True
            except _Killed:
                raise
            except BaseException:
                outcome, fatal = Completion("exit", exit_code=1), True
            for changed in snapshot.restore():
                self._write(f"[emulator] the handler changed {changed} for the whole emulator; "
                            "it was put back (the process executor gives each function its "
                            "own)\n")
            for patched in watch.keep_to(self._scope):
                self._write(f"[emulator] the handler patched {patched}, which in-process "
                            "functions share with the emulator: the patch applies to this "
                            "function's own threads only (the process executor, tag "
                            "emulator:executor=process, gives it the whole process)\n")
            outcome.log = self._drain()
            outcome.max_memory_mb = self._memory_mb()
            handoff.deliver(outcome)
            if fatal:
                raise _Stop

        isolation.refresh_streams()
        began = time.perf_counter()
        self._jobs.put(job)
        if quick and self._quick:
            # A handler that answered quickly last time is waited for right here: cheaper
            # than a round trip through the event loop. One that takes longer is then
            # awaited on the loop as usual, and the next call goes straight there.
            grace = min(QUICK_SECONDS, deadline - self._clock.now())
            if grace > 0 and handoff.wait(grace) and handoff.outcome is not None:
                await _let_others_run()
                return handoff.outcome
            self._quick = False
        done = handoff.future()
        if done is not None:
            await self._clock.sleep_until(deadline, done)
        if handoff.outcome is not None:
            if quick:
                self._quick = time.perf_counter() - began < QUICK_SECONDS
            return handoff.outcome
        self._kill()
        return Completion("timeout", log=self._drain(), max_memory_mb=self._memory_mb())

    def _memory_mb(self) -> int:
        # Memory is shared with the emulator: its peak, capped at the function's size.
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return min(self.spec.memory_size, max(1, peak_kb // 1024))

    def _kill(self) -> None:
        """Stop a thread still running a timed-out handler, as far as Python allows."""
        self._jobs.put(None)
        ident = self._thread.ident
        if ident is not None and self._thread.is_alive():
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(ident), ctypes.py_object(_Killed)
            )

    async def init(self, deadline: float) -> Completion:
        outcome = await self._run(self._load, deadline)
        outcome.log = self.notice + outcome.log
        return outcome

    async def invoke(self, job: InvokeJob) -> Completion:
        return await self._run(lambda: self._call(job), job.deadline, quick=True)

    def close(self) -> None:
        self._jobs.put(None)
        scoped_patches.forget(self._scope)
        if self._namespace is not None:
            self._namespace.close()


class InProcessExecutor:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._notices = Notices()

    def create(
        self, spec: FunctionSpec, environ: dict[str, str], log_stream: str
    ) -> InProcessEnvironment:
        environment = InProcessEnvironment(spec, environ, log_stream, self._clock)
        if spec.runtime != _OWN_RUNTIME:
            environment.notice = self._notices.once(spec, (
                f"[emulator] {spec.runtime} runs in-process on the emulator's Python "
                f"{sys.version.split()[0]} (the process executor uses an installed "
                f"{spec.runtime} when there is one)"))
        return environment

    def shutdown(self) -> None:
        return None


__all__ = ["InProcessEnvironment", "InProcessExecutor"]
