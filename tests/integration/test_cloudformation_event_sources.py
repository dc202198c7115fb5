"""Every SAM event source a function can have (Api, HttpApi, SQS, SNS, Schedule,
EventBridgeRule, S3, DynamoDB, Kinesis, CloudWatchLogs), deployed through the SAM translator,
read back as wiring through each service's own API, then fired: each source's event reaches
the function, which names the kind of event it got on a queue the test reads."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from cloudformation_support import (
    FAST,
    delete,
    events,
    outputs,
    physical_ids,
    stack_name,
    wait_failed,
)

from emulator.testing import EmulatorHandle

pytestmark = pytest.mark.slow  # about 30 s: ten sources, each fired and awaited

EVERY_SOURCE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Uploads: {Type: AWS::S3::Bucket}
  Items:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  Clicks: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 1}}
  Jobs: {Type: AWS::SQS::Queue}
  Seen: {Type: AWS::SQS::Queue}
  Alerts: {Type: AWS::SNS::Topic}
  AppLogs: {Type: AWS::Logs::LogGroup}
  Handler:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Timeout: 30
      Environment: {Variables: {SEEN: !Ref Seen}}
      InlineCode: |
        import os, boto3

        def kind(event):
            if "awslogs" in event:
                return "CloudWatchLogs"
            if "requestContext" in event:
                return "HttpApi" if event.get("version") == "2.0" else "Api"
            if event.get("detail-type") == "Scheduled Event":
                return "Schedule"
            if event.get("source") == "app.orders":
                return "EventBridgeRule"
            record = (event.get("Records") or [{}])[0]
            return record.get("eventSource") or record.get("EventSource") or "unknown"

        def handler(event, context):
            seen = kind(event)
            boto3.client("sqs").send_message(QueueUrl=os.environ["SEEN"], MessageBody=seen)
            return {"statusCode": 200, "body": seen}
      Events:
        Rest: {Type: Api, Properties: {Path: /r, Method: get}}
        Http: {Type: HttpApi, Properties: {Path: /h, Method: get}}
        Queue: {Type: SQS, Properties: {Queue: !GetAtt Jobs.Arn}}
        Topic: {Type: SNS, Properties: {Topic: !Ref Alerts}}
        Every: {Type: Schedule, Properties: {Schedule: rate(5 minutes)}}
        Rule: {Type: EventBridgeRule, Properties: {Pattern: {source: [app.orders]}}}
        Upload:
          Type: S3
          Properties: {Bucket: !Ref Uploads, Events: s3:ObjectCreated:*}
        Table:
          Type: DynamoDB
          Properties: {Stream: !GetAtt Items.StreamArn, StartingPosition: LATEST}
        Stream:
          Type: Kinesis
          Properties: {Stream: !GetAtt Clicks.Arn, StartingPosition: TRIM_HORIZON}
        Logs:
          Type: CloudWatchLogs
          Properties: {LogGroupName: !Ref AppLogs, FilterPattern: ERROR}
Outputs:
  Function: {Value: !GetAtt Handler.Arn}
  Bucket: {Value: !Ref Uploads}
  Table: {Value: !Ref Items}
  Stream: {Value: !Ref Clicks}
  Jobs: {Value: !Ref Jobs}
  Seen: {Value: !Ref Seen}
  LogGroup: {Value: !Ref AppLogs}
  Topic: {Value: !Ref Alerts}
  RestApi: {Value: !Ref ServerlessRestApi}
  HttpApi: {Value: !Ref ServerlessHttpApi}
"""

EVERY_KIND = {"Api", "HttpApi", "aws:sqs", "aws:sns", "Schedule", "EventBridgeRule", "aws:s3",
              "aws:dynamodb", "aws:kinesis", "CloudWatchLogs"}


def _deploy(emulator: EmulatorHandle, name: str) -> dict[str, str]:
    cfn = emulator.client("cloudformation")
    created = cfn.create_change_set(StackName=name, ChangeSetName="sources",
                                    ChangeSetType="CREATE", TemplateBody=EVERY_SOURCE,
                                    Capabilities=["CAPABILITY_IAM"])
    cfn.get_waiter("change_set_create_complete").wait(ChangeSetName=created["Id"],
                                                      WaiterConfig=FAST)
    cfn.execute_change_set(ChangeSetName=created["Id"])
    cfn.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    return outputs(cfn, name)


def _check_wiring(emulator: EmulatorHandle, out: dict[str, str]) -> None:
    function = out["Function"]
    mappings = emulator.client("lambda").list_event_source_mappings(
        FunctionName=function)["EventSourceMappings"]
    assert sorted(m["EventSourceArn"].split(":")[2] for m in mappings) == [
        "dynamodb", "kinesis", "sqs"]
    subscriptions = emulator.client("sns").list_subscriptions_by_topic(
        TopicArn=out["Topic"])["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("lambda", function)]
    rules = emulator.client("events").list_rule_names_by_target(TargetArn=function)
    assert len(rules["RuleNames"]) == 2
    notification = emulator.client("s3").get_bucket_notification_configuration(
        Bucket=out["Bucket"])
    assert notification["LambdaFunctionConfigurations"][0]["LambdaFunctionArn"] == function
    filters = emulator.client("logs").describe_subscription_filters(
        logGroupName=out["LogGroup"])["subscriptionFilters"]
    assert filters[0]["destinationArn"] == function and filters[0]["filterPattern"] == "ERROR"


def _fire_each(emulator: EmulatorHandle, out: dict[str, str]) -> None:
    base = f"{emulator.endpoint_url}/_aws/execute-api"
    assert httpx.get(f"{base}/{out['RestApi']}/Prod/r").text == "Api"
    assert httpx.get(f"{base}/{out['HttpApi']}/h").text == "HttpApi"
    emulator.client("sqs").send_message(QueueUrl=out["Jobs"], MessageBody="job")
    emulator.client("sns").publish(TopicArn=out["Topic"], Message="alert")
    emulator.client("events").put_events(Entries=[
        {"Source": "app.orders", "DetailType": "OrderPlaced", "Detail": json.dumps({"n": 1})}])
    emulator.client("s3").put_object(Bucket=out["Bucket"], Key="upload.txt", Body=b"x")
    emulator.client("dynamodb").put_item(TableName=out["Table"], Item={"pk": {"S": "a"}})
    emulator.client("kinesis").put_record(StreamName=out["Stream"], Data=b"click",
                                          PartitionKey="k")
    logs = emulator.client("logs")
    logs.create_log_stream(logGroupName=out["LogGroup"], logStreamName="app")
    logs.put_log_events(logGroupName=out["LogGroup"], logStreamName="app", logEvents=[
        {"timestamp": int(emulator.clock.now() * 1000), "message": "ERROR disk full"}])


def _kinds_seen(emulator: EmulatorHandle, queue_url: str, expected: set[str]) -> set[str]:
    sqs, seen = emulator.client("sqs"), set[str]()
    deadline = time.monotonic() + 60
    while not expected <= seen and time.monotonic() < deadline:
        answer: dict[str, Any] = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1,
                                                     MaxNumberOfMessages=10)
        for message in answer.get("Messages", []):
            seen.add(message["Body"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return seen


def test_every_sam_event_source_deploys_and_fires(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("sources")
    out = _deploy(emulator, name)
    _check_wiring(emulator, out)
    resources = physical_ids(cfn, name)
    assert "ServerlessRestApi" in resources and "ServerlessHttpApi" in resources

    _fire_each(emulator, out)
    fired = EVERY_KIND - {"Schedule"}
    assert _kinds_seen(emulator, out["Seen"], fired) == fired
    # Only once every invocation above has finished: the function's 30 s timeout runs on
    # the same clock, so advancing it earlier would time out one still running.
    emulator.clock.advance(5 * 60 + 1)  # the rate(5 minutes) schedule comes due
    assert _kinds_seen(emulator, out["Seen"], {"Schedule"}) == {"Schedule"}

    function = out["Function"]
    cfn.delete_stack(StackName=name)  # as on AWS, a bucket with objects in it stays
    assert wait_failed(cfn, name, "stack_delete_complete")["StackStatus"] == "DELETE_FAILED"
    failed = [(logical, reason) for logical, status, reason in events(cfn, name)
              if status == "DELETE_FAILED"]
    assert failed[0][0] == "Uploads"
    assert "The bucket you tried to delete is not empty" in failed[0][1]
    assert failed[-1] == (name, "The following resource(s) failed to delete: [Uploads]. ")
    emulator.client("s3").delete_object(Bucket=out["Bucket"], Key="upload.txt")
    delete(cfn, name)
    assert emulator.client("lambda").list_event_source_mappings(
        FunctionName=function)["EventSourceMappings"] == []
    assert emulator.client("events").list_rule_names_by_target(
        TargetArn=function)["RuleNames"] == []
