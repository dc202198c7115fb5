"""AWS::ApiGateway::Stage's AccessLogSetting and MethodSettings, and a Deployment's
StageDescription, reach the stage (GetStage's accessLogSettings and methodSettings), and an
update changes them.

- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-stage.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-stage-methodsetting.html
  (ResourcePath ``/*`` with HttpMethod ``*`` for every method; slashes inside written ``~1``)
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-deployment-stagedescription.html
"""

from __future__ import annotations

import json
from typing import Any

from cloudformation_support import create, outputs, stack_name, update

from emulator.testing import EmulatorHandle


def _template(stage: dict[str, Any]) -> str:
    mock = {"Type": "MOCK", "RequestTemplates": {"application/json": '{"statusCode": 200}'}}
    return json.dumps({"Resources": {
        "Logs": {"Type": "AWS::Logs::LogGroup"},
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "settings"}},
        "Items": {"Type": "AWS::ApiGateway::Resource", "Properties": {
            "RestApiId": {"Ref": "Api"}, "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
            "PathPart": "items"}},
        "Get": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "Items"}, "HttpMethod": "GET",
            "AuthorizationType": "NONE", "Integration": mock}},
        "Deployment": {"Type": "AWS::ApiGateway::Deployment", "DependsOn": "Get",
                       "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "old",
                                      "StageDescription": {"LoggingLevel": "ERROR",
                                                           "ThrottlingRateLimit": 7,
                                                           "TracingEnabled": True}}},
        "Stage": {"Type": "AWS::ApiGateway::Stage", "Properties": {
            "RestApiId": {"Ref": "Api"}, "DeploymentId": {"Ref": "Deployment"},
            "StageName": "prod", **stage}}},
        "Outputs": {"Api": {"Value": {"Ref": "Api"}},
                    "Logs": {"Value": {"Fn::GetAtt": ["Logs", "Arn"]}}}})


def test_stage_access_logs_and_method_settings(emulator: EmulatorHandle) -> None:
    cfn, apigw = emulator.client("cloudformation"), emulator.client("apigateway")
    name = stack_name()
    fmt = '{"requestId":"$context.requestId","status":"$context.status"}'
    create(cfn, name, _template({
        "AccessLogSetting": {"DestinationArn": {"Fn::GetAtt": ["Logs", "Arn"]},
                             "Format": fmt},
        "MethodSettings": [
            {"ResourcePath": "/*", "HttpMethod": "*", "MetricsEnabled": True,
             "ThrottlingBurstLimit": 20},
            {"ResourcePath": "/~1items", "HttpMethod": "GET", "CachingEnabled": True,
             "CacheTtlInSeconds": 60}]}))
    out = outputs(cfn, name)
    stage = apigw.get_stage(restApiId=out["Api"], stageName="prod")
    assert stage["accessLogSettings"] == {"destinationArn": out["Logs"], "format": fmt}
    every, items = stage["methodSettings"]["*/*"], stage["methodSettings"]["items/GET"]
    assert every["metricsEnabled"] is True and every["throttlingBurstLimit"] == 20
    assert items["cachingEnabled"] is True and items["cacheTtlInSeconds"] == 60
    old = apigw.get_stage(restApiId=out["Api"], stageName="old")
    assert old["methodSettings"]["*/*"]["loggingLevel"] == "ERROR"
    assert old["methodSettings"]["*/*"]["throttlingRateLimit"] == 7.0
    assert old["tracingEnabled"] is True
    update(cfn, name, _template({"MethodSettings": [
        {"ResourcePath": "/*", "HttpMethod": "*", "LoggingLevel": "INFO"}]}))
    stage = apigw.get_stage(restApiId=out["Api"], stageName="prod")
    assert "accessLogSettings" not in stage
    assert stage["methodSettings"]["*/*"]["loggingLevel"] == "INFO"
