"""What every part of the SQS provider shares: the queues and their messages, delivery and
its wake-ups, FIFO sequence numbers, and the receive attempts FIFO queues remember."""

from __future__ import annotations

from emulator.services.base import Provider
from emulator.services.sqs import fifo
from emulator.services.sqs.delivery import Delivery
from emulator.services.sqs.metrics import QueueMetrics
from emulator.services.sqs.moves import MessageMoves
from emulator.services.sqs.queues import Queues
from emulator.services.sqs.wakeups import Wakeups


class SqsBase(Provider):
    """State shared by the provider's parts."""

    service_name = "sqs"
    # FIFO receive attempts: (queue ARN, attempt id) -> (expiry, [(message id, receipt token)]).
    attempts: dict[tuple[str, str], tuple[float, list[tuple[str, str]]]]

    def setup(self) -> None:
        self.queues = Queues(self.store, self.clock)
        self.wakeups = Wakeups()
        self.delivery = Delivery(self.queues, self.wakeups)
        self.sequences = fifo.SequenceNumbers()
        self.moves = MessageMoves(self.queues, self.delivery, self.wakeups)
        self.attempts = {}
        self.metrics = QueueMetrics(self.ports.published_metrics())


__all__ = ["SqsBase"]
