"""EventBridge Scheduler's control plane through boto3: schedules and schedule groups, their
listings and pages, tags on groups, and the errors AWS answers bad requests with.

Sources:
https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html (ClientToken:
the idempotency of the request)
https://docs.aws.amazon.com/scheduler/latest/APIReference/API_Target.html (Input must be JSON
for Lambda, Step Functions and EventBridge targets)
https://docs.aws.amazon.com/scheduler/latest/APIReference/API_DeleteScheduleGroup.html and
https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-group-delete.html
(deleting a group deletes its schedules; the default group cannot be deleted)
https://github.com/aws/aws-sdk-js-v3/issues/5720 ("Schedule NAME does not exist.")
https://github.com/localstack/localstack/issues/9284 (AWS's answer quoted: "ValidationException:
Invalid Schedule Expression <expression>")
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from lambda_support import unique

from emulator.testing import EmulatorHandle

ROLE = "arn:aws:iam::000000000000:role/scheduler"
QUEUE = "arn:aws:sqs:us-east-1:000000000000:jobs"
FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:job"
OFF = {"Mode": "OFF"}


def _create(client: Any, name: str, **options: Any) -> str:
    options.setdefault("ScheduleExpression", "rate(1 hour)")
    options.setdefault("FlexibleTimeWindow", OFF)
    options.setdefault("Target", {"Arn": QUEUE, "RoleArn": ROLE, "Input": "hello"})
    options.setdefault("State", "DISABLED")  # these tests look at the API, not at firings
    return str(client.create_schedule(Name=name, **options)["ScheduleArn"])


def _error(call: Any, **params: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"], caught.value.response["ResponseMetadata"][
        "HTTPStatusCode"]


def test_a_schedule_reads_back_with_aws_defaults(emulator: EmulatorHandle) -> None:
    client = emulator.client("scheduler")
    name = unique("s")
    arn = _create(client, name, Description="nightly")
    assert arn == f"arn:aws:scheduler:{emulator.region}:000000000000:schedule/default/{name}"
    got = client.get_schedule(Name=name)
    assert got["Arn"] == arn
    assert got["GroupName"] == "default"
    assert got["ScheduleExpression"] == "rate(1 hour)"
    assert got["ScheduleExpressionTimezone"] == "UTC"
    assert got["State"] == "DISABLED"
    assert got["Description"] == "nightly"
    assert got["FlexibleTimeWindow"] == OFF
    assert got["ActionAfterCompletion"] == "NONE"
    assert got["Target"]["Arn"] == QUEUE and got["Target"]["Input"] == "hello"
    assert got["Target"]["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400,
                                            "MaximumRetryAttempts": 185}
    assert got["CreationDate"] == got["LastModificationDate"]
    assert "StartDate" not in got and "EndDate" not in got


def test_update_replaces_the_schedule_and_delete_removes_it(emulator: EmulatorHandle) -> None:
    client = emulator.client("scheduler")
    name = unique("s")
    _create(client, name, Description="first")
    client.update_schedule(Name=name, ScheduleExpression="cron(0 9 ? * MON-FRI *)",
                           ScheduleExpressionTimezone="Europe/Paris", State="DISABLED",
                           FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
                           Target={"Arn": FUNCTION, "RoleArn": ROLE})
    got = client.get_schedule(Name=name)
    assert got["ScheduleExpression"] == "cron(0 9 ? * MON-FRI *)"
    assert got["ScheduleExpressionTimezone"] == "Europe/Paris"
    assert got["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}
    assert "Description" not in got  # an update replaces every member
    assert got["Target"]["Arn"] == FUNCTION
    client.delete_schedule(Name=name)
    assert _error(client.get_schedule, Name=name) == (
        "ResourceNotFoundException", f"Schedule {name} does not exist.", 404)


def test_missing_and_duplicate_schedules_get_aws_errors(emulator: EmulatorHandle) -> None:
    client = emulator.client("scheduler")
    name = unique("s")
    _create(client, name)
    assert _error(_create, client=client, name=name) == (
        "ConflictException", f"Schedule {name} already exists.", 409)
    # a retry of the same request (the same ClientToken, which SDKs fill in) is idempotent
    token = unique("token")
    again = unique("s")
    arn = _create(client, again, ClientToken=token)
    assert _create(client, again, ClientToken=token) == arn
    missing = unique("none")
    for call in (client.get_schedule, client.delete_schedule):
        assert _error(call, Name=missing) == (
            "ResourceNotFoundException", f"Schedule {missing} does not exist.", 404)
    assert _error(client.update_schedule, Name=missing, ScheduleExpression="rate(1 hour)",
                  FlexibleTimeWindow=OFF, Target={"Arn": QUEUE, "RoleArn": ROLE})[0] == (
        "ResourceNotFoundException")
    # a schedule is addressed within its group
    assert _error(client.get_schedule, Name=name, GroupName=unique("g"))[0] == (
        "ResourceNotFoundException")
    group = unique("g")
    assert _error(_create, client=client, name=unique("s"), GroupName=group) == (
        "ResourceNotFoundException", f"Schedule group {group} does not exist.", 404)


def test_a_rate_unit_may_be_singular_or_plural_whatever_the_value(
        emulator: EmulatorHandle) -> None:
    # CreateSchedule lists the units "minute | minutes | hour | hours | day | days" with no
    # agreement rule (https://docs.aws.amazon.com/scheduler/latest/APIReference/
    # API_CreateSchedule.html); EventBridge rules refuse rate(5 minute), Scheduler does not.
    client = emulator.client("scheduler")
    for expression in ("rate(5 minute)", "rate(1 hours)"):
        name = unique("s")
        _create(client, name, ScheduleExpression=expression)
        assert client.get_schedule(Name=name)["ScheduleExpression"] == expression


def test_bad_schedules_are_refused_and_nothing_stored_changes(
        emulator: EmulatorHandle) -> None:
    client = emulator.client("scheduler")
    name = unique("s")
    _create(client, name, Description="kept")
    bad: list[dict[str, Any]] = [
        {"ScheduleExpression": "rate(0 minutes)"},
        {"ScheduleExpression": "every hour"},
        {"ScheduleExpression": "at(2030-13-01T00:00:00)"},
        {"ScheduleExpression": "cron(0 9 * * * *)"},  # neither day field is ?
        {"ScheduleExpressionTimezone": "Mars/Olympus"},
        {"FlexibleTimeWindow": {"Mode": "FLEXIBLE"}},
        {"FlexibleTimeWindow": {"Mode": "OFF", "MaximumWindowInMinutes": 5}},
        {"Target": {"Arn": FUNCTION, "RoleArn": ROLE, "Input": "not json"}},
        {"Target": {"Arn": "arn:aws:scheduler:::aws-sdk:sqs:sendMessage", "RoleArn": ROLE,
                    "Input": "not json"}},
        {"Target": {"Arn": "arn:aws:events:us-east-1:000000000000:event-bus/default",
                    "RoleArn": ROLE, "Input": "{}",
                    "EventBridgeParameters": {"Source": "aws.s3", "DetailType": "x"}}},
        {"StartDate": 2_000_000_000, "EndDate": 1_900_000_000},
    ]
    for options in bad:
        code, _message, status = _error(_create, client=client, name=unique("bad"), **options)
        assert (code, status) == ("ValidationException", 400), options
        code, _message, status = _error(
            client.update_schedule, Name=name, **{
                "ScheduleExpression": "rate(1 hour)", "FlexibleTimeWindow": OFF,
                "Target": {"Arn": QUEUE, "RoleArn": ROLE}, **options})
        assert code == "ValidationException", options
    assert _error(_create, client=client, name=unique("bad"),
                  ScheduleExpression="every hour")[1] == "Invalid Schedule Expression every hour"
    # the model's own rules: the name's pattern, the window's range
    assert _error(_create, client=client, name="bad name")[0] == "ValidationException"
    assert _error(_create, client=client, name=unique("bad"), FlexibleTimeWindow={
        "Mode": "FLEXIBLE", "MaximumWindowInMinutes": 2000})[0] == "ValidationException"
    assert client.get_schedule(Name=name)["Description"] == "kept"
    assert not [s for s in client.list_schedules(NamePrefix="bad")["Schedules"]]


def test_list_schedules_filters_and_pages(emulator: EmulatorHandle) -> None:
    client = emulator.client("scheduler")
    group = unique("g")
    client.create_schedule_group(Name=group)
    prefix = unique("p")
    names = [f"{prefix}-{index}" for index in range(5)]
    for index, name in enumerate(names):
        _create(client, name, GroupName=group, State="ENABLED" if index % 2 else "DISABLED",
                ScheduleExpression="at(2099-01-01T00:00:00)")
    _create(client, f"{prefix}-elsewhere")
    listed = client.list_schedules(GroupName=group)["Schedules"]
    assert [s["Name"] for s in listed] == names
    summary = listed[0]
    assert set(summary) == {"Arn", "Name", "GroupName", "State", "CreationDate",
                            "LastModificationDate", "Target"}
    assert summary["Target"] == {"Arn": QUEUE}
    assert [s["Name"] for s in client.list_schedules(GroupName=group, State="ENABLED")[
        "Schedules"]] == names[1::2]
    assert len(client.list_schedules(NamePrefix=prefix)["Schedules"]) == 6
    pages = list(client.get_paginator("list_schedules").paginate(
        GroupName=group, PaginationConfig={"PageSize": 2}))
    assert [len(page["Schedules"]) for page in pages] == [2, 2, 1]
    assert [s["Name"] for page in pages for s in page["Schedules"]] == names
    assert _error(client.list_schedules, GroupName=unique("none"))[0] == (
        "ResourceNotFoundException")
    assert _error(client.list_schedules, NextToken="not-ours")[0] == "ValidationException"


def test_schedule_groups_and_their_tags(emulator: EmulatorHandle) -> None:
    client = emulator.client("scheduler")
    default = client.get_schedule_group(Name="default")
    assert default["State"] == "ACTIVE"
    assert default["Arn"].endswith(":schedule-group/default")
    name = unique("g")
    arn = client.create_schedule_group(Name=name, Tags=[{"Key": "team", "Value": "ops"}])[
        "ScheduleGroupArn"]
    assert arn == f"arn:aws:scheduler:{emulator.region}:000000000000:schedule-group/{name}"
    got = client.get_schedule_group(Name=name)
    assert (got["Name"], got["Arn"], got["State"]) == (name, arn, "ACTIVE")
    assert _error(client.create_schedule_group, Name=name) == (
        "ConflictException", f"Schedule group {name} already exists.", 409)
    names = [g["Name"] for page in client.get_paginator("list_schedule_groups").paginate(
        PaginationConfig={"PageSize": 1}) for g in page["ScheduleGroups"]]
    assert "default" in names and name in names
    assert [g["Name"] for g in client.list_schedule_groups(NamePrefix=name)[
        "ScheduleGroups"]] == [name]

    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}])
    client.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert client.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "env", "Value": "dev"}]
    missing = arn.replace(name, unique("none"))
    assert _error(client.list_tags_for_resource, ResourceArn=missing)[0] == (
        "ResourceNotFoundException")


def test_deleting_a_group_deletes_its_schedules(emulator: EmulatorHandle) -> None:
    client = emulator.client("scheduler")
    group = unique("g")
    client.create_schedule_group(Name=group)
    schedule = unique("s")
    _create(client, schedule, GroupName=group)
    client.delete_schedule_group(Name=group)
    assert _error(client.get_schedule_group, Name=group) == (
        "ResourceNotFoundException", f"Schedule group {group} does not exist.", 404)
    assert _error(client.get_schedule, Name=schedule, GroupName=group)[0] == (
        "ResourceNotFoundException")
    # a new group of the same name starts empty
    client.create_schedule_group(Name=group)
    assert client.list_schedules(GroupName=group)["Schedules"] == []
    assert _error(client.delete_schedule_group, Name="default")[0] == "ValidationException"
    assert _error(client.delete_schedule_group, Name=unique("none"))[0] == (
        "ResourceNotFoundException")
