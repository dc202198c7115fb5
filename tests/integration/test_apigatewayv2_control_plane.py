"""The HTTP API control plane through boto3's apigatewayv2 client: APIs (and quick create),
routes and route keys, integrations and their checks, authorizers, stages with auto-deploy,
deployments, custom domain names with API mappings, tags, and AWS's errors."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from http_api_support import new_function, new_http_api

from emulator.testing import EmulatorHandle

HELLO = "def handler(event, context):\n    return 'hello'\n"


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_api_lifecycle_and_listing(emulator: EmulatorHandle) -> None:
    client = emulator.client("apigatewayv2")
    created = client.create_api(Name="orders", ProtocolType="HTTP", Description="d",
                                CorsConfiguration={"AllowOrigins": ["https://a.example"]},
                                Tags={"team": "x"})
    api_id = created["ApiId"]
    assert created["ProtocolType"] == "HTTP"
    assert created["RouteSelectionExpression"] == "${request.method} ${request.path}"
    assert created["ApiEndpoint"].startswith(f"http://{api_id}.execute-api.localhost")
    assert created["CorsConfiguration"]["AllowOrigins"] == ["https://a.example"]
    updated = client.update_api(ApiId=api_id, Name="orders-2", Version="v2")
    assert updated["Name"] == "orders-2" and updated["Description"] == "d"
    assert any(item["ApiId"] == api_id for item in client.get_apis()["Items"])
    client.delete_cors_configuration(ApiId=api_id)
    assert "CorsConfiguration" not in client.get_api(ApiId=api_id)
    arn = f"arn:aws:apigateway:{emulator.region}::/apis/{api_id}"
    client.tag_resource(ResourceArn=arn, Tags={"env": "test"})
    client.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert client.get_tags(ResourceArn=arn)["Tags"] == {"env": "test"}
    client.delete_api(ApiId=api_id)
    with pytest.raises(ClientError) as error:
        client.get_api(ApiId=api_id)
    assert _code(error) == "NotFoundException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_quick_create_makes_a_route_an_integration_and_an_auto_deployed_stage(
        emulator: EmulatorHandle) -> None:
    client = emulator.client("apigatewayv2")
    arn = new_function(emulator, HELLO)
    api_id = client.create_api(Name="quick", ProtocolType="HTTP", Target=arn)["ApiId"]
    routes = client.get_routes(ApiId=api_id)["Items"]
    assert [r["RouteKey"] for r in routes] == ["$default"]
    integration = client.get_integrations(ApiId=api_id)["Items"][0]
    assert integration["IntegrationType"] == "AWS_PROXY"
    assert integration["PayloadFormatVersion"] == "2.0"
    assert routes[0]["Target"] == f"integrations/{integration['IntegrationId']}"
    stage = client.get_stage(ApiId=api_id, StageName="$default")
    assert stage["AutoDeploy"] is True and stage["DeploymentId"]
    deployments = client.get_deployments(ApiId=api_id)["Items"]
    assert deployments[0]["AutoDeployed"] is True


def test_quick_create_with_a_lambda_invocation_uri_is_a_lambda_proxy(
        emulator: EmulatorHandle) -> None:
    # serverless-patterns apigw-http-api-lambda/template.yml quick-creates its API with
    # Target: arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations
    # and its README shows the payload 2.0 event's rawPath coming back.
    client = emulator.client("apigatewayv2")
    arn = new_function(emulator, HELLO)
    uri = (f"arn:aws:apigateway:{emulator.region}:lambda:path/2015-03-31/functions/{arn}"
           "/invocations")
    api_id = client.create_api(Name="quick-uri", ProtocolType="HTTP", Target=uri)["ApiId"]
    integration = client.get_integrations(ApiId=api_id)["Items"][0]
    assert (integration["IntegrationType"], integration["PayloadFormatVersion"]) == (
        "AWS_PROXY", "2.0")


def test_route_keys_are_checked(emulator: EmulatorHandle) -> None:
    api = new_http_api(emulator)
    api.route("GET /items/{id}")
    api.route("ANY /{proxy+}")
    api.route("$default")
    for bad in ("FETCH /items", "GET items", "GET /{proxy+}/more", "GET /a b"):
        with pytest.raises(ClientError) as error:
            api.route(bad)
        assert _code(error) == "BadRequestException", bad
    with pytest.raises(ClientError) as error:
        api.route("GET /items/{id}")
    assert _code(error) == "ConflictException"
    route_id = api.route("POST /items")
    updated = api.client.update_route(ApiId=api.id, RouteId=route_id, RouteKey="PUT /items")
    assert updated["RouteKey"] == "PUT /items"
    api.client.delete_route(ApiId=api.id, RouteId=route_id)
    with pytest.raises(ClientError) as error:
        api.client.get_route(ApiId=api.id, RouteId=route_id)
    assert _code(error) == "NotFoundException"


def test_integrations_are_checked_as_aws_checks_them(emulator: EmulatorHandle) -> None:
    api = new_http_api(emulator)
    arn = new_function(emulator, HELLO)
    cases = [
        {"IntegrationType": "AWS_PROXY", "IntegrationUri": arn},  # no payload version
        {"IntegrationType": "MOCK"},
        {"IntegrationType": "HTTP_PROXY", "IntegrationUri": "https://example.com",
         "IntegrationMethod": "GET", "RequestParameters": {"overwrite:header.Host": "x"}},
        {"IntegrationType": "HTTP_PROXY", "IntegrationUri": "https://example.com",
         "IntegrationMethod": "GET", "RequestParameters": {"rewrite:header.a": "x"}},
        {"IntegrationType": "AWS_PROXY", "IntegrationSubtype": "SQS-SendMessage",
         "RequestParameters": {"QueueUrl": "$request.header.q"}},  # MessageBody missing
        {"IntegrationType": "HTTP_PROXY", "IntegrationMethod": "GET"},  # no URI
    ]
    for case in cases:
        with pytest.raises(ClientError) as error:
            api.integration(**case)
        assert _code(error) == "BadRequestException", case
    integration_id = api.integration(
        IntegrationType="HTTP_PROXY", IntegrationUri="https://example.com/{proxy}",
        IntegrationMethod="ANY", RequestParameters={"append:header.x-a": "$request.path"})
    updated = api.client.update_integration(
        ApiId=api.id, IntegrationId=integration_id,
        RequestParameters={"overwrite:querystring.q": "$context.requestId"})
    assert updated["RequestParameters"] == {"append:header.x-a": "$request.path",
                                            "overwrite:querystring.q": "$context.requestId"}
    assert updated["PayloadFormatVersion"] == "1.0" and updated["TimeoutInMillis"] == 30000


def test_authorizers_and_routes_that_use_them(emulator: EmulatorHandle) -> None:
    api = new_http_api(emulator)
    jwt = api.client.create_authorizer(
        ApiId=api.id, Name="jwt", AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": "https://issuer.example", "Audience": ["aud"]})
    with pytest.raises(ClientError) as error:
        api.client.create_authorizer(ApiId=api.id, Name="bad", AuthorizerType="JWT",
                                     IdentitySource=["$request.header.Authorization"])
    assert _code(error) == "BadRequestException"
    with pytest.raises(ClientError) as error:  # a Lambda authorizer needs a payload version
        api.client.create_authorizer(
            ApiId=api.id, Name="lambda", AuthorizerType="REQUEST", IdentitySource=[],
            AuthorizerUri=f"arn:aws:apigateway:{emulator.region}:lambda:path/2015-03-31/"
                          f"functions/{new_function(emulator, HELLO)}/invocations")
    assert _code(error) == "BadRequestException"
    route_id = api.route("GET /secret", AuthorizationType="JWT",
                         AuthorizerId=jwt["AuthorizerId"], AuthorizationScopes=["read"])
    assert api.client.get_route(ApiId=api.id, RouteId=route_id)["AuthorizationScopes"] == [
        "read"]
    with pytest.raises(ClientError) as error:
        api.route("GET /other", AuthorizationType="JWT", AuthorizerId="nope")
    assert _code(error) == "BadRequestException"
    with pytest.raises(ClientError) as error:
        api.client.delete_authorizer(ApiId=api.id, AuthorizerId=jwt["AuthorizerId"])
    assert _code(error) == "ConflictException"


def test_stages_deployments_and_auto_deploy(emulator: EmulatorHandle) -> None:
    api = new_http_api(emulator)
    with pytest.raises(ClientError) as error:
        api.client.create_deployment(ApiId=api.id)
    assert "no routes" in error.value.response["Error"]["Message"]
    api.route("GET /a")
    api.client.create_stage(ApiId=api.id, StageName="dev", StageVariables={"v": "1"},
                            DefaultRouteSettings={"ThrottlingBurstLimit": 5,
                                                  "ThrottlingRateLimit": 2.0})
    deployment = api.client.create_deployment(ApiId=api.id, StageName="dev",
                                              Description="first")
    assert deployment["DeploymentStatus"] == "DEPLOYED"
    assert api.client.get_stage(ApiId=api.id, StageName="dev")["DeploymentId"] == \
        deployment["DeploymentId"]
    with pytest.raises(ClientError) as error:
        api.client.create_stage(ApiId=api.id, StageName="dev")
    assert _code(error) == "ConflictException"
    with pytest.raises(ClientError) as error:
        api.client.create_stage(ApiId=api.id, StageName="bad name")
    assert _code(error) == "BadRequestException"
    api.stage("$default")
    first = api.client.get_stage(ApiId=api.id, StageName="$default")["DeploymentId"]
    api.route("GET /b")
    second = api.client.get_stage(ApiId=api.id, StageName="$default")["DeploymentId"]
    assert first != second  # every change deploys an auto-deploy stage again
    assert api.client.get_stage(ApiId=api.id, StageName="dev")["DeploymentId"] == \
        deployment["DeploymentId"]
    stage = api.client.update_stage(ApiId=api.id, StageName="dev",
                                    StageVariables={"w": "2"},
                                    RouteSettings={"GET /a": {"ThrottlingBurstLimit": 1,
                                                              "ThrottlingRateLimit": 1.0}})
    assert stage["StageVariables"] == {"v": "1", "w": "2"}
    api.client.delete_route_settings(ApiId=api.id, StageName="dev", RouteKey="GET /a")
    assert api.client.get_stage(ApiId=api.id, StageName="dev")["RouteSettings"] == {}
    api.client.reset_authorizers_cache(ApiId=api.id, StageName="dev")
    with pytest.raises(ClientError) as error:
        api.client.delete_deployment(ApiId=api.id, DeploymentId=deployment["DeploymentId"])
    assert _code(error) == "BadRequestException"
    api.client.delete_stage(ApiId=api.id, StageName="dev")
    with pytest.raises(ClientError) as error:
        api.client.get_stage(ApiId=api.id, StageName="dev")
    assert _code(error) == "NotFoundException"


def test_domain_names_and_api_mappings(emulator: EmulatorHandle) -> None:
    api = new_http_api(emulator)
    api.route("GET /a")
    api.stage("$default")
    client = api.client
    domain = client.create_domain_name(
        DomainName="api.shop.test",
        DomainNameConfigurations=[{"CertificateArn": "arn:aws:acm:us-east-1:000000000000:"
                                                     "certificate/x"}])
    assert domain["DomainNameConfigurations"][0]["DomainNameStatus"] == "AVAILABLE"
    with pytest.raises(ClientError) as error:
        client.create_domain_name(DomainName="api.shop.test")
    assert _code(error) == "ConflictException"
    mapping = client.create_api_mapping(DomainName="api.shop.test", ApiId=api.id,
                                        Stage="$default", ApiMappingKey="orders/v1")
    with pytest.raises(ClientError) as error:
        client.create_api_mapping(DomainName="api.shop.test", ApiId=api.id,
                                  Stage="$default", ApiMappingKey="orders/v1")
    assert _code(error) == "ConflictException"
    with pytest.raises(ClientError) as error:
        client.create_api_mapping(DomainName="api.shop.test", ApiId=api.id, Stage="nope")
    assert _code(error) == "BadRequestException"
    listed = client.get_api_mappings(DomainName="api.shop.test")["Items"]
    assert [m["ApiMappingKey"] for m in listed] == ["orders/v1"]
    client.update_api_mapping(DomainName="api.shop.test", ApiMappingId=mapping["ApiMappingId"],
                              ApiId=api.id, ApiMappingKey="orders")
    assert client.get_api_mapping(DomainName="api.shop.test", ApiMappingId=mapping[
        "ApiMappingId"])["ApiMappingKey"] == "orders"
    client.delete_api_mapping(DomainName="api.shop.test", ApiMappingId=mapping["ApiMappingId"])
    client.delete_domain_name(DomainName="api.shop.test")
    with pytest.raises(ClientError) as error:
        client.get_domain_name(DomainName="api.shop.test")
    assert _code(error) == "NotFoundException"
