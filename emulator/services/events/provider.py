"""Amazon EventBridge: event buses, rules and their targets, tags, and the ``buses`` port.
PutEvents, TestEventPattern and scheduled rules are in routing.py."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from emulator import schedules
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services import paging
from emulator.services.events import transform
from emulator.services.events.archives import ArchivesApi
from emulator.services.events.common import DEFAULT_BUS, bus_arn, bus_name, rule_arn, validation
from emulator.services.events.models import BusRecord, RuleRecord
from emulator.services.events.routing import RoutingApi, check_pattern
from emulator.services.events.targets import unsupported_reason

_NAME = re.compile(r"^[.\-_A-Za-z0-9]{1,64}$")
_BUS_NAME = re.compile(r"^[/.\-_A-Za-z0-9]{1,256}$")
MAX_TARGETS = 5
RULE_STATES = ("ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")


def _tags(tags: Sequence[Mapping[str, str]] | None) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tags or []}


class EventsProvider(RoutingApi, ArchivesApi):
    service_name = "events"

    def port(self, name: str) -> object | None:
        return BusPort(self) if name == "buses" else None

    async def start(self) -> None:
        self.resume_schedules()

    async def stop(self) -> None:
        self.jobs.cancel_all()

    def reset(self) -> None:
        self.jobs.cancel_all()
        self._schedule_tokens.clear()
        super().reset()

    def busy(self) -> list[str]:
        return self.jobs.busy()

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"rules": [{"arn": rule.arn, "bus": rule.bus, "state": rule.state,
                           "targets": len(rule.targets)}
                          for _account, _region, rule in self.rules.everywhere()]}

    # -- event buses -----------------------------------------------------------------------

    def _bus_shape(self, bus: BusRecord) -> dict[str, Any]:
        shape: dict[str, Any] = {"Name": bus.name, "Arn": bus.arn,
                                 "CreationTime": bus.created,
                                 "LastModifiedTime": bus.last_modified}
        if bus.description:
            shape["Description"] = bus.description
        if bus.policy:
            shape["Policy"] = bus.policy
        return shape

    def create_event_bus(
        self, ctx: RequestContext, *, name: str, event_source_name: str | None = None,
        description: str | None = None, tags: Sequence[Mapping[str, str]] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        if not _BUS_NAME.match(name) or name == DEFAULT_BUS or ("/" in name and not (
                event_source_name and name.startswith("aws.partner/"))):
            raise validation(f"Event bus name {name} is not valid.")
        table = self.buses(ctx.account_id, ctx.region)
        if name in table:
            raise ServiceError("ResourceAlreadyExistsException",
                               f"Event bus {name} already exists.")
        now = self.clock.now()
        bus = BusRecord(name=name, arn=bus_arn(ctx.account_id, ctx.region, name),
                        description=description, tags=_tags(tags), created=now,
                        last_modified=now)
        table.put(name, bus)
        result: dict[str, Any] = {"EventBusArn": bus.arn}
        if description:
            result["Description"] = description
        return result

    def describe_event_bus(
        self, ctx: RequestContext, *, name: str | None = None, **_: Any
    ) -> dict[str, Any]:
        return self._bus_shape(self.require_bus(ctx, name))

    def delete_event_bus(self, ctx: RequestContext, *, name: str, **_: Any) -> dict[str, Any]:
        name = bus_name(name)
        if name == DEFAULT_BUS:
            raise validation("Cannot delete event bus default.")
        table = self.buses(ctx.account_id, ctx.region)
        if name in table:
            for rule in self.rules_of(ctx.account_id, ctx.region, name):
                self.rules(ctx.account_id, ctx.region).delete(f"{name}/{rule.name}")
            table.delete(name)
        return {}

    def list_event_buses(
        self, ctx: RequestContext, *, name_prefix: str | None = None,
        next_token: str | None = None, limit: int | None = None, **_: Any,
    ) -> dict[str, Any]:
        self.bus(ctx.account_id, ctx.region, DEFAULT_BUS)
        buses = [b for b in self.buses(ctx.account_id, ctx.region).values()
                 if not name_prefix or b.name.startswith(name_prefix)]
        return paging.answer("EventBuses", sorted(buses, key=lambda b: b.name), next_token,
                             limit or 100, shape=self._bus_shape)

    # -- rules -----------------------------------------------------------------------------

    def _rule_shape(self, rule: RuleRecord) -> dict[str, Any]:
        shape: dict[str, Any] = {"Name": rule.name, "Arn": rule.arn, "State": rule.state,
                                 "EventBusName": rule.bus, "CreatedBy": rule.account}
        for key, value in (("EventPattern", rule.event_pattern),
                           ("ScheduleExpression", rule.schedule),
                           ("Description", rule.description), ("RoleArn", rule.role_arn)):
            if value:
                shape[key] = value
        return shape

    def put_rule(
        self, ctx: RequestContext, *, name: str, schedule_expression: str | None = None,
        event_pattern: str | None = None, state: str | None = None,
        description: str | None = None, role_arn: str | None = None,
        tags: Sequence[Mapping[str, str]] | None = None, event_bus_name: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        if not _NAME.match(name):
            raise validation(f"Rule name {name} is not valid.")
        bus = self.require_bus(ctx, event_bus_name)
        if not event_pattern and not schedule_expression:
            raise validation("Parameter(s) EventPattern or ScheduleExpression must be "
                             "specified.")
        if event_pattern:
            check_pattern(event_pattern)
        if schedule_expression:
            if bus.name != DEFAULT_BUS:
                raise validation("ScheduleExpression is supported only on the default event "
                                 "bus.")
            try:
                schedules.parse(schedule_expression)
            except schedules.ScheduleError:
                raise validation("Parameter ScheduleExpression is not valid.") from None
        if state is not None and state not in RULE_STATES:
            raise validation(f"Parameter State is not valid: {state}")
        table = self.rules(ctx.account_id, ctx.region)
        key = f"{bus.name}/{name}"
        existing = table.get(key)
        rule = RuleRecord(
            name=name, bus=bus.name, arn=rule_arn(ctx.account_id, ctx.region, bus.name, name),
            account=ctx.account_id, region=ctx.region, event_pattern=event_pattern or None,
            schedule=schedule_expression or None, state=state or "ENABLED",
            description=description, role_arn=role_arn,
            targets=existing.targets if existing else [],
            tags={**(existing.tags if existing else {}), **_tags(tags)},
            created=existing.created if existing else self.clock.now(),
        )
        table.put(key, rule)
        self.schedule_rule(rule)
        return {"RuleArn": rule.arn}

    def describe_rule(
        self, ctx: RequestContext, *, name: str, event_bus_name: str | None = None, **_: Any
    ) -> dict[str, Any]:
        return self._rule_shape(self.require_rule(ctx, name, event_bus_name))

    def _set_state(self, ctx: RequestContext, name: str, bus: str | None, state: str) -> None:
        rule = self.require_rule(ctx, name, bus)
        rule.state = state
        self.rules(ctx.account_id, ctx.region).put(f"{rule.bus}/{rule.name}", rule)
        self.schedule_rule(rule)

    def enable_rule(
        self, ctx: RequestContext, *, name: str, event_bus_name: str | None = None, **_: Any
    ) -> dict[str, Any]:
        self._set_state(ctx, name, event_bus_name, "ENABLED")
        return {}

    def disable_rule(
        self, ctx: RequestContext, *, name: str, event_bus_name: str | None = None, **_: Any
    ) -> dict[str, Any]:
        self._set_state(ctx, name, event_bus_name, "DISABLED")
        return {}

    def delete_rule(
        self, ctx: RequestContext, *, name: str, event_bus_name: str | None = None,
        force: bool = False, **_: Any,
    ) -> dict[str, Any]:
        bus = self.require_bus(ctx, event_bus_name)
        table = self.rules(ctx.account_id, ctx.region)
        rule = table.get(f"{bus.name}/{name}")
        if rule is None:
            return {}
        if rule.targets:
            raise validation("Rule can't be deleted since it has targets.")
        self._schedule_tokens.pop(rule.arn, None)
        table.delete(f"{bus.name}/{name}")
        return {}

    def list_rules(
        self, ctx: RequestContext, *, name_prefix: str | None = None,
        event_bus_name: str | None = None, next_token: str | None = None,
        limit: int | None = None, **_: Any,
    ) -> dict[str, Any]:
        bus = self.require_bus(ctx, event_bus_name)
        rules = [r for r in self.rules_of(ctx.account_id, ctx.region, bus.name)
                 if not name_prefix or r.name.startswith(name_prefix)]
        return paging.answer("Rules", sorted(rules, key=lambda r: r.name), next_token,
                             limit or 100, shape=self._rule_shape)

    # -- targets ---------------------------------------------------------------------------

    def put_targets(
        self, ctx: RequestContext, *, rule: str, targets: Sequence[Mapping[str, Any]],
        event_bus_name: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        record = self.require_rule(ctx, rule, event_bus_name)
        current = {target["Id"]: target for target in record.targets}
        failed: list[dict[str, str]] = []
        for target in targets:
            entry = dict(target)
            try:
                transform.check_target_input(entry)
            except transform.TransformError as error:
                raise validation(str(error)) from None
            reason = unsupported_reason(str(entry.get("Arn", "")), self.ports)
            if reason is not None:
                failed.append({"TargetId": str(entry.get("Id")), "ErrorCode": "ValidationException",
                               "ErrorMessage": reason})
                continue
            current[str(entry["Id"])] = entry
        if len(current) > MAX_TARGETS:
            raise ServiceError("LimitExceededException",
                               "The requested resource exceeds the maximum number allowed.")
        record.targets = list(current.values())
        self.rules(ctx.account_id, ctx.region).put(f"{record.bus}/{record.name}", record)
        return {"FailedEntryCount": len(failed), "FailedEntries": failed}

    def remove_targets(
        self, ctx: RequestContext, *, rule: str, ids: Sequence[str],
        event_bus_name: str | None = None, force: bool = False, **_: Any,
    ) -> dict[str, Any]:
        record = self.require_rule(ctx, rule, event_bus_name)
        known = {target["Id"] for target in record.targets}
        failed = [{"TargetId": target_id, "ErrorCode": "ResourceNotFoundException",
                   "ErrorMessage": f"Target {target_id} does not exist."}
                  for target_id in ids if target_id not in known]
        record.targets = [t for t in record.targets if t["Id"] not in set(ids)]
        self.rules(ctx.account_id, ctx.region).put(f"{record.bus}/{record.name}", record)
        return {"FailedEntryCount": len(failed), "FailedEntries": failed}

    def list_targets_by_rule(
        self, ctx: RequestContext, *, rule: str, event_bus_name: str | None = None,
        next_token: str | None = None, limit: int | None = None, **_: Any,
    ) -> dict[str, Any]:
        record = self.require_rule(ctx, rule, event_bus_name)
        chunk, token = paging.page(record.targets, next_token, limit or 100)
        result: dict[str, Any] = {"Targets": chunk}
        if token:
            result["NextToken"] = token
        return result

    def list_rule_names_by_target(
        self, ctx: RequestContext, *, target_arn: str, event_bus_name: str | None = None,
        next_token: str | None = None, limit: int | None = None, **_: Any,
    ) -> dict[str, Any]:
        bus = self.require_bus(ctx, event_bus_name)
        names = sorted(r.name for r in self.rules_of(ctx.account_id, ctx.region, bus.name)
                       if any(t.get("Arn") == target_arn for t in r.targets))
        chunk, token = paging.page(names, next_token, limit or 100)
        result: dict[str, Any] = {"RuleNames": chunk}
        if token:
            result["NextToken"] = token
        return result

    # -- tags ------------------------------------------------------------------------------

    def _tagged(self, ctx: RequestContext, arn: str) -> tuple[Any, Any, str]:
        resource = arn.split(":", 5)[-1] if arn.startswith("arn:") else ""
        if resource.startswith("event-bus/"):
            name = resource.removeprefix("event-bus/")
            bus = self.bus(ctx.account_id, ctx.region, name)
            if bus is not None:
                return self.buses(ctx.account_id, ctx.region), bus, name
        elif resource.startswith("rule/"):
            parts = resource.removeprefix("rule/").split("/")
            key = f"{DEFAULT_BUS}/{parts[0]}" if len(parts) == 1 else "/".join(parts)
            rule = self.rules(ctx.account_id, ctx.region).get(key)
            if rule is not None:
                return self.rules(ctx.account_id, ctx.region), rule, key
        raise self.not_found(f"Resource {arn} does not exist.")

    def tag_resource(
        self, ctx: RequestContext, *, resource_arn: str, tags: Sequence[Mapping[str, str]],
        **_: Any,
    ) -> dict[str, Any]:
        table, record, key = self._tagged(ctx, resource_arn)
        record.tags.update(_tags(tags))
        table.put(key, record)
        return {}

    def untag_resource(
        self, ctx: RequestContext, *, resource_arn: str, tag_keys: Sequence[str], **_: Any
    ) -> dict[str, Any]:
        table, record, key = self._tagged(ctx, resource_arn)
        for tag_key in tag_keys:
            record.tags.pop(tag_key, None)
        table.put(key, record)
        return {}

    def list_tags_for_resource(
        self, ctx: RequestContext, *, resource_arn: str, **_: Any
    ) -> dict[str, Any]:
        _table, record, _key = self._tagged(ctx, resource_arn)
        return {"Tags": [{"Key": k, "Value": v} for k, v in record.tags.items()]}


class BusPort:
    """The ``buses`` port: PutEvents for other services (destinations, bus targets)."""

    def __init__(self, provider: EventsProvider) -> None:
        self._provider = provider

    def put_events(self, entries: list[Mapping[str, Any]], *, account: str,
                   region: str) -> dict[str, Any]:
        return self._provider.route(entries, account, region)


__all__ = ["BusPort", "EventsProvider"]
