"""Parameter Store from templates: AWS::SSM::Parameter resources, parameters of type
AWS::SSM::Parameter::Value<...> resolved when the stack is made, and dynamic references
(``{{resolve:ssm:...}}``, ``{{resolve:ssm-secure:...}}``)."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError
from cloudformation_support import create, delete, outputs, physical_ids, stack_name, update

from emulator.testing import EmulatorHandle

TEMPLATE = """
Parameters:
  QueueSize:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /PREFIX/queue-size
  Zones:
    Type: AWS::SSM::Parameter::Value<List<String>>
    Default: /PREFIX/zones
Resources:
  Setting:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /PREFIX/made-by-stack
      Type: String
      Value: !Select [1, !Ref Zones]
      Description: the second zone
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      MaximumMessageSize: !Ref QueueSize
      DelaySeconds: "{{resolve:ssm:/PREFIX/delay:1}}"
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::000000000000:role/x
      Environment:
        Variables:
          SECRET: "{{resolve:ssm-secure:/PREFIX/password}}"
      Code: {ZipFile: "def handler(event, context):\\n    return 1\\n"}
Outputs:
  Setting: {Value: !Ref Setting}
  SettingValue: {Value: !GetAtt Setting.Value}
  QueueUrl: {Value: !Ref Queue}
  Function: {Value: !Ref Function}
"""


def test_parameter_store_feeds_and_receives_templates(emulator: EmulatorHandle) -> None:
    cfn, ssm, sqs = (emulator.client(n) for n in ("cloudformation", "ssm", "sqs"))
    prefix = f"app{uuid.uuid4().hex[:6]}"
    body = TEMPLATE.replace("PREFIX", prefix)
    ssm.put_parameter(Name=f"/{prefix}/queue-size", Value="2048", Type="String")
    ssm.put_parameter(Name=f"/{prefix}/zones", Value="a,b,c", Type="StringList")
    ssm.put_parameter(Name=f"/{prefix}/delay", Value="7", Type="String")
    ssm.put_parameter(Name=f"/{prefix}/delay", Value="9", Type="String", Overwrite=True)
    ssm.put_parameter(Name=f"/{prefix}/password", Value="hunter2", Type="SecureString")
    name = stack_name("ssm")
    create(cfn, name, body)
    out = outputs(cfn, name)
    assert out["Setting"] == f"/{prefix}/made-by-stack"
    assert out["SettingValue"] == "b"
    made = ssm.get_parameter(Name=out["Setting"])["Parameter"]
    assert (made["Value"], made["Type"]) == ("b", "String")
    attributes = sqs.get_queue_attributes(QueueUrl=out["QueueUrl"], AttributeNames=["All"])[
        "Attributes"]
    assert attributes["MaximumMessageSize"] == "2048"
    assert attributes["DelaySeconds"] == "7"  # version 1, as the reference asks
    variables = emulator.client("lambda").get_function_configuration(
        FunctionName=out["Function"])["Environment"]["Variables"]
    assert variables["SECRET"] == "hunter2"
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    resolved = {p["ParameterKey"]: p for p in stack["Parameters"]}
    assert resolved["QueueSize"] == {"ParameterKey": "QueueSize",
                                     "ParameterValue": f"/{prefix}/queue-size",
                                     "ResolvedValue": "2048"}
    assert resolved["Zones"]["ResolvedValue"] == "a,b,c"

    update(cfn, name, body.replace("!Select [1, !Ref Zones]", "!Select [2, !Ref Zones]"))
    assert ssm.get_parameter(Name=out["Setting"])["Parameter"]["Value"] == "c"
    assert ssm.get_parameter(Name=out["Setting"])["Parameter"]["Version"] == 2
    assert set(physical_ids(cfn, name)) == {"Setting", "Queue", "Function"}
    delete(cfn, name)
    with pytest.raises(ClientError) as gone:
        ssm.get_parameter(Name=out["Setting"])
    assert gone.value.response["Error"]["Code"] == "ParameterNotFound"


def test_a_missing_ssm_parameter_is_a_validation_error(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    with pytest.raises(ClientError) as refused:
        cfn.create_stack(StackName=stack_name("nossm"), TemplateBody=(
            "Parameters:\n  P: {Type: 'AWS::SSM::Parameter::Value<String>', "
            "Default: /nowhere/at-all}\nResources:\n  Q: {Type: AWS::SQS::Queue}\n"))
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert refused.value.response["Error"]["Message"] == (
        "Parameters: [/nowhere/at-all] cannot be found.")
