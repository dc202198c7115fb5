"""With a state dir, stacks survive kill -9: their resources, outputs and events are read
back after a restart, and they can be updated and deleted there."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
from emulator_process import EmulatorProcess

# Each test kills and restarts a real emulator process (seconds each): the slow profile.
pytestmark = pytest.mark.slow

TEMPLATE = """
Parameters:
  Delay: {Type: Number, Default: 0}
Resources:
  Queue: {Type: AWS::SQS::Queue, Properties: {DelaySeconds: !Ref Delay}}
Outputs:
  Url: {Value: !Ref Queue}
"""


FAST = {"Delay": 0.2, "MaxAttempts": 300}


def _client(service: str, url: str) -> object:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


@contextmanager
def _after_kill_9(tmp_path: Path, stack: str, body: str) -> Iterator[EmulatorProcess]:
    """An emulator restarted on the state dir of one that made ``stack`` and was killed."""
    state = tmp_path / "state"
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        cfn = _client("cloudformation", first.url)
        cfn.create_stack(StackName=stack, TemplateBody=body)  # type: ignore[attr-defined]
        cfn.get_waiter("stack_create_complete").wait(  # type: ignore[attr-defined]
            StackName=stack, WaiterConfig=FAST)
        first.kill()
    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        yield second


def test_stacks_survive_kill_9(tmp_path: Path) -> None:
    with _after_kill_9(tmp_path, "kept", TEMPLATE) as second:
        cfn = _client("cloudformation", second.url)
        stack = cfn.describe_stacks(StackName="kept")["Stacks"][0]  # type: ignore[attr-defined]
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        url = stack["Outputs"][0]["OutputValue"]
        sqs = _client("sqs", second.url)
        assert sqs.get_queue_attributes(  # type: ignore[attr-defined]
            QueueUrl=url, AttributeNames=["DelaySeconds"])["Attributes"]["DelaySeconds"] == "0"
        events = cfn.describe_stack_events(StackName="kept")[  # type: ignore[attr-defined]
            "StackEvents"]
        assert events[0]["ResourceStatus"] == "CREATE_COMPLETE"
        cfn.update_stack(StackName="kept", TemplateBody=TEMPLATE,  # type: ignore[attr-defined]
                         Parameters=[{"ParameterKey": "Delay", "ParameterValue": "4"}])
        cfn.get_waiter("stack_update_complete").wait(  # type: ignore[attr-defined]
            StackName="kept", WaiterConfig=FAST)
        assert sqs.get_queue_attributes(  # type: ignore[attr-defined]
            QueueUrl=url, AttributeNames=["DelaySeconds"])["Attributes"]["DelaySeconds"] == "4"
        cfn.delete_stack(StackName="kept")  # type: ignore[attr-defined]
        cfn.get_waiter("stack_delete_complete").wait(  # type: ignore[attr-defined]
            StackName="kept", WaiterConfig=FAST)


MACRO = """
Resources:
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::000000000000:role/macro
      Code:
        ZipFile: |
          def handler(event, context):
              fragment = event["fragment"]
              fragment["Resources"]["Added"] = {"Type": "AWS::SQS::Queue"}
              return {"requestId": event["requestId"], "status": "success",
                      "fragment": fragment}
  Macro:
    Type: AWS::CloudFormation::Macro
    Properties: {Name: KeptMacro, FunctionName: !GetAtt Function.Arn}
"""


def test_macros_survive_a_restart(tmp_path: Path) -> None:
    """A macro is the account's state, as its stack is: a template names it after a
    restart (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-macros.html)."""
    with _after_kill_9(tmp_path, "macro", MACRO) as second:
        cfn = _client("cloudformation", second.url)
        cfn.create_stack(StackName="user", Capabilities=[  # type: ignore[attr-defined]
            "CAPABILITY_AUTO_EXPAND"], TemplateBody="Transform: KeptMacro\nResources:\n"
                                                    "  Topic: {Type: AWS::SNS::Topic}\n")
        cfn.get_waiter("stack_create_complete").wait(  # type: ignore[attr-defined]
            StackName="user", WaiterConfig=FAST)
        listed = cfn.list_stack_resources(StackName="user")[  # type: ignore[attr-defined]
            "StackResourceSummaries"]
        assert {r["LogicalResourceId"] for r in listed} == {"Added", "Topic"}
