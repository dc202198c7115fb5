"""CloudFormation stacks through boto3: create, update in place and by replacement, delete,
with every resource read back through its own service's API after each step."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from cloudformation_support import (
    create,
    delete,
    events,
    outputs,
    physical_ids,
    stack_name,
    update,
    wait_failed,
)

from emulator.testing import EmulatorHandle

APP = """
AWSTemplateFormatVersion: '2010-09-09'
Description: queue, topic, subscription, function
Parameters:
  Env: {Type: String, AllowedValues: [dev, prod], Default: dev}
  Visibility: {Type: Number, Default: 30, MinValue: 0, MaxValue: 43200}
  QueueSuffix: {Type: String, Default: ""}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Named: !Not [!Equals [!Ref QueueSuffix, ""]]
Mappings:
  Sizes: {dev: {Memory: 128}, prod: {Memory: 256}}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !If [Named, !Sub "${AWS::StackName}-${QueueSuffix}", !Ref AWS::NoValue]
      VisibilityTimeout: !Ref Visibility
      Tags: [{Key: env, Value: !Ref Env}]
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: !Join ["-", [!Ref "AWS::StackName", !Ref Env]]
  Subscription:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Topic
      Protocol: sqs
      Endpoint: !GetAtt Queue.Arn
      RawMessageDelivery: true
  ProdOnly:
    Type: AWS::SQS::Queue
    Condition: IsProd
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/app"
      MemorySize: !FindInMap [Sizes, !Ref Env, Memory]
      Environment:
        Variables:
          QUEUE_URL: !Ref Queue
          TOPIC: !Select [5, !Split [":", !Ref Topic]]
      Code:
        ZipFile: |
          import os
          def handler(event, context):
              return {"queue": os.environ["QUEUE_URL"], "topic": os.environ["TOPIC"]}
Outputs:
  QueueUrl: {Value: !Ref Queue}
  QueueArn: {Value: !GetAtt Queue.Arn, Export: {Name: !Sub "${AWS::StackName}-queue-arn"}}
  TopicArn: {Value: !Ref Topic}
  FunctionName: {Value: !Ref Function}
  ProdQueue: {Condition: IsProd, Value: !GetAtt ProdOnly.QueueName}
"""


def _invoke(emulator: EmulatorHandle, name: str) -> dict[str, str]:
    answer = emulator.client("lambda").invoke(FunctionName=name, Payload=b"{}")
    result: dict[str, str] = json.loads(answer["Payload"].read())
    return result


def test_a_stack_is_created_updated_in_place_and_by_replacement_then_deleted(
        emulator: EmulatorHandle) -> None:
    cfn, sqs, sns = (emulator.client(n) for n in ("cloudformation", "sqs", "sns"))
    lam = emulator.client("lambda")
    name = stack_name("app")
    stack_id = create(cfn, name, APP)
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    assert stack["StackId"] == stack_id and stack["StackStatus"] == "CREATE_COMPLETE"
    assert stack["Description"] == "queue, topic, subscription, function"
    out = outputs(cfn, name)
    assert "ProdQueue" not in out
    assert set(physical_ids(cfn, name)) == {"Queue", "Topic", "Subscription", "Function"}
    # Every resource exists, configured as the template says.
    queue = sqs.get_queue_attributes(QueueUrl=out["QueueUrl"], AttributeNames=["All"])
    assert queue["Attributes"]["VisibilityTimeout"] == "30"
    assert queue["Attributes"]["QueueArn"] == out["QueueArn"]
    tags = sqs.list_queue_tags(QueueUrl=out["QueueUrl"])["Tags"]
    assert tags["env"] == "dev" and tags["aws:cloudformation:stack-name"] == name
    assert tags["aws:cloudformation:logical-id"] == "Queue"
    topic = sns.get_topic_attributes(TopicArn=out["TopicArn"])["Attributes"]
    assert topic["DisplayName"] == f"{name}-dev"
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=out["TopicArn"])["Subscriptions"]
    assert [s["Endpoint"] for s in subscriptions] == [out["QueueArn"]]
    sub_attributes = sns.get_subscription_attributes(
        SubscriptionArn=subscriptions[0]["SubscriptionArn"])["Attributes"]
    assert sub_attributes["RawMessageDelivery"] == "true"
    function = lam.get_function(FunctionName=out["FunctionName"])["Configuration"]
    assert function["MemorySize"] == 128
    assert function["Role"] == "arn:aws:iam::000000000000:role/app"
    assert _invoke(emulator, out["FunctionName"]) == {
        "queue": out["QueueUrl"], "topic": out["TopicArn"].split(":")[5]}
    assert {e["Name"]: e["Value"] for e in cfn.list_exports()["Exports"]}[
        f"{name}-queue-arn"] == out["QueueArn"]

    # In place: the visibility, memory and display name change; the ids stay.
    before = physical_ids(cfn, name)
    update(cfn, name, APP, Parameters=[{"ParameterKey": "Env", "ParameterValue": "prod"},
                                       {"ParameterKey": "Visibility", "ParameterValue": "60"}])
    after = physical_ids(cfn, name)
    assert after["Queue"] == before["Queue"] and after["Function"] == before["Function"]
    assert "ProdOnly" in after
    queue = sqs.get_queue_attributes(QueueUrl=out["QueueUrl"], AttributeNames=["All"])
    assert queue["Attributes"]["VisibilityTimeout"] == "60"
    assert sqs.list_queue_tags(QueueUrl=out["QueueUrl"])["Tags"]["env"] == "prod"
    assert lam.get_function(FunctionName=out["FunctionName"])["Configuration"][
        "MemorySize"] == 256
    assert sns.get_topic_attributes(TopicArn=out["TopicArn"])["Attributes"][
        "DisplayName"] == f"{name}-prod"
    prod_queue = outputs(cfn, name)["ProdQueue"]
    assert prod_queue in sqs.get_queue_url(QueueName=prod_queue)["QueueUrl"]

    # By replacement: naming the queue replaces it; what refers to it follows.
    update(cfn, name, APP, Parameters=[{"ParameterKey": "Env", "UsePreviousValue": True},
                                       {"ParameterKey": "Visibility", "UsePreviousValue": True},
                                       {"ParameterKey": "QueueSuffix", "ParameterValue": "work"}])
    replaced = outputs(cfn, name)
    assert replaced["QueueUrl"] != out["QueueUrl"]
    assert replaced["QueueUrl"].endswith(f"/{name}-work")
    with pytest.raises(ClientError):
        sqs.get_queue_attributes(QueueUrl=out["QueueUrl"])
    assert _invoke(emulator, out["FunctionName"])["queue"] == replaced["QueueUrl"]
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=out["TopicArn"])["Subscriptions"]
    assert [s["Endpoint"] for s in subscriptions] == [replaced["QueueArn"]]
    trail = events(cfn, name)
    assert ("Queue", "UPDATE_IN_PROGRESS", "Requested update requires the creation of a new "
            "physical resource; hence creating one.") in trail
    assert trail[-1] == (name, "UPDATE_COMPLETE", "")

    # Delete: nothing is left in any service.
    delete(cfn, name)
    with pytest.raises(ClientError):
        sqs.get_queue_url(QueueName=f"{name}-work")
    with pytest.raises(ClientError):
        sns.get_topic_attributes(TopicArn=out["TopicArn"])
    with pytest.raises(ClientError):
        lam.get_function(FunctionName=out["FunctionName"])
    with pytest.raises(ClientError) as gone:
        cfn.describe_stacks(StackName=name)
    assert gone.value.response["Error"]["Message"] == f"Stack with id {name} does not exist"
    deleted = cfn.describe_stacks(StackName=stack_id)["Stacks"][0]
    assert deleted["StackStatus"] == "DELETE_COMPLETE"
    assert name in [s["StackName"] for s in cfn.list_stacks(
        StackStatusFilter=["DELETE_COMPLETE"])["StackSummaries"]]


FAILING = """
Resources:
  Good:
    Type: AWS::SQS::Queue
  Topic:
    Type: AWS::SNS::Topic
  Bad:
    Type: AWS::SQS::Queue
    DependsOn: Good
    Properties:
      QueueName: not-fifo
      FifoQueue: true
"""


def test_a_failing_resource_rolls_the_stack_back_and_leaves_nothing(
        emulator: EmulatorHandle) -> None:
    cfn, sqs, sns = (emulator.client(n) for n in ("cloudformation", "sqs", "sns"))
    topics_before = sns.list_topics()["Topics"]
    queues_before = sqs.list_queues().get("QueueUrls", [])
    name = stack_name("failing")
    cfn.create_stack(StackName=name, TemplateBody=FAILING)
    stack = wait_failed(cfn, name)
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    trail = events(cfn, name)
    failed = [t for t in trail if t[1] == "CREATE_FAILED"]
    assert [t[0] for t in failed] == ["Bad"]
    assert failed[0][2].startswith('Resource handler returned message: "')
    assert "(Service: Sqs, Status Code: 400, Request ID: " in failed[0][2]
    assert failed[0][2].endswith("HandlerErrorCode: InvalidRequest)")
    assert (name, "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [Bad]. "
            "Rollback requested by user.") in trail
    assert ("Good", "DELETE_COMPLETE", "") in trail
    assert sns.list_topics()["Topics"] == topics_before
    assert sqs.list_queues().get("QueueUrls", []) == queues_before
    # A rolled-back stack can only be deleted.
    with pytest.raises(ClientError) as refused:
        cfn.update_stack(StackName=name, TemplateBody=FAILING)
    assert refused.value.response["Error"]["Message"].endswith(
        "is in ROLLBACK_COMPLETE state and can not be updated.")
    delete(cfn, name)


def test_disable_rollback_keeps_what_was_made(emulator: EmulatorHandle) -> None:
    cfn, sqs = emulator.client("cloudformation"), emulator.client("sqs")
    name = stack_name("kept")
    cfn.create_stack(StackName=name, TemplateBody=FAILING, DisableRollback=True)
    assert wait_failed(cfn, name)["StackStatus"] == "CREATE_FAILED"
    good = physical_ids(cfn, name)["Good"]
    assert "QueueArn" in sqs.get_queue_attributes(QueueUrl=good, AttributeNames=["All"])[
        "Attributes"]
    delete(cfn, name)
    with pytest.raises(ClientError):
        sqs.get_queue_attributes(QueueUrl=good)


def test_a_failed_update_rolls_back_to_the_previous_configuration(
        emulator: EmulatorHandle) -> None:
    cfn, sqs = emulator.client("cloudformation"), emulator.client("sqs")
    name = stack_name("rollback")
    body = "Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {DelaySeconds: 5}}\n"
    create(cfn, name, body)
    url = physical_ids(cfn, name)["Q"]
    broken = ("Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {DelaySeconds: 10}}\n"
              "  Extra: {Type: AWS::SQS::Queue, DependsOn: Q, Properties: "
              "{DelaySeconds: 9999}}\n")
    cfn.update_stack(StackName=name, TemplateBody=broken)
    stack = wait_failed(cfn, name, "stack_update_complete")
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])[
        "Attributes"]["DelaySeconds"] == "5"
    assert set(physical_ids(cfn, name)) == {"Q"}
    trail = events(cfn, name)
    assert (name, "UPDATE_ROLLBACK_IN_PROGRESS",
            "The following resource(s) failed to create: [Extra]. ") in trail
    assert trail[-1] == (name, "UPDATE_ROLLBACK_COMPLETE", "")
    delete(cfn, name)
