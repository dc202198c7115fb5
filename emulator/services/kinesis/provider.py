"""Amazon Kinesis Data Streams: streams, shards, records, resharding, consumers and settings.

Each concern lives in its own module (streams, records, resharding, consumers, settings);
the ``data-streams`` port lets Lambda event-source mappings read shards.
"""

from __future__ import annotations

from typing import Any

from emulator.services.kinesis.consumers import ConsumersApi
from emulator.services.kinesis.models import STREAMS
from emulator.services.kinesis.port import DataStreamsPort
from emulator.services.kinesis.records import RecordsApi
from emulator.services.kinesis.resharding import ReshardingApi
from emulator.services.kinesis.settings import SettingsApi
from emulator.services.kinesis.streams import StreamsApi


class KinesisProvider(StreamsApi, RecordsApi, ReshardingApi, ConsumersApi, SettingsApi):
    service_name = "kinesis"

    def port(self, name: str) -> object | None:
        return DataStreamsPort(self) if name == "data-streams" else None  # the registry keeps it

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        streams = []
        for account, region in self.store.scopes(STREAMS):
            for model in self.data.streams(account, region).values():
                live = self.data.live(model)
                streams.append({
                    "name": model.name, "arn": model.arn, "account": account,
                    "region": region, "mode": model.mode,
                    "shards": len([s for s in model.shards if s.end_sequence is None]),
                    "records": sum(len(log) for log in live.shards.logs.values()),
                })
        return {"streams": streams}


__all__ = ["KinesisProvider"]
