"""Event-source mappings: pollers that read a source and invoke a function with batches."""

from __future__ import annotations

from typing import cast

from emulator.clock import Clock
from emulator.ports import FunctionInvoker, Ports, ShardedStreams
from emulator.runtime.event_sources.sqs import SqsPoller, SqsSource
from emulator.runtime.event_sources.stream_records import StreamSource
from emulator.runtime.event_sources.streams import StreamHooks, StreamPoller


class EventSources:
    """The running pollers, one per enabled mapping, by mapping UUID.

    Batches go to Lambda's ``functions`` port, or to ``invoker`` when one is given (EventBridge
    Pipes hand their batches to their own delivery, which answers as a function would).
    """

    def __init__(self, clock: Clock, ports: Ports,
                 invoker: FunctionInvoker | None = None) -> None:
        self.clock = clock
        self.ports = ports
        self.invoker = invoker
        self._pollers: dict[str, SqsPoller | StreamPoller] = {}

    @property
    def functions(self) -> FunctionInvoker:
        return self.invoker if self.invoker is not None else self.ports.functions

    def run(self, source: SqsSource) -> None:
        """Start polling for ``source``, replacing the poller of an earlier configuration."""
        self.stop(source.uuid)
        poller = SqsPoller(source, self.clock, self.ports.queues, self.functions)
        poller.start()
        self._pollers[source.uuid] = poller

    def streams(self, source: StreamSource) -> ShardedStreams:
        return cast(ShardedStreams, self.ports.get(source.port))

    def run_stream(self, source: StreamSource, hooks: StreamHooks | None = None) -> None:
        """Start polling a Kinesis or DynamoDB stream, replacing an earlier poller."""
        self.stop(source.uuid)
        poller = StreamPoller(source, self.clock, self.streams(source), self.functions,
                              self.ports, hooks)
        poller.start()
        self._pollers[source.uuid] = poller

    def stop(self, uuid: str) -> None:
        poller = self._pollers.pop(uuid, None)
        if poller is not None:
            poller.cancel()

    def running(self, uuid: str) -> bool:
        return uuid in self._pollers

    def busy(self) -> list[str]:
        return [item for poller in list(self._pollers.values()) for item in poller.busy()]

    def reset(self) -> None:
        for uuid in list(self._pollers):
            self.stop(uuid)


__all__ = ["EventSources", "SqsPoller", "SqsSource", "StreamHooks", "StreamPoller",
           "StreamSource"]
