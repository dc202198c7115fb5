"""Helpers for the Kinesis tests: streams with unique names, deleted after the test."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from botocore.exceptions import ClientError


def unique_stream(prefix: str = "stream") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class Streams:
    """Creates streams for one test and deletes them (with their consumers) afterwards."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.names: list[str] = []

    def create(self, shards: int = 1, **options: Any) -> tuple[str, str]:
        name = unique_stream()
        if options.get("StreamModeDetails", {}).get("StreamMode") != "ON_DEMAND":
            options["ShardCount"] = shards
        self.client.create_stream(StreamName=name, **options)
        self.names.append(name)
        arn = self.client.describe_stream_summary(
            StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
        return name, arn

    def shard_ids(self, name: str) -> list[str]:
        return [s["ShardId"] for s in self.client.list_shards(StreamName=name)["Shards"]]

    def read_all(self, name: str, shard_id: str) -> list[dict[str, Any]]:
        iterator = self.client.get_shard_iterator(StreamName=name, ShardId=shard_id,
                                                  ShardIteratorType="TRIM_HORIZON")
        return list(self.client.get_records(ShardIterator=iterator["ShardIterator"])["Records"])

    def cleanup(self) -> None:
        for name in self.names:
            with contextlib.suppress(ClientError):
                self.client.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
