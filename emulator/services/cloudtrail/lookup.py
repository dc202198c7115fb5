"""LookupEvents: the event history of the account and region, newest first, as
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html describes
it (one lookup attribute at most, a time range, pages of up to 50)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from emulator.api_calls import ApiCall, read_only
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services import paging
from emulator.services.cloudtrail import records
from emulator.services.cloudtrail.common import CloudTrailBase, invalid

MAX_RESULTS = 50
# Event history covers the last 90 days
# (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events.html).
HISTORY_SECONDS = 90 * 86_400


def _attribute(call: ApiCall, key: str) -> list[str]:
    """The values of lookup attribute ``key`` a call has."""
    if key == "EventId":
        return [records.event_id(call)]
    if key == "EventName":
        return [call.operation]
    if key == "ReadOnly":
        return [str(read_only(call.operation)).lower()]
    if key == "Username":
        return ["root"]
    if key == "EventSource":
        return [records.event_source(call.service)]
    if key == "AccessKeyId":
        return [call.access_key]
    if key == "ResourceName":
        return [item["ResourceName"] for item in records.resources(call)]
    return [item.get("ResourceType", "") for item in records.resources(call)]


def event(call: ApiCall) -> dict[str, Any]:
    return {"EventId": records.event_id(call), "EventName": call.operation,
            "ReadOnly": str(read_only(call.operation)).lower(),
            "AccessKeyId": call.access_key, "EventTime": call.time,
            "EventSource": records.event_source(call.service), "Username": "root",
            "Resources": records.resources(call),
            "CloudTrailEvent": json.dumps(records.record(call), separators=(",", ":"))}


def _bad_token(_token: str) -> ServiceError:
    return invalid("InvalidNextTokenException", "Invalid NextToken.")


class LookupApi(CloudTrailBase):
    def lookup_events(self, ctx: RequestContext, *,
                      lookup_attributes: list[dict[str, str]] | None = None,
                      start_time: datetime | None = None, end_time: datetime | None = None,
                      event_category: str | None = None, max_results: int | None = None,
                      next_token: str | None = None, **_: Any) -> dict[str, Any]:
        attributes = lookup_attributes or []
        if len(attributes) > 1:
            raise invalid("InvalidLookupAttributesException",
                          "You can specify only one lookup attribute.")
        start = start_time.timestamp() if start_time else float("-inf")
        end = end_time.timestamp() if end_time else float("inf")
        if start > end:
            raise invalid("InvalidTimeRangeException",
                          "The start time must be earlier than the end time.")
        start = max(start, self.calls.now() - HISTORY_SECONDS)
        if event_category == "insight":
            return {"Events": []}  # no Insights events are made here
        found = [call for call in reversed(self.calls.calls)
                 if call.account == ctx.account_id and call.region == ctx.region
                 and not call.data  # the event history holds management events only
                 and start <= call.time <= end
                 and all(attribute["AttributeValue"] in _attribute(call, attribute[
                     "AttributeKey"]) for attribute in attributes)]
        return paging.answer("Events", found, next_token, max_results or MAX_RESULTS,
                             tokens=paging.BASE64, invalid=_bad_token, shape=event)


__all__ = ["LookupApi", "event"]
