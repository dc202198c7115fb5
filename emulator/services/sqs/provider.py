"""Amazon SQS: queues, their attributes, tags, permissions and dead-letter redrive.

The message operations come from messaging.py. A queue is identified by the account and name
in its URL and the region of the request. Every record is written through to the store, so
with a state directory an acknowledged send survives a crash of the process.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
from collections.abc import Mapping, Sequence
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.sqs import attributes, permissions
from emulator.services.sqs.characters import first_invalid
from emulator.services.sqs.messaging import MessagesApi
from emulator.services.sqs.models import QueueRecord
from emulator.services.sqs.naming import invalid_parameter, queue_url
from emulator.services.sqs.port import QueuePort
from emulator.services.sqs.queues import queue_does_not_exist

PURGE_INTERVAL = 60.0
MAX_LIST_RESULTS = 1000


def _page(
    queues: list[QueueRecord], next_token: str | None, max_results: int | None
) -> tuple[list[QueueRecord], str | None]:
    """One page of a name-ordered listing; the token is the last name already returned."""
    if max_results is not None and not 1 <= max_results <= MAX_LIST_RESULTS:
        raise invalid_parameter(
            f"Value {max_results} for parameter MaxResults is invalid. Reason: MaxResults must "
            f"be an integer between 1 and {MAX_LIST_RESULTS}."
        )
    if next_token:
        try:
            after = base64.b64decode(next_token, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise invalid_parameter("Invalid NextToken value.") from None
        queues = [queue for queue in queues if queue.name > after]
    size = max_results or MAX_LIST_RESULTS
    page = queues[:size]
    token = None
    if max_results is not None and len(queues) > size:
        token = base64.b64encode(page[-1].name.encode()).decode("ascii")
    return page, token


def _check_text(name: str, values: Mapping[str, str] | Sequence[str]) -> None:
    for text in [*values, *(values.values() if isinstance(values, Mapping) else ())]:
        bad = first_invalid(text)
        if bad is not None:
            raise invalid_parameter(f"Value for parameter {name} contains the character {bad}.")


class SqsProvider(MessagesApi):
    service_name = "sqs"
    _sizes: asyncio.Task[None] | None = None  # publishes queue sizes each minute of the clock

    def port(self, name: str) -> object | None:
        """``queues``: send to and poll queues by ARN, for event sources and integrations."""
        return QueuePort(self) if name == "queues" else None

    def reset(self) -> None:
        super().reset()
        self.sequences.forget()
        self.delivery.forget()
        self.attempts.clear()
        self.wakeups.notify_all()

    async def start(self) -> None:
        self._sizes = asyncio.get_running_loop().create_task(self._publish_sizes())

    async def stop(self) -> None:
        self.wakeups.notify_all()
        if self._sizes is not None:
            self._sizes.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sizes
            self._sizes = None

    async def _publish_sizes(self) -> None:
        """Each minute of the clock, every queue's approximate sizes go to CloudWatch."""
        while True:
            now = self.clock.now()
            await self.clock.sleep_until((int(now) // 60 + 1) * 60, rewound=True)
            now = self.clock.now()
            for account, region in self.queues.scopes():
                for queue in self.queues.listing(account, region):
                    messages = self.queues.messages(queue).values()
                    oldest = min((message.sent for message in messages), default=now)
                    self.metrics.sizes(queue, self.delivery.counts(queue, now), now - oldest)

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        host = self.settings.host
        host = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
        endpoint = f"http://{host}:{self.settings.port}"
        now = self.clock.now()
        listed = []
        for account, region in self.queues.scopes():
            for queue in self.queues.listing(account, region):
                counts = self.delivery.counts(queue, now)
                listed.append({
                    "name": queue.name,
                    "account": account,
                    "region": region,
                    "arn": queue.arn,
                    "url": queue_url(endpoint, account, queue.name),
                    "fifo": queue.fifo,
                    "messages": counts.visible,
                    "messages_in_flight": counts.in_flight,
                    "messages_delayed": counts.delayed,
                    "waiting_receives": self.wakeups.waiting(queue.arn),
                })
        return {"queues": listed}

    def _url(self, ctx: RequestContext, queue: QueueRecord) -> str:
        return queue_url(ctx.endpoint_url, queue.account, queue.name)

    # -- queues ----------------------------------------------------------------------------

    def create_queue(self, ctx: RequestContext, *, queue_name: str,
                     attributes: Mapping[str, str] | None = None,
                     tags: Mapping[str, str] | None = None, **_: Any) -> dict[str, Any]:
        _check_text("Attributes", attributes or {})
        _check_text("tags", tags or {})
        queue = self.queues.create(ctx, queue_name, attributes, tags)
        return {"QueueUrl": self._url(ctx, queue)}

    def get_queue_url(self, ctx: RequestContext, *, queue_name: str,
                      queue_owner_aws_account_id: str | None = None, **_: Any) -> dict[str, Any]:
        queue = self.queues.get(queue_owner_aws_account_id or ctx.account_id, ctx.region,
                                queue_name)
        if queue is None:
            raise queue_does_not_exist()
        return {"QueueUrl": self._url(ctx, queue)}

    def list_queues(self, ctx: RequestContext, *, queue_name_prefix: str | None = None,
                    next_token: str | None = None, max_results: int | None = None, **_: Any
                    ) -> dict[str, Any]:
        queues = self.queues.listing(ctx.account_id, ctx.region, queue_name_prefix)
        page, token = _page(queues, next_token, max_results)
        result: dict[str, Any] = {}
        if page:
            result["QueueUrls"] = [self._url(ctx, queue) for queue in page]
        if token:
            result["NextToken"] = token
        return result

    def delete_queue(self, ctx: RequestContext, *, queue_url: str, **_: Any) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        self.queues.delete(queue)
        self.delivery.forget(queue)
        self.sequences.forget(queue.arn)
        self.wakeups.notify(queue.arn)
        return {}

    def get_queue_attributes(self, ctx: RequestContext, *, queue_url: str,
                             attribute_names: Sequence[str] | None = None, **_: Any
                             ) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)

        def computed() -> dict[str, Any]:
            counts = self.delivery.counts(queue, self.clock.now())
            return {
                "QueueArn": queue.arn,
                "ApproximateNumberOfMessages": counts.visible,
                "ApproximateNumberOfMessagesNotVisible": counts.in_flight,
                "ApproximateNumberOfMessagesDelayed": counts.delayed,
                "CreatedTimestamp": int(queue.created),
                "LastModifiedTimestamp": int(queue.last_modified),
            }

        values = attributes.render(attribute_names or (), queue.attributes, computed)
        return {"Attributes": values} if values else {}

    def set_queue_attributes(
        self, ctx: RequestContext, *, queue_url: str, attributes: Mapping[str, str], **_: Any
    ) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        _check_text("Attributes", attributes)
        self.queues.set_attributes(queue, attributes)
        self.wakeups.notify(queue.arn)  # a shorter delay or visibility may free messages
        return {}

    def purge_queue(self, ctx: RequestContext, *, queue_url: str, **_: Any) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        now = self.clock.now()
        if queue.last_purge is not None and now - queue.last_purge < PURGE_INTERVAL:
            raise ServiceError(
                "PurgeQueueInProgress",
                f"Only one PurgeQueue operation on {queue.name} is allowed every 60 seconds.",
            )
        self.delivery.clear(queue)
        queue.last_purge = now
        self.queues.save(queue)
        return {}

    def list_dead_letter_source_queues(self, ctx: RequestContext, *, queue_url: str,
                                       next_token: str | None = None,
                                       max_results: int | None = None, **_: Any) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        page, token = _page(self.queues.dead_letter_sources(queue), next_token, max_results)
        result: dict[str, Any] = {"queueUrls": [self._url(ctx, source) for source in page]}
        if token:
            result["NextToken"] = token
        return result

    # -- tags ------------------------------------------------------------------------------

    def tag_queue(
        self, ctx: RequestContext, *, queue_url: str, tags: Mapping[str, str], **_: Any
    ) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        _check_text("Tags", tags)
        queue.tags = {**queue.tags, **tags}
        self.queues.save(queue)
        return {}

    def untag_queue(
        self, ctx: RequestContext, *, queue_url: str, tag_keys: Sequence[str], **_: Any
    ) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        queue.tags = {key: value for key, value in queue.tags.items() if key not in tag_keys}
        self.queues.save(queue)
        return {}

    def list_queue_tags(
        self, ctx: RequestContext, *, queue_url: str, **_: Any
    ) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        return {"Tags": dict(queue.tags)} if queue.tags else {}

    # -- permissions -----------------------------------------------------------------------

    def add_permission(self, ctx: RequestContext, *, queue_url: str, label: str,
                       aws_account_ids: Sequence[str], actions: Sequence[str], **_: Any
                       ) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        policy = permissions.add(
            queue.attributes.get("Policy"), queue.arn, label, aws_account_ids, actions
        )
        self.queues.set_attributes(queue, {"Policy": policy})
        return {}

    def remove_permission(
        self, ctx: RequestContext, *, queue_url: str, label: str, **_: Any
    ) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        policy = permissions.remove(queue.attributes.get("Policy"), label)
        self.queues.set_attributes(queue, {"Policy": policy or ""})
        return {}

    # -- dead-letter redrive ---------------------------------------------------------------

    def start_message_move_task(
            self, ctx: RequestContext, *, source_arn: str, destination_arn: str | None = None,
            max_number_of_messages_per_second: int | None = None, **_: Any) -> dict[str, Any]:
        handle = self.moves.start(
            source_arn, destination_arn, max_number_of_messages_per_second, self.clock.now()
        )
        return {"TaskHandle": handle}

    def list_message_move_tasks(
        self, ctx: RequestContext, *, source_arn: str, max_results: int | None = None, **_: Any
    ) -> dict[str, Any]:
        return {"Results": [task.to_wire() for task in self.moves.listing(source_arn, max_results)]}

    def cancel_message_move_task(
        self, ctx: RequestContext, *, task_handle: str, **_: Any
    ) -> dict[str, Any]:
        self.moves.cancel(task_handle)
        return {}


__all__ = ["SqsProvider"]
