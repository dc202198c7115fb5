"""CloudFormation's template language and API beyond create/update/delete: IAM, secrets and
keys from templates, dynamic references, exports and imports, change sets, stack policies,
termination protection, and AWS's ValidationError texts."""

from __future__ import annotations

import json

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

from emulator.config import Settings
from emulator.server import BackgroundServer
from emulator.testing import EmulatorHandle

SECURE = """
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties: {Description: app key, EnableKeyRotation: true}
  KeyAlias:
    Type: AWS::KMS::Alias
    Properties: {AliasName: !Sub "alias/${AWS::StackName}", TargetKeyId: !Ref Key}
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      KmsKeyId: !Ref Key
      GenerateSecretString:
        SecretStringTemplate: '{"username": "admin"}'
        GenerateStringKey: password
        PasswordLength: 20
        ExcludePunctuation: true
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com},
                     Action: sts:AssumeRole}]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]
      Policies:
        - PolicyName: read-secret
          PolicyDocument:
            Statement: [{Effect: Allow, Action: secretsmanager:GetSecretValue,
                         Resource: !Ref Secret}]
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Environment:
        Variables:
          USER: !Sub "{{resolve:secretsmanager:${Secret}:SecretString:username}}"
      Code:
        ZipFile: |
          import os
          def handler(event, context):
              return os.environ["USER"]
Outputs:
  RoleName: {Value: !Ref Role}
  SecretArn: {Value: !Ref Secret}
  KeyArn: {Value: !GetAtt Key.Arn, Export: {Name: !Sub "${AWS::StackName}-key"}}
  FunctionName: {Value: !Ref Function}
"""


def test_iam_secrets_keys_and_dynamic_references(emulator: EmulatorHandle) -> None:
    cfn, iam, sm, kms = (emulator.client(n) for n in (
        "cloudformation", "iam", "secretsmanager", "kms"))
    name = stack_name("secure")
    with pytest.raises(ClientError) as capabilities:
        create(cfn, name, SECURE, wait=False)
    assert capabilities.value.response["Error"]["Code"] == "InsufficientCapabilitiesException"
    assert capabilities.value.response["Error"]["Message"] == (
        "Requires capabilities : [CAPABILITY_IAM]")
    create(cfn, name, SECURE, Capabilities=["CAPABILITY_IAM"])
    out = outputs(cfn, name)
    role = iam.get_role(RoleName=out["RoleName"])["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "lambda.amazonaws.com"}
    assert [p["PolicyArn"] for p in iam.list_attached_role_policies(
        RoleName=out["RoleName"])["AttachedPolicies"]] == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
    inline = iam.get_role_policy(RoleName=out["RoleName"], PolicyName="read-secret")
    assert inline["PolicyDocument"]["Statement"][0]["Resource"] == out["SecretArn"]
    secret = json.loads(sm.get_secret_value(SecretId=out["SecretArn"])["SecretString"])
    assert secret["username"] == "admin" and len(secret["password"]) == 20
    assert secret["password"].isalnum()
    key = kms.describe_key(KeyId=f"alias/{name}")["KeyMetadata"]
    assert key["Arn"] == out["KeyArn"] and key["Description"] == "app key"
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True
    sealed = kms.encrypt(KeyId=f"alias/{name}", Plaintext=b"hi")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"hi"
    answer = emulator.client("lambda").invoke(FunctionName=out["FunctionName"])
    assert json.loads(answer["Payload"].read()) == "admin"

    importer = stack_name("importer")
    create(cfn, importer, "Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: "
                          f"{{KmsMasterKeyId: !ImportValue {name}-key}}}}\n")
    assert cfn.list_imports(ExportName=f"{name}-key")["Imports"] == [importer]
    cfn.delete_stack(StackName=name)
    stack = wait_failed(cfn, name, "stack_delete_complete")
    assert stack["StackStatus"] == "DELETE_FAILED"
    assert stack["StackStatusReason"] == (
        f"Export {name}-key cannot be deleted as it is in use by {importer}")
    delete(cfn, importer)
    delete(cfn, name)
    with pytest.raises(ClientError):
        iam.get_role(RoleName=out["RoleName"])
    with pytest.raises(ClientError):
        sm.describe_secret(SecretId=out["SecretArn"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == (
        "PendingDeletion")


QUEUES = """
Parameters:
  Delay: {Type: Number, Default: 0}
  Name: {Type: String, Default: first}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub "${AWS::StackName}-${Name}", DelaySeconds: !Ref Delay}
  Topic: {Type: AWS::SNS::Topic}
"""


def _changes(cfn: object, name: str, change_set: str) -> dict[str, dict[str, object]]:
    described = cfn.describe_change_set(StackName=name,  # type: ignore[attr-defined]
                                        ChangeSetName=change_set)
    return {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"]
            for c in described["Changes"]}


def test_change_sets_for_create_and_update(emulator: EmulatorHandle) -> None:
    cfn, sqs = emulator.client("cloudformation"), emulator.client("sqs")
    name = stack_name("changes")
    created = cfn.create_change_set(StackName=name, ChangeSetName="first",
                                    ChangeSetType="CREATE", TemplateBody=QUEUES)
    cfn.get_waiter("change_set_create_complete").wait(ChangeSetName=created["Id"],
                                                      WaiterConfig=FAST)
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == (
        "REVIEW_IN_PROGRESS")
    changes = _changes(cfn, name, "first")
    assert {k: v["Action"] for k, v in changes.items()} == {"Queue": "Add", "Topic": "Add"}
    cfn.execute_change_set(StackName=name, ChangeSetName="first")
    cfn.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    url = physical_ids(cfn, name)["Queue"]

    in_place = cfn.create_change_set(
        StackName=name, ChangeSetName="delay", TemplateBody=QUEUES,
        Parameters=[{"ParameterKey": "Delay", "ParameterValue": "5"}])
    cfn.get_waiter("change_set_create_complete").wait(ChangeSetName=in_place["Id"],
                                                      WaiterConfig=FAST)
    change = _changes(cfn, name, "delay")["Queue"]
    assert change["Action"] == "Modify" and change["Replacement"] == "False"
    assert change["PhysicalResourceId"] == url
    assert change["Details"] == [{"Target": {"Attribute": "Properties", "Name": "DelaySeconds",
                                             "RequiresRecreation": "Never"},
                                  "Evaluation": "Static", "ChangeSource": "ParameterReference"}]
    renamed = cfn.create_change_set(
        StackName=name, ChangeSetName="rename", TemplateBody=QUEUES,
        Parameters=[{"ParameterKey": "Name", "ParameterValue": "second"}])
    cfn.get_waiter("change_set_create_complete").wait(ChangeSetName=renamed["Id"],
                                                      WaiterConfig=FAST)
    change = _changes(cfn, name, "rename")["Queue"]
    assert change["Replacement"] == "True"
    assert change["Details"][0]["Target"]["RequiresRecreation"] == "Always"
    listed = cfn.list_change_sets(StackName=name)["Summaries"]
    assert {s["ChangeSetName"]: s["ExecutionStatus"] for s in listed} == {
        "first": "EXECUTE_COMPLETE", "delay": "AVAILABLE", "rename": "AVAILABLE"}

    same = cfn.create_change_set(StackName=name, ChangeSetName="same", TemplateBody=QUEUES)
    described = cfn.describe_change_set(ChangeSetName=same["Id"])
    assert described["Status"] == "FAILED"
    assert described["StatusReason"] == (
        "The submitted information didn't contain changes. Submit different information to "
        "create a change set.")
    cfn.delete_change_set(ChangeSetName=same["Id"])

    cfn.execute_change_set(StackName=name, ChangeSetName="delay")
    cfn.get_waiter("stack_update_complete").wait(StackName=name, WaiterConfig=FAST)
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])[
        "Attributes"]["DelaySeconds"] == "5"
    # Executing one deletes the stack's other change sets; the executed one stays, complete.
    assert [(s["ChangeSetName"], s["ExecutionStatus"]) for s in cfn.list_change_sets(
        StackName=name)["Summaries"]] == [("delay", "EXECUTE_COMPLETE")]
    with pytest.raises(ClientError) as gone:
        cfn.describe_change_set(StackName=name, ChangeSetName="rename")
    assert gone.value.response["Error"]["Code"] == "ChangeSetNotFound"
    delete(cfn, name)


def test_stack_policy_and_termination_protection(emulator: EmulatorHandle) -> None:
    cfn, sqs = emulator.client("cloudformation"), emulator.client("sqs")
    name = stack_name("guarded")
    create(cfn, name, QUEUES, EnableTerminationProtection=True, StackPolicyBody=json.dumps({
        "Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "*",
                       "Resource": "*"},
                      {"Effect": "Deny", "Action": "Update:Replace", "Principal": "*",
                       "Resource": "LogicalResourceId/Queue"}]}))
    assert "Update:Replace" in cfn.get_stack_policy(StackName=name)["StackPolicyBody"]
    with pytest.raises(ClientError) as protected:
        cfn.delete_stack(StackName=name)
    assert protected.value.response["Error"]["Message"] == (
        f"Stack [{name}] cannot be deleted while TerminationProtection is enabled")
    url = physical_ids(cfn, name)["Queue"]
    cfn.update_stack(StackName=name, TemplateBody=QUEUES,
                     Parameters=[{"ParameterKey": "Name", "ParameterValue": "second"}])
    assert wait_failed(cfn, name, "stack_update_complete")["StackStatus"] == (
        "UPDATE_ROLLBACK_COMPLETE")
    reasons = [t[2] for t in events(cfn, name) if t[1] == "UPDATE_FAILED"]
    assert reasons == ["Action denied by stack policy: Statement [#2] does not allow "
                       "[Update:Replace] for resource [LogicalResourceId/Queue]"]
    assert physical_ids(cfn, name)["Queue"] == url
    update(cfn, name, QUEUES, Parameters=[{"ParameterKey": "Delay", "ParameterValue": "3"}])
    with pytest.raises(ClientError) as unchanged:
        cfn.update_stack(StackName=name, TemplateBody=QUEUES,
                         Parameters=[{"ParameterKey": "Delay", "ParameterValue": "3"}])
    assert unchanged.value.response["Error"]["Message"] == "No updates are to be performed."
    # A policy given for one update overrides the stack's for that update only.
    allow_all = json.dumps({"Statement": [{"Effect": "Allow", "Action": "Update:*",
                                           "Principal": "*", "Resource": "*"}]})
    update(cfn, name, QUEUES, StackPolicyDuringUpdateBody=allow_all, Parameters=[
        {"ParameterKey": "Delay", "ParameterValue": "3"},
        {"ParameterKey": "Name", "ParameterValue": "second"}])
    assert physical_ids(cfn, name)["Queue"] != url
    url = physical_ids(cfn, name)["Queue"]
    assert "Update:Replace" in cfn.get_stack_policy(StackName=name)["StackPolicyBody"]
    # A stack policy can come from the emulator's S3 by URL too.
    s3 = emulator.client("s3")
    bucket = stack_name("policies")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="allow.json", Body=allow_all.encode())
    cfn.set_stack_policy(StackName=name,
                         StackPolicyURL=f"{emulator.endpoint_url}/{bucket}/allow.json")
    assert cfn.get_stack_policy(StackName=name)["StackPolicyBody"] == allow_all
    s3.delete_object(Bucket=bucket, Key="allow.json")
    s3.delete_bucket(Bucket=bucket)
    cfn.update_termination_protection(StackName=name, EnableTerminationProtection=False)
    delete(cfn, name)
    with pytest.raises(ClientError):
        sqs.get_queue_attributes(QueueUrl=url)


@pytest.mark.parametrize(("body", "parameters", "message"), [
    ("Resources: {A: {Type: AWS::SQS::Queue, Properties: {X: [}}", [],
     "Template format error: YAML not well-formed. (line 1, column 57)"),
    ('{"Resources": {"A": {"Type": "AWS::SQS::Queue",}}}', [],
     "Template format error: JSON not well-formed. (line 1,  column 48)"),
    ("Resources: {A: {Type: AWS::SQS::Queue, Properties: {QueueName: {'Fn::Upper': x}}}}", [],
     "Template format error: Encountered unsupported function: Fn::Upper Supported functions "
     "are: [Fn::Base64, Fn::GetAtt, Fn::GetAZs, Fn::ImportValue, Fn::Join, Fn::Split, "
     "Fn::FindInMap, Fn::Select, Ref, Fn::Equals, Fn::If, Fn::Not, Condition, Fn::And, "
     "Fn::Or, Fn::Contains, Fn::EachMemberEquals, Fn::EachMemberIn, Fn::ValueOf, "
     "Fn::ValueOfAll, Fn::RefAll, Fn::Sub, Fn::Cidr]"),
    ("Resources:\n  A: {Type: AWS::SQS::Queue, Properties: {RedrivePolicy: {x: !GetAtt B.Arn}}}"
     "\n  B: {Type: AWS::SQS::Queue, Properties: {RedrivePolicy: {x: !GetAtt A.Arn}}}\n", [],
     "Circular dependency between resources: [A, B]"),
    ("Parameters: {Env: {Type: String}}\nResources: {A: {Type: AWS::SQS::Queue}}", [],
     "Parameters: [Env] must have values"),
    ("Resources: {A: {Type: AWS::SQS::Queue, Properties: {QueueName: !Ref Missing}}}", [],
     "Template format error: Unresolved resource dependencies [Missing] in the Resources "
     "block of the template"),
    # A Fn::GetAtt of a resource the template lacks (serverless-patterns
    # apigw-http-api-lambda/template.yml's Role: !GetAtt FunctionExecutionRole.Arn); AWS's
    # wording as a SAM change set reports it: "Template error: instance of Fn::GetAtt
    # references undefined resource helloWorldPython2FunctionRole".
    ("Resources: {A: {Type: AWS::SQS::Queue, Properties: {QueueName: !GetAtt Role.Arn}}}",
     [], "Template error: instance of Fn::GetAtt references undefined resource Role"),
    # An output naming a resource the template lacks is reported against the Outputs block
    # (serverless-patterns apigw-websocket-mapping-template-authorizer/template.yaml's
    # WebSocketCommand output names "WebSocketApi", its API being "WebsocketApi").
    ("Resources: {Api: {Type: AWS::SQS::Queue}}\nOutputs: {Url: {Value: !Ref ApiX}}", [],
     "Template format error: Unresolved resource dependencies [ApiX] in the Outputs "
     "block of the template"),
    ("Resources: {A: {Type: AWS::SQS::Queues}}", [],
     "Template format error: Unrecognized resource types: [AWS::SQS::Queues]"),
    ("Parameters: {Env: {Type: String, AllowedValues: [a, b]}}\n"
     "Resources: {A: {Type: AWS::SQS::Queue}}", [{"ParameterKey": "Env", "ParameterValue": "c"}],
     "Parameter 'Env' must be one of AllowedValues"),
    ("Resources: {A: {Type: AWS::SQS::Queue}}", [{"ParameterKey": "X", "ParameterValue": "c"}],
     "Parameters: [X] do not exist in the template"),
    ("Resources: {}", [], "Template format error: At least one Resources member must be "
     "defined."),
])
def test_bad_templates_get_aws_validation_errors(emulator: EmulatorHandle, body: str,
                                                 parameters: list[dict[str, str]],
                                                 message: str) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("bad")
    with pytest.raises(ClientError) as refused:
        cfn.create_stack(StackName=name, TemplateBody=body, Parameters=parameters)
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert refused.value.response["Error"]["Message"] == message
    with pytest.raises(ClientError):
        cfn.describe_stacks(StackName=name)


def test_validate_template_and_summary(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    body = ("Description: demo\nParameters:\n  Env: {Type: String, Default: dev, "
            "AllowedValues: [dev, prod], Description: where}\n"
            "Resources:\n  R: {Type: AWS::IAM::Role, Properties: {RoleName: fixed, "
            "AssumeRolePolicyDocument: {}}}\n")
    validated = cfn.validate_template(TemplateBody=body)
    assert validated["Description"] == "demo"
    assert validated["Parameters"] == [{"ParameterKey": "Env", "DefaultValue": "dev",
                                        "NoEcho": False, "Description": "where"}]
    assert validated["Capabilities"] == ["CAPABILITY_NAMED_IAM"]
    summary = cfn.get_template_summary(TemplateBody=body)
    assert summary["ResourceTypes"] == ["AWS::IAM::Role"]
    assert summary["Parameters"][0]["ParameterConstraints"] == {"AllowedValues": ["dev", "prod"]}
    with pytest.raises(ClientError) as bad:
        cfn.validate_template(TemplateBody="Resources: {A: {Typo: x}}")
    assert bad.value.response["Error"]["Message"] == (
        "Template format error: Every Resources object must contain a Type member.")


def test_unsupported_types_fail_the_stack_naming_the_type(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("rds")
    cfn.create_stack(StackName=name, TemplateBody=(
        "Resources:\n  Q: {Type: AWS::SQS::Queue}\n"
        "  Db: {Type: AWS::RDS::DBCluster, DependsOn: Q, Properties: {Port: 5432}}\n"))
    assert wait_failed(cfn, name)["StackStatus"] == "ROLLBACK_COMPLETE"
    failed = [t for t in events(cfn, name) if t[1] == "CREATE_FAILED"]
    assert failed[0][0] == "Db"
    assert failed[0][2].startswith("Resource type AWS::RDS::DBCluster is not supported by this "
                                   "emulator")
    delete(cfn, name)


def test_the_placeholder_setting_creates_unsupported_types_marked_as_not_emulated() -> None:
    server = BackgroundServer(Settings(host="127.0.0.1", port=0, state_dir=None,
                                       xray_daemon_port=-1,
                                       cloudformation_placeholders=True)).start()
    try:
        handle = EmulatorHandle(server)
        cfn, sqs = handle.client("cloudformation"), handle.client("sqs")
        name = stack_name("placeholders")
        create(cfn, name, (
            "Resources:\n  Db: {Type: AWS::RDS::DBCluster, Properties: {Port: 5432}}\n"
            "  Q:\n    Type: AWS::SQS::Queue\n"
            "    Properties: {Tags: [{Key: vpc, Value: !GetAtt Db.DBClusterArn}]}\n"
            "Outputs:\n  Db: {Value: !Ref Db}\n  Queue: {Value: !Ref Q}\n"))
        done = [(logical, reason) for logical, status, reason in events(cfn, name)
                if status == "CREATE_COMPLETE"]
        assert ("Db", "Not emulated: AWS::RDS::DBCluster created as a placeholder") in done
        out = outputs(cfn, name)
        assert out["Db"] == physical_ids(cfn, name)["Db"] != ""
        assert sqs.list_queue_tags(QueueUrl=out["Queue"])["Tags"]["vpc"] == out["Db"]
        delete(cfn, name)
        assert not sqs.list_queues(QueueNamePrefix=name).get("QueueUrls")
    finally:
        server.stop()


def test_a_rule_whose_target_is_refused_fails_to_create(emulator: EmulatorHandle) -> None:
    # PutTargets answers a refused target in FailedEntries rather than as an error
    # (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html); the
    # stack's rule fails with that entry's message instead of standing without its target.
    cfn = emulator.client("cloudformation")
    name = stack_name("badtarget")
    body = json.dumps({"Resources": {"Rule": {"Type": "AWS::Events::Rule", "Properties": {
        "EventPattern": {"source": ["x.y"]},
        "Targets": [{"Id": "t", "Arn": "not-an-arn"}]}}}})
    create(cfn, name, body, wait=False)
    assert wait_failed(cfn, name)["StackStatus"] == "ROLLBACK_COMPLETE"
    reasons = [reason for logical, status, reason in events(cfn, name)
               if logical == "Rule" and status == "CREATE_FAILED"]
    assert reasons and "Parameter not-an-arn is not valid for the Arn field." in reasons[0]


def test_json_properties_reach_the_services_as_compact_json(emulator: EmulatorHandle) -> None:
    # A template's object-valued JSON property (a redrive policy, an event pattern, a bucket
    # policy) reaches the service serialised without spaces, as AWS shows such values, e.g.
    # "RedrivePolicy": "{\"deadLetterTargetArn\":\"arn:aws:sqs:...\",\"maxReceiveCount\":1000}"
    # in https://docs.aws.amazon.com/cli/latest/reference/sqs/get-queue-attributes.html
    cfn = emulator.client("cloudformation")
    name = stack_name("compact")
    body = json.dumps({"Resources": {
        "Dead": {"Type": "AWS::SQS::Queue"},
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"RedrivePolicy": {
            "deadLetterTargetArn": {"Fn::GetAtt": ["Dead", "Arn"]}, "maxReceiveCount": 5}}},
        "Rule": {"Type": "AWS::Events::Rule", "Properties": {
            "EventPattern": {"source": ["my.app"], "detail": {"n": [{"numeric": [">", 1]}]}}}},
        "Bucket": {"Type": "AWS::S3::Bucket"},
        "Policy": {"Type": "AWS::S3::BucketPolicy", "Properties": {
            "Bucket": {"Ref": "Bucket"}, "PolicyDocument": {
                "Version": "2012-10-17", "Statement": [{
                    "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket",
                    "Resource": {"Fn::GetAtt": ["Bucket", "Arn"]}}]}}}}})
    create(cfn, name, body)
    ids = physical_ids(cfn, name)
    redrive = emulator.client("sqs").get_queue_attributes(
        QueueUrl=ids["Queue"], AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"]
    pattern = emulator.client("events").describe_rule(Name=ids["Rule"])["EventPattern"]
    policy = emulator.client("s3").get_bucket_policy(Bucket=ids["Bucket"])["Policy"]
    for text in (redrive, pattern, policy):
        assert text == json.dumps(json.loads(text), separators=(",", ":")), text
    assert pattern == '{"source":["my.app"],"detail":{"n":[{"numeric":[">",1]}]}}'


# CloudFormation takes a template whose YAML or JSON repeats a key (a copy-pasted property, a
# logical id written twice) and the last occurrence wins: cfn-language-discussion#96 (JSON,
# https://github.com/aws-cloudformation/cfn-language-discussion/issues/96) and a check made
# against CloudFormation's ValidateTemplate and GetTemplateSummary for YAML and JSON alike
# (https://github.com/go-to-k/cdk-real-drift/pull/1133). AWS's own serverless-patterns
# s3-eventbridge template repeats a resource.
DUPLICATE_KEYS = """
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {DelaySeconds: 1}
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      DelaySeconds: 2
      DelaySeconds: 3
"""


def test_a_repeated_key_takes_its_last_value(emulator: EmulatorHandle) -> None:
    cfn, sqs = emulator.client("cloudformation"), emulator.client("sqs")
    name = stack_name("dupkeys")
    create(cfn, name, DUPLICATE_KEYS)
    url = physical_ids(cfn, name)["Queue"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])
    assert attributes["Attributes"]["DelaySeconds"] == "3"
    assert len(physical_ids(cfn, name)) == 1
    delete(cfn, name)
