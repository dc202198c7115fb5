"""Delivery to S3: each stream buffers what it accepts and writes it as one object once the
buffer reaches SizeInMBs or IntervalInSeconds has passed since its oldest record, whichever
comes first, on the emulator clock
(https://docs.aws.amazon.com/firehose/latest/dev/buffering-hints.html). Records are
concatenated as given; GZIP compresses the object and names it ``.gz``."""

from __future__ import annotations

import base64
import gzip
import logging

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.runtime.background import Background
from emulator.services.firehose.common import FirehoseBase
from emulator.services.firehose.keys import object_key
from emulator.services.firehose.models import BufferRecord, StreamRecord

log = logging.getLogger("emulator")
MIB = 1024 * 1024
RETRY_SECONDS = 60  # after a failed write (no bucket yet), the buffer is tried again


class DeliveryApi(FirehoseBase):
    def setup(self) -> None:
        super().setup()
        self.jobs = Background(self.clock, "firehose")
        # stream ARN -> the time its pending delivery is due
        self._due: dict[str, float] = {}

    def accept(self, stream: StreamRecord, records: list[bytes]) -> None:
        table = self.buffers(stream.account, stream.region)
        buffer = table.get(stream.name) or BufferRecord()
        if not buffer.data:
            buffer.first_arrival = self.clock.now()
        buffer.data.extend(base64.b64encode(data).decode() for data in records)
        buffer.size += sum(len(data) for data in records)
        table.put(stream.name, buffer)
        hints = stream.destination["BufferingHints"]
        due = buffer.first_arrival + hints["IntervalInSeconds"]
        if buffer.size >= hints["SizeInMBs"] * MIB:
            due = self.clock.now()
        self._plan(stream, due)

    def discard(self, stream: StreamRecord) -> None:
        self._due.pop(stream.arn, None)
        self.buffers(stream.account, stream.region).delete(stream.name)

    def resume_deliveries(self) -> None:
        for account, region, stream in self.streams.everywhere():
            buffer = self.buffers(account, region).get(stream.name)
            if buffer is not None and buffer.data:
                self._plan(stream, buffer.first_arrival
                           + stream.destination["BufferingHints"]["IntervalInSeconds"])

    def _plan(self, stream: StreamRecord, due: float) -> None:
        planned = self._due.get(stream.arn)
        if planned is not None and planned <= due:
            return
        self._due[stream.arn] = due
        arn, account, region, name = stream.arn, stream.account, stream.region, stream.name

        async def deliver() -> None:
            if self._due.get(arn) != due:
                return  # superseded by an earlier delivery, or the stream is gone
            del self._due[arn]
            await self._deliver(account, region, name)

        self.jobs.at(due, deliver)

    async def _deliver(self, account: str, region: str, name: str) -> None:
        stream = self.streams(account, region).get(name)
        table = self.buffers(account, region)
        buffer = table.get(name)
        if stream is None or buffer is None or not buffer.data:
            return
        table.delete(name)
        destination = stream.destination
        body = b"".join(base64.b64decode(data) for data in buffer.data)
        extension = destination.get("FileExtension") or ""
        if destination.get("CompressionFormat") == "GZIP":
            body = gzip.compress(body)
            extension = extension or ".gz"
        bucket = destination["BucketARN"].rsplit(":", 1)[-1]
        key = object_key(destination.get("Prefix") or "", stream.name, stream.version_id,
                         buffer.first_arrival, extension)
        try:
            await self.ports.operations.call(
                RequestContext.internal(account, region), "s3", "PutObject",
                {"Bucket": bucket, "Key": key, "Body": body})
        except ServiceError as error:
            log.warning("firehose: delivery of %s to s3://%s failed (%s); retrying in %ss",
                        stream.arn, bucket, error, RETRY_SECONDS)
            self._requeue(stream, buffer)

    def _requeue(self, stream: StreamRecord, failed: BufferRecord) -> None:
        """Put back what failed, before anything accepted since, and try again later."""
        table = self.buffers(stream.account, stream.region)
        newer = table.get(stream.name)
        if newer is not None:
            failed.data.extend(newer.data)
            failed.size += newer.size
        table.put(stream.name, failed)
        self._plan(stream, self.clock.now() + RETRY_SECONDS)


__all__ = ["DeliveryApi"]
