"""CloudWatch Logs through boto3: groups, streams, events, filtering, retention, tags."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


def group_name() -> str:
    return f"/test/{uuid.uuid4().hex[:10]}"


def test_groups_streams_and_events(emulator: EmulatorHandle) -> None:
    logs = emulator.client("logs")
    group = group_name()
    logs.create_log_group(logGroupName=group, tags={"team": "a"})
    with pytest.raises(ClientError) as excinfo:
        logs.create_log_group(logGroupName=group)
    assert excinfo.value.response["Error"]["Code"] == "ResourceAlreadyExistsException"
    described = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert [g["logGroupName"] for g in described] == [group]
    assert described[0]["arn"].endswith(f":log-group:{group}:*")
    logs.create_log_stream(logGroupName=group, logStreamName="s1")
    now = int(emulator.clock.now() * 1000)
    logs.put_log_events(logGroupName=group, logStreamName="s1", logEvents=[
        {"timestamp": now + i, "message": f"line {i}"} for i in range(5)])
    events = logs.get_log_events(logGroupName=group, logStreamName="s1",
                                 startFromHead=True, limit=2)
    assert [e["message"] for e in events["events"]] == ["line 0", "line 1"]
    following = logs.get_log_events(logGroupName=group, logStreamName="s1",
                                    nextToken=events["nextForwardToken"], limit=10)
    assert [e["message"] for e in following["events"]] == ["line 2", "line 3", "line 4"]
    latest = logs.get_log_events(logGroupName=group, logStreamName="s1", limit=1)
    assert [e["message"] for e in latest["events"]] == ["line 4"]
    stream = logs.describe_log_streams(logGroupName=group)["logStreams"][0]
    assert (stream["firstEventTimestamp"], stream["lastEventTimestamp"]) == (now, now + 4)
    with pytest.raises(ClientError) as excinfo:
        logs.put_log_events(logGroupName=group, logStreamName="s1", logEvents=[
            {"timestamp": now + 5, "message": "b"}, {"timestamp": now, "message": "a"}])
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        logs.get_log_events(logGroupName=group, logStreamName="nope")
    assert excinfo.value.response["Error"]["Message"] == (
        "The specified log stream does not exist.")
    logs.delete_log_stream(logGroupName=group, logStreamName="s1")
    logs.delete_log_group(logGroupName=group)
    with pytest.raises(ClientError) as excinfo:
        logs.describe_log_streams(logGroupName=group)
    assert excinfo.value.response["Error"]["Message"] == "The specified log group does not exist."


def test_filter_patterns(emulator: EmulatorHandle) -> None:
    logs = emulator.client("logs")
    group = group_name()
    logs.create_log_group(logGroupName=group)
    now = int(emulator.clock.now() * 1000)
    messages = ["ERROR disk full", "WARN disk slow", "INFO all good", "ERROR net down",
                json.dumps({"level": "ERROR", "ms": 250}), json.dumps({"level": "INFO", "ms": 5})]
    for index, stream in enumerate(("a", "b")):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
            {"timestamp": now + i, "message": m} for i, m in enumerate(messages[index::2])])

    def matching(pattern: str, **options: object) -> list[str]:
        found = logs.filter_log_events(logGroupName=group, filterPattern=pattern, **options)
        return sorted(e["message"] for e in found["events"])

    assert matching("ERROR") == sorted(["ERROR disk full", "ERROR net down",
                                        messages[4]])
    assert matching("ERROR disk") == ["ERROR disk full"]
    assert matching('"disk full"') == ["ERROR disk full"]
    assert matching("?WARN ?INFO") == sorted(["WARN disk slow", "INFO all good", messages[5]])
    assert matching("disk -full") == ["WARN disk slow"]
    assert matching('{ $.level = "ERROR" }') == [messages[4]]
    assert matching("{ $.ms > 100 }") == [messages[4]]
    assert len(matching("", logStreamNames=["a"])) == 3
    with pytest.raises(ClientError) as excinfo:
        matching("[a, b]")
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"


def test_retention_drops_old_events_on_the_clock(emulator: EmulatorHandle) -> None:
    logs = emulator.client("logs")
    group = group_name()
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    now = int(emulator.clock.now() * 1000)
    logs.put_log_events(logGroupName=group, logStreamName="s",
                        logEvents=[{"timestamp": now, "message": "old"}])
    with pytest.raises(ClientError) as excinfo:
        logs.put_retention_policy(logGroupName=group, retentionInDays=2)
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"
    logs.put_retention_policy(logGroupName=group, retentionInDays=1)
    assert logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0][
        "retentionInDays"] == 1
    try:
        emulator.clock.advance(2 * 86400)
        assert logs.filter_log_events(logGroupName=group)["events"] == []
        logs.delete_retention_policy(logGroupName=group)
        assert len(logs.filter_log_events(logGroupName=group)["events"]) == 1
    finally:
        emulator.clock.reset()


def test_tags(emulator: EmulatorHandle) -> None:
    logs = emulator.client("logs")
    group = group_name()
    logs.create_log_group(logGroupName=group)
    arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["logGroupArn"]
    logs.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})
    logs.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2"}
