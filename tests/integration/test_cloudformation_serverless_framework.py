"""The CloudFormation calls the Serverless Framework (v3) makes, replayed through boto3.

Its deploy creates a stack through a change set named ``<stack>-change-set``, and on every
later deploy first deletes the change set of that name (the one it executed last time, or
none), then creates and executes a new one. Its REST API template names a new
``AWS::ApiGateway::Deployment`` (a new logical id) on every deploy with the same
``StageName``, so CloudFormation creates the new deployment (which moves the stage to it)
and deletes the old one.

References:
- ExecuteChangeSet deletes the stack's *other* change sets; the executed one remains with
  its ExecutionStatus (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-execute.html,
  https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html).
- DeleteChangeSet lists no not-found error, only InvalidChangeSetStatus: deleting a change
  set that is not there succeeds (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteChangeSet.html).
- AWS::ApiGateway::Deployment's StageName creates the stage and points it at the deployment
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-deployment.html);
  a deployment a stage points at cannot be deleted, one it no longer points at can
  (https://docs.aws.amazon.com/apigateway/latest/api/API_DeleteDeployment.html).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError, WaiterError
from cloudformation_support import FAST, create, delete, physical_ids, stack_name, update

from emulator.testing import EmulatorHandle

QUEUE = "Resources: {Queue: {Type: AWS::SQS::Queue}}"
TWO_QUEUES = "Resources: {Queue: {Type: AWS::SQS::Queue}, Other: {Type: AWS::SQS::Queue}}"


def _deploy_through_change_set(cfn: Any, name: str, body: str, kind: str) -> str:
    change_set = f"{name}-change-set"
    if kind == "UPDATE":
        cfn.delete_change_set(StackName=name, ChangeSetName=change_set)
    created = cfn.create_change_set(StackName=name, ChangeSetName=change_set,
                                    ChangeSetType=kind, TemplateBody=body)
    cfn.get_waiter("change_set_create_complete").wait(
        StackName=name, ChangeSetName=change_set, WaiterConfig=FAST)
    cfn.execute_change_set(StackName=name, ChangeSetName=change_set)
    waiter = "stack_create_complete" if kind == "CREATE" else "stack_update_complete"
    cfn.get_waiter(waiter).wait(StackName=name, WaiterConfig=FAST)
    change_set_id: str = created["Id"]
    return change_set_id


def test_the_executed_change_set_stays_complete_and_the_next_deploy_deletes_it(
        emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("sls")
    first = _deploy_through_change_set(cfn, name, QUEUE, "CREATE")
    executed = cfn.describe_change_set(StackName=name, ChangeSetName=f"{name}-change-set")
    assert (executed["ChangeSetId"], executed["Status"], executed["ExecutionStatus"]) == (
        first, "CREATE_COMPLETE", "EXECUTE_COMPLETE")
    second = _deploy_through_change_set(cfn, name, TWO_QUEUES, "UPDATE")
    assert second != first
    assert set(physical_ids(cfn, name)) == {"Queue", "Other"}
    summaries = cfn.list_change_sets(StackName=name)["Summaries"]
    assert [(s["ChangeSetId"], s["ExecutionStatus"]) for s in summaries] == [
        (second, "EXECUTE_COMPLETE")]
    delete(cfn, name)


def test_deleting_a_change_set_that_is_not_there_succeeds(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("sls")
    _deploy_through_change_set(cfn, name, QUEUE, "CREATE")
    cfn.delete_change_set(StackName=name, ChangeSetName=f"{name}-change-set")
    answer = cfn.delete_change_set(StackName=name, ChangeSetName=f"{name}-change-set")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as gone:
        cfn.describe_change_set(StackName=name, ChangeSetName=f"{name}-change-set")
    assert gone.value.response["Error"]["Code"] == "ChangeSetNotFound"
    with pytest.raises(ClientError) as no_stack:
        cfn.delete_change_set(StackName=stack_name("never"), ChangeSetName="any")
    assert no_stack.value.response["Error"]["Code"] == "ValidationError"
    delete(cfn, name)


def test_a_failed_execution_leaves_the_change_set_execute_failed(
        emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("sls")
    _deploy_through_change_set(cfn, name, QUEUE, "CREATE")
    broken = ("Resources: {Queue: {Type: AWS::SQS::Queue}, Bad: {Type: AWS::SQS::Queue, "
              "Properties: {DelaySeconds: 99999}}}")
    change_set = f"{name}-change-set"
    cfn.delete_change_set(StackName=name, ChangeSetName=change_set)
    cfn.create_change_set(StackName=name, ChangeSetName=change_set, TemplateBody=broken)
    cfn.get_waiter("change_set_create_complete").wait(
        StackName=name, ChangeSetName=change_set, WaiterConfig=FAST)
    cfn.execute_change_set(StackName=name, ChangeSetName=change_set)
    with pytest.raises(WaiterError):  # the update rolls back
        cfn.get_waiter("stack_update_complete").wait(StackName=name, WaiterConfig=FAST)
    assert cfn.describe_change_set(StackName=name, ChangeSetName=change_set)[
        "ExecutionStatus"] == "EXECUTE_FAILED"
    delete(cfn, name)


def _rest_api(deployment: str, message: str) -> str:
    return f"""
Resources:
  Api: {{Type: AWS::ApiGateway::RestApi, Properties: {{Name: sls-api}}}}
  Hello:
    Type: AWS::ApiGateway::Resource
    Properties: {{RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: hello}}
  HelloGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Hello
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        RequestTemplates: {{application/json: '{{"statusCode": 200}}'}}
        IntegrationResponses:
          - StatusCode: "200"
            ResponseTemplates: {{application/json: '{message}'}}
      MethodResponses: [{{StatusCode: "200"}}]
  {deployment}:
    Type: AWS::ApiGateway::Deployment
    DependsOn: HelloGet
    Properties: {{RestApiId: !Ref Api, StageName: dev}}
Outputs:
  Api: {{Value: !Ref Api}}
"""


def test_a_replaced_deployment_leaves_its_stage_to_the_new_one(
        emulator: EmulatorHandle) -> None:
    cfn, apigateway = emulator.client("cloudformation"), emulator.client("apigateway")
    name = stack_name("sls")
    create(cfn, name, _rest_api("ApiGatewayDeployment1", "one"))
    api = physical_ids(cfn, name)["Api"]
    url = f"{emulator.endpoint_url}/_aws/execute-api/{api}/dev/hello"
    assert httpx.get(url).text == "one"
    update(cfn, name, _rest_api("ApiGatewayDeployment2", "two"))
    ids = physical_ids(cfn, name)
    assert "ApiGatewayDeployment1" not in ids
    stage = apigateway.get_stage(restApiId=api, stageName="dev")
    assert stage["deploymentId"] == ids["ApiGatewayDeployment2"]
    reply = httpx.get(url)
    assert (reply.status_code, reply.text) == (200, "two")
    delete(cfn, name)
    with pytest.raises(ClientError) as gone:
        apigateway.get_stage(restApiId=api, stageName="dev")
    assert gone.value.response["Error"]["Code"] == "NotFoundException"
