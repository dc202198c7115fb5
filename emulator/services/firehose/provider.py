"""Amazon Data Firehose: delivery streams (streams.py), their records (records.py), delivery to
S3 on the emulator clock (delivery.py, keys.py) and tags (tags.py)."""

from __future__ import annotations

from typing import Any

from emulator.services.firehose.delivery import DeliveryApi
from emulator.services.firehose.records import RecordsApi
from emulator.services.firehose.streams import StreamsApi
from emulator.services.firehose.tags import TagsApi


class FirehoseProvider(StreamsApi, RecordsApi, TagsApi, DeliveryApi):
    service_name = "firehose"

    async def start(self) -> None:
        self.resume_deliveries()

    async def stop(self) -> None:
        self.jobs.cancel_all()

    def reset(self) -> None:
        self.jobs.cancel_all()
        self._due.clear()
        self._buffered.clear()
        super().reset()

    def busy(self) -> list[str]:
        return self.jobs.busy()

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"delivery_streams": [
            {"name": stream.name, "arn": stream.arn,
             "bucket": stream.destination.get("BucketARN")}
            for _account, _region, stream in self.streams.everywhere()]}


__all__ = ["FirehoseProvider"]
