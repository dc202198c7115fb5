"""AWS SAM templates deployed through CloudFormation (the AWS::Serverless transform by AWS's
own translator), then used end to end: HTTP and REST APIs calling Lambda, an SQS consumer, a
Step Functions workflow, and AWS::LanguageExtensions' Fn::ForEach."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from botocore.exceptions import ClientError
from cloudformation_support import FAST, delete, outputs, physical_ids, stack_name

from emulator.testing import EmulatorHandle

SAM_APP = """
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Timeout: 10
    Environment:
      Variables:
        GREETING: hello
Resources:
  HelloFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      InlineCode: |
        import json, os
        def handler(event, context):
            name = (event.get("queryStringParameters") or {}).get("name", "world")
            return {"statusCode": 200,
                    "body": json.dumps({"message": f"{os.environ['GREETING']} {name}"})}
      Events:
        Rest:
          Type: Api
          Properties: {Path: /hello, Method: get}
        Http:
          Type: HttpApi
          Properties: {Path: /hi, Method: get}
  Inbox:
    Type: AWS::SQS::Queue
  Seen:
    Type: AWS::SQS::Queue
  Consumer:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Environment:
        Variables:
          SEEN_URL: !Ref Seen
      Policies:
        - SQSSendMessagePolicy: {QueueName: !GetAtt Seen.QueueName}
      InlineCode: |
        import os, boto3
        def handler(event, context):
            sqs = boto3.client("sqs")
            for record in event["Records"]:
                sqs.send_message(QueueUrl=os.environ["SEEN_URL"], MessageBody=record["body"])
      Events:
        Queue:
          Type: SQS
          Properties: {Queue: !GetAtt Inbox.Arn, BatchSize: 5}
  Workflow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Greet
        States:
          Greet:
            Type: Task
            Resource: arn:aws:states:::lambda:invoke
            Parameters:
              FunctionName: !GetAtt HelloFunction.Arn
              Payload: {queryStringParameters: {name: flow}}
            OutputPath: $.Payload
            End: true
      Policies:
        - LambdaInvokePolicy: {FunctionName: !Ref HelloFunction}
Outputs:
  RestUrl:
    Value: !Sub "https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com/Prod/hello"
  HttpApiId: {Value: !Ref ServerlessHttpApi}
  RestApiId: {Value: !Ref ServerlessRestApi}
  InboxUrl: {Value: !Ref Inbox}
  SeenUrl: {Value: !Ref Seen}
  WorkflowArn: {Value: !Ref Workflow}
"""


def _deploy_like_sam(cfn: object, name: str, body: str) -> None:
    """What `sam deploy` does: a change set of type CREATE with the transform, then execute."""
    created = cfn.create_change_set(  # type: ignore[attr-defined]
        StackName=name, ChangeSetName="samcli-deploy1", ChangeSetType="CREATE",
        TemplateBody=body, Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    cfn.get_waiter("change_set_create_complete").wait(  # type: ignore[attr-defined]
        ChangeSetName=created["Id"], WaiterConfig=FAST)
    cfn.execute_change_set(ChangeSetName=created["Id"])  # type: ignore[attr-defined]
    cfn.get_waiter("stack_create_complete").wait(  # type: ignore[attr-defined]
        StackName=name, WaiterConfig=FAST)


def test_a_sam_application_deploys_and_answers_end_to_end(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("sam")
    _deploy_like_sam(cfn, name, SAM_APP)
    out = outputs(cfn, name)
    resources = physical_ids(cfn, name)
    assert {"HelloFunction", "HelloFunctionRole", "ServerlessRestApi", "ServerlessHttpApi",
            "ConsumerQueue", "Workflow", "WorkflowRole"} <= set(resources)
    processed = cfn.get_template(StackName=name, TemplateStage="Processed")["TemplateBody"]
    assert "AWS::Serverless::Function" not in json.dumps(processed)
    original = cfn.get_template(StackName=name)["TemplateBody"]
    assert "AWS::Serverless::Function" in json.dumps(original)

    rest = httpx.get(f"{emulator.endpoint_url}/_aws/execute-api/{out['RestApiId']}/Prod/hello",
                     params={"name": "rest"})
    assert rest.status_code == 200 and rest.json() == {"message": "hello rest"}
    http = httpx.get(f"{emulator.endpoint_url}/_aws/execute-api/{out['HttpApiId']}/hi",
                     params={"name": "http"})
    assert http.status_code == 200 and http.json() == {"message": "hello http"}

    sqs = emulator.client("sqs")
    sqs.send_message(QueueUrl=out["InboxUrl"], MessageBody="ping")
    received: list[str] = []
    deadline = time.monotonic() + 20
    while not received and time.monotonic() < deadline:
        answer = sqs.receive_message(QueueUrl=out["SeenUrl"], WaitTimeSeconds=1)
        received = [m["Body"] for m in answer.get("Messages", [])]
    assert received == ["ping"]

    sfn = emulator.client("stepfunctions")
    execution = sfn.start_execution(stateMachineArn=out["WorkflowArn"], input="{}")
    deadline = time.monotonic() + 20
    described = sfn.describe_execution(executionArn=execution["executionArn"])
    while described["status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.1)
        described = sfn.describe_execution(executionArn=execution["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(json.loads(described["output"])["body"]) == {"message": "hello flow"}

    delete(cfn, name)
    assert out["WorkflowArn"] not in [m["stateMachineArn"] for m in
                                      sfn.list_state_machines()["stateMachines"]]


FOR_EACH = """
Transform: AWS::LanguageExtensions
Parameters:
  Names: {Type: CommaDelimitedList, Default: "orders,payments"}
Resources:
  Fn::ForEach::Queues:
    - Name
    - !Ref Names
    - Queue${Name}:
        Type: AWS::SQS::Queue
        Properties:
          QueueName: !Sub "${AWS::StackName}-${Name}"
Outputs:
  Count: {Value: {"Fn::Length": !Ref Names}}
  Names: {Value: {"Fn::ToJsonString": {names: !Ref Names}}}
"""


def test_language_extensions_expand_for_each(emulator: EmulatorHandle) -> None:
    cfn, sqs = emulator.client("cloudformation"), emulator.client("sqs")
    name = stack_name("foreach")
    cfn.create_stack(StackName=name, TemplateBody=FOR_EACH,
                     Capabilities=["CAPABILITY_AUTO_EXPAND"])
    cfn.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    assert set(physical_ids(cfn, name)) == {"Queueorders", "Queuepayments"}
    assert sqs.get_queue_url(QueueName=f"{name}-payments")["QueueUrl"]
    assert outputs(cfn, name) == {
        "Count": "2", "Names": '{"names":["orders","payments"]}'}
    delete(cfn, name)


# AWS's own example of nested Fn::ForEach loops in Outputs, with functions as both arguments of
# Fn::GetAtt, which AWS::LanguageExtensions allows
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach-example-outputs.html,
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getatt.html),
# and a resource whose Fn::GetAtt names its target through a parameter: it is made after it.
GET_ATT_FUNCTIONS = """
Transform: AWS::LanguageExtensions
Parameters:
  Pick: {Type: String, Default: B}
Resources:
  Fn::ForEach::Queues:
    - Identifier
    - [A, B]
    - Queue${Identifier}:
        Type: AWS::SQS::Queue
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !GetAtt [!Sub "Queue${Pick}", QueueName]
Outputs:
  Fn::ForEach::QueueOutputs:
    - Identifier
    - [A, B]
    - Fn::ForEach::GetAttLoop:
        - Property
        - [Arn, QueueName]
        - Queue${Identifier}${Property}:
            Value: !GetAtt [!Sub "Queue${Identifier}", !Ref Property]
"""


def test_get_att_takes_functions_under_language_extensions(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("getatt")
    cfn.create_stack(StackName=name, TemplateBody=GET_ATT_FUNCTIONS,
                     Capabilities=["CAPABILITY_AUTO_EXPAND"])
    cfn.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    values = outputs(cfn, name)
    assert set(values) == {"QueueAArn", "QueueAQueueName", "QueueBArn", "QueueBQueueName"}
    assert values["QueueBArn"].endswith(":" + values["QueueBQueueName"])
    topic = physical_ids(cfn, name)["Topic"]
    assert topic.endswith(":" + values["QueueBQueueName"])
    delete(cfn, name)


# An HTTP API whose Lambda authorizer (payload 1.0, written unquoted as SAM samples write it,
# so YAML reads a number) allows each caller only their own path: its policy names the
# path as requested, which is what the authorizer event's methodArn carries
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html).
OWN_PATH_APP = """
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {Runtime: python3.12, Handler: index.handler, Timeout: 10}
Resources:
  Authorizer:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: |
        def handler(event, context):
            user = event["authorizationToken"]
            arn = event["methodArn"].split("/")
            allowed = "/".join(arn[:2]) + "/GET/users/" + user + "/bookings"
            return {"principalId": user, "policyDocument": {"Version": "2012-10-17",
                    "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow",
                                   "Resource": [allowed]}]},
                    "context": {"methodArn": event["methodArn"]}}
  Bookings:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: |
        import json
        def handler(event, context):
            return {"statusCode": 200, "body": json.dumps({
                "routeKey": event["routeKey"], "user": event["pathParameters"]["userid"],
                "arn": event["requestContext"]["authorizer"]["lambda"]["methodArn"]})}
      Events:
        Get:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Path: "/users/{userid}/bookings", Method: GET}
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Own
        Authorizers:
          Own:
            AuthorizerPayloadFormatVersion: 1.0
            FunctionArn: !GetAtt Authorizer.Arn
            Identity: {Headers: [Authorization]}
Outputs:
  ApiId: {Value: !Ref Api}
"""


def test_http_api_lambda_authorizer_policies_name_the_requested_path(
        emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("own-path")
    _deploy_like_sam(cfn, name, OWN_PATH_APP)
    api_id = outputs(cfn, name)["ApiId"]
    authorizer = emulator.client("apigatewayv2").get_authorizers(ApiId=api_id)["Items"][0]
    assert authorizer["AuthorizerPayloadFormatVersion"] == "1.0"
    base = f"{emulator.endpoint_url}/_aws/execute-api/{api_id}"

    own = httpx.get(f"{base}/users/alice/bookings", headers={"Authorization": "alice"})
    assert own.status_code == 200
    assert own.json() == {"routeKey": "GET /users/{userid}/bookings", "user": "alice",
                          "arn": f"arn:aws:execute-api:{emulator.region}:000000000000:"
                                 f"{api_id}/$default/GET/users/alice/bookings"}
    other = httpx.get(f"{base}/users/alice/bookings", headers={"Authorization": "bob"})
    assert other.status_code == 403 and other.text == '{"message":"Forbidden"}'
    missing = httpx.get(f"{base}/users/alice/bookings")
    assert missing.status_code == 401 and missing.text == '{"message":"Unauthorized"}'
    delete(cfn, name)


BROKEN_SAM = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "def handler(event, context): return 1"
      Handler: index.handler
      Runtime: python3.12
      Environment: {Variables: {TABLE: !Ref Missing}}
"""


def test_a_transformed_template_s_errors_fail_its_change_set(emulator: EmulatorHandle) -> None:
    """A template with transforms is processed after CreateChangeSet answers: what processing
    finds wrong is the change set's FAILED reason (SAM CLI prints "Waiter
    ChangeSetCreateComplete failed ... Status: FAILED. Reason: Template format error:
    Unresolved resource dependencies [...]", as recorded in
    https://github.com/singledigit/sessions-with-sam/issues/1 and
    https://github.com/aws-samples/sessions-with-aws-sam/pull/7); the stack waits in
    REVIEW_IN_PROGRESS. Parameter values are still checked when the request is made.
    https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html
    ("After the call successfully completes, CloudFormation starts creating the change set")."""
    cfn = emulator.client("cloudformation")
    name = stack_name("broken-sam")
    with pytest.raises(ClientError) as refused:
        cfn.create_change_set(StackName=name, ChangeSetName="c0", ChangeSetType="CREATE",
                              TemplateBody=BROKEN_SAM.replace("!Ref Missing", "!Ref Stage"),
                              Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    assert refused.value.response["Error"]["Message"] == "Parameters: [Stage] must have values"
    created = cfn.create_change_set(
        StackName=name, ChangeSetName="c1", ChangeSetType="CREATE", TemplateBody=BROKEN_SAM,
        Parameters=[{"ParameterKey": "Stage", "ParameterValue": "dev"}],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    described = cfn.describe_change_set(ChangeSetName=created["Id"])
    assert (described["Status"], described["ExecutionStatus"]) == ("FAILED", "UNAVAILABLE")
    assert described["StatusReason"] == ("Template format error: Unresolved resource "
                                         "dependencies [Missing] in the Resources block of "
                                         "the template")
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == (
        "REVIEW_IN_PROGRESS")
    cfn.delete_stack(StackName=name)
