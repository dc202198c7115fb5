"""What the parts of the Firehose provider share: tables, ARNs, lookups and the delivery hooks
the delivery part offers the others."""

from __future__ import annotations

from abc import ABC, abstractmethod

from emulator import arns
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.base import Provider, TableOf
from emulator.services.firehose.models import BUFFERS, STREAMS, BufferRecord, StreamRecord

# The largest record, before base64 (1,000 KiB), and the most one PutRecordBatch carries:
# https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html
MAX_RECORD_BYTES = 1_024_000
MAX_BATCH_BYTES = 4 * 1024 * 1024


def invalid_argument(message: str) -> ServiceError:
    return ServiceError("InvalidArgumentException", message)


def stream_arn(account: str, region: str, name: str) -> str:
    return arns.build("firehose", region, account, f"deliverystream/{name}")


class FirehoseBase(Provider, ABC):
    service_name = "firehose"
    conflict_code = "ResourceInUseException"

    streams = TableOf(STREAMS, StreamRecord)
    buffers = TableOf(BUFFERS, BufferRecord)

    @abstractmethod
    def accept(self, stream: StreamRecord, records: list[bytes]) -> None:
        """Buffer ``records`` for delivery to the stream's destination."""

    @abstractmethod
    def discard(self, stream: StreamRecord) -> None:
        """Forget what the stream buffered and stop its delivery (the stream is deleted)."""

    def require_stream(self, ctx: RequestContext, name: str) -> StreamRecord:
        # https://github.com/turbot/steampipe-plugin-aws/issues/759 shows AWS's wording.
        return self.found(self.streams(ctx).get(name),
                          f"Firehose {name} under account {ctx.account_id} not found.")


__all__ = ["MAX_BATCH_BYTES", "MAX_RECORD_BYTES", "FirehoseBase", "invalid_argument",
           "stream_arn"]
