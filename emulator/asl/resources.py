"""Task resources the interpreter can run, recognised from their ARNs.

Lambda functions are reached by their ARN (the original form) or through
``arn:aws:states:::lambda:invoke``. Other integrations are not available yet and are refused
with the message Step Functions gives for a resource it does not recognise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FUNCTION = re.compile(
    r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$"
)
_SERVICE = re.compile(r"^arn:aws[a-z-]*:states:::([a-z0-9-]+):([A-Za-z0-9]+)(\.[A-Za-z]+)?$")


@dataclass(frozen=True)
class Resource:
    arn: str
    kind: str  # "function" (a Lambda ARN) or "service" (arn:aws:states:::service:action)
    service: str = ""  # "lambda"
    action: str = ""  # "invoke"
    pattern: str = ""  # "", ".sync" or ".waitForTaskToken"

    @property
    def resource_type(self) -> str:
        return self.service

    @property
    def resource_name(self) -> str:
        return self.action + self.pattern


SUPPORTED_SERVICE_ACTIONS = {("lambda", "invoke", "")}


def parse_resource(arn: str) -> Resource | None:
    if _FUNCTION.match(arn):
        return Resource(arn, "function", "lambda", "invoke")
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
    """None for a resource the interpreter runs; otherwise the reason it is refused."""
    resource = parse_resource(arn)
    if resource is None:
        return not_recognized(arn)
    if resource.kind == "service" and (
        (resource.service, resource.action, resource.pattern) not in SUPPORTED_SERVICE_ACTIONS
    ):
        return not_recognized(arn)
    return None


__all__ = ["Resource", "check_resource", "not_recognized", "parse_resource"]
