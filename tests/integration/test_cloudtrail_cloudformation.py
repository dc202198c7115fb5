"""AWS::CloudTrail::Trail through CloudFormation, as the S3-to-EventBridge pattern uses it: a
trail whose event selector asks for the write data events of one bucket's objects makes each
PutObject there an "AWS API Call via CloudTrail" event that a rule on ``aws.s3`` matches;
objects elsewhere, outside the prefix, and reads are not logged.

https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudtrail-trail.html:
Ref is the trail's name, Fn::GetAtt Arn its ARN; IsLogging and S3BucketName are required.
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DataResource.html: an S3
value ``arn:aws:s3:::bucket/prefix`` logs the objects of that bucket under that prefix.
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html: without
selectors a trail logs management events only; ReadWriteType WriteOnly skips reads.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html: S3 data
events carry ``requestParameters.bucketName`` and ``key``, ``eventCategory`` Data.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cloudformation_support import (
    create,
    delete,
    events,
    outputs,
    stack_name,
    update,
    wait_failed,
)
from polling import eventually

from emulator.testing import EmulatorHandle

TEMPLATE = """
Parameters:
  Images: {Type: String}
  Logging: {Type: String, Default: "true"}
Resources:
  ImageBucket:
    Type: AWS::S3::Bucket
    Properties: {BucketName: !Ref Images}
  LogBucket: {Type: AWS::S3::Bucket}
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: !Ref Logging
      IsMultiRegionTrail: true
      IncludeGlobalServiceEvents: true
      EnableLogFileValidation: true
      S3BucketName: !Ref LogBucket
      EventSelectors:
        - ReadWriteType: WriteOnly
          DataResources:
            - Type: AWS::S3::Object
              Values: [!Sub "arn:aws:s3:::${ImageBucket}/uploads/"]
      Tags: [{Key: team, Value: media}]
  Queue: {Type: AWS::SQS::Queue}
  OnUpload:
    Type: AWS::Events::Rule
    Properties:
      EventPattern:
        source: [aws.s3]
        detail-type: [AWS API Call via CloudTrail]
        detail:
          eventSource: [s3.amazonaws.com]
          eventName: [PutObject, CopyObject, CompleteMultipartUpload]
          requestParameters:
            bucketName: [!Ref ImageBucket]
      Targets: [{Arn: !GetAtt Queue.Arn, Id: queue}]
Outputs:
  Trail: {Value: !Ref Trail}
  TrailArn: {Value: !GetAtt Trail.Arn}
  Queue: {Value: !Ref Queue}
  Logs: {Value: !Ref LogBucket}
"""


def _messages(emulator: EmulatorHandle, queue: str) -> list[dict[str, Any]]:
    answer = emulator.client("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10)
    return [json.loads(message["Body"]) for message in answer.get("Messages", [])]


def test_a_trail_stack_logs_selected_s3_writes_to_eventbridge(
        emulator: EmulatorHandle) -> None:
    cfn, s3 = emulator.client("cloudformation"), emulator.client("s3")
    trail = emulator.client("cloudtrail")
    name, images = stack_name("trail"), f"images-{uuid.uuid4().hex[:8]}"
    create(cfn, name, TEMPLATE, Parameters=[{"ParameterKey": "Images", "ParameterValue": images}])
    out = outputs(cfn, name)
    assert out["TrailArn"] == f"arn:aws:cloudtrail:us-east-1:000000000000:trail/{out['Trail']}"
    assert trail.get_trail_status(Name=out["Trail"])["IsLogging"] is True
    described = trail.get_trail(Name=out["Trail"])["Trail"]
    assert (described["S3BucketName"], described["IsMultiRegionTrail"],
            described["LogFileValidationEnabled"], described["HasCustomEventSelectors"]) == (
        out["Logs"], True, True, True)
    selectors = trail.get_event_selectors(TrailName=out["Trail"])["EventSelectors"]
    assert selectors[0]["ReadWriteType"] == "WriteOnly"
    assert selectors[0]["DataResources"] == [
        {"Type": "AWS::S3::Object", "Values": [f"arn:aws:s3:::{images}/uploads/"]}]
    tags = trail.list_tags(ResourceIdList=[out["TrailArn"]])["ResourceTagList"][0]["TagsList"]
    assert {"Key": "team", "Value": "media"} in tags

    # Not selected: another bucket, a key outside the prefix, a read.
    s3.put_object(Bucket=out["Logs"], Key="uploads/a.png", Body=b"x")
    s3.put_object(Bucket=images, Key="other/b.png", Body=b"x")
    s3.get_object(Bucket=images, Key="other/b.png")
    s3.put_object(Bucket=images, Key="uploads/cat.png", Body=b"meow")
    got = eventually(lambda: _messages(emulator, out["Queue"]))
    assert len(got) == 1, got
    event = got[0]
    assert (event["source"], event["detail-type"]) == ("aws.s3", "AWS API Call via CloudTrail")
    detail = event["detail"]
    assert (detail["eventName"], detail["eventCategory"], detail["managementEvent"],
            detail["readOnly"]) == ("PutObject", "Data", False, False)
    assert detail["requestParameters"]["bucketName"] == images
    assert detail["requestParameters"]["key"] == "uploads/cat.png"
    assert {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{images}/uploads/cat.png"} in (
        detail["resources"])
    # Data events stay out of the event history, which holds management events.
    history = trail.lookup_events(LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "PutObject"}])["Events"]
    assert history == []

    # IsLogging false stops the trail in place: uploads are no longer logged.
    update(cfn, name, TEMPLATE, Parameters=[
        {"ParameterKey": "Images", "ParameterValue": images},
        {"ParameterKey": "Logging", "ParameterValue": "false"}])
    assert trail.get_trail_status(Name=out["Trail"])["IsLogging"] is False
    s3.put_object(Bucket=images, Key="uploads/dog.png", Body=b"woof")
    s3.put_object(Bucket=images, Key="uploads/dog.png", Body=b"woof")
    assert _messages(emulator, out["Queue"]) == []

    for key in ("uploads/cat.png", "uploads/dog.png", "other/b.png"):
        s3.delete_object(Bucket=images, Key=key)
    s3.delete_object(Bucket=out["Logs"], Key="uploads/a.png")
    delete(cfn, name)
    assert trail.describe_trails(trailNameList=[out["Trail"]])["trailList"] == []


def test_a_trail_without_is_logging_fails_the_stack(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("trail-bad")
    body = """
Resources:
  Logs: {Type: AWS::S3::Bucket}
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties: {S3BucketName: !Ref Logs}
"""
    create(cfn, name, body, wait=False)
    wait_failed(cfn, name)
    reasons = [reason for logical, status, reason in events(cfn, name)
               if logical == "Trail" and status == "CREATE_FAILED"]
    assert reasons and "required key [IsLogging] not found" in reasons[0], reasons
    delete(cfn, name)


def test_put_event_selectors_refuses_bad_selectors(emulator: EmulatorHandle) -> None:
    """https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html:
    1 to 5 selectors (InvalidEventSelectorsException); EventSelectors or
    AdvancedEventSelectors, not both."""
    trail, s3 = emulator.client("cloudtrail"), emulator.client("s3")
    bucket, name = f"logs-{uuid.uuid4().hex[:8]}", f"t-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    trail.create_trail(Name=name, S3BucketName=bucket)
    selector = {"ReadWriteType": "All", "IncludeManagementEvents": True}
    with pytest.raises(ClientError) as refused:
        trail.put_event_selectors(TrailName=name, EventSelectors=[selector] * 6)
    assert refused.value.response["Error"]["Code"] == "InvalidEventSelectorsException"
    with pytest.raises(ClientError) as both:
        trail.put_event_selectors(TrailName=name, EventSelectors=[selector],
                                  AdvancedEventSelectors=[{"FieldSelectors": [
                                      {"Field": "eventCategory", "Equals": ["Management"]}]}])
    assert both.value.response["Error"]["Code"] == "InvalidParameterCombinationException"
    assert trail.get_event_selectors(TrailName=name)["EventSelectors"] == [
        {**selector, "DataResources": [], "ExcludeManagementEventSources": []}]
    trail.delete_trail(Name=name)
    s3.delete_bucket(Bucket=bucket)
