"""EventBridge Scheduler firing on the emulator clock: at, rate and cron expressions in time
zones, start and end dates, disabled schedules, deletion after completion, and each templated
target (Lambda, SQS, SNS, Step Functions, EventBridge) getting the target's Input, with the
retry policy and dead-letter queue when a target cannot be reached.

Sources:
https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html (at/rate/cron, time
zones; a rate schedule without a start date starts invoking its target at once)
https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html
https://docs.aws.amazon.com/lambda/latest/dg/with-eventbridge-scheduler.html (Lambda is invoked
asynchronously)
https://docs.aws.amazon.com/scheduler/latest/APIReference/API_Target.html
https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from lambda_support import create_function, unique

from emulator.testing import EmulatorHandle

ROLE = "arn:aws:iam::000000000000:role/scheduler"
OFF = {"Mode": "OFF"}
# Monday 2031-03-03 08:00:00 UTC: a known wall clock for cron and at expressions.
MONDAY_8AM = datetime(2031, 3, 3, 8, 0, tzinfo=UTC).timestamp()


@pytest.fixture(autouse=True)
def _frozen_clock(emulator: EmulatorHandle) -> Iterator[None]:
    """Schedules come due only when a test moves the clock; later tests expect real time."""
    emulator.clock.freeze()
    emulator.clock.set(MONDAY_8AM)
    yield
    emulator.clock.reset()


class Queue:
    def __init__(self, emulator: EmulatorHandle, fifo: bool = False) -> None:
        self.sqs = emulator.client("sqs")
        name = unique("q") + (".fifo" if fifo else "")
        attributes = {"FifoQueue": "true"} if fifo else {}
        self.url = self.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        self.arn = self.sqs.get_queue_attributes(
            QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def messages(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while batch := self.sqs.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                AttributeNames=["All"]).get("Messages", []):
            found.extend(batch)
            for message in batch:
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
        return found

    def bodies(self) -> list[str]:
        return [message["Body"] for message in self.messages()]


def _schedule(emulator: EmulatorHandle, target: dict[str, Any], **options: Any) -> str:
    name = unique("s")
    options.setdefault("FlexibleTimeWindow", OFF)
    emulator.client("scheduler").create_schedule(
        Name=name, Target={"RoleArn": ROLE, **target}, **options)
    return name


def _advance(emulator: EmulatorHandle, seconds: float) -> None:
    emulator.wait_idle()
    emulator.clock.advance(seconds)
    emulator.wait_idle()


def test_rate_schedule_fires_at_once_then_every_period_with_context_attributes(
        emulator: EmulatorHandle) -> None:
    queue = Queue(emulator)
    name = _schedule(emulator, {"Arn": queue.arn, "Input": json.dumps({
        "arn": "<aws.scheduler.schedule-arn>", "at": "<aws.scheduler.scheduled-time>",
        "id": "<aws.scheduler.execution-id>", "attempt": "<aws.scheduler.attempt-number>"})},
        ScheduleExpression="rate(5 minutes)")
    emulator.wait_idle()
    [first] = [json.loads(body) for body in queue.bodies()]
    assert first["arn"].endswith(f":schedule/default/{name}")
    assert first["at"] == "2031-03-03T08:00:00Z"
    assert first["attempt"] == "1" and len(first["id"]) == 16
    _advance(emulator, 299)
    assert queue.bodies() == []
    _advance(emulator, 1)
    [second] = [json.loads(body) for body in queue.bodies()]
    assert second["at"] == "2031-03-03T08:05:00Z" and second["id"] != first["id"]
    emulator.client("scheduler").delete_schedule(Name=name)
    _advance(emulator, 600)
    assert queue.bodies() == []


def test_cron_reads_its_time_zone_and_stops_at_the_end_date(emulator: EmulatorHandle) -> None:
    queue = Queue(emulator)
    # 09:30 in Paris is 08:30 UTC in March (before daylight saving time)
    _schedule(emulator, {"Arn": queue.arn, "Input": "<aws.scheduler.scheduled-time>"},
              ScheduleExpression="cron(30 9 ? * MON-FRI *)",
              ScheduleExpressionTimezone="Europe/Paris",
              EndDate=datetime(2031, 3, 4, 12, 0, tzinfo=UTC))
    _advance(emulator, 29 * 60)
    assert queue.bodies() == []
    _advance(emulator, 60)
    assert queue.bodies() == ["2031-03-03T08:30:00Z"]
    _advance(emulator, 86400)
    assert queue.bodies() == ["2031-03-04T08:30:00Z"]
    _advance(emulator, 86400)  # past the end date
    assert queue.bodies() == []


def test_one_time_schedule_fires_once_in_its_zone_and_deletes_itself(
        emulator: EmulatorHandle) -> None:
    queue = Queue(emulator)
    scheduler = emulator.client("scheduler")
    # 2031-03-03T17:10:00 in Tokyo (UTC+9) is 08:10 UTC
    kept = _schedule(emulator, {"Arn": queue.arn, "Input": "kept"},
                     ScheduleExpression="at(2031-03-03T17:10:00)",
                     ScheduleExpressionTimezone="Asia/Tokyo")
    gone = _schedule(emulator, {"Arn": queue.arn, "Input": "gone"},
                     ScheduleExpression="at(2031-03-03T08:10:00)",
                     ActionAfterCompletion="DELETE")
    _advance(emulator, 599)
    assert queue.bodies() == []
    _advance(emulator, 1)
    assert sorted(queue.bodies()) == ["gone", "kept"]
    _advance(emulator, 86400)
    assert queue.bodies() == []
    assert scheduler.get_schedule(Name=kept)["State"] == "ENABLED"
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException):
        scheduler.get_schedule(Name=gone)


def test_disabled_schedules_and_later_start_dates_wait(emulator: EmulatorHandle) -> None:
    queue = Queue(emulator)
    scheduler = emulator.client("scheduler")
    name = _schedule(emulator, {"Arn": queue.arn, "Input": "tick"},
                     ScheduleExpression="rate(1 minute)", State="DISABLED")
    _schedule(emulator, {"Arn": queue.arn, "Input": "late"}, ScheduleExpression="rate(1 hour)",
              StartDate=datetime(2031, 3, 3, 9, 0, tzinfo=UTC))
    _advance(emulator, 300)
    assert queue.bodies() == []
    scheduler.update_schedule(Name=name, ScheduleExpression="rate(1 minute)",
                              FlexibleTimeWindow=OFF, State="ENABLED",
                              Target={"RoleArn": ROLE, "Arn": queue.arn, "Input": "tick"})
    emulator.wait_idle()
    assert queue.bodies() == ["tick"]
    scheduler.update_schedule(Name=name, ScheduleExpression="rate(1 minute)",
                              FlexibleTimeWindow=OFF, State="DISABLED",
                              Target={"RoleArn": ROLE, "Arn": queue.arn, "Input": "tick"})
    _advance(emulator, 55 * 60)
    assert queue.bodies() == ["late"]


def test_fifo_queue_gets_the_message_group_and_flexible_windows_fire_at_their_start(
        emulator: EmulatorHandle) -> None:
    queue = Queue(emulator, fifo=True)
    _schedule(emulator, {"Arn": queue.arn, "Input": "in order",
                         "SqsParameters": {"MessageGroupId": "orders"}},
              ScheduleExpression="at(2031-03-03T08:01:00)",
              FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 10})
    _advance(emulator, 60)
    [message] = queue.messages()
    assert message["Body"] == "in order"
    assert message["Attributes"]["MessageGroupId"] == "orders"


def test_lambda_target_is_invoked_asynchronously_with_the_default_input(
        emulator: EmulatorHandle) -> None:
    lam = emulator.client("lambda")
    function = create_function(lam, {"app.py": "def handler(event, context):\n    return 1\n"})
    function_arn = lam.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    queue = Queue(emulator)
    lam.put_function_event_invoke_config(
        FunctionName=function, DestinationConfig={"OnSuccess": {"Destination": queue.arn}})
    _schedule(emulator, {"Arn": function_arn}, ScheduleExpression="at(2031-03-03T08:02:00)")
    _advance(emulator, 120)
    [record] = [json.loads(body) for body in queue.bodies()]
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestPayload"] == {}  # no Input: the default notification


def test_sns_step_functions_and_eventbridge_targets(emulator: EmulatorHandle) -> None:
    queue = Queue(emulator)
    sns = emulator.client("sns")
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue.arn,
                  Attributes={"RawMessageDelivery": "true"})
    sfn = emulator.client("stepfunctions")
    machine = sfn.create_state_machine(
        name=unique("m"), roleArn=ROLE,
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
    )["stateMachineArn"]
    events = emulator.client("events")
    bus = unique("bus")
    bus_arn = events.create_event_bus(Name=bus)["EventBusArn"]
    events.put_rule(Name="all", EventBusName=bus, EventPattern=json.dumps({"source": ["app"]}))
    events.put_targets(Rule="all", EventBusName=bus, Targets=[{"Id": "q", "Arn": queue.arn}])

    _schedule(emulator, {"Arn": topic, "Input": "to the topic"},
              ScheduleExpression="at(2031-03-03T08:03:00)")
    _schedule(emulator, {"Arn": machine, "Input": json.dumps({"run": 1})},
              ScheduleExpression="at(2031-03-03T08:03:00)")
    name = _schedule(emulator, {"Arn": bus_arn, "Input": json.dumps({"total": 3}),
                                "EventBridgeParameters": {"Source": "app",
                                                          "DetailType": "Tick"}},
                     ScheduleExpression="at(2031-03-03T08:03:00)")
    _advance(emulator, 180)
    bodies = queue.bodies()
    assert "to the topic" in bodies
    [event] = [json.loads(body) for body in bodies if body != "to the topic"]
    assert (event["source"], event["detail-type"], event["detail"]) == (
        "app", "Tick", {"total": 3})
    assert event["resources"][0].endswith(f":schedule/default/{name}")
    [execution] = sfn.list_executions(stateMachineArn=machine)["executions"]
    described = sfn.describe_execution(executionArn=execution["executionArn"])
    assert json.loads(described["input"]) == {"run": 1}


def test_unreachable_target_is_retried_then_dead_lettered(emulator: EmulatorHandle) -> None:
    dead = Queue(emulator)
    missing = f"arn:aws:sqs:{emulator.region}:000000000000:{unique('gone')}"
    name = _schedule(emulator, {"Arn": missing, "Input": "lost",
                                "RetryPolicy": {"MaximumRetryAttempts": 2},
                                "DeadLetterConfig": {"Arn": dead.arn}},
                     ScheduleExpression="at(2031-03-03T08:01:00)")
    _advance(emulator, 60)
    assert dead.messages() == []  # the first retry waits
    _advance(emulator, 1)
    _advance(emulator, 2)
    [message] = dead.messages()
    assert message["Body"] == "lost"
    attributes = {key: value["StringValue"]
                  for key, value in message["MessageAttributes"].items()}
    assert attributes["EXHAUSTED_RETRY_CONDITION"] == "MaximumRetryAttempts"
    assert attributes["RETRY_ATTEMPTS"] == "2"
    assert attributes["TARGET_ARN"] == missing
    assert attributes["SCHEDULE_ARN"].endswith(f":schedule/default/{name}")


def test_wall_clock_times_follow_daylight_saving_time() -> None:
    """Unit check of the shared evaluator in a zone: 09:00 New York is 14:00 UTC in winter
    and 13:00 UTC in summer (schedule-types.html, daylight saving time)."""
    from emulator import schedules

    plan = schedules.parse("cron(0 9 * * ? *)")
    zone = ZoneInfo("America/New_York")
    winter = plan.next_after(datetime(2031, 1, 6, tzinfo=UTC).timestamp(), 0, zone)
    summer = plan.next_after(datetime(2031, 7, 7, tzinfo=UTC).timestamp(), 0, zone)
    assert winter is not None and summer is not None
    assert datetime.fromtimestamp(winter, UTC).hour == 14
    assert datetime.fromtimestamp(summer, UTC).hour == 13


def test_universal_target_calls_the_named_operation_with_the_input(
        emulator: EmulatorHandle) -> None:
    """The universal target of managing-schedule-context-attributes.html's example: SQS
    SendMessage with the Input as its parameters, context attributes replaced."""
    queue = Queue(emulator)
    _schedule(emulator, {
        "Arn": "arn:aws:scheduler:::aws-sdk:sqs:sendMessage",
        "Input": json.dumps({"QueueUrl": queue.url,
                             "MessageBody": "<aws.scheduler.scheduled-time>"})},
        ScheduleExpression="at(2031-03-03T08:04:00)")
    _advance(emulator, 240)
    assert queue.bodies() == ["2031-03-03T08:04:00Z"]
