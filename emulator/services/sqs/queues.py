"""The queue directory: queue records per account and region, found by name, URL or ARN."""

from __future__ import annotations

from collections.abc import Mapping

from emulator import inbound
from emulator.clock import Clock
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.sqs import attributes
from emulator.services.sqs.models import (
    DELETED,
    QUEUES,
    DedupRecord,
    DeletedQueue,
    MessageRecord,
    QueueRecord,
    dedup_table,
    messages_table,
)
from emulator.services.sqs.naming import (
    check_queue_name,
    invalid_parameter,
    parse_queue_arn,
    parse_queue_url,
    queue_arn,
)
from emulator.store import ServiceStore, Table

RECREATE_DELAY = 60.0  # seconds before a deleted queue's name can be used again


def queue_does_not_exist() -> ServiceError:
    return ServiceError("QueueDoesNotExist", "The specified queue does not exist.")


class Queues:
    def __init__(self, store: ServiceStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    # -- tables ----------------------------------------------------------------------------

    def table(self, account: str, region: str) -> Table[QueueRecord]:
        return self.store.table(account, region, QUEUES, QueueRecord)

    def messages(self, queue: QueueRecord) -> Table[MessageRecord]:
        return self.store.table(queue.account, queue.region, messages_table(queue.name),
                                MessageRecord)

    def dedup(self, queue: QueueRecord) -> Table[DedupRecord]:
        return self.store.table(queue.account, queue.region, dedup_table(queue.name), DedupRecord)

    # -- look-ups --------------------------------------------------------------------------

    def get(self, account: str, region: str, name: str) -> QueueRecord | None:
        return self.table(account, region).get(name)

    def require(self, ctx: RequestContext, url: str) -> QueueRecord:
        address = parse_queue_url(url)
        queue = self.get(address.account, ctx.region, address.name)
        if queue is None:
            raise queue_does_not_exist()
        return queue

    def by_arn(self, arn: str) -> QueueRecord | None:
        parsed = parse_queue_arn(arn)
        if parsed is None:
            return None
        region, account, name = parsed
        return self.get(account, region, name)

    def scopes(self) -> list[tuple[str, str]]:
        return self.store.scopes(QUEUES)

    def listing(self, account: str, region: str, prefix: str | None = None) -> list[QueueRecord]:
        queues = sorted(self.table(account, region).values(), key=lambda queue: queue.name)
        if prefix:
            queues = [queue for queue in queues if queue.name.startswith(prefix)]
        return queues

    def dead_letter_sources(self, target: QueueRecord) -> list[QueueRecord]:
        found = []
        for queue in self.listing(target.account, target.region):
            policy = queue.attributes.get("RedrivePolicy")
            if policy and attributes.parse_redrive_policy(policy).dead_letter_target_arn == (
                target.arn
            ):
                found.append(queue)
        return found

    # -- changes ---------------------------------------------------------------------------

    def create(
        self,
        ctx: RequestContext,
        name: str,
        given: Mapping[str, str] | None,
        tags: Mapping[str, str] | None,
    ) -> QueueRecord:
        given = dict(given or {})
        fifo = False
        if "FifoQueue" in given:
            flag = given["FifoQueue"].strip().lower()
            if flag not in ("true", "false"):
                raise attributes.invalid_value("FifoQueue")
            fifo = flag == "true"
        check_queue_name(name, fifo)
        changes = attributes.normalise(given, fifo=fifo, creating=True)
        table = self.table(ctx.account_id, ctx.region)
        existing = table.get(name)
        if existing is not None:
            self._check_same(existing, changes, fifo if "FifoQueue" in given else None)
            return existing
        now = self.clock.now()
        deleted = self.store.table(ctx.account_id, ctx.region, DELETED, DeletedQueue).get(name)
        if deleted is not None and now - deleted.deleted < RECREATE_DELAY:
            raise ServiceError(
                "QueueDeletedRecently",
                "You must wait 60 seconds after deleting a queue before you can create another "
                "with the same name.",
            )
        arn = queue_arn(ctx.region, ctx.account_id, name)
        values = attributes.apply(attributes.initial(fifo), changes)
        self.check_dead_letter_target(arn, fifo, values)
        queue = QueueRecord(
            name=name, account=ctx.account_id, region=ctx.region, arn=arn, fifo=fifo,
            created=now, last_modified=now, attributes=values, tags=dict(tags or {}),
        )
        table.put(name, queue)
        return queue

    @staticmethod
    def _check_same(
        existing: QueueRecord, changes: Mapping[str, str | None], fifo: bool | None
    ) -> None:
        differing = [
            name for name, value in changes.items() if existing.attributes.get(name) != value
        ]
        if fifo is not None and fifo != existing.fifo:
            differing.insert(0, "FifoQueue")
        if differing:
            raise ServiceError(
                "QueueNameExists",
                "A queue already exists with the same name and a different value for attribute "
                f"{differing[0]}",
            )

    def set_attributes(self, queue: QueueRecord, given: Mapping[str, str]) -> None:
        changes = attributes.normalise(given, fifo=queue.fifo, creating=False)
        values = attributes.apply(queue.attributes, changes)
        self.check_dead_letter_target(queue.arn, queue.fifo, values)
        queue.attributes = values
        queue.last_modified = self.clock.now()
        self.save(queue)

    def check_dead_letter_target(self, arn: str, fifo: bool, values: Mapping[str, str]) -> None:
        """The redrive policy must name an existing queue of the same type that accepts us."""
        text = values.get("RedrivePolicy")
        if not text:
            return
        policy = attributes.parse_redrive_policy(text)
        region, account, _ = parse_queue_arn(arn) or ("", "", "")
        target = self.by_arn(policy.dead_letter_target_arn)
        target_scope = parse_queue_arn(policy.dead_letter_target_arn)
        if target is None or target_scope is None or target_scope[:2] != (region, account):
            raise invalid_parameter(
                f"Value {text} for parameter RedrivePolicy is invalid. Reason: Dead letter "
                "target does not exist."
            )
        if target.fifo != fifo:
            raise invalid_parameter(
                f"Value {text} for parameter RedrivePolicy is invalid. Reason: Dead-letter queue "
                "must be same type of queue as the source."
            )
        if not allows_source(target, arn):
            raise invalid_parameter(
                f"Value {text} for parameter RedrivePolicy is invalid. Reason: Queue "
                f"{target.arn} does not allow this queue to use it as a dead-letter queue."
            )

    def save(self, queue: QueueRecord) -> None:
        self.table(queue.account, queue.region).put(queue.name, queue)

    def delete(self, queue: QueueRecord) -> None:
        for table in (self.messages(queue), self.dedup(queue)):
            for key in table:
                table.delete(key)
        self.table(queue.account, queue.region).delete(queue.name)
        self.store.table(queue.account, queue.region, DELETED, DeletedQueue).put(
            queue.name, DeletedQueue(deleted=self.clock.now())
        )


def allows_source(target: QueueRecord, source_arn: str) -> bool:
    """Whether the target's RedriveAllowPolicy lets ``source_arn`` use it as a DLQ."""
    text = target.attributes.get("RedriveAllowPolicy")
    if not text:
        return True
    policy = inbound.loads(text)
    permission = policy.get("redrivePermission")
    if permission == "denyAll":
        return False
    if permission == "byQueue":
        return source_arn in policy.get("sourceQueueArns", [])
    return True


__all__ = ["RECREATE_DELAY", "Queues", "allows_source", "queue_does_not_exist"]
