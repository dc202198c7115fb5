"""Helpers for the CloudFormation tests: deploy a template and wait as boto3's waiters do."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from botocore.exceptions import WaiterError

FAST = {"Delay": 0.1, "MaxAttempts": 600}

# One resource of each service's main type that takes tags, with outputs naming each.
EVERY_SERVICE = """
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {Tags: [{Key: owner, Value: queue-team}]}
  Topic: {Type: AWS::SNS::Topic}
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
  Bucket: {Type: AWS::S3::Bucket}
  Stream: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 1}}
  Group: {Type: AWS::Logs::LogGroup}
  Secret: {Type: AWS::SecretsManager::Secret, Properties: {SecretString: s3cr3t}}
  Parameter: {Type: AWS::SSM::Parameter, Properties: {Type: String, Value: v}}
  Key: {Type: AWS::KMS::Key}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com},
                     Action: sts:AssumeRole}]
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code: {ZipFile: "def handler(event, context):\\n    return 1\\n"}
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: !GetAtt Role.Arn
      Definition: {StartAt: Done, States: {Done: {Type: Succeed}}}
  Rule:
    Type: AWS::Events::Rule
    Properties: {EventPattern: {source: [app]}}
  Pool: {Type: AWS::Cognito::UserPool}
  Rest: {Type: AWS::ApiGateway::RestApi, Properties: {Name: rest}}
  Http: {Type: AWS::ApiGatewayV2::Api, Properties: {Name: http, ProtocolType: HTTP}}
Outputs:
  Queue: {Value: !Ref Queue}
  Topic: {Value: !Ref Topic}
  Table: {Value: !GetAtt Table.Arn}
  Bucket: {Value: !Ref Bucket}
  Stream: {Value: !Ref Stream}
  Group: {Value: !GetAtt Group.Arn}
  Secret: {Value: !Ref Secret}
  Parameter: {Value: !Ref Parameter}
  Key: {Value: !Ref Key}
  Role: {Value: !Ref Role}
  Function: {Value: !GetAtt Function.Arn}
  Machine: {Value: !Ref Machine}
  Rule: {Value: !GetAtt Rule.Arn}
  Pool: {Value: !Ref Pool}
  Rest: {Value: !Ref Rest}
  Http: {Value: !Ref Http}
"""


def stack_name(prefix: str = "stack") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def create(cfn: Any, name: str, body: str, *, wait: bool = True, **options: Any) -> str:
    stack_id = str(cfn.create_stack(StackName=name, TemplateBody=body, **options)["StackId"])
    if wait:
        cfn.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    return stack_id


def update(cfn: Any, name: str, body: str, **options: Any) -> None:
    cfn.update_stack(StackName=name, TemplateBody=body, **options)
    cfn.get_waiter("stack_update_complete").wait(StackName=name, WaiterConfig=FAST)


def delete(cfn: Any, name: str) -> None:
    cfn.delete_stack(StackName=name)
    cfn.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig=FAST)


def wait_failed(cfn: Any, name: str, waiter: str = "stack_create_complete") -> dict[str, Any]:
    """Wait for a waiter to give up on a failed stack; returns the stack."""
    with contextlib.suppress(WaiterError):
        cfn.get_waiter(waiter).wait(StackName=name, WaiterConfig=FAST)
    return dict(cfn.describe_stacks(StackName=name)["Stacks"][0])


def outputs(cfn: Any, name: str) -> dict[str, str]:
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def physical_ids(cfn: Any, name: str) -> dict[str, str]:
    return {r["LogicalResourceId"]: r.get("PhysicalResourceId", "")
            for r in cfn.list_stack_resources(StackName=name)["StackResourceSummaries"]}


def events(cfn: Any, name: str) -> list[tuple[str, str, str]]:
    """(logical id, status, reason), oldest first."""
    listed = cfn.describe_stack_events(StackName=name)["StackEvents"]
    return [(e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason", ""))
            for e in reversed(listed)]
