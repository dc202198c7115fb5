"""Alarms on the clock: every alarm is evaluated at each minute of the emulator clock (and
right after it is put), state changes are written to history and acted on, and composite
alarms follow their children.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from emulator import arns
from emulator.metrics import alarm_rules, queries
from emulator.metrics.alarms import ALARM, OK, Point, Rule, Verdict, evaluate, iso
from emulator.metrics.values import MathError
from emulator.services.cloudwatch import notifications
from emulator.services.cloudwatch.common import CloudWatchBase
from emulator.services.cloudwatch.models import AlarmRecord

log = logging.getLogger("emulator.cloudwatch")
TICK = 60
MAX_COMPOSITE_DEPTH = 10


def _action_member(state: str) -> str:
    return {ALARM: "AlarmActions", OK: "OKActions"}.get(state, "InsufficientDataActions")


class EvaluationApi(CloudWatchBase):
    """Evaluation and state changes; the provider runs :meth:`run_evaluations`."""

    def alarm_changed(self, account: str, region: str, names: list[str]) -> None:
        self.evaluate_now.set()

    async def run_evaluations(self) -> None:
        wake = self.evaluate_now
        while True:
            self.evaluate_all()
            now = self.clock.now()
            await self.clock.sleep_until((int(now) // TICK + 1) * TICK, wake, rewound=True)
            wake.clear()

    def evaluate_all(self) -> None:
        now = self.clock.now()
        for data in list(self.scopes.values()):
            data.roll_up(now)
        for account, region in self.store.scopes("alarms"):
            table = self.alarms(account, region)
            for record in table.values():
                if record.kind == "MetricAlarm":
                    try:
                        verdict = self.evaluate_metric_alarm(account, region, record, now)
                    except (queries.QueryError, MathError) as error:
                        log.warning("alarm %s cannot be evaluated: %s", record.name, error)
                        continue
                    if verdict is not None and verdict.state != record.state:
                        self.change_state(account, region, record, verdict.state,
                                          verdict.reason, verdict.reason_json())
            self.evaluate_composites(account, region)

    def evaluate_metric_alarm(self, account: str, region: str, record: AlarmRecord,
                              now: float) -> Verdict | None:
        config = record.config
        period = notifications.period_of(config)
        count = int(config["EvaluationPeriods"])
        end = int(now) // period * period
        start = end - count * period
        data = self.metric_data(account, region)
        if "Metrics" in config:
            results = queries.run(data, config["Metrics"], start, end, now)
            returned = next((r for r in results if r.return_data), None)
            values = dict(zip(returned.timestamps, returned.values, strict=True)) if (
                returned) else {}
            counts = dict.fromkeys(values, 1.0)
            statistic = ""
        else:
            statistic = config.get("Statistic") or config.get("ExtendedStatistic", "")
            series = queries.statistic_series(data, queries.metric_id(config), start, end,
                                              period, statistic, config.get("Unit"))
            values = series.values
            periods = data.periods(queries.metric_id(config), start, end, period,
                                   config.get("Unit"))
            counts = {slot: aggregate.count for slot, aggregate in periods.items()}
        points = [Point(slot, values.get(slot), counts.get(slot, 0.0))
                  for slot in range(start, end, period)]
        rule = Rule(float(config.get("Threshold", 0.0)), config["ComparisonOperator"], count,
                    int(config.get("DatapointsToAlarm", count)),
                    config.get("TreatMissingData", "missing"))
        return evaluate(rule, points, record.state, now=now, statistic=statistic,
                        period=period)

    def evaluate_composites(self, account: str, region: str) -> None:
        table = self.alarms(account, region)
        for _round in range(MAX_COMPOSITE_DEPTH):
            changed = False
            for record in table.values():
                if record.kind != "CompositeAlarm":
                    continue
                rule = alarm_rules.parse(record.config["AlarmRule"])

                def state_of(name: str, table: Any = table) -> str | None:
                    key = name.split(":alarm:", 1)[1] if ":alarm:" in name else name
                    found = table.get(key)
                    return found.state if found is not None else None

                state = ALARM if alarm_rules.holds(rule, state_of) else OK
                if state == record.state:
                    continue
                triggering: list[dict[str, Any]] = [
                    {"arn": child.arn, "state": {"value": child.state,
                                                 "timestamp": iso(child.state_updated)}}
                    for name in sorted(alarm_rules.alarms(rule))
                    if (child := table.get(name.split(":alarm:", 1)[-1])) is not None]
                latest = max(triggering, key=lambda item: item["state"]["timestamp"],
                             default=None)
                reason = (f"{latest['arn']} transitioned to {latest['state']['value']} at "
                          f"{latest['state']['timestamp']}" if latest else
                          f"The alarm rule evaluated to {state == ALARM}.")
                self.change_state(account, region, record, state, reason, json.dumps(
                    {"triggeringAlarms": triggering}, separators=(",", ":")))
                changed = True
            if not changed:
                return

    # -- state changes ----------------------------------------------------------------------

    def change_state(self, account: str, region: str, record: AlarmRecord, state: str,
                     reason: str, reason_data: str | None = None) -> None:
        previous = notifications.previous_state(record)
        old_state = record.state
        now = self.clock.now()
        record.state, record.reason, record.reason_data = state, reason, reason_data
        record.state_updated = now
        if state != old_state:
            record.state_transitioned = now
        self.alarms(account, region).put(record.name, record)
        history: dict[str, Any] = {
            "version": "1.0",
            "oldState": {"stateValue": previous["value"], "stateReason": previous["reason"]},
            "newState": {"stateValue": state, "stateReason": reason}}
        if reason_data:
            history["newState"]["stateReasonData"] = json.loads(reason_data)
        self.add_history(account, region, record, "StateUpdate",
                         f"Alarm updated from {old_state} to {state}", history)
        if state == old_state:
            return
        self._send_event(account, region, record, previous)
        if record.config.get("ActionsEnabled", True):
            for action in record.config.get(_action_member(state), []):
                self._act(account, region, record, old_state, previous, str(action))
        if record.kind == "MetricAlarm":
            self.evaluate_composites(account, region)

    def _send_event(self, account: str, region: str, record: AlarmRecord,
                    previous: dict[str, Any]) -> None:
        with contextlib.suppress(LookupError):
            self.ports.buses.put_events([notifications.bus_entry(record, previous)],
                                        account=account, region=region)

    def _act(self, account: str, region: str, record: AlarmRecord, old_state: str,
             previous: dict[str, Any], action: str) -> None:
        try:
            service = arns.parse(action).service
        except ValueError:
            service = ""
        if service == "sns":
            subject, message = notifications.sns_message(record, old_state, account, region)
            try:
                self.ports.topics.publish(action, message, subject=subject)
            except Exception as error:  # the topic may be gone; AWS records the failure
                self._action_history(account, region, record, action, False, str(error))
                return
            self._action_history(account, region, record, action, True, "")
        elif service == "lambda":
            payload = json.dumps(notifications.lambda_event(record, previous, account, region))
            task = asyncio.get_running_loop().create_task(
                self._invoke(account, region, record, action, payload.encode()))
            self.actions.add(task)
            task.add_done_callback(self.actions.discard)
        else:
            self._action_history(account, region, record, action, False,
                                 "This action is not carried out by the emulator.")

    async def _invoke(self, account: str, region: str, record: AlarmRecord, action: str,
                      payload: bytes) -> None:
        try:
            await self.ports.functions.invoke(action, payload, account=account, region=region,
                                              invocation_type="Event")
        except Exception as error:
            self._action_history(account, region, record, action, False, str(error))
            return
        self._action_history(account, region, record, action, True, "")

    def _action_history(self, account: str, region: str, record: AlarmRecord, action: str,
                        succeeded: bool, detail: str) -> None:
        if succeeded:
            self.add_history(account, region, record, "Action",
                             f"Successfully executed action {action}",
                             {"actionState": "Succeeded", "notificationResource": action,
                              "stateUpdateTimestamp": iso(record.state_updated)})
        else:
            self.add_history(account, region, record, "Action",
                             f"Failed to execute action {action}. Received error: {detail}",
                             {"actionState": "Failed", "notificationResource": action,
                              "stateUpdateTimestamp": iso(record.state_updated),
                              "error": detail})


__all__ = ["EvaluationApi"]
