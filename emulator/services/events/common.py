"""What the parts of the EventBridge provider share: tables, names and ARNs, lookups."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from emulator import arns
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.base import Provider, TableOf
from emulator.services.events.models import BUSES, RULES, BusRecord, RuleRecord

DEFAULT_BUS = "default"


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message)


def bus_arn(account: str, region: str, name: str) -> str:
    return arns.build("events", region, account, f"event-bus/{name}")


def rule_arn(account: str, region: str, bus: str, name: str) -> str:
    resource = f"rule/{name}" if bus == DEFAULT_BUS else f"rule/{bus}/{name}"
    return arns.build("events", region, account, resource)


def bus_name(name_or_arn: str | None) -> str:
    """A bus named by name or ARN, as its name (``default`` when not named)."""
    if not name_or_arn:
        return DEFAULT_BUS
    if name_or_arn.startswith("arn:"):
        return name_or_arn.split(":", 5)[-1].removeprefix("event-bus/")
    return name_or_arn


class EventsBase(Provider, ABC):
    """Buses, rules and their lookups, and the hooks one part offers the other: routing keeps
    matching events in archives (ArchivesApi), and replays send them back to the rules
    (RoutingApi)."""

    @abstractmethod
    def record_archived(self, event: dict[str, Any], account: str, region: str,
                        bus: str) -> None:
        """Keep ``event`` in every archive of its bus whose pattern it matches."""

    @abstractmethod
    def replay_event(self, event: dict[str, Any], account: str, region: str,
                     bus: str) -> None:
        """Send a replayed event to the rules of ``bus``."""

    service_name = "events"

    buses = TableOf(BUSES, BusRecord)
    rules = TableOf(RULES, RuleRecord)

    def bus(self, account: str, region: str, name: str) -> BusRecord | None:
        table = self.buses(account, region)
        found = table.get(name)
        if found is None and name == DEFAULT_BUS:
            now = self.clock.now()
            found = BusRecord(name=DEFAULT_BUS, arn=bus_arn(account, region, DEFAULT_BUS),
                              created=now, last_modified=now)
            table.put(DEFAULT_BUS, found)
        return found

    def require_bus(self, ctx: RequestContext, name_or_arn: str | None) -> BusRecord:
        name = bus_name(name_or_arn)
        return self.found(self.bus(ctx.account_id, ctx.region, name),
                          f"Event bus {name} does not exist.")

    def require_rule(self, ctx: RequestContext, name: str, bus: str | None) -> RuleRecord:
        bus_record = self.require_bus(ctx, bus)
        return self.found(self.rules(ctx.account_id, ctx.region).get(f"{bus_record.name}/{name}"),
                          f"Rule {name} does not exist on EventBus {bus_record.name}.")

    def rules_of(self, account: str, region: str, bus: str) -> list[RuleRecord]:
        return [rule for rule in self.rules(account, region).values() if rule.bus == bus]


__all__ = ["DEFAULT_BUS", "EventsBase", "bus_arn", "bus_name", "not_found", "rule_arn",
           "validation"]
