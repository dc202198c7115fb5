"""The cost of CloudTrail recording on a control-plane call: SQS SetQueueAttributes through
boto3 against an emulator that records every write in its event history (what LookupEvents
and trails read), against the same emulator with recording turned off. Both run in this
process, so the only difference is the recording itself. (Where EventBridge is in use, each
recorded call is also an event on the bus: that is EventBridge's cost, measured by its own
lines.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from bench.clients import ONE_TRY, client
from bench.results import Result, summary
from bench.timing import alternate

TARGET = 1.05  # the target: recording costs at most 5% of the call


class Unavailable(Exception):
    """The emulator cannot answer the setup calls."""


@contextmanager
def _servers() -> Iterator[tuple[Any, Any]]:
    """Two emulators in this process: the first records calls, the second does not."""
    from emulator.config import Settings
    from emulator.server import BackgroundServer

    with ExitStack() as stack:
        started = []
        for _ in range(2):
            server = BackgroundServer(Settings(host="127.0.0.1", port=0, state_dir=None,
                                               log_level="warning", request_log=False,
                                               xray_daemon_port=-1)).start()
            stack.callback(server.stop)
            started.append(server)
        yield started[0], started[1]


def _caller(endpoint_url: str) -> Callable[[], object]:
    """SetQueueAttributes on a queue of its own."""
    from botocore.exceptions import ClientError

    sqs = client("sqs", endpoint_url, retries=ONE_TRY)
    try:
        url = sqs.create_queue(QueueName="bench-trail")["QueueUrl"]
    except ClientError as error:
        raise Unavailable(str(error)) from None

    def call() -> object:
        return sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "30"})

    return call


def run(calls: int, warmup: int) -> list[Result]:
    with _servers() as (recording, silent):
        ours, floor = _caller(recording.endpoint_url), _caller(silent.endpoint_url)
        silent.emulator.dispatcher.calls = None  # nothing noted, so nothing recorded
        alternate(ours, floor, warmup)
        got = alternate(ours, floor, calls)
        history = recording.emulator.services.ports.api_calls.calls
        if not any(call.operation == "SetQueueAttributes" for call in history):
            raise RuntimeError("the recording emulator recorded nothing; the benchmark is "
                               "invalid")
    return summary("SQS SetQueueAttributes with CloudTrail recording vs without", *got,
                   TARGET, calls)


__all__ = ["Unavailable", "run"]
