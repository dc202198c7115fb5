"""What the data plane hands AWS WAF: each request protected by a web ACL is evaluated by
the compiled web ACL (emulator/waf), sampled where the visibility configuration asks, and
counted in CloudWatch (AWS/WAFV2) where it asks. GetSampledRequests reads the samples."""

from __future__ import annotations

import ipaddress
import logging
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

from emulator.context import RequestContext
from emulator.services.wafv2.common import invalid_parameter, nonexistent
from emulator.services.wafv2.logging_configs import LoggingConfigsApi
from emulator.services.wafv2.models import EntityRecord
from emulator.waf import engine
from emulator.waf.request import Verdict, WebRequest
from emulator.waf.statements import Network, Unresolved

log = logging.getLogger("emulator.wafv2")
SAMPLES_KEPT = 500  # per web ACL and rule metric name: AWS returns at most 500
SAMPLE_HOURS = 3  # AWS keeps samples of the last three hours
METRIC_OF_ACTION = {"ALLOW": "AllowedRequests", "BLOCK": "BlockedRequests",
                    "COUNT": "CountedRequests", "CAPTCHA": "CaptchaRequests",
                    "CHALLENGE": "ChallengeRequests"}


class _References:
    """The sets and rule groups of one account and region, for compiling a web ACL."""

    def __init__(self, records: dict[str, EntityRecord], country: Callable[[str], str]) -> None:
        self._records = records
        self.country = country

    def ip_set(self, arn: str) -> list[Network] | None:
        record = self._records.get(arn)
        if record is None or record.kind != "ipset":
            return None
        return [ipaddress.ip_network(address, strict=False)
                for address in record.doc.get("Addresses") or ()]

    def regex_set(self, arn: str) -> list[str] | None:
        record = self._records.get(arn)
        if record is None or record.kind != "regexpatternset":
            return None
        return [str(item.get("RegexString", "")) for item in
                record.doc.get("RegularExpressionList") or ()]

    def rule_group(self, arn: str) -> dict[str, Any] | None:
        record = self._records.get(arn)
        if record is None or record.kind != "rulegroup":
            return None
        return {"Name": record.name, "ARN": record.arn, **record.doc}


class InspectionApi(LoggingConfigsApi):
    def country(self, address: str) -> str:
        """The country AWS WAF would place ``address`` in. The emulator has no geolocation
        database: every address, loopback and private ones included, is in the configured
        country (``waf_country``)."""
        return self.settings.waf_country

    def _compiled(self, account: str, region: str, arn: str) -> engine.WebAcl | None:
        key = (account, region, arn)
        found = self.compiled.get(key)
        if found is not None and found[0] == self.generation:
            return found[1]
        records = {record.arn: record for record in self.entities(account, region).values()}
        web_acl = records.get(arn)
        if web_acl is None:
            return None
        refs = _References(records, self.country)
        doc = {"Name": web_acl.name, "ARN": web_acl.arn, **web_acl.doc}
        try:
            compiled = engine.compile_web_acl(doc, refs, self.rates, refs.rule_group)
        except Unresolved:
            return None  # a set it referred to is gone: nothing to enforce
        except Exception:  # a rule the checks let through and the engine cannot run
            log.exception("web ACL %s cannot be evaluated; requests pass", arn)
            return None
        self.compiled[key] = (self.generation, compiled)
        return compiled

    def inspect(self, account: str, region: str, resource_arn: str, request: WebRequest
                ) -> Verdict | None:
        """The verdict of the web ACL protecting ``resource_arn``, or None without one."""
        association = self.associations(account, region).get(resource_arn)
        if association is None:
            return None
        web_acl = self._compiled(account, region, association.web_acl_arn)
        if web_acl is None:
            return None
        now = self.clock.now()
        try:
            verdict, events = engine.evaluate(web_acl, request, now)
        except Exception:  # never a 500 for the API behind it: the request passes, logged
            log.exception("web ACL %s failed on a request; it passes", web_acl.arn)
            return None
        for event in events:
            if event.sampled:
                self._sample(web_acl.arn, event, verdict, request, now)
            if event.metrics:
                self._count(account, region, _dimensions(web_acl.metric_name, event, region),
                            event.action)
        if web_acl.metrics:
            self._count(account, region, (("WebACL", web_acl.metric_name), ("Rule", "ALL"),
                                          ("Region", region)), verdict.action)
        self.deliver(account, region, web_acl, verdict, events, request,
                     self.country(request.source_ip))
        return verdict

    def _count(self, account: str, region: str, dimensions: tuple[tuple[str, str], ...],
               action: str) -> None:
        self.published.put(account, region, "AWS/WAFV2", METRIC_OF_ACTION[action], 1.0,
                           dimensions=dimensions, unit="None")

    def _sample(self, arn: str, event: engine.Event, verdict: Verdict, request: WebRequest,
                now: float) -> None:
        kept = self.samples.get((arn, event.metric_name))
        if kept is None:
            kept = self.samples[(arn, event.metric_name)] = deque(maxlen=SAMPLES_KEPT)
        sample: dict[str, Any] = {
            "Request": {"ClientIP": request.source_ip, "Country": self.country(
                request.source_ip), "URI": request.path, "Method": request.method.upper(),
                "HTTPVersion": request.http_version,
                "Headers": [{"Name": name, "Value": value} for name, value in request.headers]},
            "Weight": 1, "Timestamp": now, "Action": event.action,
            "Labels": [{"Name": label} for label in verdict.labels]}
        if event.action == "BLOCK" and verdict.status is not None:
            sample["ResponseCodeSent"] = verdict.status
        kept.append(sample)

    def get_sampled_requests(self, ctx: RequestContext, *, web_acl_arn: str,
                             rule_metric_name: str, scope: str, time_window: dict[str, Any],
                             max_items: int, **_: Any) -> dict[str, Any]:
        record = self.entities(ctx).get(web_acl_arn)
        if record is None or record.kind != "webacl":
            raise nonexistent()
        start, end = (_epoch(time_window.get("StartTime")), _epoch(time_window.get("EndTime")))
        if start > end or start < self.clock.now() - SAMPLE_HOURS * 3600 - 60:
            raise invalid_parameter("EXPIRE_TIMESTAMP", "TimeWindow",
                                    "The time window is not valid.")
        found = [sample for sample in self.samples.get((web_acl_arn, rule_metric_name), ())
                 if start <= sample["Timestamp"] <= end]
        return {"SampledRequests": found[-max_items:], "PopulationSize": len(found),
                "TimeWindow": time_window}


def _dimensions(web_acl: str, event: engine.Event, region: str) -> tuple[tuple[str, str], ...]:
    """A rule's metric dimensions: WebACL, Rule and Region; a rule in a rule group adds
    RuleGroup, and its counts carry no WebACL (AWS WAF's metrics page says so)."""
    if event.group is None:
        return (("WebACL", web_acl), ("Rule", event.metric_name), ("Region", region))
    if event.action == "COUNT":
        return (("Rule", event.metric_name), ("RuleGroup", event.group), ("Region", region))
    return (("WebACL", web_acl), ("Rule", event.metric_name), ("RuleGroup", event.group),
            ("Region", region))


def _epoch(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value or 0)


__all__ = ["InspectionApi"]
