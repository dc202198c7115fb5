"""Running the app under uvicorn: in the foreground, or in a background thread for tests."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

import uvicorn
from starlette.applications import Starlette

from emulator.app import Emulator, build_app
from emulator.clock import Clock
from emulator.config import Settings
from emulator.h2c import with_prior_knowledge
from emulator.header_case import http_protocol

log = logging.getLogger("emulator.server")


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class LoopBatchedHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Log lines written to a block-buffered stream, flushed once per event loop iteration.

    Under load every request logs a line (and a Lambda invocation three more); one write
    system call per line costs more than the rest of the line. Lines logged on the event
    loop's thread are flushed by one callback after the requests of that iteration; lines
    from any other thread, and any line once no loop runs, are flushed at once.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._flush_scheduled = False

    def flush(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            super().flush()
            return
        if not self._flush_scheduled:
            self._flush_scheduled = True
            loop.call_soon(self._flush_now)

    def _flush_now(self) -> None:
        self._flush_scheduled = False
        super().flush()


class SecondCachedFormatter(logging.Formatter):
    """The standard formatter, with each second's date and time formatted once: every request
    logs a line, and ``strftime`` was a tenth of each line's cost."""

    _second: tuple[int, str] = (-1, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt is not None or not self.default_msec_format:
            return super().formatTime(record, datefmt)
        second, text = self._second
        if second != int(record.created):
            second = int(record.created)
            text = time.strftime(self.default_time_format, self.converter(record.created))
            self._second = (second, text)
        return self.default_msec_format % (text, record.msecs)


def _stderr_handler() -> logging.Handler:
    try:
        descriptor = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # no real stderr: write through Python's
        return logging.StreamHandler()
    stream = open(descriptor, "w", buffering=1 << 16, closefd=False,  # noqa: SIM115
                  encoding=getattr(sys.stderr, "encoding", None) or "utf-8",
                  errors="backslashreplace")
    return LoopBatchedHandler(stream)


def configure_logging(level: str) -> None:
    """The server process's logging: lines to stderr, written in batches (see
    :class:`LoopBatchedHandler`), with no caller, thread or process looked up for records
    the format does not show (the logging HOWTO's optimisations)."""
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = _stderr_handler()
    handler.setFormatter(SecondCachedFormatter(LOG_FORMAT))
    logging.basicConfig(level=level.upper(), handlers=[handler])
    logging.getLogger("emulator").setLevel(level.upper())


def _uvicorn_config(app: Starlette, settings: Settings, sock_port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=settings.host,
        port=sock_port,
        log_level=settings.log_level,
        access_log=False,
        lifespan="on",
        # The parser, keeping the header names clients and integrations cased
        # (header_case.py): httptools when installed; the loop: asyncio's, whose p99 under
        # load was a fraction of uvloop's here (docs/benchmarks.md, "The server stack").
        # HTTP/2 with prior knowledge beside it (h2c.py): SDKs that speak only HTTP/2.
        http=with_prior_knowledge(http_protocol(settings.http_parser)),
        loop=settings.event_loop,
        timeout_graceful_shutdown=5,
        # No AWS endpoint answers "server: uvicorn"; a service that names itself (S3's
        # "AmazonS3") says so through its wire overlay.
        server_header=False,
    )


def deploy_environment(endpoint_url: str, region: str) -> dict[str, str]:
    """What a deploy script or test process needs to reach the emulator with any AWS SDK."""
    env = dict(os.environ)
    env.update(
        {
            "AWS_ENDPOINT_URL": endpoint_url,
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            "AWS_ACCESS_KEY_ID": env.get("AWS_ACCESS_KEY_ID", "test"),
            "AWS_SECRET_ACCESS_KEY": env.get("AWS_SECRET_ACCESS_KEY", "test"),
        }
    )
    return env


def run_deploy_scripts(scripts: list[Path], endpoint_url: str, region: str) -> bool:
    """Run each script with the emulator's endpoint in its environment; False if one fails."""
    env = deploy_environment(endpoint_url, region)
    for script in scripts:
        log.info("deploying %s", script)
        done = subprocess.run([sys.executable, str(script)], env=env, check=False)
        if done.returncode != 0:
            log.error("deploy script %s exited with %d", script, done.returncode)
            return False
    return True


def serve(settings: Settings) -> None:
    """Run in the foreground until SIGINT or SIGTERM, then shut down gracefully."""
    configure_logging(settings.log_level)
    app = build_app(settings)
    server = uvicorn.Server(_uvicorn_config(app, settings, settings.port))
    if settings.deploy:
        host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
        endpoint = f"http://{host}:{settings.port}"

        def deploy_when_up() -> None:
            while not server.started:
                if server.should_exit:
                    return
                time.sleep(0.02)
            run_deploy_scripts(settings.deploy, endpoint, settings.region)

        threading.Thread(target=deploy_when_up, name="emulator-deploy", daemon=True).start()
    server.run()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class BackgroundServer:
    """The emulator in a daemon thread, for the pytest plugin and embedding."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        port = settings.port or free_port(settings.host)
        self.settings = settings.model_copy(update={"port": port})
        self.app = build_app(self.settings, clock)
        self.emulator: Emulator = self.app.state.emulator
        self._server = uvicorn.Server(_uvicorn_config(self.app, self.settings, port))
        self._thread = threading.Thread(target=self._run, name="emulator-server", daemon=True)

    @property
    def endpoint_url(self) -> str:
        host = "localhost" if self.settings.host in ("127.0.0.1", "0.0.0.0") else self.settings.host
        return f"http://{host}:{self.settings.port}"

    def _run(self) -> None:
        # uvicorn's run() in this thread: the configured loop, no signal handlers.
        self._server.run()

    def start(self, timeout: float = 15.0) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the emulator did not start")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)


__all__ = [
    "BackgroundServer",
    "configure_logging",
    "deploy_environment",
    "free_port",
    "run_deploy_scripts",
    "serve",
]
