"""What SQS publishes to CloudWatch (AWS/SQS, dimension QueueName): message counts as they
happen, and each minute of the clock the queue's approximate sizes and the age of its oldest
message, as https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
lists them."""

from __future__ import annotations

from emulator.ports import MetricSink
from emulator.services.sqs.delivery import Counts
from emulator.services.sqs.models import QueueRecord

NAMESPACE = "AWS/SQS"


class QueueMetrics:
    def __init__(self, sink: MetricSink) -> None:
        self.sink = sink

    def _put(self, queue: QueueRecord, *values: tuple[str, float, str]) -> None:
        # One call for the values of one moment: the sink finds each series by name.
        self.sink.put_values(queue.account, queue.region, NAMESPACE, values,
                             ((("QueueName", queue.name),),))

    def sent(self, queue: QueueRecord, size: int) -> None:
        self._put(queue, ("NumberOfMessagesSent", 1.0, "Count"),
                  ("SentMessageSize", float(size), "Bytes"))

    def received(self, queue: QueueRecord, count: int) -> None:
        if count == 0:
            self._put(queue, ("NumberOfMessagesReceived", 0.0, "Count"),
                      ("NumberOfEmptyReceives", 1.0, "Count"))
        else:
            self._put(queue, ("NumberOfMessagesReceived", float(count), "Count"))

    def deleted(self, queue: QueueRecord) -> None:
        self._put(queue, ("NumberOfMessagesDeleted", 1.0, "Count"))

    def sizes(self, queue: QueueRecord, counts: Counts, oldest_age: float) -> None:
        self._put(queue,
                  ("ApproximateNumberOfMessagesVisible", float(counts.visible), "Count"),
                  ("ApproximateNumberOfMessagesNotVisible", float(counts.in_flight), "Count"),
                  ("ApproximateNumberOfMessagesDelayed", float(counts.delayed), "Count"),
                  ("ApproximateAgeOfOldestMessage", max(0.0, oldest_age), "Seconds"))


__all__ = ["NAMESPACE", "QueueMetrics"]
