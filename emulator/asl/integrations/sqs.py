"""SQS ``sendMessage``, through the ``queues`` port.

The queue is named by its URL, as in the SendMessage API; a message body that is not a string
is sent as its JSON text. The answer is SendMessage's, with the SDK metadata optimized
integrations add.
"""

from __future__ import annotations

from typing import Any, cast

from emulator import ids, messaging
from emulator.asl.errors import StatesError
from emulator.asl.integrations.base import Call, optimized_failure, sdk_metadata
from emulator.ports import QueueAccess


def queue_arn(url: str, region: str) -> str:
    """The ARN of the queue a URL names; the region comes from an AWS host name, else the
    execution's own."""
    found = messaging.queue_arn(url, region)
    if found is None:
        raise StatesError(
            "SQS.AmazonSQSException",
            f"The address {url} is not valid for this endpoint. (Service: AmazonSQS; Status "
            f"Code: 404; Error Code: InvalidAddress; Request ID: {ids.request_id()}; "
            "Proxy: null)",
        )
    return found


async def send_message(call: Call) -> Any:
    url = str(call.required("QueueUrl"))
    params = call.params()
    if "MessageBody" not in params:
        call.required("MessageBody")
    port = call.services.port("queues")
    if port is None:
        raise optimized_failure("sqs", RuntimeError("The SQS service is not available."))
    try:
        result = messaging.send_message(cast(QueueAccess, port), queue_arn(url, call.region),
                                        params)
    except StatesError:
        raise
    except Exception as error:
        raise optimized_failure("sqs", error) from None
    result.update(sdk_metadata(call, 378))
    return result


__all__ = ["queue_arn", "send_message"]
