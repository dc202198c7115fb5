"""The template language: intrinsic functions, pseudo parameters, parameters, conditions,
rules and transforms, evaluated without any service."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from emulator.cloudformation import parameters, template, transforms
from emulator.cloudformation.errors import TemplateError
from emulator.cloudformation.intrinsics import NO_VALUE, Evaluator, references
from emulator.cloudformation.loader import load

PSEUDO = {"AWS::StackName": "demo", "AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012",
          "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com",
          "AWS::StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/demo/x",
          "AWS::NotificationARNs": []}


def evaluate(text: str, **given: Any) -> Any:
    value = load("Value: " + text)["Value"]
    evaluator = Evaluator(
        parameters={"Names": ["a", "b", "c"], "Env": "prod", **given}, pseudo=PSEUDO,
        mappings={"Sizes": {"prod": {"Memory": 512}}}, conditions={"IsProd": True},
        resource_ref=lambda name: f"id-of-{name}",
        resource_attribute=lambda name, attribute: f"{name}.{attribute}",
        import_value=lambda name: f"export:{name}", language_extensions=True)
    return evaluator.resolve(value)


@pytest.mark.parametrize(("text", "expected"), [
    ('!Sub "${AWS::StackName}-${Env}-${Bucket}-${Bucket.Arn}-${!Literal}"',
     "demo-prod-id-of-Bucket-Bucket.Arn-${Literal}"),
    ('!Sub ["${A}/${AWS::Region}", {A: !Ref Env}]', "prod/eu-west-1"),
    ("!Join [',', !Ref Names]", "a,b,c"),
    ("!Join ['', [a, 1, true]]", "a1true"),
    ("!Select [1, !Ref Names]", "b"),
    ("!Select ['2', [x, y, z]]", "z"),
    ("!Split ['|', 'a|b||c']", ["a", "b", "", "c"]),
    ("!If [IsProd, chosen, other]", "chosen"),
    ("!Equals [!Ref Env, prod]", True),
    ("!And [!Equals [1, '1'], !Not [!Equals [a, b]]]", True),
    ("!Or [!Equals [a, b], !Condition IsProd]", True),
    ("!FindInMap [Sizes, !Ref Env, Memory]", 512),
    ("!FindInMap [Sizes, dev, Memory, {DefaultValue: 128}]", 128),
    ("!GetAZs ''", ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
    ("!GetAZs us-east-2", ["us-east-2a", "us-east-2b", "us-east-2c"]),
    ("!Base64 hello", base64.b64encode(b"hello").decode()),
    ("!Cidr [10.0.0.0/16, 3, 8]", ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]),
    ("!ImportValue shared-vpc", "export:shared-vpc"),
    ("!GetAtt Queue.Arn", "Queue.Arn"),
    ("!Ref AWS::AccountId", "123456789012"),
    ("!Ref AWS::URLSuffix", "amazonaws.com"),
    ("{'Fn::Length': !Ref Names}", 3),
    ("{'Fn::ToJsonString': {a: [1, !Ref Env]}}", '{"a":[1,"prod"]}'),
    ("[a, !Ref AWS::NoValue, b]", ["a", "b"]),
    ("{Keep: 1, Drop: !If [IsProd, !Ref AWS::NoValue, 2]}", {"Keep": 1}),
])
def test_intrinsic_functions(text: str, expected: Any) -> None:
    assert evaluate(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("!Select [5, !Ref Names]", "Template error: Fn::Select cannot select nonexistent value at "
     "index 5"),
    ("!FindInMap [Sizes, dev, Memory]", "Template error: Unable to get mapping for "
     "Sizes::dev::Memory"),
    ("!Join [',']", "Template error: every Fn::Join object requires two parameters, (1) a "
     "string delimiter and (2) a list of strings to be joined or a function that returns a "
     "list of strings (such as Fn::GetAZs) to be joined."),
    ('!Sub "${Bad Name}"', "Template error: variable names in Fn::Sub syntax must contain only "
     "alphanumeric characters, underscores, periods, and colons"),
])
def test_intrinsic_errors_are_worded_as_aws_words_them(text: str, message: str) -> None:
    with pytest.raises(TemplateError) as failure:
        evaluate(text)
    assert failure.value.message == message


def test_no_value_is_the_sentinel_and_references_are_found() -> None:
    assert evaluate("!Ref AWS::NoValue") is NO_VALUE
    value = load('V: !Sub "${A}-${B.Arn}-${AWS::Region}-${!C}"')["V"]
    assert references(value) == {"A", "B", "AWS::Region"}


def test_parameter_constraints() -> None:
    declared = {
        "Count": {"Type": "Number", "MinValue": 1, "MaxValue": 5},
        "Name": {"Type": "String", "AllowedPattern": "[a-z]+", "MinLength": 2, "MaxLength": 4,
                 "ConstraintDescription": "lower case, 2 to 4 letters"},
        "Secret": {"Type": "String", "NoEcho": True, "Default": "hush"},
        "Ids": {"Type": "List<Number>", "Default": "1,2"},
    }

    def message(**given: str) -> str:
        with pytest.raises(TemplateError) as failure:
            parameters.resolve(declared, {"Count": "2", "Name": "ab", **given})
        return failure.value.message

    assert message(Count="0") == "Parameter 'Count' must be a number not less than 1"
    assert message(Count="9") == "Parameter 'Count' must be a number not greater than 5"
    assert message(Count="x") == "Parameter 'Count' must be a number"
    assert message(Name="ABC") == ("Parameter 'Name' failed to satisfy constraint: lower case, "
                                   "2 to 4 letters")
    values = parameters.resolve(declared, {"Count": "2", "Name": "abc"})
    assert values["Ids"].resolved == ["1", "2"]
    assert values["Secret"].described() == {"ParameterKey": "Secret", "ParameterValue": "****"}


def test_ssm_parameter_types_read_parameter_store() -> None:
    declared = {"Ami": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/app/ami"}}
    values = parameters.resolve(declared, {}, ssm_parameter={"/app/ami": "ami-123"}.__getitem__)
    assert values["Ami"].resolved == "ami-123"
    assert values["Ami"].described() == {"ParameterKey": "Ami", "ParameterValue": "/app/ami",
                                         "ResolvedValue": "ami-123"}


RULES = """
Parameters:
  Env: {Type: String}
  Size: {Type: String}
Rules:
  ProdIsLarge:
    RuleCondition: !Equals [!Ref Env, prod]
    Assertions:
      - Assert: !Contains [[large, xlarge], !Ref Size]
        AssertDescription: Production needs a large size
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  ProdAndLarge: !And [!Condition IsProd, !Equals [!Ref Size, large]]
Resources:
  Q: {Type: AWS::SQS::Queue, Condition: ProdAndLarge}
  T: {Type: AWS::SNS::Topic}
"""


def test_rules_and_conditions() -> None:
    prepared = template.prepare(load(RULES), {"Env": "prod", "Size": "large"}, PSEUDO)
    assert prepared.conditions == {"IsProd": True, "ProdAndLarge": True}
    assert list(prepared.resources) == ["Q", "T"]
    dev = template.prepare(load(RULES), {"Env": "dev", "Size": "small"}, PSEUDO)
    assert list(dev.resources) == ["T"]
    with pytest.raises(TemplateError) as refused:
        template.prepare(load(RULES), {"Env": "prod", "Size": "small"}, PSEUDO)
    assert refused.value.message == "Production needs a large size"


def test_for_each_expands_resources_and_outputs() -> None:
    body = load("""
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Topics:
    - Name
    - [Alpha, Beta]
    - Topic${Name}:
        Type: AWS::SNS::Topic
        Properties: {TopicName: !Sub "t-${Name}", DisplayName: !Ref Name}
Outputs:
  Fn::ForEach::Arns:
    - Name
    - [Alpha, Beta]
    - Arn${Name}: {Value: !Ref "Topic${Name}"}
""")
    expanded = transforms.apply(body, {}, PSEUDO)
    assert expanded["Resources"]["TopicBeta"]["Properties"] == {
        "TopicName": {"Fn::Sub": "t-Beta"}, "DisplayName": "Beta"}
    assert expanded["Outputs"] == {"ArnAlpha": {"Value": {"Ref": "TopicAlpha"}},
                                   "ArnBeta": {"Value": {"Ref": "TopicBeta"}}}


def test_the_serverless_transform_is_aws_translator() -> None:
    body = load("""
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: index.handler, InlineCode: "x = 1"}
""")
    processed = transforms.apply(body, {}, PSEUDO)
    assert processed["Resources"]["Fn"]["Type"] == "AWS::Lambda::Function"
    assert processed["Resources"]["FnRole"]["Type"] == "AWS::IAM::Role"
    assert "Transform" not in processed
    with pytest.raises(TemplateError) as refused:
        transforms.apply(load("""
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn: {Type: AWS::Serverless::Function, Properties: {Handler: index.handler}}
"""), {}, PSEUDO)
    assert refused.value.message.startswith(
        "Transform AWS::Serverless-2016-10-31 failed with: Invalid Serverless Application "
        "Specification document.")


def test_yaml_short_forms_and_dates() -> None:
    loaded = load("AWSTemplateFormatVersion: 2010-09-09\nV: !GetAtt A.B.C\nW: !Base64 x\n")
    assert loaded == {"AWSTemplateFormatVersion": "2010-09-09",
                      "V": {"Fn::GetAtt": ["A", "B.C"]}, "W": {"Fn::Base64": "x"}}
    assert json.loads(json.dumps(loaded)) == loaded


def test_get_att_names_an_attribute_of_the_type() -> None:
    body = load("Resources:\n  Q: {Type: AWS::SQS::Queue}\n"
                "Outputs:\n  A: {Value: !GetAtt Q.Arn}\n  B: {Value: !GetAtt Q.Nope}\n")

    def attributes_of(type_name: str) -> set[str] | None:
        return {"Arn", "QueueUrl"} if type_name == "AWS::SQS::Queue" else None

    with pytest.raises(TemplateError) as refused:
        template.check_attributes(body, attributes_of)
    assert refused.value.message == ("Template error: resource Q does not support attribute "
                                     "type Nope in Fn::GetAtt")
    del body["Outputs"]["B"]
    template.check_attributes(body, attributes_of)
