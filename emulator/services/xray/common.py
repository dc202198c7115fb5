"""What every part of the X-Ray provider shares: the trace collector, sampling rules and
samplers, groups' filter expressions, tags, and the service's InvalidRequestException."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from emulator import arns
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.base import Provider, TableOf
from emulator.services.xray.host import daemon_for
from emulator.services.xray.journal import StoreJournal
from emulator.services.xray.models import GROUPS, RULES, TAGS, GroupRecord, RuleRecord, TagsRecord
from emulator.store import ServiceStore, Table
from emulator.xray import sampling
from emulator.xray.collector import Collector
from emulator.xray.daemon import Daemon

DEFAULT_GROUP = "Default"
MAX_TAGS = 50


def invalid(message: str) -> ServiceError:
    """X-Ray's answer to most bad requests."""
    return ServiceError("InvalidRequestException", message)


def time_of(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def rule_arn(region: str, account: str, name: str) -> str:
    return arns.build("xray", region, account, f"sampling-rule/{name}")


def default_rule(region: str, account: str) -> dict[str, Any]:
    return {
        "RuleName": sampling.DEFAULT_RULE_NAME,
        "RuleARN": rule_arn(region, account, sampling.DEFAULT_RULE_NAME),
        "ResourceARN": "*", "Priority": sampling.DEFAULT_PRIORITY,
        "FixedRate": sampling.DEFAULT_FIXED_RATE, "ReservoirSize": sampling.DEFAULT_RESERVOIR,
        "ServiceName": "*", "ServiceType": "*", "Host": "*", "HTTPMethod": "*",
        "URLPath": "*", "Version": 1, "Attributes": {},
    }


def rules_table(store: ServiceStore, account: str, region: str) -> Table[RuleRecord]:
    return store.table(account, region, RULES, RuleRecord)


def all_rules(store: ServiceStore, account: str, region: str, now: float) -> list[RuleRecord]:
    """Every rule, the default one created on first use; in priority order."""
    table = rules_table(store, account, region)
    if sampling.DEFAULT_RULE_NAME not in table:
        table.put(sampling.DEFAULT_RULE_NAME, RuleRecord(
            rule=default_rule(region, account), created=now, modified=now))
    return sorted(table.values(), key=lambda r: (
        r.rule["RuleName"] == sampling.DEFAULT_RULE_NAME, r.rule["Priority"], r.rule["RuleName"]))


def groups_table(store: ServiceStore, account: str, region: str) -> Table[GroupRecord]:
    return store.table(account, region, GROUPS, GroupRecord)


class XrayBase(Provider):
    """State and lookups shared by the provider's parts."""

    service_name = "xray"
    rules_version = 0  # bumped on every rule change, so cached rule lists are read again

    def setup(self) -> None:
        journal = StoreJournal(self.store) if self.settings.database_path is not None else None
        self.collector = Collector(self.clock.now, self.settings.xray_max_bytes, journal=journal)
        if journal is not None:
            journal.replay(self.collector)
        self._samplers: dict[tuple[str, str], sampling.Sampler] = {}
        self._rules: dict[tuple[str, str], tuple[int, list[sampling.Rule]]] = {}

    @property
    def daemon(self) -> Daemon | None:
        """The daemon listening for this emulator (started with the server, see host.py)."""
        return daemon_for(self.settings)

    def _now(self) -> float:
        return self.clock.now()

    def sampling_rules(self, account: str, region: str) -> list[sampling.Rule]:
        """The account's rules for local decisions, read again only after a change."""
        version = self.rules_version
        cached = self._rules.get((account, region))
        if cached is not None and cached[0] == version:
            return cached[1]
        rules = [sampling.Rule.from_shape(r.rule)
                 for r in all_rules(self.store, account, region, self._now())]
        self._rules[(account, region)] = (version, rules)
        return rules

    def _sampler(self, account: str, region: str) -> sampling.Sampler:
        key = (account, region)
        sampler = self._samplers.get(key)
        if sampler is None:
            sampler = self._samplers[key] = sampling.Sampler()
        return sampler

    def _rule_arns(self, ctx: RequestContext) -> set[str]:
        return {r.rule["RuleARN"] for r in all_rules(self.store, ctx.account_id, ctx.region,
                                                      self._now())}

    def group_expression(self, account: str, region: str, name: str) -> str | None:
        """The filter expression of group ``name`` ("" for none), None when it does not
        exist; filters use it for ``group.name = "..."``."""
        if name == DEFAULT_GROUP:
            return ""
        record = groups_table(self.store, account, region).get(name)
        return None if record is None else (record.filter_expression or "")

    def _group(self, ctx: RequestContext, name: str | None, arn: str | None) -> GroupRecord:
        table = groups_table(self.store, ctx.account_id, ctx.region)
        if not name and not arn:
            raise invalid("GroupName or GroupARN must be specified.")
        if name == DEFAULT_GROUP or (arn and arn.split("/")[1:2] == [DEFAULT_GROUP]):
            return GroupRecord(name=DEFAULT_GROUP, arn=self._default_arn(ctx))
        for record in table.values():
            if (name and record.name == name) or (arn and record.arn == arn):
                return record
        raise invalid("Group not found")

    @staticmethod
    def _default_arn(ctx: RequestContext) -> str:
        return arns.build("xray", ctx.region, ctx.account_id, f"group/{DEFAULT_GROUP}")

    # -- tags ----------------------------------------------------------------------------

    _tags = TableOf(TAGS, TagsRecord)

    def _taggable(self, ctx: RequestContext, arn: str) -> None:
        groups = {r.arn for r in groups_table(self.store, ctx.account_id, ctx.region).values()}
        if arn not in groups and arn not in self._rule_arns(ctx):
            raise ServiceError("ResourceNotFoundException", f"Resource {arn} not found.")

    def _tag(self, ctx: RequestContext, arn: str, tags: list[dict[str, str]] | None) -> None:
        if not tags:
            return
        table = self._tags(ctx)
        record = table.get(arn) or TagsRecord()
        for tag in tags:
            if tag["Key"].lower().startswith("aws:"):
                raise invalid("Tag keys starting with aws: are reserved.")
            record.tags[tag["Key"]] = tag["Value"]
        if len(record.tags) > MAX_TAGS:
            raise ServiceError("TooManyTagsException",
                               f"A resource can have at most {MAX_TAGS} tags.",
                               fields={"ResourceName": arn})
        table.put(arn, record)

    def _forget_tags(self, ctx: RequestContext, arn: str) -> None:
        self._tags(ctx).delete(arn)


__all__ = ["DEFAULT_GROUP", "MAX_TAGS", "XrayBase", "all_rules", "default_rule", "groups_table",
           "invalid", "rule_arn", "rules_table", "time_of"]
