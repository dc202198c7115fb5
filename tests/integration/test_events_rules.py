"""EventBridge control plane: buses, rules, targets, tags, TestEventPattern and AWS's errors."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from lambda_support import unique

from emulator.testing import EmulatorHandle

EVENT = {"id": "1", "account": "000000000000", "source": "shop", "time": "2024-01-01T00:00:00Z",
         "region": "us-east-1", "detail-type": "OrderPlaced", "resources": [],
         "detail": {"total": 42}}


def test_buses_are_created_described_listed_and_deleted(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    name = unique("bus")
    arn = events.create_event_bus(Name=name, Description="orders")["EventBusArn"]
    assert arn == f"arn:aws:events:{emulator.region}:000000000000:event-bus/{name}"
    described = events.describe_event_bus(Name=name)
    assert described["Name"] == name and described["Arn"] == arn
    assert described["Description"] == "orders"
    assert events.describe_event_bus()["Name"] == "default"
    names = [b["Name"] for b in events.list_event_buses()["EventBuses"]]
    assert "default" in names and name in names
    with pytest.raises(ClientError) as exists:
        events.create_event_bus(Name=name)
    assert exists.value.response["Error"]["Code"] == "ResourceAlreadyExistsException"
    events.delete_event_bus(Name=name)
    with pytest.raises(ClientError) as gone:
        events.describe_event_bus(Name=name)
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_rules_and_targets(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    name = unique("rule")
    pattern = json.dumps({"source": ["shop"]})
    arn = events.put_rule(Name=name, EventPattern=pattern, Description="d")["RuleArn"]
    assert arn == f"arn:aws:events:{emulator.region}:000000000000:rule/{name}"
    described = events.describe_rule(Name=name)
    assert described["EventPattern"] == pattern
    assert described["State"] == "ENABLED"
    assert described["EventBusName"] == "default"
    events.disable_rule(Name=name)
    assert events.describe_rule(Name=name)["State"] == "DISABLED"
    events.enable_rule(Name=name)
    queue = f"arn:aws:sqs:{emulator.region}:000000000000:q"
    put = events.put_targets(Rule=name, Targets=[{"Id": "t1", "Arn": queue},
                                                 {"Id": "t2", "Arn": queue, "Input": "{}"}])
    assert put["FailedEntryCount"] == 0
    listed = events.list_targets_by_rule(Rule=name)["Targets"]
    assert [t["Id"] for t in listed] == ["t1", "t2"]
    assert name in events.list_rule_names_by_target(TargetArn=queue)["RuleNames"]
    with pytest.raises(ClientError) as has_targets:
        events.delete_rule(Name=name)
    assert has_targets.value.response["Error"]["Code"] == "ValidationException"
    removed = events.remove_targets(Rule=name, Ids=["t1", "t2", "nope"])
    assert removed["FailedEntryCount"] == 1
    events.delete_rule(Name=name)
    with pytest.raises(ClientError) as gone:
        events.describe_rule(Name=name)
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_rules_on_a_custom_bus(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    bus = unique("bus")
    events.create_event_bus(Name=bus)
    name = unique("rule")
    arn = events.put_rule(Name=name, EventBusName=bus,
                          EventPattern=json.dumps({"source": ["x"]}))["RuleArn"]
    assert arn.endswith(f":rule/{bus}/{name}")
    assert [r["Name"] for r in events.list_rules(EventBusName=bus)["Rules"]] == [name]
    with pytest.raises(ClientError) as scheduled:
        events.put_rule(Name=unique("s"), EventBusName=bus, ScheduleExpression="rate(1 minute)")
    assert scheduled.value.response["Error"]["Code"] == "ValidationException"


@pytest.mark.parametrize("expression", ["rate(1 minutes)", "rate(0 minutes)", "rate(2 minute)",
                                        "cron(0 12 * * * *)", "cron(0 12 * *)", "every day"])
def test_bad_schedule_expressions(emulator: EmulatorHandle, expression: str) -> None:
    events = emulator.client("events")
    with pytest.raises(ClientError) as refused:
        events.put_rule(Name=unique("s"), ScheduleExpression=expression)
    assert refused.value.response["Error"]["Code"] == "ValidationException"


def test_invalid_patterns_and_targets(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    with pytest.raises(ClientError) as bad:
        events.put_rule(Name=unique("r"), EventPattern=json.dumps({"source": "shop"}))
    assert bad.value.response["Error"]["Code"] == "InvalidEventPatternException"
    assert bad.value.response["Error"]["Message"].startswith("Event pattern is not valid.")
    name = unique("r")
    events.put_rule(Name=name, EventPattern=json.dumps({"source": ["shop"]}))
    machine = f"arn:aws:states:{emulator.region}:000000000000:stateMachine:m"
    with pytest.raises(ClientError) as both:
        events.put_targets(Rule=name, Targets=[{"Id": "a", "Arn": machine, "Input": "{}",
                                                "InputPath": "$.detail"}])
    assert both.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as missing_rule:
        events.put_targets(Rule=unique("none"), Targets=[{"Id": "a", "Arn": machine}])
    assert missing_rule.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_test_event_pattern(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    matching = json.dumps({"source": ["shop"], "detail": {"total": [{"numeric": [">", 40]}]}})
    other = json.dumps({"detail": {"total": [{"numeric": ["<", 40]}]}})
    assert events.test_event_pattern(EventPattern=matching, Event=json.dumps(EVENT))["Result"]
    assert not events.test_event_pattern(EventPattern=other, Event=json.dumps(EVENT))["Result"]
    with pytest.raises(ClientError) as bad_pattern:
        events.test_event_pattern(EventPattern='{"source": [{"nope": 1}]}',
                                  Event=json.dumps(EVENT))
    assert bad_pattern.value.response["Error"]["Code"] == "InvalidEventPatternException"
    with pytest.raises(ClientError) as bad_event:
        events.test_event_pattern(EventPattern=matching, Event=json.dumps({"source": "shop"}))
    assert bad_event.value.response["Error"]["Code"] == "ValidationException"


def test_put_events_reports_each_entry(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    reply = events.put_events(Entries=[
        {"Source": "shop", "DetailType": "A", "Detail": "{}"},
        {"Source": "shop", "DetailType": "A", "Detail": "[1]"},
        {"Source": "shop", "DetailType": "A"},
        {"Source": "shop", "DetailType": "A", "Detail": "{}", "EventBusName": unique("none")},
    ])
    assert reply["FailedEntryCount"] == 3
    first, malformed, missing, no_bus = reply["Entries"]
    assert set(first) == {"EventId"}
    assert malformed["ErrorCode"] == "MalformedDetail"
    assert missing["ErrorCode"] == "InvalidArgument"
    assert no_bus["ErrorCode"] == "ResourceNotFoundException"


def test_tags_on_buses_and_rules(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    bus_arn = events.create_event_bus(Name=unique("bus"),
                                      Tags=[{"Key": "a", "Value": "1"}])["EventBusArn"]
    events.tag_resource(ResourceARN=bus_arn, Tags=[{"Key": "b", "Value": "2"}])
    events.untag_resource(ResourceARN=bus_arn, TagKeys=["a"])
    assert events.list_tags_for_resource(ResourceARN=bus_arn)["Tags"] == [
        {"Key": "b", "Value": "2"}]
    rule_arn = events.put_rule(Name=unique("r"), EventPattern='{"source": ["x"]}',
                               Tags=[{"Key": "c", "Value": "3"}])["RuleArn"]
    assert events.list_tags_for_resource(ResourceARN=rule_arn)["Tags"] == [
        {"Key": "c", "Value": "3"}]
