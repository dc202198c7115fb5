"""AWS::Scheduler::Schedule and ScheduleGroup through CloudFormation, and SAM's ScheduleV2
event: the stack deploys, the schedules read back through the Scheduler API, the function is
invoked when the clock reaches the schedule, and deleting the stack deletes them.

Sources:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-scheduler-schedule.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-scheduler-schedulegroup.html
https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-schedulev2.html
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from cloudformation_support import create, delete, outputs, stack_name

from emulator.testing import EmulatorHandle

pytestmark = pytest.mark.slow  # a stack with a function: a few seconds

# Monday 2031-03-03 08:00:00 UTC
MONDAY_8AM = datetime(2031, 3, 3, 8, 0, tzinfo=UTC).timestamp()

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Jobs:
    Type: AWS::Scheduler::ScheduleGroup
    Properties:
      Tags: [{Key: team, Value: ops}]
  Inbox: {Type: AWS::SQS::Queue}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: |
        import json
        def handler(event, context):
            print("EVENT " + json.dumps(event))
      Events:
        Nightly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(30 8 * * ? *)
            GroupName: !Ref Jobs
            Input: '{"job": "nightly"}'
  Reminder:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: at(2031-03-03T08:45:00)
      FlexibleTimeWindow: {Mode: 'OFF'}
      EndDate: '2031-12-31T00:00:00Z'
      Target:
        Arn: !GetAtt Inbox.Arn
        RoleArn: arn:aws:iam::000000000000:role/scheduler
        Input: remember
Outputs:
  Function: {Value: !Ref Worker}
  Group: {Value: !Ref Jobs}
  GroupArn: {Value: !GetAtt Jobs.Arn}
  Reminder: {Value: !Ref Reminder}
  ReminderArn: {Value: !GetAtt Reminder.Arn}
  Inbox: {Value: !Ref Inbox}
"""


@pytest.fixture(autouse=True)
def _back_to_real_time(emulator: EmulatorHandle) -> Iterator[None]:
    emulator.clock.set(MONDAY_8AM)  # flows on from there while the stack deploys
    yield
    emulator.clock.reset()


def _logged_events(emulator: EmulatorHandle, function: str) -> list[object]:
    logs = emulator.client("logs")
    try:
        found = logs.filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]
    except logs.exceptions.ResourceNotFoundException:  # not invoked yet
        return []
    return [json.loads(event["message"].split("EVENT ", 1)[1]) for event in found
            if event["message"].startswith("EVENT ")]


def test_sam_schedule_v2_deploys_and_invokes_the_function_on_the_clock(
        emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    scheduler = emulator.client("scheduler")
    name = stack_name("sched")
    create(cfn, name, TEMPLATE, Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    out = outputs(cfn, name)
    group = out["Group"]
    assert out["GroupArn"].endswith(f":schedule-group/{group}")
    tags = {tag["Key"]: tag["Value"] for tag in scheduler.list_tags_for_resource(
        ResourceArn=out["GroupArn"])["Tags"]}
    assert tags["team"] == "ops" and tags["aws:cloudformation:stack-name"] == name
    [summary] = scheduler.list_schedules(GroupName=group)["Schedules"]
    schedule = scheduler.get_schedule(Name=summary["Name"], GroupName=group)
    assert schedule["ScheduleExpression"] == "cron(30 8 * * ? *)"
    assert schedule["Target"]["Arn"].endswith(f":function:{out['Function']}")
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    reminder = scheduler.get_schedule(Name=out["Reminder"])
    assert reminder["Arn"] == out["ReminderArn"]
    assert reminder["EndDate"] == datetime(2031, 12, 31, tzinfo=UTC)
    assert _logged_events(emulator, out["Function"]) == []

    emulator.clock.freeze()
    emulator.clock.set(MONDAY_8AM + 30 * 60)
    emulator.wait_idle()
    assert _logged_events(emulator, out["Function"]) == [{"job": "nightly"}]
    emulator.clock.advance(15 * 60)
    emulator.wait_idle()
    sqs = emulator.client("sqs")
    [message] = sqs.receive_message(QueueUrl=out["Inbox"])["Messages"]
    assert message["Body"] == "remember"

    delete(cfn, name)
    assert scheduler.list_schedules(NamePrefix=name)["Schedules"] == []
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException):
        scheduler.get_schedule_group(Name=group)
