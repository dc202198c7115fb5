"""SNS ``publish``, through the ``topics`` port.

A message that is not a string is published as its JSON text. Until a service offers the
``topics`` port, every topic is missing, and the task fails as publishing to a missing topic
does on AWS (``SNS.NotFoundException``).
"""

from __future__ import annotations

from typing import Any, cast

from emulator import messaging
from emulator.asl.errors import StatesError
from emulator.asl.integrations.base import Call, optimized_failure, sdk_metadata
from emulator.errors import ServiceError
from emulator.ports import TopicAccess


async def publish(call: Call) -> Any:
    params = call.params()
    topic = params.get("TopicArn") or params.get("TargetArn")
    if topic is None:
        call.required("TopicArn")
    if "Message" not in params:
        call.required("Message")
    port = call.services.port("topics")
    try:
        if port is None:  # no SNS in this emulator yet: no topic exists
            raise ServiceError("NotFound", "Topic does not exist", status=404)
        result = messaging.publish(cast(TopicAccess, port), params)
    except StatesError:
        raise
    except Exception as error:
        raise optimized_failure("sns", error) from None
    result.update(sdk_metadata(call, 294))
    return result


__all__ = ["publish"]
