"""PutRecord and PutRecordBatch: records accepted into a stream's buffer."""

from __future__ import annotations

import base64
from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.services.firehose.common import MAX_BATCH_BYTES, FirehoseBase, invalid_argument


def record_id() -> str:
    """An opaque id for one accepted record."""
    return base64.b64encode(ids.random_bytes(168)).decode()


class RecordsApi(FirehoseBase):
    def put_record(self, ctx: RequestContext, *, delivery_stream_name: str,
                   record: dict[str, Any], **_: Any) -> dict[str, Any]:
        stream = self.require_stream(ctx, delivery_stream_name)
        self.accept(stream, [bytes(record["Data"])])
        return {"RecordId": record_id(), "Encrypted": stream.encryption["Status"] == "ENABLED"}

    def put_record_batch(self, ctx: RequestContext, *, delivery_stream_name: str,
                         records: list[dict[str, Any]], **_: Any) -> dict[str, Any]:
        stream = self.require_stream(ctx, delivery_stream_name)
        datas = [bytes(entry["Data"]) for entry in records]
        if sum(len(data) for data in datas) > MAX_BATCH_BYTES:
            raise invalid_argument("Records size exceeds 4 MB limit")
        self.accept(stream, datas)
        return {"FailedPutCount": 0,
                "Encrypted": stream.encryption["Status"] == "ENABLED",
                "RequestResponses": [{"RecordId": record_id()} for _ in datas]}


__all__ = ["RecordsApi", "record_id"]
