"""EventBridge delivery: the event envelope at SQS and Lambda targets, input transformation,
bus-to-bus, scheduled rules on the clock, retries with a dead-letter queue, and Lambda
destinations on a bus."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from lambda_support import create_function, unique

from emulator.testing import EmulatorHandle


@pytest.fixture(autouse=True)
def _back_to_real_time(emulator: EmulatorHandle) -> Iterator[None]:
    """These tests move the shared emulator's clock; later tests expect real time."""
    yield
    emulator.clock.reset()

ENVELOPE_KEYS = {"version", "id", "detail-type", "source", "account", "time", "region",
                 "resources", "detail"}


class Queue:
    def __init__(self, emulator: EmulatorHandle) -> None:
        self.sqs = emulator.client("sqs")
        self.url = self.sqs.create_queue(QueueName=unique("q"))["QueueUrl"]
        self.arn = self.sqs.get_queue_attributes(
            QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def messages(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            batch = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10,
                                             MessageAttributeNames=["All"]).get("Messages", [])
            if not batch:
                return found
            found.extend(batch)
            for message in batch:
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])

    def bodies(self) -> list[Any]:
        return [json.loads(m["Body"]) for m in self.messages()]


def _rule(emulator: EmulatorHandle, pattern: dict[str, Any], *targets: dict[str, Any],
          bus: str | None = None) -> str:
    events = emulator.client("events")
    name = unique("rule")
    options = {"EventBusName": bus} if bus else {}
    events.put_rule(Name=name, EventPattern=json.dumps(pattern), **options)
    reply = events.put_targets(Rule=name, Targets=list(targets), **options)
    assert reply["FailedEntryCount"] == 0
    return name


def test_matching_events_reach_sqs_in_the_event_envelope(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    queue = Queue(emulator)
    source = unique("shop")
    _rule(emulator, {"source": [source], "detail": {"total": [{"numeric": [">", 10]}]}},
          {"Id": "q", "Arn": queue.arn})
    reply = events.put_events(Entries=[
        {"Source": source, "DetailType": "OrderPlaced", "Detail": json.dumps({"total": 42}),
         "Resources": ["arn:aws:shop:order/1"]},
        {"Source": source, "DetailType": "OrderPlaced", "Detail": json.dumps({"total": 5})},
        {"Source": "other", "DetailType": "OrderPlaced", "Detail": json.dumps({"total": 99})},
    ])
    emulator.wait_idle()
    [event] = queue.bodies()
    assert set(event) == ENVELOPE_KEYS
    assert event["version"] == "0"
    assert event["id"] == reply["Entries"][0]["EventId"]
    assert event["detail-type"] == "OrderPlaced"
    assert event["source"] == source
    assert event["account"] == "000000000000"
    assert event["region"] == emulator.region
    assert event["resources"] == ["arn:aws:shop:order/1"]
    assert event["detail"] == {"total": 42}
    assert len(event["time"]) == 20 and event["time"].endswith("Z")


def test_lambda_target_is_invoked_with_the_event(emulator: EmulatorHandle) -> None:
    lam, events = emulator.client("lambda"), emulator.client("events")
    out = Queue(emulator)
    name = create_function(lam, {"app.py": f"""
        import boto3, json
        def handler(event, context):
            boto3.client("sqs").send_message(QueueUrl="{out.url}", MessageBody=json.dumps(event))
    """})
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    source = unique("app")
    _rule(emulator, {"source": [source]}, {"Id": "fn", "Arn": arn})
    events.put_events(Entries=[{"Source": source, "DetailType": "Ping", "Detail": '{"a": 1}'}])
    emulator.wait_idle()
    [event] = out.bodies()
    assert set(event) == ENVELOPE_KEYS and event["detail"] == {"a": 1}


def test_input_input_path_and_transformer(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    constant, path, template, text = (Queue(emulator) for _ in range(4))
    source = unique("shop")
    _rule(emulator, {"source": [source]},
          {"Id": "constant", "Arn": constant.arn, "Input": '{"fixed": true}'},
          {"Id": "path", "Arn": path.arn, "InputPath": "$.detail.order"},
          {"Id": "template", "Arn": template.arn, "InputTransformer": {
              "InputPathsMap": {"id": "$.detail.order.id", "total": "$.detail.order.total",
                                "items": "$.detail.order.items"},
              "InputTemplate": '{"order": <id>, "label": "order <id> costs <total>", '
                               '"total": <total>, "items": <items>, '
                               '"rule": "<aws.events.rule-name>"}'}},
          {"Id": "text", "Arn": text.arn, "InputTransformer": {
              "InputPathsMap": {"id": "$.detail.order.id"},
              "InputTemplate": '"Order <id> was placed"'}})
    detail = {"order": {"id": "o-1", "total": 12.5, "items": ["a", "b"]}}
    events.put_events(Entries=[{"Source": source, "DetailType": "Placed",
                                "Detail": json.dumps(detail)}])
    emulator.wait_idle()
    assert constant.bodies() == [{"fixed": True}]
    assert path.bodies() == [detail["order"]]
    [filled] = template.bodies()
    assert filled["order"] == "o-1"
    assert filled["label"] == "order o-1 costs 12.5"
    assert filled["total"] == 12.5 and filled["items"] == ["a", "b"]
    assert filled["rule"].startswith("rule-")
    assert text.bodies() == ["Order o-1 was placed"]


def test_targets_get_minified_json_text(emulator: EmulatorHandle) -> None:
    """"The JSON that is passed to the target is minified"
    (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html,
    "Common issues"): the whole event, the InputPath part and a JSON template alike, so an SQS
    body or a Step Functions execution's input reads ``{"version":"0",...}``. In a template,
    ``<aws.events.event>`` is the event without its detail and ``<aws.events.event.json>`` the
    whole event (same page, "Predefined variables")."""
    events = emulator.client("events")
    whole, path, template = (Queue(emulator) for _ in range(3))
    source = unique("ec2")
    _rule(emulator, {"source": [source]},
          {"Id": "whole", "Arn": whole.arn},
          {"Id": "path", "Arn": path.arn, "InputPath": "$.detail"},
          {"Id": "template", "Arn": template.arn, "InputTransformer": {
              "InputPathsMap": {"state": "$.detail.state"},
              "InputTemplate": '{\n  "state" : <state>,\n  "label": "is  <state>",\n'
                               '  "event": <aws.events.event>,\n'
                               '  "json": <aws.events.event.json>\n}'}})
    events.put_events(Entries=[{"Source": source, "DetailType": "State-change",
                                "Detail": '{ "instance-id" : "i-1", "state": "running" }'}])
    emulator.wait_idle()
    [body] = [message["Body"] for message in whole.messages()]
    event = json.loads(body)
    assert body == json.dumps(event, separators=(",", ":"))
    assert body.endswith('"detail":{"instance-id":"i-1","state":"running"}}')
    assert [m["Body"] for m in path.messages()] == ['{"instance-id":"i-1","state":"running"}']
    [filled] = [message["Body"] for message in template.messages()]
    without_detail = {key: value for key, value in event.items() if key != "detail"}
    assert filled == json.dumps({"state": "running", "label": "is  running",
                                 "event": without_detail, "json": event},
                                separators=(",", ":"))


def test_a_bus_target_forwards_to_another_bus(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    second = unique("bus")
    second_arn = events.create_event_bus(Name=second)["EventBusArn"]
    queue = Queue(emulator)
    source = unique("fwd")
    _rule(emulator, {"source": [source]}, {"Id": "q", "Arn": queue.arn}, bus=second)
    _rule(emulator, {"source": [source]}, {"Id": "bus", "Arn": second_arn})
    events.put_events(Entries=[{"Source": source, "DetailType": "Hop", "Detail": '{"n": 1}'}])
    emulator.wait_idle()
    [event] = queue.bodies()
    assert event["source"] == source and event["detail"] == {"n": 1}


def test_a_log_group_target_gets_each_event_as_a_log_event(emulator: EmulatorHandle) -> None:
    # A CloudWatch Logs log group is a rule target; EventBridge creates the log stream and
    # writes the event into it:
    # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html and
    # https://repost.aws/knowledge-center/cloudwatch-log-group-eventbridge
    logs = emulator.client("logs")
    group = f"/aws/events/{unique('trail')}"
    logs.create_log_group(logGroupName=group)
    arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["arn"]
    assert arn.endswith(":*")  # the form Fn::GetAtt gives, taken as it is
    source = unique("logged")
    _rule(emulator, {"source": [{"prefix": source[:12]}]}, {"Id": "logs", "Arn": arn})
    events = emulator.client("events")
    sent = events.put_events(Entries=[{"Source": source, "DetailType": "Note",
                                       "Detail": '{"Message": "hello"}'}])["Entries"][0]
    emulator.wait_idle()
    mine = [json.loads(e["message"]) for e in logs.filter_log_events(
        logGroupName=group)["events"]]
    assert len(mine) == 1 and set(mine[0]) == ENVELOPE_KEYS
    assert mine[0]["id"] == sent["EventId"] and mine[0]["detail"] == {"Message": "hello"}


def test_rate_schedule_fires_as_the_clock_moves(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    queue = Queue(emulator)
    name = unique("tick")
    emulator.clock.freeze()  # the schedule comes due only by the jumps below
    rule_arn = events.put_rule(Name=name, ScheduleExpression="rate(5 minutes)")["RuleArn"]
    events.put_targets(Rule=name, Targets=[{"Id": "q", "Arn": queue.arn}])
    emulator.wait_idle()
    assert queue.bodies() == []
    emulator.clock.advance(290)  # real seconds pass too: a busy machine's stay under ten
    emulator.wait_idle()
    assert queue.bodies() == []
    emulator.clock.advance(10)
    emulator.wait_idle()
    [event] = queue.bodies()
    assert event["source"] == "aws.events"
    assert event["detail-type"] == "Scheduled Event"
    assert event["resources"] == [rule_arn]
    assert event["detail"] == {}
    emulator.clock.advance(600)
    emulator.wait_idle()
    assert len(queue.bodies()) == 2
    events.disable_rule(Name=name)
    emulator.clock.advance(600)
    emulator.wait_idle()
    assert queue.bodies() == []


def test_cron_schedule_fires_at_its_minute(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    queue = Queue(emulator)
    emulator.clock.freeze()
    emulator.clock.set(1_700_000_000)  # 2023-11-14T22:13:20Z, a Tuesday
    name = unique("cron")
    events.put_rule(Name=name, ScheduleExpression="cron(30 22 ? * TUE *)")
    events.put_targets(Rule=name, Targets=[{"Id": "q", "Arn": queue.arn}])
    emulator.clock.advance(16 * 60)  # 22:29:20
    emulator.wait_idle()
    assert queue.bodies() == []
    emulator.clock.advance(60)
    emulator.wait_idle()
    [event] = queue.bodies()
    assert event["time"] == "2023-11-14T22:30:00Z"
    emulator.clock.advance(7 * 24 * 3600)
    emulator.wait_idle()
    assert [e["time"] for e in queue.bodies()] == ["2023-11-21T22:30:00Z"]
    emulator.clock.reset()


def test_failed_deliveries_are_retried_then_dead_lettered(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    dlq = Queue(emulator)
    missing = f"arn:aws:sqs:{emulator.region}:000000000000:{unique('missing')}"
    source = unique("src")
    rule = _rule(emulator, {"source": [source]}, {
        "Id": "q", "Arn": missing, "RetryPolicy": {"MaximumRetryAttempts": 2},
        "DeadLetterConfig": {"Arn": dlq.arn}})
    events.put_events(Entries=[{"Source": source, "DetailType": "X", "Detail": "{}"}])
    emulator.wait_idle()
    assert dlq.messages() == []
    emulator.clock.advance(1)
    emulator.wait_idle()
    assert dlq.messages() == []
    emulator.clock.advance(2)
    emulator.wait_idle()
    [message] = dlq.messages()
    assert json.loads(message["Body"])["source"] == source
    attributes = message["MessageAttributes"]
    assert attributes["RULE_ARN"]["StringValue"].endswith(f":rule/{rule}")
    assert attributes["TARGET_ARN"]["StringValue"] == missing
    assert attributes["ERROR_CODE"]["StringValue"] == "RESOURCE_NOT_FOUND"
    assert attributes["EXHAUSTED_RETRY_CONDITION"]["StringValue"] == "MaximumRetryAttempts"
    assert attributes["RETRY_ATTEMPTS"]["StringValue"] == "2"


def test_step_functions_target_starts_an_execution(emulator: EmulatorHandle) -> None:
    events, sfn = emulator.client("events"), emulator.client("stepfunctions")
    machine = sfn.create_state_machine(
        name=unique("m"), roleArn="arn:aws:iam::000000000000:role/r",
        definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
    )["stateMachineArn"]
    source = unique("src")
    _rule(emulator, {"source": [source]}, {"Id": "sfn", "Arn": machine,
                                           "InputPath": "$.detail"})
    events.put_events(Entries=[{"Source": source, "DetailType": "Go", "Detail": '{"n": 3}'}])
    emulator.wait_idle()
    [execution] = sfn.list_executions(stateMachineArn=machine)["executions"]
    described = sfn.describe_execution(executionArn=execution["executionArn"])
    assert json.loads(described["input"]) == {"n": 3}


def test_lambda_destination_on_a_bus(emulator: EmulatorHandle) -> None:
    lam, events = emulator.client("lambda"), emulator.client("events")
    queue = Queue(emulator)
    bus = unique("results")
    bus_arn = events.create_event_bus(Name=bus)["EventBusArn"]
    _rule(emulator, {"source": ["lambda"]}, {"Id": "q", "Arn": queue.arn}, bus=bus)
    name = create_function(lam, {"app.py": "def handler(event, context):\n    return 'ok'\n"})
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": bus_arn}})
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"x": 1}')
    emulator.wait_idle()
    [event] = queue.bodies()
    assert event["detail-type"] == "Lambda Function Invocation Result - Success"
    assert event["source"] == "lambda"
    assert event["detail"]["requestPayload"] == {"x": 1}
    assert event["detail"]["responsePayload"] == "ok"
    assert event["resources"][0].endswith(f":function:{name}:$LATEST")
