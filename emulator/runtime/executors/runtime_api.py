"""The Runtime API executor: any runtime's bootstrap as a child process, as Lambda runs it.

Each execution environment is one process (``node`` with our Node.js runtime client, or a
custom runtime's ``bootstrap``) talking to its own Runtime API endpoint
(``runtime.runtime_api``) on a loopback port. Init is over when the runtime first asks for an
event, or failed when it posts ``/init/error`` or exits. An invocation is handed to its
``/next`` request and ends with its ``/response`` or ``/error``, with the process's exit, at the
timeout (the process group is killed) or past MemorySize (killed, ``Runtime.OutOfMemory``).
Everything the process writes to stdout and stderr is the function's log.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import json
import os
import subprocess
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.clock import Clock
from emulator.runtime import node_sdk, runtimes
from emulator.runtime.executors import children
from emulator.runtime.executors.base import Completion, InvokeJob, Notices
from emulator.runtime.runtime_api import Invocation, Reply, RuntimeApi
from emulator.runtime.spec import SYNC_RESPONSE_LIMIT, FunctionSpec

INVALID_ENTRYPOINT = "Runtime.InvalidEntrypoint"


@dataclass
class Launch:
    """How to start a function's runtime, or why it cannot start."""

    argv: list[str] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)
    fault: str | None = None  # the Runtime.InvalidEntrypoint message when it cannot start
    notice: str | None = None  # said once in the function's log


def _node_path(spec: FunctionSpec, major: int, sdk: Path | None) -> str:
    """``NODE_PATH`` as Lambda sets it, with each layer's folders (the last layer first),
    then the runtime's AWS SDK, then the function's code."""
    folders = []
    for layer in reversed(spec.layer_dirs):
        folders.append(layer / "nodejs" / f"node{major}" / "node_modules")
        folders.append(layer / "nodejs" / "node_modules")
    if sdk is not None:
        folders.append(sdk)
    folders.append(spec.code_dir)
    return os.pathsep.join(str(folder) for folder in folders)


def launch_for(spec: FunctionSpec, sdk: Path | None = None) -> Launch:
    """How to start ``spec``'s runtime; ``sdk`` is the folder of the AWS SDK clients a
    Node.js function gets (see node_sdk)."""
    kind = runtimes.family(spec.runtime)
    if kind == "nodejs":
        found = runtimes.node()
        if found is None:
            return Launch(fault=f"The {spec.runtime} runtime needs Node.js, and no `node` "
                                "was found on this machine's PATH. Install Node.js and "
                                "invoke again.")
        path, version = found
        declared = int(runtimes.NODEJS.match(spec.runtime).group(1))  # type: ignore[union-attr]
        notice = None
        if runtimes.node_major(version) < declared:
            notice = (f"[emulator] {spec.runtime} runs on Node.js {version}, the newest "
                      "installed here")
        return Launch(
            argv=[path, str(runtimes.NODE_CLIENT),
                  *([f"--aws-sdk={sdk}"] if sdk is not None else [])],
            environment={"NODE_PATH": _node_path(spec, declared, sdk),
                         "LAMBDA_RUNTIME_DIR": str(runtimes.NODE_CLIENT.parent)},
            notice=notice,
        )
    if kind == "provided":
        for folder in (spec.code_dir, *reversed(spec.layer_dirs)):
            bootstrap = folder / "bootstrap"
            if bootstrap.is_file():
                if not os.access(bootstrap, os.X_OK):
                    return Launch(fault=f"fork/exec {bootstrap}: permission denied")
                return Launch(argv=[str(bootstrap)])
        return Launch(fault="Couldn't find valid bootstrap(s): [/var/task/bootstrap "
                            "/opt/bootstrap]")
    return Launch(fault=f"The {spec.runtime} runtime does not run here.")


class _Output:
    """A pipe the runtime writes its stdout and stderr to, read without blocking."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.read_fd, self.write_fd = os.pipe()
        os.set_blocking(self.read_fd, False)
        self._loop = loop
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._text: list[str] = []
        self._open = True
        loop.add_reader(self.read_fd, self.pump)

    def pump(self) -> None:
        """Read whatever the pipe holds now."""
        while self._open:
            try:
                data = os.read(self.read_fd, 65536)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self.close()
                return
            self._text.append(self._decoder.decode(data))

    def take(self) -> str:
        self.pump()
        text = "".join(self._text)
        self._text.clear()
        return text

    def close(self) -> None:
        if self._open:
            self._open = False
            with contextlib.suppress(Exception):
                self._loop.remove_reader(self.read_fd)
            with contextlib.suppress(OSError):
                os.close(self.read_fd)


class RuntimeApiEnvironment:
    def __init__(self, spec: FunctionSpec, environ: dict[str, str], log_stream: str,
                 clock: Clock, notices: Notices) -> None:
        self.spec = spec
        self.log_stream = log_stream
        self._clock = clock
        self._environ = environ
        self._notices = notices
        self._api: RuntimeApi | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._output: _Output | None = None
        self._exited: asyncio.Future[int] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    @property
    def alive(self) -> bool:
        return not self._closed and self._process is not None and self._process.poll() is None

    def _watch_exit(self, process: subprocess.Popen[bytes],
                    loop: asyncio.AbstractEventLoop) -> None:
        def wait() -> None:
            code = process.wait()

            def exited() -> None:
                if self._exited is not None and not self._exited.done():
                    self._exited.set_result(code)

            with contextlib.suppress(RuntimeError):  # the loop is gone at shutdown
                loop.call_soon_threadsafe(exited)

        threading.Thread(target=wait, daemon=True, name="lambda-runtime-exit").start()

    async def init(self, deadline: float) -> Completion:
        self._loop = loop = asyncio.get_running_loop()
        sdk = None
        declared = runtimes.NODEJS.match(self.spec.runtime or "")
        if declared is not None:
            # Installing the SDK is the emulator's setup, not the function's init time.
            began = self._clock.now()
            sdk = await asyncio.to_thread(node_sdk.provide, self.spec.nodejs_sdk_dir,
                                          self.spec.code_dir, self.spec.layer_dirs,
                                          int(declared.group(1)))
            deadline += self._clock.now() - began
        launch = launch_for(self.spec, sdk)
        notice = self._notices.once(self.spec, launch.notice)
        if launch.fault is not None:
            return Completion("fault", error={"errorType": INVALID_ENTRYPOINT,
                                              "errorMessage": launch.fault}, log=notice)
        self._api = api = RuntimeApi()
        address = await api.start()
        self._output = output = _Output(loop)
        self._exited = loop.create_future()
        environment = {**self._environ, **launch.environment, "AWS_LAMBDA_RUNTIME_API": address}
        try:
            self._process = subprocess.Popen(
                launch.argv, env=environment, cwd=self.spec.code_dir, stdin=subprocess.DEVNULL,
                stdout=output.write_fd, stderr=output.write_fd, start_new_session=True)
        except OSError as error:
            return Completion("fault", error={"errorType": INVALID_ENTRYPOINT,
                                              "errorMessage": f"fork/exec {launch.argv[0]}: "
                                                              f"{error.strerror}"}, log=notice)
        finally:
            os.close(output.write_fd)
        self._watch_exit(self._process, loop)
        finished: asyncio.Future[None] = loop.create_future()
        for source in (api.ready, api.init_error, self._exited):
            source.add_done_callback(lambda _: _settle(finished))
        ending, peak_kb = await children.watch(self._clock, deadline, finished,
                                               self._process.pid, self.spec.memory_size)
        outcome = self._ending(ending, api.init_error.result() if api.init_error.done()
                               else None)
        outcome.log = notice + output.take()
        outcome.max_memory_mb = self._memory_mb(peak_kb)
        return outcome

    def _ending(self, ending: str, reply: Reply | None) -> Completion:
        if ending == "timeout":
            return Completion("timeout")
        if ending == "oom":
            return Completion("oom")
        if reply is not None:
            return _error(reply)
        if self._exited is not None and self._exited.done():
            return Completion("exit", exit_code=self._exited.result())
        return Completion("ok")

    def _memory_mb(self, peak_kb: int) -> int:
        return min(self.spec.memory_size, max(1, peak_kb // 1024))

    async def invoke(self, job: InvokeJob) -> Completion:
        assert self._api is not None and self._process is not None
        assert self._output is not None and self._exited is not None
        loop = asyncio.get_running_loop()
        # The runtime measures time on the real clock: the deadline it is told is shifted by
        # the emulator clock's offset.
        headers = {
            "Lambda-Runtime-Aws-Request-Id": job.request_id,
            "Lambda-Runtime-Deadline-Ms": str(int((job.deadline - self._clock.offset) * 1000)),
            "Lambda-Runtime-Invoked-Function-Arn": job.invoked_arn,
        }
        if job.trace_header:
            headers["Lambda-Runtime-Trace-Id"] = job.trace_header
        if job.client_context:
            headers["Lambda-Runtime-Client-Context"] = job.client_context
        invocation = Invocation(job.request_id, job.payload, headers)
        self._api.submit(invocation)
        finished: asyncio.Future[None] = loop.create_future()
        for source in (invocation.reply, self._exited):
            source.add_done_callback(lambda _: _settle(finished))
        ending, peak_kb = await children.watch(self._clock, job.deadline, finished,
                                               self._process.pid, self.spec.memory_size)
        if ending == "done" and invocation.reply.done():
            outcome = _reply(invocation.reply.result())
        else:
            outcome = self._ending(ending, None)
        asyncio.get_running_loop().call_soon(invocation.take)
        outcome.log = self._output.take()
        outcome.max_memory_mb = self._memory_mb(peak_kb)
        return outcome

    def close(self) -> None:
        """Safe from any thread (a test's reset retires environments from its own)."""
        if self._closed:
            return
        self._closed = True
        if self._process is not None and self._process.poll() is None:
            children.kill_group(self._process.pid)
        loop = self._loop
        if loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._release()
        else:
            with contextlib.suppress(RuntimeError):  # the loop is gone at shutdown
                loop.call_soon_threadsafe(self._release)

    def _release(self) -> None:
        if self._api is not None:
            self._api.close()
        if self._output is not None:
            self._output.close()


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _error(reply: Reply) -> Completion:
    document: Any = None
    with contextlib.suppress(ValueError):
        document = json.loads(reply.body)
    if not isinstance(document, dict):
        document = {"errorType": reply.error_type or "", "errorMessage": ""}
    return Completion("error", payload=reply.body, error=document,
                      content_type=reply.content_type, partial_payload=reply.partial_payload)


def _reply(reply: Reply) -> Completion:
    if reply.kind == "error":
        return _error(reply)
    if reply.too_large:
        # Only the size matters now: the invoker answers Function.ResponseSizeTooLarge.
        return Completion("ok", payload=bytes(SYNC_RESPONSE_LIMIT + 1))
    return Completion("ok", payload=reply.body, content_type=reply.content_type)


class RuntimeApiExecutor:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._notices = Notices()
        # Every environment made and not yet collected, busy ones included: a server that
        # stops ends their runtimes, so none runs on with no server to answer it.
        self._environments: weakref.WeakSet[RuntimeApiEnvironment] = weakref.WeakSet()

    def create(self, spec: FunctionSpec, environ: dict[str, str],
               log_stream: str) -> RuntimeApiEnvironment:
        environment = RuntimeApiEnvironment(spec, environ, log_stream, self._clock,
                                            self._notices)
        self._environments.add(environment)
        return environment

    def shutdown(self) -> None:
        for environment in list(self._environments):
            environment.close()


__all__ = ["INVALID_ENTRYPOINT", "Launch", "RuntimeApiEnvironment", "RuntimeApiExecutor",
           "launch_for"]

