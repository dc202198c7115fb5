"""The orders example, tested against the emulator with the pytest plugin's fixtures."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from deploy import MAX_RECEIVES, deploy
from worker import work_once

from emulator.testing import EmulatorHandle


def test_good_orders_are_processed(fresh_emulator: EmulatorHandle) -> None:
    sqs = fresh_emulator.client("sqs")
    urls = deploy(sqs)
    for qty in (1, 2, 3):
        sqs.send_message(QueueUrl=urls["orders"], MessageBody=json.dumps({"qty": qty}))
    assert sorted(work_once(sqs, urls["orders"], wait_seconds=0)) == [1, 2, 3]
    assert "Messages" not in sqs.receive_message(QueueUrl=urls["orders"])


def test_a_poison_order_lands_in_the_dead_letter_queue(fresh_emulator: EmulatorHandle) -> None:
    sqs = fresh_emulator.client("sqs")
    urls = deploy(sqs)
    sqs.send_message(QueueUrl=urls["orders"], MessageBody=json.dumps({"qty": -1}))
    for _ in range(MAX_RECEIVES):
        assert work_once(sqs, urls["orders"], wait_seconds=0) == []
        fresh_emulator.clock.advance(31)  # past the 30 s visibility timeout, without waiting
    # As on AWS, the receive after the last allowed one moves the message instead.
    assert work_once(sqs, urls["orders"], wait_seconds=0) == []
    dead = sqs.receive_message(QueueUrl=urls["dlq"])["Messages"]
    assert json.loads(dead[0]["Body"]) == {"qty": -1}
