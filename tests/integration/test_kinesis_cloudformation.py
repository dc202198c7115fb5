"""Kinesis through CloudFormation and SAM: a template's stream, consumer and a function whose
Kinesis event (a SAM event source) is a working mapping; updates and deletion."""

from __future__ import annotations

from cloudformation_support import create, delete, outputs, physical_ids, stack_name, update

from emulator.testing import EmulatorHandle

TEMPLATE = """
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Shards: {Type: Number, Default: 1}
  Hours: {Type: Number, Default: 24}
Resources:
  Out: {Type: AWS::SQS::Queue}
  Orders:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: !Ref Shards
      RetentionPeriodHours: !Ref Hours
      Tags: [{Key: team, Value: orders}]
  Reader:
    Type: AWS::Kinesis::StreamConsumer
    Properties: {StreamARN: !GetAtt Orders.Arn, ConsumerName: reader}
  Handler:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: index.handler
      InlineCode: |
        import base64, os, boto3
        def handler(event, context):
            boto3.client("sqs").send_message(QueueUrl=os.environ["OUT"], MessageBody="|".join(
                base64.b64decode(r["kinesis"]["data"]).decode() for r in event["Records"]))
      Environment: {Variables: {OUT: !Ref Out}}
      Events:
        Stream:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Orders.Arn
            StartingPosition: TRIM_HORIZON
            BatchSize: 10
            MaximumRetryAttempts: 2
Outputs:
  StreamArn: {Value: !GetAtt Orders.Arn}
  ConsumerArn: {Value: !GetAtt Reader.ConsumerARN}
  OutUrl: {Value: !Ref Out}
"""


def test_a_sam_kinesis_event_source_delivers_and_the_stream_follows_updates(
        emulator: EmulatorHandle) -> None:
    cfn, kinesis, sqs, lam = (emulator.client(s) for s in (
        "cloudformation", "kinesis", "sqs", "lambda"))
    name = stack_name()
    create(cfn, name, TEMPLATE, Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    made = outputs(cfn, name)
    stream = physical_ids(cfn, name)["Orders"]
    assert made["StreamArn"].endswith(f":stream/{stream}")
    summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
    assert (summary["OpenShardCount"], summary["ConsumerCount"]) == (1, 1)
    tags = {t["Key"]: t["Value"] for t in kinesis.list_tags_for_stream(StreamName=stream)[
        "Tags"]}
    assert tags["team"] == "orders" and tags["aws:cloudformation:logical-id"] == "Orders"
    assert made["ConsumerArn"].startswith(f"{made['StreamArn']}/consumer/reader:")
    [mapping] = lam.list_event_source_mappings(EventSourceArn=made["StreamArn"])[
        "EventSourceMappings"]
    assert (mapping["StartingPosition"], mapping["MaximumRetryAttempts"]) == ("TRIM_HORIZON", 2)
    kinesis.put_records(StreamName=stream, Records=[
        {"Data": word.encode(), "PartitionKey": "k"} for word in ("a", "b")])
    emulator.wait_idle()
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=made["OutUrl"],
                                                     WaitTimeSeconds=1).get("Messages", [])]
    assert bodies == ["a|b"]

    update(cfn, name, TEMPLATE, Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
           Parameters=[{"ParameterKey": "Shards", "ParameterValue": "2"},
                       {"ParameterKey": "Hours", "ParameterValue": "48"}])
    summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
    assert (summary["OpenShardCount"], summary["RetentionPeriodHours"]) == (2, 48)

    delete(cfn, name)
    assert stream not in kinesis.list_streams()["StreamNames"]
    assert lam.list_event_source_mappings(EventSourceArn=made["StreamArn"])[
        "EventSourceMappings"] == []
