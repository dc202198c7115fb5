"""PutEvents, matching events to rules, TestEventPattern, and firing scheduled rules."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from emulator import inbound, schedules
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.event_patterns import Pattern, PatternError, compile_pattern
from emulator.runtime.background import Background
from emulator.services.events import transform
from emulator.services.events.common import DEFAULT_BUS, EventsBase, bus_name, validation
from emulator.services.events.models import RuleRecord
from emulator.services.events.targets import TargetDelivery
from emulator.xray.header import TraceHeader

MAX_ENTRY_BYTES = 256 * 1024
REQUIRED_EVENT_FIELDS = ("id", "account", "source", "time", "region", "detail-type")
MISSED_FIRINGS = 60  # firings caught up at most after a jump of the clock


@lru_cache(maxsize=1024)
def rule_pattern(text: str) -> Pattern:
    return compile_pattern(text)


def check_pattern(text: str) -> Pattern:
    try:
        return rule_pattern(text)
    except PatternError as error:
        raise ServiceError("InvalidEventPatternException",
                           f"Event pattern is not valid. Reason: {error}") from None


def _time_text(value: Any, default: datetime) -> str:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float):
        moment = datetime.fromtimestamp(value, tz=UTC)
    elif isinstance(value, str) and value:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    else:
        moment = default
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry_size(entry: Mapping[str, Any]) -> int:
    size = len(str(entry.get("Detail") or "").encode()) + len(str(
        entry.get("DetailType") or "").encode()) + len(str(entry.get("Source") or "").encode())
    size += sum(len(str(r).encode()) for r in entry.get("Resources") or [])
    return size + (14 if entry.get("Time") else 0)


class RoutingApi(EventsBase):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.jobs = Background(self.clock, "events")
        self.target_delivery = TargetDelivery(self.clock, self.ports, self.jobs, self.route)
        self._schedule_tokens: dict[str, str] = {}

    # -- PutEvents -------------------------------------------------------------------------

    def _event(self, entry: Mapping[str, Any], account: str,
               region: str) -> tuple[dict[str, Any] | None, dict[str, str]]:
        """The event an entry makes, or None and its per-entry error."""
        for member in ("Source", "DetailType", "Detail"):
            if not entry.get(member):
                return None, {"ErrorCode": "InvalidArgument",
                              "ErrorMessage": f"Parameter {member} is not valid. Reason: "
                                              f"{member} is a required argument."}
        try:
            detail = inbound.loads(str(entry["Detail"]))
        except ValueError:
            detail = None
        if not isinstance(detail, dict):
            return None, {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}
        now = self.clock.now_datetime()
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": str(entry["DetailType"]),
            "source": str(entry["Source"]),
            "account": account,
            "time": _time_text(entry.get("Time"), now),
            "region": region,
            "resources": list(entry.get("Resources") or []),
            "detail": detail,
        }
        return event, {}

    def route(self, entries: Sequence[Mapping[str, Any]], account: str, region: str,
              trace_header: str | None = None) -> dict[str, Any]:
        """Put events on their buses and hand each to the targets of matching rules, with the
        X-Ray trace header of the entry (its TraceHeader, else the request's)."""
        if sum(_entry_size(entry) for entry in entries) > MAX_ENTRY_BYTES:
            raise validation("Total size of the entries in the request is over the limit.")
        results: list[dict[str, str]] = []
        for entry in entries:
            name = bus_name(entry.get("EventBusName"))
            if self.bus(account, region, name) is None:
                results.append({"ErrorCode": "ResourceNotFoundException",
                                "ErrorMessage": f"Event bus {name} does not exist."})
                continue
            event, error = self._event(entry, account, region)
            if event is None:
                results.append(error)
                continue
            trace = (TraceHeader.checked(entry.get("TraceHeader"))
                     or TraceHeader.checked(trace_header))
            self.dispatch(event, account, region, name, trace)
            results.append({"EventId": event["id"]})
        failed = sum(1 for result in results if "ErrorCode" in result)
        return {"FailedEntryCount": failed, "Entries": results}

    def dispatch(self, event: dict[str, Any], account: str, region: str, bus: str,
                 trace_header: str | None = None) -> None:
        self.record_archived(event, account, region, bus)
        ingestion = _time_text(None, self.clock.now_datetime())
        for rule in self.rules_of(account, region, bus):
            if not rule.enabled or rule.event_pattern is None:
                continue
            if rule_pattern(rule.event_pattern).matches(event):
                self.send_to_targets(rule, event, ingestion, trace_header)

    def replay_event(self, event: dict[str, Any], account: str, region: str,
                     bus: str) -> None:
        self.dispatch(event, account, region, bus)

    def send_to_targets(self, rule: RuleRecord, event: dict[str, Any], ingestion: str,
                        trace_header: str | None = None) -> None:
        for target in rule.targets:
            try:
                text = transform.target_input(target, event, rule.arn, rule.name, ingestion)
            except transform.TransformError:
                continue
            self.target_delivery.deliver(target, text, event, rule.arn, trace_header)

    def put_events(
        self, ctx: RequestContext, *, entries: Sequence[Mapping[str, Any]],
        endpoint_id: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        return self.route(entries, ctx.account_id, ctx.region,
                          ctx.headers.get("x-amzn-trace-id"))

    def test_event_pattern(
        self, ctx: RequestContext, *, event_pattern: str, event: str, **_: Any
    ) -> dict[str, Any]:
        pattern = check_pattern(event_pattern)
        try:
            document = inbound.loads(event)
        except ValueError:
            document = None
        if not isinstance(document, dict) or any(
                field not in document for field in REQUIRED_EVENT_FIELDS):
            raise validation("Parameter Event is not valid.")
        return {"Result": pattern.matches(document)}

    # -- scheduled rules -------------------------------------------------------------------

    def schedule_rule(self, rule: RuleRecord) -> None:
        """(Re)start the firings of a scheduled rule; a later call supersedes this one."""
        token = str(uuid.uuid4())
        self._schedule_tokens[rule.arn] = token
        if rule.schedule is None or not rule.enabled:
            return
        plan = schedules.parse(rule.schedule)
        origin = self.clock.now()
        self._plan_next(rule.account, rule.region, rule.bus, rule.name, token, plan, origin,
                        origin)

    def _plan_next(self, account: str, region: str, bus: str, name: str, token: str,
                   plan: schedules.Schedule, origin: float, after: float) -> None:
        due = plan.next_after(after, origin)
        if due is None:
            return

        async def fire() -> None:
            rule = self.rules(account, region).get(f"{bus}/{name}")
            if rule is None or self._schedule_tokens.get(rule.arn) != token:
                return
            last = due
            fired = 0
            while last <= self.clock.now() and fired < MISSED_FIRINGS:
                self._fire(rule, last)
                fired += 1
                following = plan.next_after(last, origin)
                if following is None:
                    return
                last = following
            self._plan_next(account, region, bus, name, token, plan, origin, last - 0.001)

        self.jobs.at(due, fire)

    def _fire(self, rule: RuleRecord, when: float) -> None:
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": rule.account,
            "time": _time_text(when, self.clock.now_datetime()),
            "region": rule.region,
            "resources": [rule.arn],
            "detail": {},
        }
        self.send_to_targets(rule, event, _time_text(None, self.clock.now_datetime()))

    def resume_schedules(self) -> None:
        for account, region in self.store.scopes("rules"):
            for rule in self.rules(account, region).values():
                if rule.schedule and rule.enabled and rule.bus == DEFAULT_BUS:
                    self.schedule_rule(rule)


__all__ = ["RoutingApi", "check_pattern", "rule_pattern"]
