"""EventBridge Pipes' control plane through boto3: create, describe, update, stop, start,
delete and list pipes, with the states AWS reports, tags, and refused input.

Sources:
https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_CreatePipe.html
https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_UpdatePipe.html (only the
members given change; each service's parameter object is replaced whole)
https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_ListPipes.html
https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_Pipe.html (states)
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from lambda_support import unique

from emulator.testing import EmulatorHandle

ROLE = "arn:aws:iam::000000000000:role/pipes"


def _queues(emulator: EmulatorHandle) -> tuple[str, str]:
    sqs = emulator.client("sqs")
    found = []
    for prefix in ("src", "dst"):
        url = sqs.create_queue(QueueName=unique(prefix))["QueueUrl"]
        found.append(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"])
    return found[0], found[1]


def _create(emulator: EmulatorHandle, name: str, **options: Any) -> dict[str, Any]:
    source, target = _queues(emulator)
    options.setdefault("Source", source)
    options.setdefault("Target", target)
    reply: dict[str, Any] = emulator.client("pipes").create_pipe(
        Name=name, RoleArn=ROLE, **options)
    return reply


def test_a_pipe_goes_through_its_states(emulator: EmulatorHandle) -> None:
    pipes = emulator.client("pipes")
    name = unique("pipe")
    created = _create(emulator, name, Description="orders", Tags={"team": "ops"},
                      SourceParameters={"SqsQueueParameters": {"BatchSize": 5}})
    assert created["CurrentState"] == "CREATING"
    assert created["DesiredState"] == "RUNNING"
    assert created["Arn"] == f"arn:aws:pipes:{emulator.region}:000000000000:pipe/{name}"
    described = pipes.describe_pipe(Name=name)
    assert described["CurrentState"] == "RUNNING"
    assert described["Description"] == "orders"
    assert described["Tags"] == {"team": "ops"}
    assert described["SourceParameters"] == {"SqsQueueParameters": {"BatchSize": 5}}
    assert described["RoleArn"] == ROLE

    assert pipes.stop_pipe(Name=name)["CurrentState"] == "STOPPING"
    assert pipes.describe_pipe(Name=name)["CurrentState"] == "STOPPED"
    assert pipes.describe_pipe(Name=name)["DesiredState"] == "STOPPED"
    assert pipes.start_pipe(Name=name)["CurrentState"] == "STARTING"
    assert pipes.describe_pipe(Name=name)["CurrentState"] == "RUNNING"

    updated = pipes.update_pipe(Name=name, RoleArn=ROLE, Description="all orders",
                                SourceParameters={"SqsQueueParameters": {"BatchSize": 2}})
    assert updated["CurrentState"] == "UPDATING"
    described = pipes.describe_pipe(Name=name)
    assert described["Description"] == "all orders"
    assert described["SourceParameters"]["SqsQueueParameters"] == {"BatchSize": 2}
    assert described["Tags"] == {"team": "ops"}  # untouched by the update

    assert pipes.delete_pipe(Name=name)["CurrentState"] == "DELETING"
    with pytest.raises(ClientError) as caught:
        pipes.describe_pipe(Name=name)
    assert caught.value.response["Error"]["Code"] == "NotFoundException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_a_pipe_created_stopped_stays_stopped(emulator: EmulatorHandle) -> None:
    name = unique("pipe")
    created = _create(emulator, name, DesiredState="STOPPED")
    assert (created["DesiredState"], created["CurrentState"]) == ("STOPPED", "CREATING")
    described = emulator.client("pipes").describe_pipe(Name=name)
    assert described["CurrentState"] == "STOPPED"


def test_list_filters_and_pages(emulator: EmulatorHandle) -> None:
    pipes = emulator.client("pipes")
    prefix = unique("listed")
    names = [f"{prefix}-{index}" for index in range(3)]
    for index, name in enumerate(names):
        _create(emulator, name, DesiredState="STOPPED" if index == 2 else "RUNNING")
    paginator = pipes.get_paginator("list_pipes")
    pages = list(paginator.paginate(NamePrefix=prefix, PaginationConfig={"PageSize": 2}))
    assert [len(page["Pipes"]) for page in pages] == [2, 1]
    listed = [pipe for page in pages for pipe in page["Pipes"]]
    assert [pipe["Name"] for pipe in listed] == names
    assert set(listed[0]) >= {"Name", "Arn", "DesiredState", "CurrentState", "CreationTime",
                              "LastModifiedTime", "Source", "Target"}
    stopped = pipes.list_pipes(NamePrefix=prefix, CurrentState="STOPPED")["Pipes"]
    assert [pipe["Name"] for pipe in stopped] == [names[2]]
    running = pipes.list_pipes(NamePrefix=prefix, DesiredState="RUNNING")["Pipes"]
    assert [pipe["Name"] for pipe in running] == names[:2]
    by_source = pipes.list_pipes(SourcePrefix=listed[1]["Source"])["Pipes"]
    assert [pipe["Name"] for pipe in by_source] == [names[1]]
    for name in names:
        pipes.delete_pipe(Name=name)


def test_tags(emulator: EmulatorHandle) -> None:
    pipes = emulator.client("pipes")
    arn = _create(emulator, unique("pipe"), Tags={"a": "1"})["Arn"]
    pipes.tag_resource(resourceArn=arn, tags={"b": "2", "a": "3"})
    assert pipes.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "3", "b": "2"}
    pipes.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert pipes.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2"}
    missing = arn.rsplit("/", 1)[0] + "/nothing-here"
    with pytest.raises(ClientError) as caught:
        pipes.list_tags_for_resource(resourceArn=missing)
    assert caught.value.response["Error"]["Code"] == "NotFoundException"


def test_refused_input_changes_nothing(emulator: EmulatorHandle) -> None:
    pipes = emulator.client("pipes")
    name = unique("pipe")
    _create(emulator, name)
    source = pipes.describe_pipe(Name=name)["Source"]
    with pytest.raises(ClientError) as caught:
        _create(emulator, name)
    assert caught.value.response["Error"]["Code"] == "ConflictException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    with pytest.raises(ClientError) as caught:
        _create(emulator, "bad name!")
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as caught:
        pipes.update_pipe(Name=name, RoleArn=ROLE, SourceParameters={
            "FilterCriteria": {"Filters": [{"Pattern": "{not json"}]}})
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as caught:
        pipes.stop_pipe(Name=unique("missing"))
    assert caught.value.response["Error"]["Code"] == "NotFoundException"
    described = pipes.describe_pipe(Name=name)
    assert described["Source"] == source
    assert "FilterCriteria" not in described["SourceParameters"]
