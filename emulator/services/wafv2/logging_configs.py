"""Logging configurations (PutLoggingConfiguration, GetLoggingConfiguration,
ListLoggingConfigurations, DeleteLoggingConfiguration), and the delivery of AWS WAF's log
records to a CloudWatch Logs group as each request is decided.

A destination's name must start with ``aws-waf-logs-``, as AWS requires. Records go to log
groups; S3 buckets and Firehose streams are stored as destinations and receive nothing.

https://docs.aws.amazon.com/waf/latest/developerguide/logging-management.html
https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html
"""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol, cast

from emulator import arns
from emulator.context import RequestContext
from emulator.services import paging
from emulator.services.wafv2.common import (
    DEFAULT_LIMIT,
    Wafv2Base,
    invalid_parameter,
    nonexistent,
)
from emulator.services.wafv2.models import LoggingRecord
from emulator.waf import engine
from emulator.waf.request import Verdict, WebRequest
from emulator.waf.statements import label_matches
from emulator.waf.validation import BAD_FORMAT, EXACTLY_ONE

log = logging.getLogger("emulator.wafv2")


class LogSink(Protocol):
    """CloudWatch Logs (the ``logs`` port)."""

    def write(self, account: str, region: str, group: str, stream: str,
              events: list[tuple[int, str]]) -> None: ...


PREFIX = "aws-waf-logs-"
REDACTED = "REDACTED"


def _destination_name(arn: str) -> str:
    """The name a destination ARN gives its log group, bucket or delivery stream."""
    try:
        resource = arns.parse(arn).resource
    except ValueError:
        return ""
    return resource.removeprefix("log-group:").removeprefix("deliverystream/").split(":")[0]


def _kept(doc: dict[str, Any], verdict: Verdict, events: list[engine.Event]) -> bool:
    """Whether the configuration's LoggingFilter keeps the record."""
    spec = doc.get("LoggingFilter")
    if not spec:
        return True
    actions = {verdict.action} | {event.action for event in events}
    for item in spec.get("Filters") or ():
        tests = []
        for condition in item.get("Conditions") or ():
            if "ActionCondition" in condition:
                tests.append(condition["ActionCondition"].get("Action") in actions)
            elif "LabelNameCondition" in condition:
                name = str(condition["LabelNameCondition"].get("LabelName", ""))
                tests.append(label_matches(verdict.labels, "LABEL", name))
        met = all(tests) if item.get("Requirement") == "MEETS_ALL" else any(tests)
        if met:
            return bool(item.get("Behavior") == "KEEP")
    return bool(spec.get("DefaultBehavior") == "KEEP")


def _request(request: WebRequest, country: str, redacted: list[dict[str, Any]]
             ) -> dict[str, Any]:
    hidden = {str((field.get("SingleHeader") or {}).get("Name", "")).lower()
              for field in redacted if "SingleHeader" in field}
    kinds = {kind for field in redacted for kind in field}
    return {"clientIp": request.source_ip, "country": country,
            "headers": [{"name": name, "value": REDACTED if name.lower() in hidden else value}
                        for name, value in request.headers],
            "uri": REDACTED if "UriPath" in kinds else request.path,
            "args": REDACTED if "QueryString" in kinds else request.query,
            "httpVersion": request.http_version,
            "httpMethod": REDACTED if "Method" in kinds else request.method.upper(),
            "requestId": request.request_id}


def record(web_acl: engine.WebAcl, verdict: Verdict, events: list[engine.Event],
           request: WebRequest, country: str, now_ms: int, doc: dict[str, Any]
           ) -> dict[str, Any]:
    """One request's log record, with AWS WAF's fields."""
    counted = [{"ruleId": event.rule, "action": "COUNT", "ruleMatchDetails": []}
               for event in events if event.action == "COUNT" and event.group is None]
    groups: list[dict[str, Any]] = [{"ruleGroupId": event.group, "terminatingRule": {
        "ruleId": event.rule, "action": event.action, "ruleMatchDetails": None},
        "nonTerminatingMatchingRules": [], "excludedRules": None, "customerConfig": None}
        for event in events if event.group is not None and event.action != "COUNT"]
    return {"timestamp": now_ms, "formatVersion": 1, "webaclId": web_acl.arn,
            "terminatingRuleId": verdict.terminating_rule,
            "terminatingRuleType": verdict.terminating_type, "action": verdict.action,
            "terminatingRuleMatchDetails": [], "httpSourceName": "APIGW",
            "httpSourceId": request.source_id, "ruleGroupList": groups,
            "rateBasedRuleList": [], "nonTerminatingMatchingRules": counted,
            "requestHeadersInserted": [{"name": name, "value": value} for name, value in
                                       verdict.request_headers] or None,
            "responseCodeSent": verdict.status,
            "httpRequest": _request(request, country, list(doc.get("RedactedFields") or ())),
            **({"labels": [{"name": label} for label in verdict.labels]}
               if verdict.labels else {})}


class LoggingConfigsApi(Wafv2Base):
    def put_logging_configuration(self, ctx: RequestContext, *,
                                  logging_configuration: dict[str, Any], **_: Any
                                  ) -> dict[str, Any]:
        doc = dict(logging_configuration)
        arn = str(doc.get("ResourceArn", ""))
        web_acl = self.entities(ctx).get(arn)
        if web_acl is None or web_acl.kind != "webacl":
            raise nonexistent()
        destinations = list(doc.get("LogDestinationConfigs") or ())
        if len(destinations) != 1:
            raise invalid_parameter("LOG_DESTINATION", "LogDestinationConfigs", EXACTLY_ONE)
        if not _destination_name(str(destinations[0])).startswith(PREFIX):
            raise invalid_parameter("LOG_DESTINATION", str(destinations[0]), BAD_FORMAT)
        doc.setdefault("ManagedByFirewallManager", False)
        doc.setdefault("LogType", "WAF_LOGS")
        doc.setdefault("LogScope", "CUSTOMER")
        self.log_configs(ctx).put(arn, LoggingRecord(resource_arn=arn, doc=doc))
        return {"LoggingConfiguration": doc}

    def get_logging_configuration(self, ctx: RequestContext, *, resource_arn: str, **_: Any
                                  ) -> dict[str, Any]:
        found = self.log_configs(ctx).get(resource_arn)
        if found is None:
            raise nonexistent()
        return {"LoggingConfiguration": found.doc}

    def list_logging_configurations(self, ctx: RequestContext, *, scope: str,
                                    next_marker: str | None = None, limit: int | None = None,
                                    **_: Any) -> dict[str, Any]:
        table = self.entities(ctx)
        found = sorted((item for item in self.log_configs(ctx).values()
                        if (entity := table.get(item.resource_arn)) is not None and
                        entity.scope == scope), key=lambda item: item.resource_arn)
        return paging.answer("LoggingConfigurations", found, next_marker,
                             limit or DEFAULT_LIMIT, token_member="NextMarker",
                             shape=lambda item: item.doc)

    def delete_logging_configuration(self, ctx: RequestContext, *, resource_arn: str,
                                     **_: Any) -> dict[str, Any]:
        if self.log_configs(ctx).get(resource_arn) is None:
            raise nonexistent()
        self.log_configs(ctx).delete(resource_arn)
        return {}

    def deliver(self, account: str, region: str, web_acl: engine.WebAcl, verdict: Verdict,
                events: list[engine.Event], request: WebRequest, country: str) -> None:
        """Write the request's record to the web ACL's log group, when it has one."""
        found = self.log_configs(account, region).get(web_acl.arn)
        if found is None or not _kept(found.doc, verdict, events):
            return
        destination = str((found.doc.get("LogDestinationConfigs") or [""])[0])
        if ":logs:" not in destination:
            return  # S3 and Firehose destinations receive nothing here
        try:
            sink = cast(LogSink, self.ports.get("logs"))
            now_ms = self.clock.now_millis()
            line = json.dumps(record(web_acl, verdict, events, request, country, now_ms,
                                     found.doc), separators=(",", ":"))
            sink.write(account, region, _destination_name(destination),
                       f"{region}_{web_acl.name}_0", [(now_ms, line)])
        except Exception:  # logging never fails a request
            log.exception("could not write AWS WAF's log record")


__all__ = ["LoggingConfigsApi", "record"]
