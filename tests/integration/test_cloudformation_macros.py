"""CloudFormation macros: an AWS::CloudFormation::Macro stack, then stacks whose Transform
section and Fn::Transform snippets its function processes.

AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-macros.html
(snippets first, the deepest outward, then the Transform section in the order listed),
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-macros-author.html
(the event: region, accountId, fragment without the Transform section, transformId, params,
requestId, templateParameterValues; the answer's status is "success" in any case, anything
else fails), https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-macro.html
(Name, FunctionName, Description, LogGroupName, LogRoleARN) and CreateStack's Capabilities
(CAPABILITY_AUTO_EXPAND acknowledges macros when a stack is made without a change set).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cloudformation_support import FAST, create, delete, outputs, stack_name, update, wait_failed

from emulator.testing import EmulatorHandle

# One function for every macro here: a snippet's Mode parameter picks what it does; at
# template level it adds a queue and an output recording what the event carried.
MACRO_CODE = """
import json

def handler(event, context):
    params = event["params"]
    fragment = event["fragment"]
    answer = {"requestId": event["requestId"], "status": "SUCCESS"}
    mode = params.get("Mode")
    if mode == "fail":
        return {"requestId": event["requestId"], "status": "failure",
                "errorMessage": "told to fail"}
    if mode == "silent-fail":
        return {"requestId": event["requestId"], "status": "failure"}
    if mode == "raise":
        raise ValueError("boom")
    if mode == "wrong-request":
        return {"requestId": "other", "status": "success", "fragment": fragment}
    if mode == "upper":
        answer["fragment"] = params["Value"].upper() + "-" + str(sorted(fragment))
        return answer
    seen = {"transformId": event["transformId"], "region": event["region"],
            "accountId": event["accountId"], "params": params,
            "templateParameterValues": event["templateParameterValues"],
            "transformInFragment": "Transform" in fragment,
            "snippetsLeft": "Fn::Transform" in json.dumps(fragment)}
    fragment["Resources"]["Added"] = {"Type": "AWS::SQS::Queue"}
    fragment.setdefault("Outputs", {})["Seen"] = {"Value": json.dumps(seen, sort_keys=True)}
    fragment["Outputs"]["Added"] = {"Value": {"Fn::GetAtt": ["Added", "QueueName"]}}
    answer["fragment"] = fragment
    return answer
"""

MACRO_STACK = """
Parameters:
  MacroName: {Type: String}
Resources:
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::000000000000:role/macro
      Code: {ZipFile: CODE}
  Macro:
    Type: AWS::CloudFormation::Macro
    Properties:
      Name: !Ref MacroName
      Description: test macro
      FunctionName: !GetAtt Function.Arn
Outputs:
  Name: {Value: !Ref Macro}
  Id: {Value: !GetAtt Macro.Id}
"""

USER = """
Parameters:
  Greeting: {Type: String, Default: hello}
  Names: {Type: CommaDelimitedList, Default: "a,b"}
Transform: MACRO
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Tags:
        - Key: shout
          Value:
            Fn::Transform:
              Name: MACRO
              Parameters: {Mode: upper, Value: !Ref Greeting}
"""


def _macro_stack(emulator: EmulatorHandle, name: str) -> str:
    cfn, stack = emulator.client("cloudformation"), stack_name("macro")
    body = MACRO_STACK.replace("CODE", json.dumps(MACRO_CODE))
    create(cfn, stack, body, Parameters=[{"ParameterKey": "MacroName", "ParameterValue": name}])
    return stack


@pytest.fixture(scope="module")
def macro(emulator: EmulatorHandle) -> str:
    name = f"Macro{uuid.uuid4().hex[:8]}"
    _macro_stack(emulator, name)
    return name


def _account(emulator: EmulatorHandle) -> str:
    return str(emulator.client("sts").get_caller_identity()["Account"])


def _tags(emulator: EmulatorHandle, cfn: Any, name: str) -> dict[str, str]:
    topic = outputs(cfn, name).get("Topic") or cfn.describe_stack_resource(
        StackName=name, LogicalResourceId="Topic")["StackResourceDetail"]["PhysicalResourceId"]
    listed = emulator.client("sns").list_tags_for_resource(ResourceArn=topic)["Tags"]
    return {tag["Key"]: tag["Value"] for tag in listed}


def _body(answer: dict[str, Any]) -> dict[str, Any]:
    """GetTemplate's body (boto3 parses a JSON one into a dict)."""
    body = answer["TemplateBody"]
    return dict(body) if isinstance(body, dict) else dict(json.loads(body))


def test_the_macro_resource_names_the_macro(emulator: EmulatorHandle, macro: str) -> None:
    cfn = emulator.client("cloudformation")
    stacks = [s for s in cfn.describe_stacks()["Stacks"]
              if outputs(cfn, s["StackName"]).get("Name") == macro]
    assert outputs(cfn, stacks[0]["StackName"]) == {"Name": macro, "Id": macro}


def test_template_level_and_snippet_macros(emulator: EmulatorHandle, macro: str) -> None:
    cfn, name = emulator.client("cloudformation"), stack_name("macro-user")
    create(cfn, name, USER.replace("MACRO", macro), Capabilities=["CAPABILITY_AUTO_EXPAND"])
    seen = json.loads(outputs(cfn, name)["Seen"])
    assert seen == {
        "transformId": f"{_account(emulator)}::{macro}", "region": "us-east-1",
        "accountId": _account(emulator), "params": {},
        "templateParameterValues": {"Greeting": "hello", "Names": ["a", "b"]},
        "transformInFragment": False, "snippetsLeft": False}
    assert emulator.client("sqs").get_queue_url(QueueName=outputs(cfn, name)["Added"])
    # The snippet's fragment is its siblings (none): the macro's answer is the value.
    assert _tags(emulator, cfn, name)["shout"] == "HELLO-[]"
    processed = _body(cfn.get_template(StackName=name, TemplateStage="Processed"))
    assert "Transform" not in processed and "Added" in processed["Resources"]
    original = cfn.get_template(StackName=name)["TemplateBody"]
    assert f"Transform: {macro}" in original
    update(cfn, name, USER.replace("MACRO", macro), Capabilities=["CAPABILITY_AUTO_EXPAND"],
           Parameters=[{"ParameterKey": "Greeting", "ParameterValue": "bye"}])
    assert json.loads(outputs(cfn, name)["Seen"])["templateParameterValues"]["Greeting"] == "bye"
    assert _tags(emulator, cfn, name)["shout"] == "BYE-[]"


def test_a_change_set_shows_the_processed_template(emulator: EmulatorHandle,
                                                   macro: str) -> None:
    cfn, name = emulator.client("cloudformation"), stack_name("macro-cs")
    # Change sets need no CAPABILITY_AUTO_EXPAND: the changes are reviewed first.
    cfn.create_change_set(StackName=name, ChangeSetName="one", ChangeSetType="CREATE",
                          TemplateBody=USER.replace("MACRO", macro))
    cfn.get_waiter("change_set_create_complete").wait(StackName=name, ChangeSetName="one",
                                                      WaiterConfig=FAST)
    described = cfn.describe_change_set(StackName=name, ChangeSetName="one")
    added = {c["ResourceChange"]["LogicalResourceId"] for c in described["Changes"]}
    assert added == {"Added", "Topic"}
    body = _body(cfn.get_template(StackName=name, ChangeSetName="one",
                                  TemplateStage="Processed"))
    assert "Added" in body["Resources"]
    cfn.execute_change_set(StackName=name, ChangeSetName="one")
    cfn.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    assert "Seen" in outputs(cfn, name)


def test_create_stack_needs_auto_expand(emulator: EmulatorHandle, macro: str) -> None:
    cfn = emulator.client("cloudformation")
    snippet_only = USER.replace("Transform: MACRO\n", "").replace("MACRO", macro)
    with pytest.raises(ClientError) as raised:
        cfn.create_stack(StackName=stack_name("macro-cap"), TemplateBody=snippet_only)
    assert raised.value.response["Error"]["Code"] == "InsufficientCapabilitiesException"
    assert raised.value.response["Error"]["Message"] == (
        "Requires capabilities : [CAPABILITY_AUTO_EXPAND]")


def test_snippets_alone_are_processed_too(emulator: EmulatorHandle, macro: str) -> None:
    cfn, name = emulator.client("cloudformation"), stack_name("macro-snippet")
    create(cfn, name, USER.replace("Transform: MACRO\n", "").replace("MACRO", macro),
           Capabilities=["CAPABILITY_AUTO_EXPAND"])
    assert _tags(emulator, cfn, name)["shout"] == "HELLO-[]"
    processed = _body(cfn.get_template(StackName=name, TemplateStage="Processed"))
    assert processed["Resources"]["Topic"]["Properties"]["Tags"][0]["Value"] == "HELLO-[]"


def _failure(emulator: EmulatorHandle, body: str) -> str:
    cfn = emulator.client("cloudformation")
    with pytest.raises(ClientError) as raised:
        cfn.create_stack(StackName=stack_name("macro-bad"), TemplateBody=body,
                         Capabilities=["CAPABILITY_AUTO_EXPAND"])
    assert raised.value.response["Error"]["Code"] == "ValidationError"
    return str(raised.value.response["Error"]["Message"])


def _snippet(name: str, mode: str) -> str:
    return json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {
        "TopicName": {"Fn::Transform": {"Name": name, "Parameters": {"Mode": mode}}}}}}})


def test_macro_failures_fail_the_operation(emulator: EmulatorHandle, macro: str) -> None:
    account = _account(emulator)
    assert _failure(emulator, _snippet("NoSuchMacro", "x")) == (
        f"No transform named {account}::NoSuchMacro found.")
    assert _failure(emulator, _snippet(macro, "fail")) == (
        f"Transform {account}::{macro} failed with: told to fail")
    assert _failure(emulator, _snippet(macro, "silent-fail")) == (
        f"Transform {account}::{macro} failed without an error message.")
    assert _failure(emulator, _snippet(macro, "wrong-request")) == (
        f"Received malformed response from transform {account}::{macro}.")
    # A function that raises answers no fragment: as a crashing macro's function did in
    # https://github.com/aws-cloudformation/aws-cloudformation-templates/issues/267
    assert _failure(emulator, _snippet(macro, "raise")) == (
        f"Received malformed response from transform {account}::{macro}.")


def test_a_failing_macro_fails_the_change_set(emulator: EmulatorHandle, macro: str) -> None:
    cfn, name = emulator.client("cloudformation"), stack_name("macro-csfail")
    cfn.create_change_set(StackName=name, ChangeSetName="bad", ChangeSetType="CREATE",
                          TemplateBody=_snippet(macro, "fail"))
    described = cfn.describe_change_set(StackName=name, ChangeSetName="bad")
    assert described["Status"] == "FAILED"
    assert described["ExecutionStatus"] == "UNAVAILABLE"
    assert described["StatusReason"] == (
        f"Transform {_account(emulator)}::{macro} failed with: told to fail")
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == (
        "REVIEW_IN_PROGRESS")


def test_a_taken_name_fails_and_deleting_unregisters(emulator: EmulatorHandle) -> None:
    cfn, name = emulator.client("cloudformation"), f"Macro{uuid.uuid4().hex[:8]}"
    first = _macro_stack(emulator, name)
    second = stack_name("macro-dup")
    create(cfn, second, MACRO_STACK.replace("CODE", json.dumps(MACRO_CODE)), wait=False,
           Parameters=[{"ParameterKey": "MacroName", "ParameterValue": name}])
    stack: dict[str, Any] = wait_failed(cfn, second)
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    reasons = [e.get("ResourceStatusReason", "") for e in cfn.describe_stack_events(
        StackName=second)["StackEvents"] if e["LogicalResourceId"] == "Macro"]
    assert any(f"with identifier '{name}' already exists" in r for r in reasons)
    delete(cfn, first)
    assert _failure(emulator, _snippet(name, "x")) == (
        f"No transform named {_account(emulator)}::{name} found.")
