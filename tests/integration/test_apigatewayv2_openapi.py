"""ImportApi, ReimportApi and ExportApi: an OpenAPI 3 definition with API Gateway's
extensions (Lambda and HTTP proxy integrations, a JWT authorizer with scopes, CORS) becomes
routes that answer, and comes back out as JSON or YAML."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]
from botocore.exceptions import ClientError
from http_api_support import ECHO, HttpApi, new_function

from emulator.testing import EmulatorHandle


def _definition(function_arn: str) -> dict[str, Any]:
    integration = {"type": "aws_proxy", "uri": function_arn, "payloadFormatVersion": "2.0",
                   "httpMethod": "POST"}
    return {
        "openapi": "3.0.1",
        "info": {"title": "imported", "version": "2024-01-01"},
        "x-amazon-apigateway-cors": {"allowOrigins": ["https://a.example"],
                                     "allowMethods": ["GET"]},
        "paths": {
            "/items/{id}": {"get": {"x-amazon-apigateway-integration": integration,
                                    "operationId": "getItem"}},
            "/secure": {"x-amazon-apigateway-any-method": {
                "security": [{"jwt": ["items/read"]}],
                "x-amazon-apigateway-integration": integration}},
            "$default": {"x-amazon-apigateway-any-method": {
                "x-amazon-apigateway-integration": integration}},
        },
        "components": {"securitySchemes": {"jwt": {
            "type": "oauth2", "flows": {},
            "x-amazon-apigateway-authorizer": {
                "type": "jwt", "identitySource": "$request.header.Authorization",
                "jwtConfiguration": {"issuer": "https://issuer.example",
                                     "audience": ["app"]}}}}},
    }


def test_import_builds_routes_that_answer_and_export_gives_them_back(
        emulator: EmulatorHandle) -> None:
    client = emulator.client("apigatewayv2")
    document = _definition(new_function(emulator, ECHO))
    created = client.import_api(Body=json.dumps(document))
    api = HttpApi(client, created["ApiId"], emulator.endpoint_url)
    assert created["Name"] == "imported" and created["Version"] == "2024-01-01"
    assert created["CorsConfiguration"] == {"AllowOrigins": ["https://a.example"],
                                            "AllowMethods": ["GET"]}
    routes = {r["RouteKey"]: r for r in client.get_routes(ApiId=api.id)["Items"]}
    assert set(routes) == {"GET /items/{id}", "ANY /secure", "$default"}
    assert routes["ANY /secure"]["AuthorizationType"] == "JWT"
    assert routes["ANY /secure"]["AuthorizationScopes"] == ["items/read"]
    assert routes["GET /items/{id}"]["OperationName"] == "getItem"
    authorizer = client.get_authorizers(ApiId=api.id)["Items"][0]
    assert authorizer["JwtConfiguration"]["Issuer"] == "https://issuer.example"
    api.stage()
    assert api.get("/items/3").json()["pathParameters"] == {"id": "3"}
    assert api.get("/secure").status_code == 401
    assert api.get("/anything/else").json()["routeKey"] == "$default"
    exported = json.loads(client.export_api(ApiId=api.id, Specification="OAS30",
                                            OutputType="JSON")["body"].read())
    assert exported["openapi"].startswith("3.0")
    assert set(exported["paths"]) == {"/items/{id}", "/secure", "$default"}
    get_item = exported["paths"]["/items/{id}"]["get"]
    assert get_item["x-amazon-apigateway-integration"]["type"] == "aws_proxy"
    assert exported["paths"]["/secure"]["x-amazon-apigateway-any-method"]["security"] == [
        {"jwt": ["items/read"]}]
    assert exported["x-amazon-apigateway-cors"]["allowOrigins"] == ["https://a.example"]
    bare = yaml.safe_load(client.export_api(ApiId=api.id, Specification="OAS30",
                                            OutputType="YAML", IncludeExtensions=False,
                                            StageName="$default")["body"].read())
    assert "x-amazon-apigateway-integration" not in bare["paths"]["/items/{id}"]["get"]
    # Re-importing the exported document yields the same routes.
    client.reimport_api(ApiId=api.id, Body=json.dumps(exported))
    again = {r["RouteKey"] for r in client.get_routes(ApiId=api.id)["Items"]}
    assert again == set(routes)


def test_reimport_replaces_the_definition(emulator: EmulatorHandle) -> None:
    client = emulator.client("apigatewayv2")
    document = _definition(new_function(emulator, ECHO))
    api_id = client.import_api(Body=json.dumps(document))["ApiId"]
    smaller = {**document, "info": {"title": "renamed", "version": "2"},
               "paths": {"/only": document["paths"]["/items/{id}"]}}
    smaller.pop("x-amazon-apigateway-cors")
    reimported = client.reimport_api(ApiId=api_id, Body=yaml.safe_dump(smaller))
    assert reimported["Name"] == "renamed" and "CorsConfiguration" not in reimported
    assert [r["RouteKey"] for r in client.get_routes(ApiId=api_id)["Items"]] == ["GET /only"]


def test_bad_definitions_are_refused(emulator: EmulatorHandle) -> None:
    client = emulator.client("apigatewayv2")
    for body in ("not a definition", json.dumps({"swagger": "2.0", "paths": {}}),
                 json.dumps({"openapi": "3.0.1", "paths": {"/x": {"get": {
                     "x-amazon-apigateway-integration": {"type": "mock"}}}}})):
        with pytest.raises(ClientError) as error:
            client.import_api(Body=body)
        assert error.value.response["Error"]["Code"] == "BadRequestException"
    with pytest.raises(ClientError) as error:
        client.import_api(Body=json.dumps({"openapi": "3.0.1", "info": {"title": "w"},
                                           "paths": {"/x": {"get": {}}}}),
                          FailOnWarnings=True)
    assert error.value.response["Error"]["Code"] == "BadRequestException"


def test_unquoted_payload_format_versions_in_yaml_are_read_as_versions(
        emulator: EmulatorHandle) -> None:
    """YAML reads ``1.0`` unquoted as a number; SAM templates write
    ``AuthorizerPayloadFormatVersion: 1.0`` so, and API Gateway takes it as "1.0" (its
    supported values are 1.0 and 2.0:
    https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html)."""
    client = emulator.client("apigatewayv2")
    function = new_function(emulator, ECHO)
    uri = (f"arn:aws:apigateway:{emulator.region}:lambda:path/2015-03-31/functions/"
           f"{function}/invocations")
    body = f"""
openapi: 3.0.1
info: {{title: unquoted, version: '1'}}
paths:
  /items:
    get:
      security: [{{own: []}}]
      x-amazon-apigateway-integration: {{type: aws_proxy, uri: "{function}",
                                        httpMethod: POST, payloadFormatVersion: 2.0}}
components:
  securitySchemes:
    own:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        identitySource: $request.header.Authorization
        authorizerUri: "{uri}"
        authorizerPayloadFormatVersion: 1.0
"""
    api_id = client.import_api(Body=body, FailOnWarnings=True)["ApiId"]
    authorizer = client.get_authorizers(ApiId=api_id)["Items"][0]
    assert authorizer["AuthorizerPayloadFormatVersion"] == "1.0"
    integration = client.get_integrations(ApiId=api_id)["Items"][0]
    assert integration["PayloadFormatVersion"] == "2.0"
    client.delete_api(ApiId=api_id)
