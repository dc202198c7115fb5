"""Amazon SQS (placeholder while the provider is written)."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.services.base import Provider
from emulator.wire.errors import ServiceError


class SqsProvider(Provider):
    service_name = "sqs"

    def get_queue_url(self, ctx: RequestContext, *, queue_name: str, **_: Any) -> dict[str, Any]:
        raise ServiceError("QueueDoesNotExist", "The specified queue does not exist.")
