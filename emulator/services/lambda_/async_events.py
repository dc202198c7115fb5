"""Asynchronous invocations as the Lambda service holds them: the stored queue of accepted
events (resumed at start) and what each event runs."""

from __future__ import annotations

from emulator.errors import ServiceError
from emulator.runtime.destinations import Destinations
from emulator.runtime.event_queue import AsyncEvent, AsyncTarget, EventQueue
from emulator.services.lambda_.common import LambdaBase
from emulator.services.lambda_.names import Scope, function_arn
from emulator.services.lambda_.tracing import AsyncTracer
from emulator.store import Table

ASYNC_EVENTS = "async-events"  # key: request id


class AsyncEventsApi(LambdaBase):
    _event_queue: EventQueue | None = None

    @property
    def event_queue(self) -> EventQueue:
        if self._event_queue is None:
            self._event_queue = EventQueue(self.clock, self.runtime, self,
                                           Destinations(self.ports),
                                           AsyncTracer(self.ports, self.clock))
        return self._event_queue

    def _events(self, account: str, region: str) -> Table[AsyncEvent]:
        return self.store.table(account, region, ASYNC_EVENTS, AsyncEvent)

    # -- the queue's host --------------------------------------------------------------------

    def accept_event(self, scope: Scope, name: str, qualifier: str | None, payload: bytes,
                     request_id: str, trace_header: str | None,
                     trace: str | None = None) -> None:
        now = self.clock.now()
        self.event_queue.accept(AsyncEvent(
            request_id=request_id, account=scope.account, region=scope.region, function=name,
            qualifier=qualifier, payload=payload.decode("utf-8", errors="replace"),
            accepted=now, due=now, trace_header=trace_header, trace=trace,
        ))

    def save_event(self, event: AsyncEvent) -> None:
        self._events(event.account, event.region).put(event.request_id, event)

    def forget_event(self, event: AsyncEvent) -> None:
        self._events(event.account, event.region).delete(event.request_id)

    def async_target(self, event: AsyncEvent) -> AsyncTarget | None:
        scope = Scope(event.account, event.region)
        qualifier = event.qualifier or "$LATEST"
        try:
            version = qualifier
            if qualifier != "$LATEST" and not qualifier.isdigit():
                version = self.route_alias(scope, event.function, qualifier)
            record = self.version_record(scope, event.function, version)
        except ServiceError:
            return None
        return AsyncTarget(
            spec=self.spec(scope, record),
            invoked_arn=function_arn(scope, event.function, event.qualifier),
            record_arn=function_arn(scope, event.function, qualifier),
            config=self.async_config(scope, event.function, qualifier,
                                     record.dead_letter_target),
        )

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        await super().start()
        stored = [event for account, region in self.store.scopes(ASYNC_EVENTS)
                  for event in self._events(account, region).values()]
        if stored:
            self.event_queue.resume(sorted(stored, key=lambda event: event.accepted))

    async def stop(self) -> None:
        if self._event_queue is not None:
            await self._event_queue.stop()
            self._event_queue = None
        await super().stop()

    def reset(self) -> None:
        if self._event_queue is not None:
            self._event_queue.reset()
        super().reset()

    def busy(self) -> list[str]:
        return [*super().busy(), *(self._event_queue.busy() if self._event_queue else [])]


__all__ = ["ASYNC_EVENTS", "AsyncEventsApi"]
