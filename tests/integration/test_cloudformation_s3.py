"""What CloudFormation does with S3: buckets and policies from templates, templates by
TemplateURL, nested stacks, and custom resources that answer through presigned S3 URLs with
the cfn-response helper, backed by Lambda or by SNS."""

from __future__ import annotations

import contextlib
import json
import re

import pytest
from botocore.exceptions import ClientError
from cloudformation_support import (
    FAST,
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

BUCKETS = """
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: Enabled}
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: AES256}
            BucketKeyEnabled: false
      Tags: [{Key: team, Value: data}]
      CorsConfiguration:
        CorsRules: [{AllowedMethods: [GET], AllowedOrigins: ["*"], MaxAge: 60}]
      WebsiteConfiguration:
        IndexDocument: index.html
        ErrorDocument: error.html
        RoutingRules:
          - RoutingRuleCondition: {KeyPrefixEquals: docs/}
            RedirectRule: {ReplaceKeyPrefixWith: documents/}
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement: [{Effect: Allow, Action: s3:GetObject, Resource: !Sub "${Bucket.Arn}/*",
                     Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}}]
Outputs:
  Name: {Value: !Ref Bucket}
  Arn: {Value: !GetAtt Bucket.Arn}
  Domain: {Value: !GetAtt Bucket.RegionalDomainName}
"""


def test_buckets_and_policies(emulator: EmulatorHandle) -> None:
    cfn, s3 = emulator.client("cloudformation"), emulator.client("s3")
    name = stack_name("buckets")
    create(cfn, name, BUCKETS)
    out = outputs(cfn, name)
    bucket = out["Name"]
    assert bucket == bucket.lower() and bucket.startswith(f"{name}-bucket-")
    assert out["Arn"] == f"arn:aws:s3:::{bucket}"
    assert out["Domain"] == f"{bucket}.s3.us-east-1.amazonaws.com"
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    # The template's ServerSideEncryptionByDefault reaches S3 as ApplyServerSideEncryptionByDefault
    # (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-serversideencryptionrule.html).
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules == [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                      "BucketKeyEnabled": False}]
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "team", "Value": "data"}]
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"][0]["MaxAgeSeconds"] == 60
    # WebsiteConfiguration's documents and routing rules in PutBucketWebsite's shape
    # (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-websiteconfiguration.html).
    website = s3.get_bucket_website(Bucket=bucket)
    assert website["IndexDocument"] == {"Suffix": "index.html"}
    assert website["ErrorDocument"] == {"Key": "error.html"}
    assert website["RoutingRules"] == [{"Condition": {"KeyPrefixEquals": "docs/"},
                                        "Redirect": {"ReplaceKeyPrefixWith": "documents/"}}]
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert policy["Statement"][0]["Resource"] == f"arn:aws:s3:::{bucket}/*"

    update(cfn, name, BUCKETS.replace("Status: Enabled", "Status: Suspended"))
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"

    s3.put_object(Bucket=bucket, Key="left-behind", Body=b"x")
    cfn.delete_stack(StackName=name)
    stack = wait_failed(cfn, name, "stack_delete_complete")
    assert stack["StackStatus"] == "DELETE_FAILED"
    failed = [t for t in events(cfn, name) if t[1] == "DELETE_FAILED"]
    assert failed[0][0] == "Bucket"
    assert "The bucket you tried to delete is not empty" in failed[0][2]
    s3.delete_object(Bucket=bucket, Key="left-behind")
    for version in s3.list_object_versions(Bucket=bucket).get("Versions", []) + (
            s3.list_object_versions(Bucket=bucket).get("DeleteMarkers", [])):
        s3.delete_object(Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"])
    delete(cfn, name)
    with pytest.raises(ClientError):
        s3.head_bucket(Bucket=bucket)


CHILD = """
Parameters:
  Prefix: {Type: String}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub "${Prefix}-child"}
Outputs:
  QueueArn: {Value: !GetAtt Queue.Arn}
"""

PARENT = """
Parameters:
  ChildUrl: {Type: String}
  Prefix: {Type: String}
Resources:
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: !Ref ChildUrl
      Parameters: {Prefix: !Ref Prefix}
  Topic:
    Type: AWS::SNS::Topic
    Properties: {DisplayName: !GetAtt Child.Outputs.QueueArn}
Outputs:
  FromChild: {Value: !GetAtt Child.Outputs.QueueArn}
"""


def _upload(emulator: EmulatorHandle, key: str, body: str) -> str:
    s3 = emulator.client("s3")
    bucket = "cfn-templates-test"
    with contextlib.suppress(ClientError):
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=body.encode())
    return f"https://{bucket}.s3.amazonaws.com/{key}"


LOCKED = """
Resources:
  Vault:
    Type: AWS::S3::Bucket
    Properties:
      ObjectLockEnabled: true
      ObjectLockConfiguration:
        ObjectLockEnabled: Enabled
        Rule: {DefaultRetention: {Mode: GOVERNANCE, Days: 7}}
      LoggingConfiguration: {DestinationBucketName: !Ref Logs, LogFilePrefix: vault/}
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      LoggingConfiguration: {LogFilePrefix: self/}
Outputs:
  Name: {Value: !Ref Vault}
  Logs: {Value: !Ref Logs}
"""


@pytest.mark.slow
def test_a_bucket_with_object_lock_and_access_logging(emulator: EmulatorHandle) -> None:
    """ObjectLockEnabled creates the bucket with Object Lock (and versioning),
    ObjectLockConfiguration sets its default retention, LoggingConfiguration its access logging
    (to the bucket itself when no destination is named).
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-objectlockconfiguration.html"""
    cfn, s3 = emulator.client("cloudformation"), emulator.client("s3")
    name = stack_name("vault")
    create(cfn, name, LOCKED)
    bucket = outputs(cfn, name)["Name"]
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 7}}}
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    logs = outputs(cfn, name)["Logs"]
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == {
        "TargetBucket": logs, "TargetPrefix": "vault/"}
    assert s3.get_bucket_logging(Bucket=logs)["LoggingEnabled"] == {
        "TargetBucket": logs, "TargetPrefix": "self/"}
    delete(cfn, name)


def test_template_urls_and_nested_stacks(emulator: EmulatorHandle) -> None:
    cfn, sqs = emulator.client("cloudformation"), emulator.client("sqs")
    name = stack_name("parent")
    child_url = _upload(emulator, f"{name}/child.yaml", CHILD)
    parent_url = _upload(emulator, f"{name}/parent.yaml", PARENT)
    cfn.create_stack(StackName=name, TemplateURL=parent_url, Parameters=[
        {"ParameterKey": "ChildUrl", "ParameterValue": child_url},
        {"ParameterKey": "Prefix", "ParameterValue": name}])
    cfn.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    queue_arn = outputs(cfn, name)["FromChild"]
    assert queue_arn.endswith(f":{name}-child")
    child_id = physical_ids(cfn, name)["Child"]
    child = cfn.describe_stacks(StackName=child_id)["Stacks"][0]
    assert child["ParentId"] == child["RootId"] == cfn.describe_stacks(
        StackName=name)["Stacks"][0]["StackId"]
    assert child["StackName"].startswith(f"{name}-Child-")
    assert sqs.get_queue_url(QueueName=f"{name}-child")["QueueUrl"]

    cfn.update_stack(StackName=name, TemplateURL=parent_url, Parameters=[
        {"ParameterKey": "ChildUrl", "UsePreviousValue": True},
        {"ParameterKey": "Prefix", "ParameterValue": f"{name}-b"}])
    cfn.get_waiter("stack_update_complete").wait(StackName=name, WaiterConfig=FAST)
    assert outputs(cfn, name)["FromChild"].endswith(f":{name}-b-child")
    with pytest.raises(ClientError):
        sqs.get_queue_url(QueueName=f"{name}-child")
    delete(cfn, name)
    assert cfn.describe_stacks(StackName=child_id)["Stacks"][0]["StackStatus"] == (
        "DELETE_COMPLETE")
    with pytest.raises(ClientError):
        sqs.get_queue_url(QueueName=f"{name}-b-child")


def test_a_failed_nested_stack_names_what_failed_in_it(emulator: EmulatorHandle) -> None:
    """The parent's event repeats the child's own reason, as AWS's does ("Embedded stack
    arn:... was not successfully created: The following resource(s) failed to create: [...]."
    https://github.com/amazon-connect/voicemail-express-amazon-connect/discussions/44; on
    update "... was not successfully updated. Currently in UPDATE_ROLLBACK_IN_PROGRESS with
    reason: ...": https://github.com/rubyonjets/jets-docs/blob/main/_docs/debug/cloudformation.md)."""
    cfn = emulator.client("cloudformation")
    name = stack_name("nested-fail")
    child_url = _upload(emulator, f"{name}/child.yaml", CHILD)
    parent_url = _upload(emulator, f"{name}/parent.yaml", PARENT)
    embedded = r"Embedded stack arn:aws:cloudformation:us-east-1:\d{12}:stack/[\w-]+/[\w-]+ "
    cfn.create_stack(StackName=name, TemplateURL=parent_url, Parameters=[
        {"ParameterKey": "ChildUrl", "ParameterValue": child_url},
        {"ParameterKey": "Prefix", "ParameterValue": "not a queue name!"}])
    assert wait_failed(cfn, name)["StackStatus"] == "ROLLBACK_COMPLETE"
    reason = next(reason for logical_id, status, reason in events(cfn, name)
                  if logical_id == "Child" and status == "CREATE_FAILED")
    assert re.fullmatch(embedded + r"was not successfully created: "
                        r"The following resource\(s\) failed to create: \[Queue\]\.", reason)
    delete(cfn, name)

    cfn.create_stack(StackName=name, TemplateURL=parent_url, Parameters=[
        {"ParameterKey": "ChildUrl", "ParameterValue": child_url},
        {"ParameterKey": "Prefix", "ParameterValue": name}])
    cfn.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    cfn.update_stack(StackName=name, TemplateURL=parent_url, Parameters=[
        {"ParameterKey": "ChildUrl", "UsePreviousValue": True},
        {"ParameterKey": "Prefix", "ParameterValue": "not a queue name!"}])
    assert wait_failed(cfn, name, "stack_update_complete")["StackStatus"] == (
        "UPDATE_ROLLBACK_COMPLETE")
    reason = next(reason for logical_id, status, reason in events(cfn, name)
                  if logical_id == "Child" and status == "UPDATE_FAILED")
    assert re.fullmatch(embedded + r"was not successfully updated\. Currently in "
                        r"UPDATE_ROLLBACK_IN_PROGRESS with reason: The following "
                        r"resource\(s\) failed to (create|update): \[Queue\]\.", reason)
    delete(cfn, name)


CUSTOM = """
Parameters:
  Word: {Type: String, Default: hello}
Resources:
  ProviderRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com},
                     Action: sts:AssumeRole}]
  Provider:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt ProviderRole.Arn
      Code:
        ZipFile: |
          import cfnresponse
          def handler(event, context):
              props = event["ResourceProperties"]
              if props.get("Fail") == "yes" and event["RequestType"] != "Delete":
                  cfnresponse.send(event, context, cfnresponse.FAILED, {},
                                   reason="asked to fail")
                  return
              word = props.get("Word", "")
              cfnresponse.send(event, context, cfnresponse.SUCCESS,
                               {"Upper": word.upper(), "Request": event["RequestType"]},
                               physicalResourceId="custom-" + word)
  Shout:
    Type: Custom::Shout
    Properties:
      ServiceToken: !GetAtt Provider.Arn
      Word: !Ref Word
Outputs:
  Upper: {Value: !GetAtt Shout.Upper}
  Request: {Value: !GetAtt Shout.Request}
  Id: {Value: !Ref Shout}
"""


def test_lambda_backed_custom_resources_answer_through_s3(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("custom")
    create(cfn, name, CUSTOM, Capabilities=["CAPABILITY_IAM"])
    assert outputs(cfn, name) == {"Upper": "HELLO", "Request": "Create", "Id": "custom-hello"}
    update(cfn, name, CUSTOM, Capabilities=["CAPABILITY_IAM"],
           Parameters=[{"ParameterKey": "Word", "ParameterValue": "bye"}])
    assert outputs(cfn, name) == {"Upper": "BYE", "Request": "Update", "Id": "custom-bye"}
    # A new physical id from an update means the old one is deleted in the cleanup.
    trail = events(cfn, name)
    assert [t for t in trail if t[0] == "Shout" and t[1] == "DELETE_COMPLETE"]
    failing = CUSTOM.replace("Word: !Ref Word", "Word: !Ref Word\n      Fail: 'yes'")
    cfn.update_stack(StackName=name, TemplateBody=failing, Capabilities=["CAPABILITY_IAM"])
    assert wait_failed(cfn, name, "stack_update_complete")["StackStatus"] == (
        "UPDATE_ROLLBACK_COMPLETE")
    reason = next(t[2] for t in events(cfn, name) if t[1] == "UPDATE_FAILED")
    assert reason.startswith("Received response status [FAILED] from custom resource. "
                             "Message returned: asked to fail (RequestId: ")
    delete(cfn, name)


# A Lambda-backed provider whose code follows, indented under ZipFile.
PROVIDER = """
Resources:
  Provider:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::000000000000:role/provider
      Code:
        ZipFile: |"""

TWICE = PROVIDER + """
          import json, urllib.request
          def put(event, data):
              body = json.dumps({"Status": "SUCCESS", "PhysicalResourceId": "twice",
                                 "StackId": event["StackId"], "RequestId": event["RequestId"],
                                 "LogicalResourceId": event["LogicalResourceId"],
                                 "Data": data}).encode()
              urllib.request.urlopen(urllib.request.Request(
                  event["ResponseURL"], data=body, method="PUT"))
          def handler(event, context):
              put(event, {"Answer": "first"})
              put(event, {})
  Custom:
    Type: Custom::Twice
    Properties: {ServiceToken: !GetAtt Provider.Arn, Round: !Ref AWS::StackName}
Outputs:
  Answer: {Value: !GetAtt Custom.Answer}
"""


def test_a_provider_that_answers_twice_is_held_to_its_first_answer(
        emulator: EmulatorHandle) -> None:
    """The CDK's Provider framework answers again after a handler that used cfn-response;
    CloudFormation acts on the first answer, however soon the second follows it."""
    cfn = emulator.client("cloudformation")
    name = stack_name("twice")
    create(cfn, name, TWICE)
    assert outputs(cfn, name) == {"Answer": "first"}
    update(cfn, name, TWICE.replace("Round: !Ref AWS::StackName", "Round: two"))
    assert outputs(cfn, name) == {"Answer": "first"}
    delete(cfn, name)


ECHO = PROVIDER + """
          import json, cfnresponse
          def handler(event, context):
              seen = {key: value for key, value in event["ResourceProperties"].items()
                      if key != "ServiceToken"}
              old = event.get("OldResourceProperties", {}).get("Count", "none")
              cfnresponse.send(event, context, cfnresponse.SUCCESS,
                               {"Seen": json.dumps(seen, sort_keys=True), "Old": old},
                               physicalResourceId="echo")
  Custom:
    Type: Custom::Echo
    Properties:
      ServiceToken: !GetAtt Provider.Arn
      Flag: true
      Count: 3
      Nested: {List: [1.5, false, text], Name: plain}
Outputs:
  Seen: {Value: !GetAtt Custom.Seen}
  Old: {Value: !GetAtt Custom.Old}
"""


def test_a_provider_receives_every_scalar_property_as_a_string(
        emulator: EmulatorHandle) -> None:
    """"All scalar values are stringified by CloudFormation" (the CDK's own handlers rely on
    it: https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources-readme.html),
    in ResourceProperties and OldResourceProperties alike."""
    cfn = emulator.client("cloudformation")
    name = stack_name("echo")
    create(cfn, name, ECHO)
    assert json.loads(outputs(cfn, name)["Seen"]) == {
        "Count": "3", "Flag": "true",
        "Nested": {"List": ["1.5", "false", "text"], "Name": "plain"}}
    update(cfn, name, ECHO.replace("Count: 3", "Count: 4"))
    assert outputs(cfn, name)["Old"] == "3"
    delete(cfn, name)


SNS_CUSTOM = """
Resources:
  Topic: {Type: AWS::SNS::Topic}
  Relay:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::000000000000:role/relay
      Code:
        ZipFile: |
          import json, cfnresponse
          def handler(event, context):
              request = json.loads(event["Records"][0]["Sns"]["Message"])
              cfnresponse.send(request, context, cfnresponse.SUCCESS, {"Via": "sns"},
                               physicalResourceId="from-sns")
  Permission:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: !Ref Relay, Action: lambda:InvokeFunction,
                 Principal: sns.amazonaws.com, SourceArn: !Ref Topic}
  Subscription:
    Type: AWS::SNS::Subscription
    Properties: {TopicArn: !Ref Topic, Protocol: lambda, Endpoint: !GetAtt Relay.Arn}
  Custom:
    Type: AWS::CloudFormation::CustomResource
    DependsOn: [Subscription, Permission]
    Properties: {ServiceToken: !Ref Topic}
Outputs:
  Via: {Value: !GetAtt Custom.Via}
"""


def test_sns_backed_custom_resources(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("sns-custom")
    create(cfn, name, SNS_CUSTOM)
    assert outputs(cfn, name) == {"Via": "sns"}
    assert physical_ids(cfn, name)["Custom"] == "from-sns"
    delete(cfn, name)


def test_a_custom_resource_that_never_answers_times_out_on_the_clock(
        emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("silent")
    emulator.clock.freeze()  # the timeout counts only the jumps below, on a slow machine too
    cfn.create_stack(StackName=name, TemplateBody="""
Resources:
  Silent:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::000000000000:role/x
      Code: {ZipFile: "def handler(event, context):\\n    return None\\n"}
  Custom:
    Type: Custom::Nothing
    Properties: {ServiceToken: !GetAtt Silent.Arn, ServiceTimeout: 600}
""")
    emulator.wait_idle()  # the stack now waits on the clock for an answer
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == (
        "CREATE_IN_PROGRESS")
    emulator.clock.advance(599)
    emulator.wait_idle()
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == (
        "CREATE_IN_PROGRESS")
    emulator.clock.advance(2)
    assert wait_failed(cfn, name)["StackStatus"] == "ROLLBACK_COMPLETE"
    reason = next(t[2] for t in events(cfn, name) if t[1] == "CREATE_FAILED")
    assert reason.startswith("CloudFormation did not receive a response from your Custom "
                             "Resource. Please check your custom resource in region us-east-1.")
    delete(cfn, name)
