"""Delivery without HTTP: the standard queue's index against a plain model of visibility."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from emulator.clock import Clock
from emulator.context import RequestContext
from emulator.services.sqs.delivery import Delivery
from emulator.services.sqs.models import MessageRecord, QueueRecord
from emulator.services.sqs.queues import Queues
from emulator.services.sqs.wakeups import Wakeups
from emulator.store import MemoryBackend, ServiceStore

RETENTION = 600


def _setup(fifo: bool = False) -> tuple[Clock, Queues, Delivery, QueueRecord]:
    clock = Clock()
    clock.freeze()  # time moves only by the operations' jumps
    clock.set(1_800_000_000.0)
    queues = Queues(ServiceStore("sqs", MemoryBackend()), clock)
    ctx = RequestContext(
        account_id="000000000000", region="us-east-1", request_id="r", service="sqs",
        operation="CreateQueue", protocol="json", endpoint_url="http://localhost",
    )
    attributes = {"MessageRetentionPeriod": str(RETENTION)}
    if fifo:
        attributes["FifoQueue"] = "true"
    queue = queues.create(ctx, "q.fifo" if fifo else "q", attributes, None)
    return clock, queues, Delivery(queues, Wakeups()), queue


def _message(number: int, now: float, delay: int = 0, group: str | None = None) -> MessageRecord:
    return MessageRecord(
        message_id=f"m{number}", body=str(number), md5_body="", sender_id="s", sent=now,
        visible_at=now + delay, group_id=group,
    )


@dataclass
class Model:
    """Each message's sent time and when it is visible; nothing else."""

    sent: dict[str, float]
    visible_at: dict[str, float]

    def visible(self, now: float) -> set[str]:
        return {
            m for m, at in self.visible_at.items()
            if at <= now and self.sent[m] > now - RETENTION
        }


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("send"), st.sampled_from([0, 0, 5, 40])),
        st.tuples(st.just("receive"), st.sampled_from([0, 10, 30])),
        st.tuples(st.just("delete"), st.integers(0, 30)),
        st.tuples(st.just("change"), st.tuples(st.integers(0, 30), st.sampled_from([0, 20]))),
        st.tuples(st.just("advance"), st.sampled_from([1, 11, 31, 301])),
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(OPERATIONS)
# A message past retention is gone for ChangeMessageVisibility before any receive drops it.
@example([("send", 0), ("advance", 301), ("advance", 301), ("change", (0, 0))])
# Exactly the retention period old is past it, as for a receive.
@example([("send", 0), ("advance", 301), ("advance", 299), ("change", (0, 0)), ("receive", 0)])
def test_standard_queue_receives_exactly_what_is_visible(operations: list[Any]) -> None:
    clock, _queues, delivery, queue = _setup()
    model = Model({}, {})
    sent = 0
    for name, argument in operations:
        now = clock.now()
        if name == "send":
            message = _message(sent, now, delay=argument)
            delivery.add(queue, message, now)
            model.sent[message.message_id] = now
            model.visible_at[message.message_id] = now + argument
            sent += 1
        elif name == "receive":
            expected = model.visible(now)
            taken, next_change = delivery.receive(queue, now, 10, argument)
            got = {message.message_id for message in taken}
            if len(expected) <= 10:
                assert got == expected
            else:
                assert len(got) == 10 and got <= expected
            for message_id in got:
                model.visible_at[message_id] = now + argument
            waiting = [at for m, at in model.visible_at.items() if at > now and m not in got]
            if not got and waiting:
                assert next_change is not None and next_change <= min(waiting)
        elif name == "delete":
            message_id = f"m{argument}"
            delivery.remove(queue, message_id)
            model.visible_at.pop(message_id, None)
        elif name == "change":
            number, timeout = argument
            # ChangeMessageVisibility's lookup: a message past retention is gone, even before
            # a receive has dropped it.
            message = delivery.find(queue, f"m{number}", now)
            assert (message is not None) == (f"m{number}" in model.visible_at)
            if message is not None:
                message.visible_at = now + timeout
                delivery.update(queue, message, now)
                model.visible_at[message.message_id] = now + timeout
        else:
            clock.advance(argument)
            now = clock.now()
            for message_id in [m for m, t in model.sent.items() if t <= now - RETENTION]:
                model.visible_at.pop(message_id, None)
    now = clock.now()
    counts = delivery.counts(queue, now)
    assert counts.visible == len(model.visible(now))
    assert counts.visible + counts.in_flight + counts.delayed == len(model.visible_at)


def test_index_is_rebuilt_from_the_table_and_keeps_arrival_order() -> None:
    clock, _queues, delivery, queue = _setup()
    now = clock.now()
    for number in range(5):
        delivery.add(queue, _message(number, now), now)
    delivery.forget()  # as after a restart: only the table is left
    taken, _ = delivery.receive(queue, now, 3, 30)
    assert [m.message_id for m in taken] == ["m0", "m1", "m2"]


def test_stale_entries_are_compacted() -> None:
    clock, queues, delivery, queue = _setup()
    now = clock.now()
    delivery.add(queue, _message(0, now), now)
    for _ in range(3000):  # each change leaves the previous waiting entry behind
        message = queues.messages(queue).get("m0")
        assert message is not None
        message.visible_at = now + 100
        delivery.update(queue, message, now)
    delivery.receive(queue, now, 1, 30)
    index = delivery._indexes[(queue.arn, queue.created)]
    assert len(index.waiting) < 1100  # bounded, instead of one entry per change


def test_fifo_groups_wait_behind_their_head() -> None:
    clock, _queues, delivery, queue = _setup(fifo=True)
    now = clock.now()
    for number, group in enumerate("AABB"):
        delivery.add(queue, _message(number, now, group=group), now)
    first, _ = delivery.receive(queue, now, 1, 30)
    assert [m.message_id for m in first] == ["m0"]
    rest, _ = delivery.receive(queue, now, 10, 30)
    assert [m.message_id for m in rest] == ["m2", "m3"]
    none, next_change = delivery.receive(queue, now, 10, 30)
    assert none == [] and next_change == now + 30
