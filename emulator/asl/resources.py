"""Task resources, recognised from their ARNs.

A Task names a Lambda function by its ARN (the original form), an activity by its ARN, an
optimized integration as ``arn:aws:states:::<service>:<action>[.pattern]``, the HTTP Task as
``arn:aws:states:::http:invoke``, or any AWS API as ``arn:aws:states:::aws-sdk:<service>:<action>``.
Which actions and patterns exist comes from emulator.asl.integrations.catalog; anything else is
refused with the message Step Functions gives for a resource it does not recognise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from emulator.asl.integrations.catalog import optimized_supports, sdk_operation

_FUNCTION = re.compile(
    r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$"
)
_ACTIVITY = re.compile(r"^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):activity:([^:]{1,80})$")
_SERVICE = re.compile(
    r"^arn:aws[a-z-]*:states:::([a-z0-9-]+):([A-Za-z0-9]+)"
    r"(\.sync:2|\.sync|\.waitForTaskToken)?$"
)
_SDK = re.compile(
    r"^arn:aws[a-z-]*:states:::aws-sdk:([a-z0-9-]+):([A-Za-z0-9]+)"
    r"(\.sync:2|\.sync|\.waitForTaskToken)?$"
)

SYNC = ".sync"
SYNC2 = ".sync:2"
CALLBACK = ".waitForTaskToken"


@dataclass(frozen=True)
class Resource:
    arn: str
    kind: str  # "function", "activity", "service" (optimized or HTTP) or "sdk"
    service: str = ""  # "lambda", "sqs", "states", "http"; the SDK service for "sdk"
    action: str = ""  # "invoke", "sendMessage", ...
    pattern: str = ""  # "", ".sync", ".sync:2" or ".waitForTaskToken"

    @property
    def resource_type(self) -> str:
        """``resourceType`` of Task* history events."""
        return f"aws-sdk:{self.service}" if self.kind == "sdk" else self.service

    @property
    def resource_name(self) -> str:
        """``resource`` of Task* history events: the action and its pattern."""
        return self.action + self.pattern

    @property
    def callback(self) -> bool:
        return self.pattern == CALLBACK

    @property
    def job(self) -> bool:
        return self.pattern in (SYNC, SYNC2)


@lru_cache(maxsize=512)
def parse_resource(arn: str) -> Resource | None:
    if _FUNCTION.match(arn):
        return Resource(arn, "function", "lambda", "invoke")
    if _ACTIVITY.match(arn):
        return Resource(arn, "activity", "states", "activity")
    match = _SDK.match(arn)
    if match:
        return Resource(arn, "sdk", match.group(1), match.group(2), match.group(3) or "")
    match = _SERVICE.match(arn)
    if match:
        return Resource(arn, "service", match.group(1), match.group(2), match.group(3) or "")
    return None


def not_recognized(arn: str) -> str:
    return (
        f"The resource provided {arn} is not recognized. The value is not a valid resource "
        "ARN, or the resource is not available in this region."
    )


def check_resource(arn: str) -> str | None:
    """None for a resource Step Functions accepts; otherwise the reason it is refused."""
    resource = parse_resource(arn)
    if resource is None:
        return not_recognized(arn)
    if resource.kind == "service" and not optimized_supports(
        resource.service, resource.action, resource.pattern
    ):
        return not_recognized(arn)
    if resource.kind == "sdk" and (
        resource.job or sdk_operation(resource.service, resource.action) is None
    ):
        return not_recognized(arn)
    return None


def express_problem(arn: str) -> str | None:
    """Why an EXPRESS state machine cannot use this resource, or None when it can."""
    resource = parse_resource(arn)
    if resource is None:
        return None
    if resource.kind == "activity":
        return "Express state machine does not support Activity ARN"
    if resource.job:
        return "Express state machine does not support '.sync' service integration"
    if resource.callback:
        return "Express state machine does not support '.waitForTaskToken' service integration"
    return None


__all__ = [
    "CALLBACK", "SYNC", "SYNC2", "Resource", "check_resource", "express_problem",
    "not_recognized", "parse_resource",
]
