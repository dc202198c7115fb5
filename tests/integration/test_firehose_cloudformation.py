"""AWS::KinesisFirehose::DeliveryStream in a stack: Ref is the stream's name, Fn::GetAtt Arn
its ARN; records put to it reach the template's bucket, a changed destination is updated in
place (the version moves on), and deleting the stack deletes it.

Source:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kinesisfirehose-deliverystream.html
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from cloudformation_support import create, delete, outputs, stack_name, update

from emulator.testing import EmulatorHandle

TEMPLATE = """
Resources:
  Bucket: {Type: AWS::S3::Bucket}
  Stream:
    Type: AWS::KinesisFirehose::DeliveryStream
    Properties:
      DeliveryStreamType: DirectPut
      ExtendedS3DestinationConfiguration:
        BucketARN: !GetAtt Bucket.Arn
        RoleARN: arn:aws:iam::000000000000:role/firehose
        Prefix: raw/
        BufferingHints: {IntervalInSeconds: '0', SizeInMBs: 1}
      Tags: [{Key: team, Value: data}]
Outputs:
  Name: {Value: !Ref Stream}
  Arn: {Value: !GetAtt Stream.Arn}
  Bucket: {Value: !Ref Bucket}
"""


def test_a_stack_makes_a_stream_that_delivers_to_its_bucket(emulator: EmulatorHandle) -> None:
    cfn, firehose = emulator.client("cloudformation"), emulator.client("firehose")
    name = stack_name("firehose")
    create(cfn, name, TEMPLATE)
    out = outputs(cfn, name)
    stream = out["Name"]
    assert out["Arn"] == (
        f"arn:aws:firehose:{emulator.region}:000000000000:deliverystream/{stream}")
    tags = firehose.list_tags_for_delivery_stream(DeliveryStreamName=stream)["Tags"]
    assert {"Key": "team", "Value": "data"} in tags
    firehose.put_record(DeliveryStreamName=stream, Record={"Data": b"hello"})
    emulator.wait_idle()
    s3 = emulator.client("s3")
    [item] = s3.list_objects_v2(Bucket=out["Bucket"])["Contents"]
    assert item["Key"].startswith("raw/") and f"/{stream}-1-" in item["Key"]
    assert s3.get_object(Bucket=out["Bucket"], Key=item["Key"])["Body"].read() == b"hello"
    s3.delete_object(Bucket=out["Bucket"], Key=item["Key"])
    update(cfn, name, TEMPLATE.replace("Prefix: raw/", "Prefix: cooked/"))
    described = firehose.describe_delivery_stream(
        DeliveryStreamName=stream)["DeliveryStreamDescription"]
    assert described["VersionId"] == "2"
    assert described["Destinations"][0]["ExtendedS3DestinationDescription"][
        "Prefix"] == "cooked/"
    assert outputs(cfn, name)["Name"] == stream
    delete(cfn, name)
    with pytest.raises(ClientError) as gone:
        firehose.describe_delivery_stream(DeliveryStreamName=stream)
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"
