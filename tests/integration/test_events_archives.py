"""EventBridge archives keep the events of their bus that match their pattern; a replay
sends those of a time window back through the bus's rules, marked with ``replay-name``."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


def test_archives_count_matching_events_and_replays_send_them_again(
        emulator: EmulatorHandle) -> None:
    events, sqs = emulator.client("events"), emulator.client("sqs")
    bus = f"orders-{uuid.uuid4().hex[:6]}"
    bus_arn = events.create_event_bus(Name=bus)["EventBusArn"]
    archive = events.create_archive(ArchiveName=f"{bus}-all", EventSourceArn=bus_arn,
                                    EventPattern=json.dumps({"source": ["shop"]}),
                                    RetentionDays=1)
    assert archive["State"] == "ENABLED"
    begin = datetime.now(UTC) - timedelta(minutes=1)
    events.put_events(Entries=[
        {"EventBusName": bus, "Source": "shop", "DetailType": "order", "Detail": "{}"},
        {"EventBusName": bus, "Source": "other", "DetailType": "x", "Detail": "{}"}])
    described = events.describe_archive(ArchiveName=f"{bus}-all")
    assert described["EventCount"] == 1 and described["SizeBytes"] > 0
    queue = sqs.create_queue(QueueName=f"{bus}-replayed")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    events.put_rule(Name="replayed", EventBusName=bus,
                    EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="replayed", EventBusName=bus,
                       Targets=[{"Id": "q", "Arn": queue_arn}])
    events.start_replay(ReplayName=f"{bus}-again", EventSourceArn=archive["ArchiveArn"],
                        EventStartTime=begin, EventEndTime=datetime.now(UTC),
                        Destination={"Arn": bus_arn})
    emulator.wait_idle()
    received = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=2)["Messages"]
    assert json.loads(received[0]["Body"])["replay-name"] == f"{bus}-again"
    assert events.describe_replay(ReplayName=f"{bus}-again")["State"] == "COMPLETED"
    events.delete_archive(ArchiveName=f"{bus}-all")
    with pytest.raises(ClientError) as gone:
        events.describe_archive(ArchiveName=f"{bus}-all")
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_an_archive_with_a_pattern_that_is_not_valid_is_refused(
        emulator: EmulatorHandle) -> None:
    """https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html"""
    events = emulator.client("events")
    bus = f"orders-{uuid.uuid4().hex[:6]}"
    bus_arn = events.create_event_bus(Name=bus)["EventBusArn"]
    for pattern in ("not json", "[1]", json.dumps({"source": "shop"})):
        with pytest.raises(ClientError) as refused:
            events.create_archive(ArchiveName=f"{bus}-bad", EventSourceArn=bus_arn,
                                  EventPattern=pattern)
        error = refused.value.response["Error"]
        assert error["Code"] == "InvalidEventPatternException"
        assert error["Message"].startswith("Event pattern is not valid.")
    with pytest.raises(ClientError) as missing:
        events.describe_archive(ArchiveName=f"{bus}-bad")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
