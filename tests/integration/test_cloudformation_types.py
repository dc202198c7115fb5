"""Every supported resource type of the services on this branch in one template, read back
through each service's own API after create, after an in-place update, and gone after
delete."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from cloudformation_support import create, delete, outputs, physical_ids, stack_name, update

from emulator.testing import EmulatorHandle

TEMPLATE = """
Parameters:
  Greeting: {Type: String, Default: hello}
  LambdaPath: {Type: String, Default: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31"}
  Retention: {Type: Number, Default: 7}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com},
                     Action: sts:AssumeRole}]
  RolePolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [!Ref Role]
      PolicyDocument: {Statement: [{Effect: Allow, Action: sqs:*, Resource: "*"}]}
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!Ref Role]
      PolicyDocument: {Statement: [{Effect: Allow, Action: sns:Publish, Resource: "*"}]}
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties: {Roles: [!Ref Role]}
  Key: {Type: AWS::KMS::Key, Properties: {Description: kitchen}}
  KeyAlias:
    Type: AWS::KMS::Alias
    Properties: {AliasName: !Sub "alias/${AWS::StackName}", TargetKeyId: !Ref Key}
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Environment: {Variables: {GREETING: !Ref Greeting}}
      Code:
        ZipFile: |
          import json, os
          def handler(event, context):
              if "authorizationToken" in event:
                  return {"principalId": "u", "policyDocument": {"Version": "2012-10-17",
                          "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow",
                                         "Resource": "*"}]}}
              return {"statusCode": 200, "body": json.dumps({"greeting": os.environ["GREETING"]})}
  Version:
    Type: AWS::Lambda::Version
    Properties: {FunctionName: !Ref Function, Description: first}
  Alias:
    Type: AWS::Lambda::Alias
    Properties: {FunctionName: !Ref Function, FunctionVersion: !GetAtt Version.Version,
                 Name: live}
  Url:
    Type: AWS::Lambda::Url
    Properties: {TargetFunctionArn: !Ref Alias, AuthType: NONE}
  Failures: {Type: AWS::SQS::Queue}
  InvokeConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref Function
      Qualifier: $LATEST
      MaximumRetryAttempts: 1
      DestinationConfig: {OnFailure: {Destination: !GetAtt Failures.Arn}}
  Work: {Type: AWS::SQS::Queue, Properties: {VisibilityTimeout: 30}}
  WorkPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Work]
      PolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: sns.amazonaws.com},
                     Action: sqs:SendMessage, Resource: !GetAtt Work.Arn}]
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: {FunctionName: !Ref Function, EventSourceArn: !GetAtt Work.Arn, BatchSize: 5}
  Topic: {Type: AWS::SNS::Topic, Properties: {DisplayName: !Ref Greeting}}
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Statement: [{Effect: Allow, Principal: {AWS: !Ref AWS::AccountId},
                     Action: sns:Publish, Resource: !Ref Topic}]
  TopicToWork:
    Type: AWS::SNS::Subscription
    Properties: {TopicArn: !Ref Topic, Protocol: sqs, Endpoint: !GetAtt Work.Arn,
                 FilterPolicy: {kind: [order, !Ref Greeting]}}
  Bus: {Type: AWS::Events::EventBus, Properties: {Name: !Sub "${AWS::StackName}-bus"}}
  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: !Ref Bus
      EventPattern: {source: [kitchen]}
      Targets: [{Id: work, Arn: !GetAtt Work.Arn}]
  Archive:
    Type: AWS::Events::Archive
    Properties: {SourceArn: !GetAtt Bus.Arn, EventPattern: {source: [kitchen]},
                 RetentionDays: 3}
  Logs:
    Type: AWS::Logs::LogGroup
    Properties: {RetentionInDays: !Ref Retention}
  LogStream:
    Type: AWS::Logs::LogStream
    Properties: {LogGroupName: !Ref Logs, LogStreamName: main}
  LogPermission:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: !Ref Function, Action: lambda:InvokeFunction,
                 Principal: logs.amazonaws.com}
  LogFilter:
    Type: AWS::Logs::SubscriptionFilter
    DependsOn: LogPermission
    Properties: {LogGroupName: !Ref Logs, FilterPattern: ERROR,
                 DestinationArn: !GetAtt Function.Arn}
  Activity: {Type: AWS::StepFunctions::Activity, Properties: {Name: !Sub "${AWS::StackName}-act"}}
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: !GetAtt Role.Arn
      Definition:
        StartAt: Wait
        States: {Wait: {Type: Pass, Result: {greeting: !Ref Greeting}, End: true}}
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties: {SecretString: '{"user": "app"}', KmsKeyId: !Ref Key}
  Rotation:
    Type: AWS::SecretsManager::RotationSchedule
    Properties: {SecretId: !Ref Secret, RotationLambdaARN: !GetAtt Function.Arn,
                 RotationRules: {AutomaticallyAfterDays: 30}}
  Pool:
    Type: AWS::Cognito::UserPool
    Properties: {UserPoolName: !Sub "${AWS::StackName}-users", AutoVerifiedAttributes: [email]}
  PoolClient:
    Type: AWS::Cognito::UserPoolClient
    Properties: {UserPoolId: !Ref Pool, ClientName: web, GenerateSecret: false,
                 ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]}
  PoolGroup:
    Type: AWS::Cognito::UserPoolGroup
    Properties: {UserPoolId: !Ref Pool, GroupName: admins, Precedence: 1}
  PoolDomain:
    Type: AWS::Cognito::UserPoolDomain
    Properties: {UserPoolId: !Ref Pool, Domain: !Sub "${AWS::StackName}-login"}
  ResourceServer:
    Type: AWS::Cognito::UserPoolResourceServer
    Properties: {UserPoolId: !Ref Pool, Identifier: kitchen, Name: Kitchen,
                 Scopes: [{ScopeName: read, ScopeDescription: read things}]}
  Rest: {Type: AWS::ApiGateway::RestApi, Properties: {Name: !Sub "${AWS::StackName}-rest"}}
  RestResource:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Rest, ParentId: !GetAtt Rest.RootResourceId, PathPart: greet}
  RestAuthorizer:
    Type: AWS::ApiGateway::Authorizer
    Properties:
      RestApiId: !Ref Rest
      Name: token
      Type: TOKEN
      IdentitySource: method.request.header.Authorization
      AuthorizerUri: !Sub "${LambdaPath}/functions/${Function.Arn}/invocations"
  RestModel:
    Type: AWS::ApiGateway::Model
    Properties: {RestApiId: !Ref Rest, Name: Greeting, ContentType: application/json,
                 Schema: {type: object}}
  RestValidator:
    Type: AWS::ApiGateway::RequestValidator
    Properties: {RestApiId: !Ref Rest, Name: body, ValidateRequestBody: true}
  RestNotFound:
    Type: AWS::ApiGateway::GatewayResponse
    Properties: {RestApiId: !Ref Rest, ResponseType: MISSING_AUTHENTICATION_TOKEN,
                 StatusCode: "404"}
  RestMethod:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Rest
      ResourceId: !Ref RestResource
      HttpMethod: GET
      AuthorizationType: CUSTOM
      AuthorizerId: !Ref RestAuthorizer
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub "${LambdaPath}/functions/${Function.Arn}/invocations"
  RestDeployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: RestMethod
    Properties: {RestApiId: !Ref Rest}
  RestStage:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: !Ref Rest, DeploymentId: !Ref RestDeployment, StageName: live,
                 Variables: {greeting: !Ref Greeting}}
  ApiKey:
    Type: AWS::ApiGateway::ApiKey
    Properties: {Enabled: true, Name: !Sub "${AWS::StackName}-key"}
  Plan:
    Type: AWS::ApiGateway::UsagePlan
    Properties:
      ApiStages: [{ApiId: !Ref Rest, Stage: !Ref RestStage}]
      Throttle: {RateLimit: 10, BurstLimit: 5}
  PlanKey:
    Type: AWS::ApiGateway::UsagePlanKey
    Properties: {UsagePlanId: !Ref Plan, KeyId: !Ref ApiKey, KeyType: API_KEY}
  Http: {Type: AWS::ApiGatewayV2::Api, Properties: {Name: !Sub "${AWS::StackName}-http",
                                                   ProtocolType: HTTP}}
  HttpIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Http, IntegrationType: AWS_PROXY,
                 IntegrationUri: !GetAtt Function.Arn, PayloadFormatVersion: "2.0"}
  HttpAuthorizer:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Http
      Name: cognito
      AuthorizerType: JWT
      IdentitySource: [$request.header.Authorization]
      JwtConfiguration: {Audience: [!Ref PoolClient], Issuer: !GetAtt Pool.ProviderURL}
  HttpRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Http, RouteKey: GET /greet,
                 Target: !Sub "integrations/${HttpIntegration}"}
  HttpStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Http, StageName: $default, AutoDeploy: true}
  Wait: {Type: AWS::CloudFormation::WaitConditionHandle}
Outputs:
  RoleName: {Value: !Ref Role}
  ManagedArn: {Value: !Ref Managed}
  Profile: {Value: !Ref Profile}
  Function: {Value: !Ref Function}
  VersionArn: {Value: !Ref Version}
  AliasArn: {Value: !Ref Alias}
  FunctionUrl: {Value: !GetAtt Url.FunctionUrl}
  Work: {Value: !Ref Work}
  Mapping: {Value: !Ref Mapping}
  Topic: {Value: !Ref Topic}
  Bus: {Value: !Ref Bus}
  Rule: {Value: !Ref Rule}
  Logs: {Value: !Ref Logs}
  Archive: {Value: !Ref Archive}
  Activity: {Value: !Ref Activity}
  Machine: {Value: !Ref Machine}
  Secret: {Value: !Ref Secret}
  Key: {Value: !GetAtt Key.Arn}
  Pool: {Value: !Ref Pool}
  PoolClient: {Value: !Ref PoolClient}
  PoolDomain: {Value: !Ref PoolDomain}
  LoginHost: {Value: !GetAtt PoolDomain.CloudFrontDistribution}
  Rest: {Value: !Ref Rest}
  ApiKey: {Value: !Ref ApiKey}
  Plan: {Value: !Ref Plan}
  Http: {Value: !Ref Http}
  HttpEndpoint: {Value: !GetAtt Http.ApiEndpoint}
"""


def _check(emulator: EmulatorHandle, out: dict[str, str], greeting: str,
           retention: int) -> None:
    c = {name: emulator.client(name) for name in (
        "iam", "lambda", "sqs", "sns", "events", "logs", "stepfunctions", "secretsmanager",
        "kms", "cognito-idp", "apigateway", "apigatewayv2")}
    role = out["RoleName"]
    assert c["iam"].get_role_policy(RoleName=role, PolicyName="extra")["PolicyName"] == "extra"
    attached = c["iam"].list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [out["ManagedArn"]]
    profile = c["iam"].get_instance_profile(InstanceProfileName=out["Profile"])
    assert [r["RoleName"] for r in profile["InstanceProfile"]["Roles"]] == [role]
    lam = c["lambda"]
    config = lam.get_function_configuration(FunctionName=out["Function"])
    assert config["Environment"]["Variables"]["GREETING"] == greeting
    assert lam.get_alias(FunctionName=out["Function"], Name="live")["AliasArn"] == (
        out["AliasArn"])
    assert out["VersionArn"].endswith(":1")
    assert httpx.get(out["FunctionUrl"]).json() == {"greeting": "hello"}  # the alias: v1
    invoke_config = lam.get_function_event_invoke_config(FunctionName=out["Function"],
                                                         Qualifier="$LATEST")
    assert invoke_config["MaximumRetryAttempts"] == 1
    mapping = lam.get_event_source_mapping(UUID=out["Mapping"])
    assert mapping["BatchSize"] == 5
    work_attributes = c["sqs"].get_queue_attributes(QueueUrl=out["Work"],
                                                    AttributeNames=["All"])["Attributes"]
    assert json.loads(work_attributes["Policy"])["Statement"][0]["Action"] == "sqs:SendMessage"
    topic = c["sns"].get_topic_attributes(TopicArn=out["Topic"])["Attributes"]
    assert json.loads(topic["Policy"])["Statement"][0]["Action"] == "sns:Publish"
    assert topic["DisplayName"] == greeting
    subscription = c["sns"].list_subscriptions_by_topic(TopicArn=out["Topic"])[
        "Subscriptions"][0]
    assert json.loads(c["sns"].get_subscription_attributes(
        SubscriptionArn=subscription["SubscriptionArn"])["Attributes"]["FilterPolicy"]) == {
        "kind": ["order", greeting]}
    bus, rule = out["Bus"], out["Rule"].split("|")[1]
    assert c["events"].describe_event_bus(Name=bus)["Name"] == bus
    targets = c["events"].list_targets_by_rule(Rule=rule, EventBusName=bus)["Targets"]
    assert [t["Id"] for t in targets] == ["work"]
    archive = c["events"].describe_archive(ArchiveName=out["Archive"])
    assert archive["RetentionDays"] == 3 and archive["EventSourceArn"].endswith(f"/{bus}")
    group = c["logs"].describe_log_groups(logGroupNamePrefix=out["Logs"])["logGroups"][0]
    assert group["retentionInDays"] == retention
    assert c["logs"].describe_log_streams(logGroupName=out["Logs"])["logStreams"][0][
        "logStreamName"] == "main"
    assert c["logs"].describe_subscription_filters(logGroupName=out["Logs"])[
        "subscriptionFilters"][0]["filterPattern"] == "ERROR"
    assert c["stepfunctions"].describe_activity(activityArn=out["Activity"])["name"].endswith(
        "-act")
    # A generated state machine name leaves the stack out, as in SAM's stock trading sample:
    # stack "stock-trading-example" made role "stock-trading-example-StockTradingStateMachineRole-
    # JCFDWTPY1CGR" and state machine "StockTradingStateMachine-O2WHhrwtOckF".
    assert re.fullmatch(r"Machine-[A-Za-z0-9]{12}", out["Machine"].rsplit(":", 1)[1])
    assert re.fullmatch(r".+-Role-[A-Z0-9]{12}", role)
    definition = json.loads(c["stepfunctions"].describe_state_machine(
        stateMachineArn=out["Machine"])["definition"])
    assert definition["States"]["Wait"]["Result"] == {"greeting": greeting}
    secret = c["secretsmanager"].describe_secret(SecretId=out["Secret"])
    assert secret["RotationRules"] == {"AutomaticallyAfterDays": 30}
    assert c["kms"].describe_key(KeyId=out["Key"])["KeyMetadata"]["Description"] == "kitchen"
    pool = c["cognito-idp"].describe_user_pool(UserPoolId=out["Pool"])["UserPool"]
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert c["cognito-idp"].describe_user_pool_client(
        UserPoolId=out["Pool"], ClientId=out["PoolClient"])["UserPoolClient"][
        "ClientName"] == "web"
    assert c["cognito-idp"].get_group(UserPoolId=out["Pool"], GroupName="admins")["Group"][
        "Precedence"] == 1
    domain = c["cognito-idp"].describe_user_pool_domain(Domain=out["PoolDomain"])[
        "DomainDescription"]
    assert domain["UserPoolId"] == out["Pool"] and domain["Status"] == "ACTIVE"
    assert out["LoginHost"] == f"{out['PoolDomain']}.auth.us-east-1.amazoncognito.com"
    assert c["cognito-idp"].describe_resource_server(
        UserPoolId=out["Pool"], Identifier="kitchen")["ResourceServer"]["Name"] == "Kitchen"
    gw = c["apigateway"]
    assert gw.get_stage(restApiId=out["Rest"], stageName="live")["variables"] == {
        "greeting": greeting}
    assert gw.get_model(restApiId=out["Rest"], modelName="Greeting")["contentType"] == (
        "application/json")
    assert gw.get_usage_plan_keys(usagePlanId=out["Plan"])["items"][0]["id"] == out["ApiKey"]
    base = f"{emulator.endpoint_url}/_aws/execute-api/{out['Rest']}/live/greet"
    assert httpx.get(base).status_code == 401
    assert httpx.get(base, headers={"Authorization": "t"}).json() == {"greeting": greeting}
    routes = c["apigatewayv2"].get_routes(ApiId=out["Http"])["Items"]
    assert [r["RouteKey"] for r in routes] == ["GET /greet"]
    http = f"{emulator.endpoint_url}/_aws/execute-api/{out['Http']}/greet"
    assert httpx.get(http).json() == {"greeting": greeting}


def _gone(emulator: EmulatorHandle, out: dict[str, str]) -> None:
    probes: list[tuple[str, str, dict[str, Any]]] = [
        ("iam", "get_role", {"RoleName": out["RoleName"]}),
        ("iam", "get_policy", {"PolicyArn": out["ManagedArn"]}),
        ("lambda", "get_function", {"FunctionName": out["Function"]}),
        ("sqs", "get_queue_attributes", {"QueueUrl": out["Work"]}),
        ("sns", "get_topic_attributes", {"TopicArn": out["Topic"]}),
        ("events", "describe_event_bus", {"Name": out["Bus"]}),
        ("stepfunctions", "describe_state_machine", {"stateMachineArn": out["Machine"]}),
        ("secretsmanager", "describe_secret", {"SecretId": out["Secret"]}),
        ("cognito-idp", "describe_user_pool", {"UserPoolId": out["Pool"]}),
        ("apigateway", "get_rest_api", {"restApiId": out["Rest"]}),
        ("apigatewayv2", "get_api", {"ApiId": out["Http"]}),
    ]
    for service, operation, params in probes:
        with pytest.raises(ClientError):
            getattr(emulator.client(service), operation)(**params)
    assert emulator.client("logs").describe_log_groups(logGroupNamePrefix=out["Logs"])[
        "logGroups"] == []


def test_every_type_is_created_updated_and_deleted(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("kitchen")
    create(cfn, name, TEMPLATE, Capabilities=["CAPABILITY_IAM"])
    out = outputs(cfn, name)
    _check(emulator, out, "hello", 7)
    before = physical_ids(cfn, name)
    update(cfn, name, TEMPLATE, Capabilities=["CAPABILITY_IAM"], Parameters=[
        {"ParameterKey": "Greeting", "ParameterValue": "bonjour"},
        {"ParameterKey": "Retention", "ParameterValue": "14"}])
    after = physical_ids(cfn, name)
    assert after == before  # every change was made in place
    _check(emulator, outputs(cfn, name), "bonjour", 14)
    delete(cfn, name)
    _gone(emulator, out)
