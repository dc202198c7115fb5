"""Each noted call as an "AWS API Call via CloudTrail" event on the default bus of its
account and region, so EventBridge rules on CloudTrail events fire, as
https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html shows them (source
``aws.<service>``, the CloudTrail record as ``detail``). Nothing is sent while EventBridge is
not in use (no rule can exist then)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import cast

from emulator.api_calls import ApiCall
from emulator.errors import ServiceError
from emulator.ports import BusAccess, Ports
from emulator.services.cloudtrail import records

DETAIL_TYPE = "AWS API Call via CloudTrail"
# An API call event larger than a PutEvents entry may be is not delivered to EventBridge
# (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html): a call
# with a 1 MB member is recorded in the event history, and no rule sees it.
MAX_EVENT_BYTES = 256 * 1024
SOURCES = {"monitoring": "cloudwatch"}  # event sources whose prefix is not the service's


def source(call: ApiCall) -> str:
    prefix = records.event_source(call.service).split(".", 1)[0]
    return f"aws.{SOURCES.get(prefix, prefix)}"


def forwarder(ports: Ports) -> Callable[[ApiCall], None]:
    def forward(call: ApiCall) -> None:
        buses = ports.loaded("buses")
        if buses is None:
            return
        entry = {"Source": source(call), "DetailType": DETAIL_TYPE,
                 "Detail": json.dumps(records.record(call), separators=(",", ":"))}
        if sum(len(value.encode()) for value in entry.values()) > MAX_EVENT_BYTES:
            return  # over EventBridge's 256 KB entry limit (a call with huge parameters)
        try:
            cast(BusAccess, buses).put_events([entry], account=call.account, region=call.region)
        except ServiceError:
            return  # an event EventBridge refuses is not delivered, as on AWS
    return forward


__all__ = ["DETAIL_TYPE", "MAX_EVENT_BYTES", "forwarder", "source"]
