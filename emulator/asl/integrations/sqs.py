"""SQS ``sendMessage``, through the ``queues`` port.

The queue is named by its URL, as in the SendMessage API; a message body that is not a string
is sent as its JSON text. The answer is SendMessage's, with the SDK metadata optimized
integrations add.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, cast
from urllib.parse import unquote, urlsplit

from emulator import ids
from emulator.asl.errors import StatesError
from emulator.asl.integrations.base import Call, as_text, optimized_failure, sdk_metadata
from emulator.ports import QueueAccess

_REGION_HOST = re.compile(r"^sqs\.([a-z0-9-]+)\.")


def queue_arn(url: str, region: str) -> str:
    """The ARN of the queue a URL names; the region comes from an AWS host name, else the
    execution's own."""
    parts = urlsplit(url) if "://" in url else None
    path = [unquote(p) for p in (parts.path if parts else "").split("/") if p]
    if parts is None or len(path) != 2 or not path[0].isdigit():
        raise StatesError(
            "SQS.AmazonSQSException",
            f"The address {url} is not valid for this endpoint. (Service: AmazonSQS; Status "
            f"Code: 404; Error Code: InvalidAddress; Request ID: {ids.request_id()}; "
            "Proxy: null)",
        )
    match = _REGION_HOST.match(parts.hostname or "")
    return f"arn:aws:sqs:{match.group(1) if match else region}:{path[0]}:{path[1]}"


def _attributes(raw: Any) -> dict[str, dict[str, Any]] | None:
    """MessageAttributes with binary values decoded from base64, as the API receives them."""
    if not isinstance(raw, dict):
        return None
    out: dict[str, dict[str, Any]] = {}
    for name, value in raw.items():
        if not isinstance(value, dict):
            continue
        item = dict(value)
        try:
            if isinstance(item.get("BinaryValue"), str):
                item["BinaryValue"] = base64.b64decode(item["BinaryValue"])
            if isinstance(item.get("BinaryListValues"), list):
                item["BinaryListValues"] = [base64.b64decode(v) for v in item["BinaryListValues"]]
        except (binascii.Error, ValueError):
            pass
        out[str(name)] = item
    return out


async def send_message(call: Call) -> Any:
    url = str(call.required("QueueUrl"))
    params = call.params()
    if "MessageBody" not in params:
        call.required("MessageBody")
    port = call.services.port("queues")
    if port is None:
        raise optimized_failure("sqs", RuntimeError("The SQS service is not available."))
    queues = cast(QueueAccess, port)
    delay = params.get("DelaySeconds")
    try:
        reply = queues.send(
            queue_arn(url, call.region), as_text(params["MessageBody"]),
            message_attributes=_attributes(params.get("MessageAttributes")),
            group_id=params.get("MessageGroupId"),
            deduplication_id=params.get("MessageDeduplicationId"),
            delay_seconds=int(delay) if isinstance(delay, int) else None,
        )
    except StatesError:
        raise
    except Exception as error:
        raise optimized_failure("sqs", error) from None
    result = {key: value for key, value in reply.items() if value is not None}
    result.update(sdk_metadata(ids.request_id(), 378))
    return result


__all__ = ["queue_arn", "send_message"]
