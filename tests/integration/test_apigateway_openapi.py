"""OpenAPI: an OpenAPI 3 file imported, deployed, invoked and exported back; Swagger 2 in
YAML; PutRestApi in merge and overwrite modes."""

from __future__ import annotations

import json

import httpx
import pytest
import yaml
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle

X = "x-amazon-apigateway-"
OPENAPI = {
    "openapi": "3.0.1",
    "info": {"title": "PetStore", "version": "1.0"},
    X + "request-validators": {"body": {"validateRequestBody": True,
                                        "validateRequestParameters": True}},
    X + "gateway-responses": {"DEFAULT_4XX": {
        "responseParameters": {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"}}},
    "paths": {
        "/pets": {
            "get": {
                "parameters": [{"name": "type", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}},
                X + "integration": {
                    "type": "mock",
                    "requestTemplates": {"application/json": '{"statusCode": 200}'},
                    "responses": {"default": {"statusCode": "200", "responseTemplates": {
                        "application/json": '[{"type": "$input.params(\'type\')"}]'}}},
                },
            },
            "post": {
                X + "request-validator": "body",
                "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/NewPet"}}}},
                "responses": {"201": {"description": "created"}},
                X + "integration": {
                    "type": "mock",
                    "requestTemplates": {"application/json": '{"statusCode": 201}'},
                    "responses": {"default": {"statusCode": "201", "responseTemplates": {
                        "application/json": '{"created": true}'}}},
                },
            },
        },
        "/pets/{petId}": {
            "get": {
                "parameters": [{"name": "petId", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}},
                X + "integration": {
                    "type": "mock",
                    "requestTemplates": {"application/json": '{"statusCode": 200}'},
                    "responses": {"default": {"statusCode": "200", "responseTemplates": {
                        "application/json": '{"id": "$input.params(\'petId\')"}'}}},
                },
            },
        },
    },
    "components": {"schemas": {
        "NewPet": {"type": "object", "required": ["name"],
                   "properties": {"name": {"type": "string"},
                                  "owner": {"$ref": "#/components/schemas/Owner"}}},
        "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
    }},
}


def _url(emulator: EmulatorHandle, api_id: str, stage: str, path: str) -> str:
    return f"{emulator.endpoint_url}/_aws/execute-api/{api_id}/{stage}{path}"


def test_openapi_import_deploy_invoke_and_export(emulator: EmulatorHandle) -> None:
    client = emulator.client("apigateway")
    api = client.import_rest_api(body=json.dumps(OPENAPI).encode())
    assert api["name"] == "PetStore" and api["version"] == "1.0"
    paths = {r["path"] for r in client.get_resources(restApiId=api["id"])["items"]}
    assert paths == {"/", "/pets", "/pets/{petId}"}
    owner_ref = json.loads(client.get_model(restApiId=api["id"], modelName="NewPet")["schema"])
    assert owner_ref["properties"]["owner"]["$ref"] == (
        f"https://apigateway.amazonaws.com/restapis/{api['id']}/models/Owner")
    client.create_deployment(restApiId=api["id"], stageName="v1")
    listed = httpx.get(_url(emulator, api["id"], "v1", "/pets"), params={"type": "cat"})
    assert listed.status_code == 200 and listed.json() == [{"type": "cat"}]
    assert httpx.get(_url(emulator, api["id"], "v1", "/pets/7")).json() == {"id": "7"}
    created = httpx.post(_url(emulator, api["id"], "v1", "/pets"), json={"name": "rex"})
    assert created.status_code == 201 and created.json() == {"created": True}
    invalid = httpx.post(_url(emulator, api["id"], "v1", "/pets"), json={"owner": {}})
    assert invalid.status_code == 400
    assert invalid.json() == {"message": "Invalid request body"}
    assert invalid.headers["Access-Control-Allow-Origin"] == "*"

    exported = client.get_export(restApiId=api["id"], stageName="v1", exportType="oas30",
                                 parameters={"extensions": "integrations"},
                                 accepts="application/json")
    assert exported["contentType"] == "application/json"
    document = json.loads(exported["body"].read())
    assert document["openapi"] == "3.0.1"
    assert set(document["paths"]) == {"/pets", "/pets/{petId}"}
    post = document["paths"]["/pets"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"] == \
        "#/components/schemas/NewPet"
    assert post[X + "request-validator"] == "body"
    assert post[X + "integration"]["type"] == "mock"
    assert document["components"]["schemas"]["NewPet"]["properties"]["owner"]["$ref"] == \
        "#/components/schemas/Owner"
    # The export imports again into an API that behaves the same.
    again = client.import_rest_api(body=json.dumps(document).encode())
    client.create_deployment(restApiId=again["id"], stageName="v1")
    assert httpx.get(_url(emulator, again["id"], "v1", "/pets/9")).json() == {"id": "9"}


def test_swagger_yaml_export_and_put_rest_api_modes(emulator: EmulatorHandle) -> None:
    client = emulator.client("apigateway")
    swagger = {
        "swagger": "2.0", "info": {"title": "Tiny", "version": "2"},
        "paths": {"/ping": {"get": {
            "responses": {"200": {"description": "ok"}},
            X + "integration": {"type": "mock",
                                "requestTemplates": {"application/json": '{"statusCode": 200}'},
                                "responses": {"default": {"statusCode": "200",
                                                          "responseTemplates": {
                                                              "application/json": '"pong"'}}}},
        }}},
    }
    api = client.import_rest_api(body=yaml.safe_dump(swagger).encode())
    client.create_deployment(restApiId=api["id"], stageName="s")
    assert httpx.get(_url(emulator, api["id"], "s", "/ping")).text == '"pong"'
    exported = client.get_export(restApiId=api["id"], stageName="s", exportType="swagger",
                                 accepts="application/yaml")
    document = yaml.safe_load(exported["body"].read())
    assert document["swagger"] == "2.0" and document["basePath"] == "/s"
    assert X + "integration" not in document["paths"]["/ping"]["get"]
    merged = dict(swagger, paths={"/extra": swagger["paths"]["/ping"]})
    client.put_rest_api(restApiId=api["id"], mode="merge", body=json.dumps(merged).encode())
    paths = {r["path"] for r in client.get_resources(restApiId=api["id"])["items"]}
    assert paths == {"/", "/ping", "/extra"}
    client.put_rest_api(restApiId=api["id"], mode="overwrite", body=json.dumps(merged).encode())
    paths = {r["path"] for r in client.get_resources(restApiId=api["id"])["items"]}
    assert paths == {"/", "/extra"}


def test_invalid_documents_are_refused(emulator: EmulatorHandle) -> None:
    client = emulator.client("apigateway")
    with pytest.raises(ClientError) as error:
        client.import_rest_api(body=b"not: [an api")
    assert error.value.response["Error"]["Code"] == "BadRequestException"
