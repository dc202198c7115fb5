"""The API Gateway control plane through boto3: REST APIs, resources, methods, integrations,
models, validators, gateway responses, deployments and stages, and what is only stored."""

from __future__ import annotations

import pytest
from apigateway_support import new_api
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_rest_api_lifecycle_with_default_models_and_patches(emulator: EmulatorHandle) -> None:
    client = emulator.client("apigateway")
    api = client.create_rest_api(name="pets", description="first", binaryMediaTypes=["image/png"],
                                 tags={"team": "a"})
    assert api["apiKeySource"] == "HEADER"
    assert api["endpointConfiguration"] == {"types": ["EDGE"]}
    assert {m["name"] for m in client.get_models(restApiId=api["id"])["items"]} == {
        "Empty", "Error"}
    updated = client.update_rest_api(restApiId=api["id"], patchOperations=[
        {"op": "replace", "path": "/name", "value": "pets2"},
        {"op": "add", "path": "/binaryMediaTypes/image~1jpeg"},
        {"op": "remove", "path": "/binaryMediaTypes/image~1png"},
        {"op": "replace", "path": "/minimumCompressionSize", "value": "1024"},
    ])
    assert updated["name"] == "pets2"
    assert updated["binaryMediaTypes"] == ["image/jpeg"]
    assert updated["minimumCompressionSize"] == 1024
    # Other tests in the session create APIs too: look through every page.
    pages = client.get_paginator("get_rest_apis").paginate()
    assert api["id"] in [a["id"] for page in pages for a in page["items"]]
    with pytest.raises(ClientError) as bad_path:
        client.update_rest_api(restApiId=api["id"], patchOperations=[
            {"op": "replace", "path": "/nope", "value": "x"}])
    assert _code(bad_path) == "BadRequestException"
    assert "Invalid patch path '/nope'" in bad_path.value.response["Error"]["Message"]
    client.delete_rest_api(restApiId=api["id"])
    with pytest.raises(ClientError) as missing:
        client.get_rest_api(restApiId=api["id"])
    assert _code(missing) == "NotFoundException"
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_resource_tree_paths_conflicts_and_cascading_delete(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    client = api.client
    users = client.create_resource(restApiId=api.id, parentId=api.root, pathPart="users")
    user = client.create_resource(restApiId=api.id, parentId=users["id"], pathPart="{id}")
    assert user["path"] == "/users/{id}"
    with pytest.raises(ClientError) as duplicate:
        client.create_resource(restApiId=api.id, parentId=api.root, pathPart="users")
    assert _code(duplicate) == "ConflictException"
    with pytest.raises(ClientError) as sibling:
        client.create_resource(restApiId=api.id, parentId=users["id"], pathPart="{other}")
    assert _code(sibling) == "BadRequestException"
    with pytest.raises(ClientError) as bad_part:
        client.create_resource(restApiId=api.id, parentId=api.root, pathPart="a b")
    assert _code(bad_part) == "BadRequestException"
    renamed = client.update_resource(restApiId=api.id, resourceId=users["id"], patchOperations=[
        {"op": "replace", "path": "/pathPart", "value": "people"}])
    assert renamed["path"] == "/people"
    assert client.get_resource(restApiId=api.id, resourceId=user["id"])["path"] == "/people/{id}"
    client.delete_resource(restApiId=api.id, resourceId=users["id"])
    paths = [r["path"] for r in client.get_resources(restApiId=api.id)["items"]]
    assert paths == ["/"]


def test_methods_integrations_and_their_responses(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    client = api.client
    resource = api.resource("/items")
    method = client.put_method(restApiId=api.id, resourceId=resource, httpMethod="get",
                               authorizationType="NONE",
                               requestParameters={"method.request.querystring.q": True})
    assert method["httpMethod"] == "GET" and method["apiKeyRequired"] is False
    with pytest.raises(ClientError) as again:
        client.put_method(restApiId=api.id, resourceId=resource, httpMethod="GET",
                          authorizationType="NONE")
    assert _code(again) == "ConflictException"
    with pytest.raises(ClientError) as no_integration:
        client.get_integration(restApiId=api.id, resourceId=resource, httpMethod="GET")
    assert _code(no_integration) == "NotFoundException"
    integration = client.put_integration(
        restApiId=api.id, resourceId=resource, httpMethod="GET", type="HTTP",
        integrationHttpMethod="GET", uri="http://example.com/{q}",
        cacheKeyParameters=["method.request.querystring.q"])
    assert integration["passthroughBehavior"] == "WHEN_NO_MATCH"
    assert integration["timeoutInMillis"] == 29000
    assert integration["cacheNamespace"] == resource
    with pytest.raises(ClientError) as bad_uri:
        client.put_integration(restApiId=api.id, resourceId=resource, httpMethod="GET",
                               type="HTTP", integrationHttpMethod="GET", uri="not a url")
    assert _code(bad_uri) == "BadRequestException"
    with pytest.raises(ClientError) as no_method_response:
        client.put_integration_response(restApiId=api.id, resourceId=resource,
                                        httpMethod="GET", statusCode="200")
    assert _code(no_method_response) == "NotFoundException"
    client.put_method_response(restApiId=api.id, resourceId=resource, httpMethod="GET",
                               statusCode="200",
                               responseParameters={"method.response.header.X-Id": False})
    client.put_integration_response(restApiId=api.id, resourceId=resource, httpMethod="GET",
                                    statusCode="200", selectionPattern="2\\d\\d",
                                    responseTemplates={"application/json": "$input.body"})
    patched = client.update_integration(restApiId=api.id, resourceId=resource,
                                        httpMethod="GET", patchOperations=[
        {"op": "replace", "path": "/timeoutInMillis", "value": "5000"},
        {"op": "add", "path": "/requestTemplates/application~1xml", "value": "<x/>"},
        {"op": "remove", "path": "/cacheKeyParameters/method.request.querystring.q"}])
    assert patched["timeoutInMillis"] == 5000
    assert patched["requestTemplates"] == {"application/xml": "<x/>"}
    assert patched["cacheKeyParameters"] == []
    assert "200" in patched["integrationResponses"]
    method_patch = client.update_method(restApiId=api.id, resourceId=resource,
                                        httpMethod="GET", patchOperations=[
        {"op": "add", "path": "/requestParameters/method.request.header.X-Key",
         "value": "true"}])
    assert method_patch["requestParameters"] == {"method.request.querystring.q": True,
                                                 "method.request.header.X-Key": True}
    full = client.get_method(restApiId=api.id, resourceId=resource, httpMethod="GET")
    assert full["methodIntegration"]["integrationResponses"]["200"]["selectionPattern"] == \
        "2\\d\\d"
    assert full["methodResponses"]["200"]["responseParameters"] == {
        "method.response.header.X-Id": False}
    client.delete_integration_response(restApiId=api.id, resourceId=resource,
                                       httpMethod="GET", statusCode="200")
    client.delete_method(restApiId=api.id, resourceId=resource, httpMethod="GET")
    with pytest.raises(ClientError) as gone:
        client.get_method(restApiId=api.id, resourceId=resource, httpMethod="GET")
    assert _code(gone) == "NotFoundException"


def test_models_validators_and_gateway_responses(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    client = api.client
    model = client.create_model(restApiId=api.id, name="Pet", contentType="application/json",
                                schema='{"type": "object", "required": ["name"]}')
    assert client.get_model(restApiId=api.id, modelName="Pet")["id"] == model["id"]
    with pytest.raises(ClientError) as bad_schema:
        client.create_model(restApiId=api.id, name="Bad", contentType="application/json",
                            schema="{not json")
    assert _code(bad_schema) == "BadRequestException"
    with pytest.raises(ClientError) as duplicate:
        client.create_model(restApiId=api.id, name="Pet", contentType="application/json")
    assert _code(duplicate) == "ConflictException"
    validator = client.create_request_validator(restApiId=api.id, name="body",
                                                validateRequestBody=True)
    assert validator["validateRequestParameters"] is False
    changed = client.update_request_validator(
        restApiId=api.id, requestValidatorId=validator["id"],
        patchOperations=[{"op": "replace", "path": "/validateRequestParameters",
                          "value": "true"}])
    assert changed["validateRequestParameters"] is True
    responses = client.get_gateway_responses(restApiId=api.id, limit=500)["items"]
    by_type = {r["responseType"]: r for r in responses}
    assert by_type["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "403"
    assert by_type["THROTTLED"]["statusCode"] == "429"
    assert "statusCode" not in by_type["DEFAULT_4XX"]
    assert all(r["defaultResponse"] for r in responses)
    custom = client.put_gateway_response(
        restApiId=api.id, responseType="DEFAULT_4XX",
        responseParameters={"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"})
    assert custom["defaultResponse"] is False
    client.delete_gateway_response(restApiId=api.id, responseType="DEFAULT_4XX")
    assert client.get_gateway_response(restApiId=api.id,
                                       responseType="DEFAULT_4XX")["defaultResponse"] is True


def test_deployments_and_stages_with_method_settings(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    client = api.client
    with pytest.raises(ClientError) as empty:
        client.create_deployment(restApiId=api.id, stageName="dev")
    assert "doesn't contain any methods" in empty.value.response["Error"]["Message"]
    api.mock("/ping")
    deployment = api.deploy("dev", variables={"color": "red"})
    stage = client.get_stage(restApiId=api.id, stageName="dev")
    assert stage["deploymentId"] == deployment and stage["variables"] == {"color": "red"}
    assert client.get_deployment(restApiId=api.id, deploymentId=deployment,
                                 embed=["apisummary"])["apiSummary"] == {
        "/ping": {"GET": {"authorizationType": "NONE", "apiKeyRequired": False}}}
    updated = client.update_stage(restApiId=api.id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/cacheClusterEnabled", "value": "true"},
        {"op": "replace", "path": "/cacheClusterSize", "value": "1.6"},
        {"op": "replace", "path": "/*/*/caching/ttlInSeconds", "value": "60"},
        {"op": "replace", "path": "/~1ping/GET/throttling/burstLimit", "value": "3"},
        {"op": "replace", "path": "/variables/size", "value": "big"},
        {"op": "remove", "path": "/variables/color"},
        {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"},
    ])
    assert updated["cacheClusterStatus"] == "AVAILABLE"
    assert updated["cacheClusterSize"] == "1.6"
    assert updated["methodSettings"]["*/*"]["cacheTtlInSeconds"] == 60
    assert updated["methodSettings"]["ping/GET"]["throttlingBurstLimit"] == 3
    assert updated["methodSettings"]["ping/GET"]["throttlingRateLimit"] == 10000.0
    assert updated["variables"] == {"size": "big"}
    assert updated["accessLogSettings"] == {"format": "$context.requestId"}
    with pytest.raises(ClientError) as bad_ttl:
        client.update_stage(restApiId=api.id, stageName="dev", patchOperations=[
            {"op": "replace", "path": "/*/*/caching/ttlInSeconds", "value": "4000"}])
    assert _code(bad_ttl) == "BadRequestException"
    with pytest.raises(ClientError) as busy:
        client.delete_deployment(restApiId=api.id, deploymentId=deployment)
    assert _code(busy) == "BadRequestException"
    second = client.create_stage(restApiId=api.id, stageName="prod", deploymentId=deployment,
                                 tags={"env": "prod"})
    assert second["tags"] == {"env": "prod"}
    with pytest.raises(ClientError) as exists:
        client.create_stage(restApiId=api.id, stageName="prod", deploymentId=deployment)
    assert _code(exists) == "ConflictException"
    assert {s["stageName"] for s in client.get_stages(restApiId=api.id)["item"]} == {
        "dev", "prod"}
    client.flush_stage_cache(restApiId=api.id, stageName="dev")
    client.delete_stage(restApiId=api.id, stageName="prod")
    client.delete_stage(restApiId=api.id, stageName="dev")
    client.delete_deployment(restApiId=api.id, deploymentId=deployment)
    assert client.get_deployments(restApiId=api.id)["items"] == []


def test_canary_settings_on_deployment_and_stage(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    api.mock("/ping")
    api.deploy("live")
    canary = api.client.create_deployment(restApiId=api.id, stageName="live",
                                          canarySettings={"percentTraffic": 10.0,
                                                          "stageVariableOverrides": {"v": "2"}})
    stage = api.client.get_stage(restApiId=api.id, stageName="live")
    assert stage["canarySettings"]["deploymentId"] == canary["id"]
    assert stage["canarySettings"]["percentTraffic"] == 10.0
    assert stage["deploymentId"] != canary["id"]
    promoted = api.client.update_stage(restApiId=api.id, stageName="live", patchOperations=[
        {"op": "replace", "path": "/deploymentId", "value": canary["id"]},
        {"op": "remove", "path": "/canarySettings"}])
    assert promoted["deploymentId"] == canary["id"] and "canarySettings" not in promoted


def test_keys_usage_plans_authorizers_domains_tags_and_account(
        emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    client = api.client
    api.mock("/ping")
    api.deploy("dev")
    key = client.create_api_key(name="k", enabled=True, value="x" * 24)
    assert "value" not in client.get_api_key(apiKey=key["id"])
    assert client.get_api_key(apiKey=key["id"], includeValue=True)["value"] == "x" * 24
    plan = client.create_usage_plan(name="p", apiStages=[{"apiId": api.id, "stage": "dev"}],
                                    throttle={"rateLimit": 5.0, "burstLimit": 2})
    client.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    assert client.get_usage_plan_keys(usagePlanId=plan["id"])["items"][0]["value"] == "x" * 24
    changed = client.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
        {"op": "replace", "path": "/throttle/rateLimit", "value": "7"}])
    assert changed["throttle"]["rateLimit"] == 7.0
    authorizer = client.create_authorizer(
        restApiId=api.id, name="auth", type="TOKEN",
        authorizerUri="arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                      "arn:aws:lambda:us-east-1:000000000000:function:auth/invocations",
        identitySource="method.request.header.Authorization")
    assert client.get_authorizers(restApiId=api.id)["items"][0]["id"] == authorizer["id"]
    domain = client.create_domain_name(domainName="api.example.com")
    assert domain["domainNameStatus"] == "AVAILABLE"
    mapping = client.create_base_path_mapping(domainName="api.example.com", restApiId=api.id,
                                              stage="dev")
    assert mapping["basePath"] == "(none)"
    arn = f"arn:aws:apigateway:{emulator.region}::/restapis/{api.id}"
    client.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})
    client.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert client.get_tags(resourceArn=arn)["tags"] == {"b": "2"}
    assert client.get_account()["throttleSettings"] == {"burstLimit": 5000, "rateLimit": 10000.0}
    client.delete_base_path_mapping(domainName="api.example.com", basePath="(none)")
    client.delete_domain_name(domainName="api.example.com")


def test_test_invoke_method_runs_the_undeployed_api(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    resource = api.mock("/hello", body='{"said": "$input.params(\'word\')"}')
    result = api.client.test_invoke_method(restApiId=api.id, resourceId=resource,
                                           httpMethod="GET",
                                           pathWithQueryString="/hello?word=hi")
    assert result["status"] == 200
    assert result["body"] == '{"said": "hi"}'
    assert "Method completed with status: 200" in result["log"]
