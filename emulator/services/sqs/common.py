"""What every part of the SQS provider shares: the queues and their messages, delivery and
its wake-ups, FIFO sequence numbers, and the receive attempts FIFO queues remember."""

from __future__ import annotations

from emulator.clock import Clock
from emulator.config import Settings
from emulator.ports import Ports
from emulator.services.base import Provider
from emulator.services.sqs import fifo
from emulator.services.sqs.delivery import Delivery
from emulator.services.sqs.metrics import QueueMetrics
from emulator.services.sqs.moves import MessageMoves
from emulator.services.sqs.queues import Queues
from emulator.services.sqs.wakeups import Wakeups
from emulator.store import ServiceStore


class SqsBase(Provider):
    """State shared by the provider's parts."""

    service_name = "sqs"
    # FIFO receive attempts: (queue ARN, attempt id) -> (expiry, [(message id, receipt token)]).
    attempts: dict[tuple[str, str], tuple[float, list[tuple[str, str]]]]

    def __init__(
        self, settings: Settings, clock: Clock, store: ServiceStore, ports: Ports
    ) -> None:
        super().__init__(settings, clock, store, ports)
        self.queues = Queues(store, clock)
        self.wakeups = Wakeups()
        self.delivery = Delivery(self.queues, self.wakeups)
        self.sequences = fifo.SequenceNumbers()
        self.moves = MessageMoves(self.queues, self.delivery, self.wakeups)
        self.attempts = {}
        self.metrics = QueueMetrics(ports.published_metrics())


__all__ = ["SqsBase"]
