"""Task tokens and activity queues: what SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat
and GetActivityTask act on.

A waiting task (``.waitForTaskToken`` or an activity) opens a token and awaits it. Heartbeat
deadlines are on the emulator clock, so a test moves time forward to make one fire. Tokens of
tasks that ended are remembered for a while, so a late answer gets TaskTimedOut as on AWS.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.asl import errors
from emulator.asl.errors import StatesError
from emulator.clock import Clock

_PREFIX = "AQC"
_REMEMBERED = 10_000


class CallbackError(Exception):
    """An answer Step Functions refuses: InvalidToken, TaskDoesNotExist or TaskTimedOut."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass
class Pending:
    """One open token: the task waiting on it and, for activities, its queue entry."""

    token: str
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    heartbeat: float | None = None
    activity: str | None = None
    input: str = ""
    on_start: Callable[[str], None] | None = None
    started: bool = False
    last_beat: float = 0.0
    beat: asyncio.Event = field(default_factory=asyncio.Event)


def new_token() -> str:
    return _PREFIX + base64.b64encode(secrets.token_bytes(96)).decode()


def well_formed(token: str) -> bool:
    return token.startswith(_PREFIX) and 64 <= len(token) <= 1024


class Callbacks:
    """Every open task token of one emulator (shared by all executions)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._open: dict[str, Pending] = {}
        self._closed: OrderedDict[str, str] = OrderedDict()
        self._queues: dict[str, deque[Pending]] = {}
        self._pollers: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}

    # ----- the waiting side ----------------------------------------------------------------

    def open(self, token: str, *, heartbeat: float | None = None, activity: str | None = None,
             input: str = "", on_start: Callable[[str], None] | None = None) -> Pending:
        loop = asyncio.get_running_loop()
        pending = Pending(token, loop, loop.create_future(), heartbeat, activity, input,
                          on_start, last_beat=self.clock.now())
        with self._lock:
            self._open[token] = pending
            if activity is not None:
                self._queues.setdefault(activity, deque()).append(pending)
                pollers = self._pollers.get(activity, [])
                if pollers:
                    poller_loop, event = pollers.pop(0)
                    poller_loop.call_soon_threadsafe(event.set)
        return pending

    async def wait(self, pending: Pending) -> Any:
        """The answer for ``pending``; raises StatesError for a failure or a missed heartbeat.

        For activities the heartbeat clock starts when a worker takes the task."""
        try:
            while True:
                if pending.heartbeat is None or (pending.activity and not pending.started):
                    pending.beat.clear()
                    beat = asyncio.ensure_future(pending.beat.wait())
                    try:
                        await asyncio.wait({pending.future, beat},
                                           return_when=asyncio.FIRST_COMPLETED)
                    finally:
                        beat.cancel()
                else:
                    deadline = pending.last_beat + pending.heartbeat
                    pending.beat.clear()
                    sleeper = asyncio.ensure_future(
                        self.clock.sleep_until(deadline, wake=pending.beat))
                    try:
                        await asyncio.wait({pending.future, sleeper},
                                           return_when=asyncio.FIRST_COMPLETED)
                    finally:
                        sleeper.cancel()
                    if not pending.future.done() and not pending.beat.is_set() and (
                        self.clock.now() >= deadline
                    ):
                        self.close(pending.token, "timed out")
                        raise StatesError(errors.HEARTBEAT_TIMEOUT, None)
                if pending.future.done():
                    return pending.future.result()
        finally:
            if not pending.future.done():
                self.close(pending.token, "timed out")

    def close(self, token: str, reason: str) -> None:
        with self._lock:
            pending = self._open.pop(token, None)
            if pending is not None and pending.activity is not None:
                queue = self._queues.get(pending.activity)
                if queue is not None and pending in queue:
                    queue.remove(pending)
            self._closed[token] = reason
            while len(self._closed) > _REMEMBERED:
                self._closed.popitem(last=False)

    # ----- the answering side ----------------------------------------------------------------

    def _find(self, token: str) -> Pending:
        with self._lock:
            pending = self._open.get(token)
            closed = self._closed.get(token)
        if pending is not None:
            return pending
        if closed is not None:
            raise CallbackError("TaskTimedOut",
                                "Task Timed Out: 'Provided task does not exist anymore'")
        if not well_formed(token):
            raise CallbackError("InvalidToken", "Invalid token")
        raise CallbackError("TaskDoesNotExist", "Task Does Not Exist: 'Provided task does not "
                                                "exist'")

    def _settle(self, pending: Pending, outcome: Callable[[asyncio.Future[Any]], None]) -> None:
        self.close(pending.token, "done")

        def apply() -> None:
            if not pending.future.done():
                outcome(pending.future)

        pending.loop.call_soon_threadsafe(apply)

    def succeed(self, token: str, output: Any) -> None:
        pending = self._find(token)
        self._settle(pending, lambda future: future.set_result(output))

    def fail(self, token: str, error: str | None, cause: str | None) -> None:
        pending = self._find(token)
        failure = StatesError(error or "", cause)
        self._settle(pending, lambda future: future.set_exception(failure))

    def heartbeat(self, token: str) -> None:
        pending = self._find(token)
        pending.last_beat = self.clock.now()
        pending.loop.call_soon_threadsafe(pending.beat.set)

    # ----- activities -----------------------------------------------------------------------

    def _take(self, activity: str, worker: str) -> Pending | None:
        with self._lock:
            queue = self._queues.get(activity)
            while queue:
                pending = queue.popleft()
                if pending.token in self._open and not pending.future.done():
                    pending.started = True
                    pending.last_beat = self.clock.now()
                    break
            else:
                return None
        if pending.on_start is not None:
            pending.on_start(worker)
        pending.loop.call_soon_threadsafe(pending.beat.set)
        return pending

    async def poll(self, activity: str, worker: str, wait_seconds: float) -> Pending | None:
        """The next task scheduled on ``activity``, waiting up to ``wait_seconds`` (clock)."""
        deadline = self.clock.now() + wait_seconds
        while True:
            found = self._take(activity, worker)
            if found is not None:
                return found
            event = asyncio.Event()
            entry = (asyncio.get_running_loop(), event)
            with self._lock:
                self._pollers.setdefault(activity, []).append(entry)
            try:
                woke = await self.clock.sleep_until(deadline, wake=event)
            finally:
                with self._lock:
                    pollers = self._pollers.get(activity, [])
                    if entry in pollers:
                        pollers.remove(entry)
            if not woke:
                return self._take(activity, worker)

    def forget_activity(self, activity: str) -> None:
        """DeleteActivity: queued tasks stay scheduled, pollers stop waiting."""
        with self._lock:
            pollers = self._pollers.pop(activity, [])
        for loop, event in pollers:
            if not loop.is_closed():
                loop.call_soon_threadsafe(event.set)

    def reset(self) -> None:
        with self._lock:
            pollers = [entry for entries in self._pollers.values() for entry in entries]
            self._open.clear()
            self._closed.clear()
            self._queues.clear()
            self._pollers.clear()
        for loop, event in pollers:
            if not loop.is_closed():
                loop.call_soon_threadsafe(event.set)


__all__ = ["CallbackError", "Callbacks", "Pending", "new_token", "well_formed"]
