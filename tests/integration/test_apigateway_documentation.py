"""API documentation: documentation parts addressed by location, snapshots of them as
documentation versions published with a stage, their export and import.

Location fields per entity type and their defaults:
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-documenting-api-content-representation.html
Publishing a version with a stage:
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-documenting-api-quick-start-publishing.html
The x-amazon-apigateway-documentation extension:
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-documentation.html
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from apigateway_support import Api, new_api
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


def _error(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def api(emulator: EmulatorHandle) -> Api:
    made = new_api(emulator, "documented")
    made.mock("/pets/{id}")
    made.deploy("prod")
    return made


def test_parts_are_created_with_the_location_fields_their_type_takes(api: Api) -> None:
    client = api.client
    created = client.create_documentation_part(
        restApiId=api.id, location={"type": "METHOD", "path": "/pets/{id}", "method": "get"},
        properties=json.dumps({"summary": "A pet"}))
    assert created["location"] == {"type": "METHOD", "path": "/pets/{id}", "method": "GET"}
    assert json.loads(created["properties"]) == {"summary": "A pet"}
    response = client.create_documentation_part(
        restApiId=api.id, location={"type": "RESPONSE", "path": "/pets/{id}"},
        properties='{"description": "any answer"}')
    assert response["location"] == {"type": "RESPONSE", "path": "/pets/{id}", "method": "*",
                                    "statusCode": "*"}
    whole = client.create_documentation_part(restApiId=api.id, location={"type": "API"},
                                             properties='{"description": "Pets"}')
    assert whole["location"] == {"type": "API"}
    fetched = client.get_documentation_part(restApiId=api.id,
                                            documentationPartId=created["id"])
    assert (fetched["id"], fetched["location"], fetched["properties"]) == (
        created["id"], created["location"], created["properties"])
    listed = client.get_documentation_parts(restApiId=api.id)["items"]
    assert {p["id"] for p in listed} == {created["id"], response["id"], whole["id"]}
    methods = client.get_documentation_parts(restApiId=api.id, type="METHOD")["items"]
    assert [p["id"] for p in methods] == [created["id"]]


@pytest.mark.parametrize(("location", "properties", "code"), [
    ({"type": "API", "path": "/pets"}, "{}", "BadRequestException"),  # API takes no path
    ({"type": "MODEL"}, "{}", "BadRequestException"),  # a model part names its model
    ({"type": "METHOD", "path": "/"}, "not json", "BadRequestException"),
    ({"type": "METHOD", "path": "/"}, "[1, 2]", "BadRequestException"),  # not an object
])
def test_bad_locations_and_content_are_refused(api: Api, location: dict[str, str],
                                               properties: str, code: str) -> None:
    assert _error(api.client.create_documentation_part, restApiId=api.id, location=location,
                  properties=properties)[0] == code


def test_a_location_holds_one_part(api: Api) -> None:
    location = {"type": "RESOURCE", "path": "/pets"}
    api.client.create_documentation_part(restApiId=api.id, location=location,
                                         properties="{}")
    assert _error(api.client.create_documentation_part, restApiId=api.id, location=location,
                  properties='{"description": "again"}')[0] == "ConflictException"


def test_parts_are_updated_and_deleted(api: Api) -> None:
    client = api.client
    part = client.create_documentation_part(restApiId=api.id, location={"type": "API"},
                                            properties='{"description": "old"}')
    updated = client.update_documentation_part(
        restApiId=api.id, documentationPartId=part["id"], patchOperations=[
            {"op": "replace", "path": "/properties", "value": '{"description": "new"}'}])
    assert json.loads(updated["properties"]) == {"description": "new"}
    assert _error(client.update_documentation_part, restApiId=api.id,
                  documentationPartId=part["id"], patchOperations=[
                      {"op": "replace", "path": "/properties", "value": "nope"}])[0] == \
        "BadRequestException"
    client.delete_documentation_part(restApiId=api.id, documentationPartId=part["id"])
    assert _error(client.get_documentation_part, restApiId=api.id,
                  documentationPartId=part["id"])[0] == "NotFoundException"


def test_a_version_snapshots_the_parts_and_is_published_with_its_stage(api: Api) -> None:
    client = api.client
    part = client.create_documentation_part(restApiId=api.id, location={"type": "API"},
                                            properties='{"description": "v1 text"}')
    version = client.create_documentation_version(
        restApiId=api.id, documentationVersion="1.0", stageName="prod", description="first")
    assert (version["version"], version["description"]) == ("1.0", "first")
    assert client.get_stage(restApiId=api.id, stageName="prod")["documentationVersion"] == "1.0"
    assert _error(client.create_documentation_version, restApiId=api.id,
                  documentationVersion="1.0")[0] == "ConflictException"
    assert _error(client.create_documentation_version, restApiId=api.id,
                  documentationVersion="2.0", stageName="nope")[0] == "NotFoundException"
    # Later edits do not change what the stage publishes.
    client.update_documentation_part(restApiId=api.id, documentationPartId=part["id"],
                                     patchOperations=[{"op": "replace", "path": "/properties",
                                                       "value": '{"description": "v2 text"}'}])
    exported = json.loads(client.get_export(restApiId=api.id, stageName="prod",
                                            exportType="oas30",
                                            parameters={"extensions": "documentation"},
                                            accepts="application/json")["body"].read())
    published = exported["x-amazon-apigateway-documentation"]
    assert published["version"] == "1.0"
    assert published["documentationParts"] == [{"location": {"type": "API"},
                                                "properties": {"description": "v1 text"}}]
    plain = json.loads(client.get_export(restApiId=api.id, stageName="prod",
                                         exportType="oas30")["body"].read())
    assert "x-amazon-apigateway-documentation" not in plain
    listed = client.get_documentation_versions(restApiId=api.id)["items"]
    assert [v["version"] for v in listed] == ["1.0"]
    updated = client.update_documentation_version(
        restApiId=api.id, documentationVersion="1.0",
        patchOperations=[{"op": "replace", "path": "/description", "value": "renamed"}])
    assert updated["description"] == "renamed"
    client.delete_documentation_version(restApiId=api.id, documentationVersion="1.0")
    assert _error(client.get_documentation_version, restApiId=api.id,
                  documentationVersion="1.0")[0] == "NotFoundException"


def test_parts_are_imported_from_the_openapi_extension(api: Api) -> None:
    client = api.client
    kept = client.create_documentation_part(restApiId=api.id, location={"type": "API"},
                                            properties='{"description": "before"}')
    body = json.dumps({"openapi": "3.0.1", "info": {"title": "x", "version": "1"},
                       "paths": {}, "x-amazon-apigateway-documentation": {
                           "version": "1", "documentationParts": [
                               {"location": {"type": "API"},
                                "properties": {"description": "imported"}},
                               {"location": {"type": "METHOD", "path": "/pets/{id}",
                                             "method": "GET"},
                                "properties": {"summary": "Get a pet"}},
                               {"location": {"type": "NOPE"}, "properties": {}}]}})
    merged = client.import_documentation_parts(restApiId=api.id, mode="merge", body=body)
    assert kept["id"] in merged["ids"] and len(merged["ids"]) == 2
    assert len(merged["warnings"]) == 1
    parts = client.get_documentation_parts(restApiId=api.id)["items"]
    api_part = next(p for p in parts if p["location"]["type"] == "API")
    assert json.loads(api_part["properties"]) == {"description": "imported"}
    assert _error(client.import_documentation_parts, restApiId=api.id, body=body,
                  failOnWarnings=True)[0] == "BadRequestException"
    replaced = client.import_documentation_parts(restApiId=api.id, mode="overwrite",
                                                 body=body)
    assert len(client.get_documentation_parts(restApiId=api.id)["items"]) == \
        len(replaced["ids"]) == 2


def test_unknown_apis_and_parts_are_not_found(api: Api) -> None:
    assert _error(api.client.get_documentation_parts, restApiId="nope")[0] == \
        "NotFoundException"
    assert _error(api.client.get_documentation_part, restApiId=api.id,
                  documentationPartId="nope")[0] == "NotFoundException"
