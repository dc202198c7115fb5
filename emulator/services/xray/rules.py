"""Sampling rules and the centralised sampling protocol (GetSamplingTargets)."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.xray.common import (
    XrayBase,
    all_rules,
    invalid,
    rule_arn,
    rules_table,
    time_of,
)
from emulator.services.xray.models import RuleRecord
from emulator.xray import sampling

MAX_RULES = 25  # besides the default rule
_UPDATABLE = ("ResourceARN", "Priority", "FixedRate", "ReservoirSize", "Host", "ServiceName",
              "ServiceType", "HTTPMethod", "URLPath", "Attributes", "SamplingRateBoost")


def _record_shape(record: RuleRecord) -> dict[str, Any]:
    return {"SamplingRule": dict(record.rule), "CreatedAt": time_of(record.created),
            "ModifiedAt": time_of(record.modified)}


class SamplingRulesApi(XrayBase):
    """CreateSamplingRule, GetSamplingRules, UpdateSamplingRule, DeleteSamplingRule,
    GetSamplingTargets and GetSamplingStatisticSummaries."""

    def _find_rule(self, ctx: RequestContext, name: str | None,
                   arn: str | None) -> RuleRecord:
        rules = all_rules(self.store, ctx.account_id, ctx.region, self._now())
        if not name and not arn:
            raise invalid("RuleName or RuleARN must be specified.")
        for record in rules:
            if (name and record.rule["RuleName"] == name) or (
                    arn and record.rule["RuleARN"] == arn):
                return record
        raise invalid("Sampling rule does not exist.")

    def create_sampling_rule(self, ctx: RequestContext, *, sampling_rule: dict[str, Any],
                             tags: list[dict[str, str]] | None = None,
                             **_: Any) -> dict[str, Any]:
        name = sampling_rule.get("RuleName")
        if not name:
            raise invalid("RuleName must be specified.")
        if sampling_rule.get("Version") != 1:
            raise invalid("Only version 1 of sampling rules is supported.")
        rules = all_rules(self.store, ctx.account_id, ctx.region, self._now())
        if any(r.rule["RuleName"] == name for r in rules):
            raise invalid(f"Sampling rule {name} already exists.")
        if len(rules) - 1 >= MAX_RULES:
            raise ServiceError("RuleLimitExceededException",
                               f"You have reached the maximum number of sampling rules "
                               f"({MAX_RULES}).")
        now = self._now()
        rule = {k: v for k, v in sampling_rule.items() if k != "RuleARN"}
        rule.setdefault("Attributes", {})
        rule["RuleARN"] = rule_arn(ctx.region, ctx.account_id, name)
        record = RuleRecord(rule=rule, created=now, modified=now)
        rules_table(self.store, ctx.account_id, ctx.region).put(name, record)
        self.rules_version += 1
        self._tag(ctx, rule["RuleARN"], tags)
        return {"SamplingRuleRecord": _record_shape(record)}

    def get_sampling_rules(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        rules = all_rules(self.store, ctx.account_id, ctx.region, self._now())
        return {"SamplingRuleRecords": [_record_shape(r) for r in rules]}

    def update_sampling_rule(self, ctx: RequestContext, *,
                             sampling_rule_update: dict[str, Any], **_: Any) -> dict[str, Any]:
        update = sampling_rule_update
        record = self._find_rule(ctx, update.get("RuleName"), update.get("RuleARN"))
        name = record.rule["RuleName"]
        changes = {k: update[k] for k in _UPDATABLE if update.get(k) is not None}
        if name == sampling.DEFAULT_RULE_NAME and set(changes) - {"FixedRate", "ReservoirSize"}:
            raise invalid("Only FixedRate and ReservoirSize can be updated for the default "
                           "sampling rule.")
        if "Priority" in changes and not 1 <= changes["Priority"] <= 9999:
            raise invalid("Priority must be between 1 and 9999.")
        if "FixedRate" in changes and not 0 <= changes["FixedRate"] <= 1:
            raise invalid("FixedRate must be between 0 and 1.")
        if "ReservoirSize" in changes and changes["ReservoirSize"] < 0:
            raise invalid("ReservoirSize must not be negative.")
        record.rule.update(changes)
        record.modified = self._now()
        rules_table(self.store, ctx.account_id, ctx.region).put(name, record)
        self.rules_version += 1
        return {"SamplingRuleRecord": _record_shape(record)}

    def delete_sampling_rule(self, ctx: RequestContext, *, rule_name: str | None = None,
                             rule_arn: str | None = None, **_: Any) -> dict[str, Any]:
        record = self._find_rule(ctx, rule_name, rule_arn)
        name = record.rule["RuleName"]
        if name == sampling.DEFAULT_RULE_NAME:
            raise invalid("The default sampling rule cannot be deleted.")
        rules_table(self.store, ctx.account_id, ctx.region).delete(name)
        self.rules_version += 1
        self._sampler(ctx.account_id, ctx.region).forget(name)
        self._forget_tags(ctx, record.rule["RuleARN"])
        return {"SamplingRuleRecord": _record_shape(record)}

    def get_sampling_targets(self, ctx: RequestContext, *,
                             sampling_statistics_documents: list[dict[str, Any]],
                             **_: Any) -> dict[str, Any]:
        now = self._now()
        rules = {r.rule["RuleName"]: r for r in
                 all_rules(self.store, ctx.account_id, ctx.region, now)}
        sampler = self._sampler(ctx.account_id, ctx.region)
        targets, unprocessed = [], []
        for doc in sampling_statistics_documents:
            record = rules.get(doc["RuleName"])
            if record is None:
                unprocessed.append({"RuleName": doc["RuleName"], "ErrorCode": "400",
                                    "Message": "Sampling rule does not exist."})
                continue
            target = sampler.report(
                sampling.Rule.from_shape(record.rule), doc["ClientID"],
                doc["RequestCount"], doc["SampledCount"], doc.get("BorrowCount") or 0, now)
            target["ReservoirQuotaTTL"] = time_of(target["ReservoirQuotaTTL"])
            targets.append(target)
        last = max((r.modified for r in rules.values()), default=now)
        return {"SamplingTargetDocuments": targets, "LastRuleModification": time_of(last),
                "UnprocessedStatistics": unprocessed}

    def get_sampling_statistic_summaries(self, ctx: RequestContext,
                                         **_: Any) -> dict[str, Any]:
        sampler = self._sampler(ctx.account_id, ctx.region)
        return {"SamplingStatisticSummaries": [
            {"RuleName": name, "Timestamp": time_of(stats.window),
             "RequestCount": stats.requests, "BorrowCount": stats.borrowed,
             "SampledCount": stats.sampled}
            for name, stats in sampler.statistics.items()]}


__all__ = ["MAX_RULES", "SamplingRulesApi"]
