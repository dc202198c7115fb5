"""Delivery to S3: each stream buffers what it accepts and writes it as one object once the
buffer reaches SizeInMBs or IntervalInSeconds has passed since its oldest record, whichever
comes first, on the emulator clock
(https://docs.aws.amazon.com/firehose/latest/dev/buffering-hints.html). Records are
concatenated as given; GZIP compresses the object and names it ``.gz``."""

from __future__ import annotations

import base64
import gzip
import itertools
import logging
import time

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.runtime.background import Background
from emulator.services.firehose.common import FirehoseBase
from emulator.services.firehose.keys import object_key
from emulator.services.firehose.models import BufferRecord, StreamRecord

log = logging.getLogger("emulator")
MIB = 1024 * 1024
RETRY_SECONDS = 60  # after a failed write (no bucket yet), the buffer is tried again


def _rows_of(name: str) -> str:
    return name + "\x1f"


class DeliveryApi(FirehoseBase):
    def setup(self) -> None:
        super().setup()
        self.jobs = Background(self.clock, "firehose")
        # stream ARN -> the time its pending delivery is due
        self._due: dict[str, float] = {}
        # stream ARN -> bytes buffered; rebuilt from the rows on start
        self._buffered: dict[str, int] = {}
        # Row keys that sort in the order records came, across restarts (real nanoseconds).
        self._sequence = itertools.count(time.time_ns())

    def accept(self, stream: StreamRecord, records: list[bytes]) -> None:
        now = self.clock.now()
        size = sum(len(data) for data in records)
        self.buffers(stream.account, stream.region).put(
            f"{_rows_of(stream.name)}{next(self._sequence):020d}", BufferRecord(
                stream=stream.name, data=[base64.b64encode(data).decode() for data in records],
                size=size, arrival=now))
        first = stream.arn not in self._buffered
        self._buffered[stream.arn] = self._buffered.get(stream.arn, 0) + size
        hints = stream.destination["BufferingHints"]
        if self._buffered[stream.arn] >= hints["SizeInMBs"] * MIB:
            self._plan(stream, now)
        elif first:
            self._plan(stream, now + hints["IntervalInSeconds"])

    def discard(self, stream: StreamRecord) -> None:
        self._due.pop(stream.arn, None)
        self._buffered.pop(stream.arn, None)
        table = self.buffers(stream.account, stream.region)
        table.delete_many([key for key in table if key.startswith(_rows_of(stream.name))])

    def resume_deliveries(self) -> None:
        for _account, _region, stream in self.streams.everywhere():
            rows = self._rows(stream)
            if rows:
                self._buffered[stream.arn] = sum(row.size for _key, row in rows)
                self._plan(stream, rows[0][1].arrival
                           + stream.destination["BufferingHints"]["IntervalInSeconds"])

    def _rows(self, stream: StreamRecord) -> list[tuple[str, BufferRecord]]:
        table = self.buffers(stream.account, stream.region)
        start = _rows_of(stream.name)
        return sorted((key, row) for key, row in table.items() if key.startswith(start))

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
        if stream is None:
            return
        rows = self._rows(stream)
        self._buffered.pop(stream.arn, None)
        if not rows:
            return
        table = self.buffers(account, region)
        table.delete_many([key for key, _row in rows])
        destination = stream.destination
        body = b"".join(base64.b64decode(data) for _key, row in rows for data in row.data)
        extension = destination.get("FileExtension") or ""
        if destination.get("CompressionFormat") == "GZIP":
            body = gzip.compress(body)
            extension = extension or ".gz"
        bucket = destination["BucketARN"].rsplit(":", 1)[-1]
        key = object_key(destination.get("Prefix") or "", stream.name, stream.version_id,
                         rows[0][1].arrival, extension)
        try:
            await self.ports.operations.call(
                RequestContext.internal(account, region), "s3", "PutObject",
                {"Bucket": bucket, "Key": key, "Body": body})
        except ServiceError as error:
            log.warning("firehose: delivery of %s to s3://%s failed (%s); retrying in %ss",
                        stream.arn, bucket, error, RETRY_SECONDS)
            # Put back what failed (its keys sort before anything accepted since) and try
            # again later.
            for row_key, row in rows:
                table.put(row_key, row)
            self._buffered[stream.arn] = self._buffered.get(stream.arn, 0) + sum(
                row.size for _key, row in rows)
            self._plan(stream, self.clock.now() + RETRY_SECONDS)


__all__ = ["DeliveryApi"]
