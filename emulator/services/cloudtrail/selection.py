"""Event selectors: PutEventSelectors and GetEventSelectors, and which calls a trail logs by
them, as https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html
and https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DataResource.html
describe them. Without selectors a trail logs every management event and no data event; a
basic selector's data resources name S3 object prefixes (``arn:aws:s3:::bucket/prefix``,
``arn:aws:s3`` for all), Lambda function or DynamoDB table ARNs; an advanced selector's field
selectors must all hold."""

from __future__ import annotations

from typing import Any

from emulator import arns
from emulator.api_calls import ApiCall, read_only
from emulator.context import RequestContext
from emulator.services.cloudtrail.common import CloudTrailBase, invalid
from emulator.services.cloudtrail.models import TRAILS, TrailRecord

MAX_SELECTORS = 5  # basic selectors per trail
MAX_DATA_RESOURCES = 250  # data resources across a trail's basic selectors


def data_resource(call: ApiCall) -> tuple[str, str] | None:
    """The (type, ARN) of the resource a data event acts on, None when unknown."""
    params = call.params
    if call.service == "s3" and isinstance(params.get("Bucket"), str):
        return "AWS::S3::Object", f"arn:aws:s3:::{params['Bucket']}/{params.get('Key') or ''}"
    if call.service == "lambda" and isinstance(params.get("FunctionName"), str):
        name = str(params["FunctionName"])
        if not name.startswith("arn:"):
            name = arns.build("lambda", call.region, call.account, f"function:{name}")
        return "AWS::Lambda::Function", name
    if call.service == "dynamodb" and isinstance(params.get("TableName"), str):
        name = str(params["TableName"])
        if not name.startswith("arn:"):
            name = arns.build("dynamodb", call.region, call.account, f"table/{name}")
        return "AWS::DynamoDB::Table", name
    return None


def _resource_matches(kind: str, arn: str, resource: dict[str, Any]) -> bool:
    if resource.get("Type") != kind:
        return False
    for value in resource.get("Values") or []:
        if kind == "AWS::S3::Object":
            if value in ("arn:aws:s3", "arn:aws:s3:::") or arn.startswith(value):
                return True
        elif value in ("arn:aws:lambda", "arn:aws:dynamodb") or value == arn:
            return True
    return False


def _basic(selector: dict[str, Any], call: ApiCall, data: bool) -> bool:
    wanted = selector.get("ReadWriteType") or "All"
    if wanted != "All" and (wanted == "ReadOnly") != read_only(call.operation):
        return False
    if not data:
        return selector.get("IncludeManagementEvents") is not False
    found = data_resource(call)
    return found is not None and any(_resource_matches(*found, resource) for resource in (
        selector.get("DataResources") or []))


def _field_holds(condition: dict[str, Any], value: str | None) -> bool:
    if value is None:
        return False
    checks = (("Equals", lambda v: value == v), ("StartsWith", value.startswith),
              ("EndsWith", value.endswith))
    for name, check in checks:
        if condition.get(name) and not any(check(v) for v in condition[name]):
            return False
        if condition.get(f"Not{name}") and any(check(v) for v in condition[f"Not{name}"]):
            return False
    return True


def _advanced(selector: dict[str, Any], call: ApiCall, data: bool) -> bool:
    found = data_resource(call) if data else None
    fields = {"eventCategory": "Data" if data else "Management",
              "readOnly": str(read_only(call.operation)).lower(),
              "eventName": call.operation, "eventSource": f"{call.service}.amazonaws.com",
              "resources.type": found[0] if found else None,
              "resources.ARN": found[1] if found else None}
    conditions = selector.get("FieldSelectors") or []
    return all(_field_holds(condition, fields.get(condition.get("Field", ""))) for condition in
               conditions) and (data is False or found is not None)


def logs(trail: TrailRecord, call: ApiCall) -> bool:
    """Whether ``trail``'s selectors take ``call`` (a data event when ``call.data``)."""
    if trail.advanced_event_selectors is not None:
        return any(_advanced(s, call, call.data) for s in trail.advanced_event_selectors)
    if trail.event_selectors is not None:
        return any(_basic(s, call, call.data) for s in trail.event_selectors)
    return not call.data


def has_data(trail: TrailRecord) -> bool:
    return bool(any(s.get("DataResources") for s in trail.event_selectors or [])) or any(
        condition.get("Field") == "eventCategory" and "Data" in (condition.get("Equals") or [])
        for s in trail.advanced_event_selectors or [] for condition in s.get(
            "FieldSelectors") or [])


class SelectionApi(CloudTrailBase):
    def selects_data(self, call: ApiCall) -> bool:
        """Whether a logging trail of the call's account logs this data event."""
        for account, region in self.store.scopes(TRAILS):
            if account != call.account:
                continue
            for trail in self.trails(account, region).values():
                if trail.logging and (trail.multi_region or region == call.region) and (
                        logs(trail, call)):
                    return True
        return False

    def watch_data_events(self) -> None:
        """Have the wire layer note data events once a trail selects some."""
        self.calls.data_selected = self.selects_data

    def put_event_selectors(self, ctx: RequestContext, *, trail_name: str,
                            event_selectors: list[dict[str, Any]] | None = None,
                            advanced_event_selectors: list[dict[str, Any]] | None = None,
                            **_: Any) -> dict[str, Any]:
        trail = self.trail(ctx, trail_name)
        if (event_selectors is None) == (advanced_event_selectors is None):
            raise invalid("InvalidParameterCombinationException",
                          "You must specify either EventSelectors or AdvancedEventSelectors, "
                          "but not both.")
        if event_selectors is not None:
            resources = sum(len(s.get("DataResources") or []) for s in event_selectors)
            if not event_selectors or len(event_selectors) > MAX_SELECTORS or (
                    resources > MAX_DATA_RESOURCES):
                raise invalid("InvalidEventSelectorsException",
                              f"A trail can have between 1 and {MAX_SELECTORS} event "
                              f"selectors and up to {MAX_DATA_RESOURCES} data resources.")
            for selector in event_selectors:
                if selector.get("ReadWriteType", "All") not in ("All", "ReadOnly", "WriteOnly"):
                    raise invalid("InvalidEventSelectorsException",
                                  f"Value {selector.get('ReadWriteType')} for parameter "
                                  "ReadWriteType is invalid.")
                for resource in selector.get("DataResources") or []:
                    if resource.get("Type") not in ("AWS::S3::Object", "AWS::Lambda::Function",
                                                     "AWS::DynamoDB::Table"):
                        raise invalid("InvalidEventSelectorsException",
                                      f"Value {resource.get('Type')} for parameter "
                                      "DataResources.Type is invalid.")
            stored = [{"ReadWriteType": s.get("ReadWriteType") or "All",
                       "IncludeManagementEvents": s.get("IncludeManagementEvents") is not False,
                       "DataResources": list(s.get("DataResources") or []),
                       "ExcludeManagementEventSources": list(
                           s.get("ExcludeManagementEventSources") or [])}
                      for s in event_selectors]
            trail.event_selectors, trail.advanced_event_selectors = stored, None
        else:
            trail.event_selectors = None
            trail.advanced_event_selectors = list(advanced_event_selectors or [])
        self.trails(ctx).put(trail.name, trail)
        if has_data(trail):
            self.watch_data_events()
        answer = self.get_event_selectors(ctx, trail_name=trail.name)
        return answer

    def get_event_selectors(self, ctx: RequestContext, *, trail_name: str, **_: Any
                            ) -> dict[str, Any]:
        trail = self.trail(ctx, trail_name)
        answer: dict[str, Any] = {"TrailARN": trail.arn}
        if trail.advanced_event_selectors is not None:
            answer["AdvancedEventSelectors"] = trail.advanced_event_selectors
        else:
            answer["EventSelectors"] = trail.event_selectors or [
                {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
                 "ExcludeManagementEventSources": []}]
        return answer


__all__ = ["SelectionApi", "data_resource", "has_data", "logs"]
