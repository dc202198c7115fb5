"""AWS::Pipes::Pipe through CloudFormation, as AWS's serverless pattern
eventbridge-pipes-sqs-to-stepfunctions builds it: the stack deploys a working pipe from an
SQS queue to a Step Functions state machine, Ref and Fn::GetAtt give its name, ARN and
state, an update changes the pipe in place, and deleting the stack deletes it.

Sources:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-pipes-pipe.html
(Ref: the name; Fn::GetAtt Arn, CurrentState, CreationTime...; Tags a map)
https://docs.aws.amazon.com/eventbridge/latest/userguide/pipes-get-started.html
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from cloudformation_support import create, delete, outputs, stack_name, update

from emulator.testing import EmulatorHandle

pytestmark = pytest.mark.slow  # three stack operations, each waited for: a few seconds

TEMPLATE = """
Resources:
  Source: {Type: AWS::SQS::Queue}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: pipes.amazonaws.com}
            Action: sts:AssumeRole
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: !GetAtt Role.Arn
      Definition:
        StartAt: Done
        States: {Done: {Type: Pass, End: true}}
  Pipe:
    Type: AWS::Pipes::Pipe
    Properties:
      Description: DESCRIPTION
      RoleArn: !GetAtt Role.Arn
      Source: !GetAtt Source.Arn
      SourceParameters:
        FilterCriteria:
          Filters:
            - Pattern: '{"body": {"kind": ["order"]}}'
        SqsQueueParameters: {BatchSize: 1}
      Target: !Ref Machine
      TargetParameters:
        InputTemplate: '{"order": <$.body.id>}'
        StepFunctionStateMachineParameters: {InvocationType: FIRE_AND_FORGET}
      Tags: {team: orders}
Outputs:
  PipeName: {Value: !Ref Pipe}
  PipeArn: {Value: !GetAtt Pipe.Arn}
  PipeState: {Value: !GetAtt Pipe.CurrentState}
  QueueUrl: {Value: !Ref Source}
  Machine: {Value: !Ref Machine}
"""


def test_a_stack_deploys_a_working_pipe(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    pipes = emulator.client("pipes")
    sfn = emulator.client("stepfunctions")
    name = stack_name("pipes")
    create(cfn, name, TEMPLATE.replace("DESCRIPTION", "first"),
           Capabilities=["CAPABILITY_IAM"])
    out = outputs(cfn, name)
    pipe = pipes.describe_pipe(Name=out["PipeName"])
    assert pipe["Arn"] == out["PipeArn"]
    assert out["PipeState"] == "RUNNING"
    assert pipe["Target"] == out["Machine"]
    assert pipe["Tags"]["team"] == "orders"

    sqs = emulator.client("sqs")
    for body in ({"kind": "order", "id": 41}, {"kind": "noise", "id": 42}):
        sqs.send_message(QueueUrl=out["QueueUrl"], MessageBody=json.dumps(body))
    emulator.wait_idle()
    executions = sfn.list_executions(stateMachineArn=out["Machine"])["executions"]
    inputs = [json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"])
              for e in executions]
    assert inputs == [[{"order": 41}]]

    update(cfn, name, TEMPLATE.replace("DESCRIPTION", "second"),
           Capabilities=["CAPABILITY_IAM"])
    assert pipes.describe_pipe(Name=out["PipeName"])["Description"] == "second"
    delete(cfn, name)
    with pytest.raises(ClientError) as caught:
        pipes.describe_pipe(Name=out["PipeName"])
    assert caught.value.response["Error"]["Code"] == "NotFoundException"
