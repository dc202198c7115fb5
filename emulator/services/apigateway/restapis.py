"""REST APIs, their resource tree, methods and method responses."""

from __future__ import annotations

import re
from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.services.apigateway import patch
from emulator.services.apigateway.common import (
    HTTP_METHODS,
    ApiGatewayBase,
    bad_request,
    without_none,
)
from emulator.services.apigateway.models import RestApiRecord
from emulator.services.apigateway.schemas import default_models

PATH_PART = re.compile(r"^(\{[a-zA-Z0-9._-]+\+?\}|[a-zA-Z0-9._:-]+)$")
STATUS_CODE = re.compile(r"^[1-5]\d\d$")

API_PATHS = {
    "/name": patch.Path(),
    "/description": patch.Path(removable=True),
    "/apiKeySource": patch.Path(),
    "/binaryMediaTypes": patch.Path(patch.LIST),
    "/minimumCompressionSize": patch.Path(patch.INT, removable=True),
    "/policy": patch.Path(removable=True),
    "/disableExecuteApiEndpoint": patch.Path(patch.BOOL),
    "/version": patch.Path(removable=True),
    "/endpointConfiguration/types/0": patch.Path(),
}
RESOURCE_PATHS = {"/pathPart": patch.Path(), "/parentId": patch.Path()}
METHOD_PATHS = {
    "/authorizationType": patch.Path(),
    "/authorizerId": patch.Path(removable=True),
    "/apiKeyRequired": patch.Path(patch.BOOL),
    "/requestValidatorId": patch.Path(removable=True),
    "/operationName": patch.Path(removable=True),
    "/requestParameters": patch.Path(patch.BOOL_MAP),
    "/requestModels": patch.Path(patch.MAP),
    "/authorizationScopes": patch.Path(patch.LIST),
}
METHOD_RESPONSE_PATHS = {
    "/responseParameters": patch.Path(patch.BOOL_MAP),
    "/responseModels": patch.Path(patch.MAP),
}


def check_http_method(http_method: str) -> str:
    upper = http_method.upper()
    if upper not in HTTP_METHODS:
        raise bad_request("Invalid HttpMethod specified. Valid options are "
                          "GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY")
    return upper


def check_status_code(status_code: str) -> None:
    if not STATUS_CODE.match(status_code or ""):
        raise bad_request("Invalid StatusCode specified")


def summary(resource: dict[str, Any]) -> dict[str, Any]:
    """A resource as GetResources lists it without embedding methods."""
    out = {k: v for k, v in resource.items() if k != "resourceMethods"}
    if resource.get("resourceMethods"):
        out["resourceMethods"] = {name: {} for name in resource["resourceMethods"]}
    return out


def child_path(parent_path: str, path_part: str) -> str:
    return ("" if parent_path == "/" else parent_path) + "/" + path_part


def new_api(ctx: RequestContext, now: float, name: str, **fields: Any) -> RestApiRecord:
    api_id = ids.short_id()
    root_id = ids.short_id()
    api = without_none({
        "id": api_id,
        "name": name,
        "description": fields.get("description"),
        "createdDate": int(now),
        "version": fields.get("version"),
        "binaryMediaTypes": fields.get("binary_media_types") or None,
        "minimumCompressionSize": fields.get("minimum_compression_size"),
        "apiKeySource": fields.get("api_key_source") or "HEADER",
        "endpointConfiguration": fields.get("endpoint_configuration") or {"types": ["EDGE"]},
        "policy": fields.get("policy"),
        "tags": fields.get("tags") or None,
        "disableExecuteApiEndpoint": bool(fields.get("disable_execute_api_endpoint")),
        "rootResourceId": root_id,
    })
    record = RestApiRecord(api=api, models=default_models())
    record.resources[root_id] = {"id": root_id, "path": "/"}
    return record


class RestApisApi(ApiGatewayBase):
    # -- REST APIs --------------------------------------------------------------------------

    def create_rest_api(self, ctx: RequestContext, *, name: str, clone_from: str | None = None,
                        **fields: Any) -> dict[str, Any]:
        record = new_api(ctx, self.clock.now(), name, **fields)
        if clone_from:
            source = self.api_record(ctx, clone_from)
            root_id = record.api["rootResourceId"]
            record.resources = self.copy(source.resources)
            record.resources[root_id] = record.resources.pop(source.api["rootResourceId"])
            record.resources[root_id]["id"] = root_id
            for resource in record.resources.values():
                if resource.get("parentId") == source.api["rootResourceId"]:
                    resource["parentId"] = root_id
            record.models = self.copy(source.models)
            record.validators = self.copy(source.validators)
            record.gateway_responses = self.copy(source.gateway_responses)
        self.save_api(ctx, record)
        return record.api

    def get_rest_api(self, ctx: RequestContext, *, rest_api_id: str, **_: Any
                     ) -> dict[str, Any]:
        return self.api_record(ctx, rest_api_id).api

    def get_rest_apis(self, ctx: RequestContext, *, position: str | None = None,
                      limit: int | None = None, **_: Any) -> dict[str, Any]:
        return self.page([r.api for r in self.apis(ctx).values()], position, limit)

    def update_rest_api(self, ctx: RequestContext, *, rest_api_id: str,
                        patch_operations: list[dict[str, Any]] | None = None, **_: Any
                        ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        api = self.copy(record.api)
        patch.apply(api, patch_operations, API_PATHS)
        if api.get("apiKeySource") not in ("HEADER", "AUTHORIZER"):
            raise bad_request("Invalid API Key source specified. "
                              "Valid options are HEADER,AUTHORIZER")
        if "endpointConfiguration" in api and "types" in api["endpointConfiguration"]:
            types = api["endpointConfiguration"]["types"]
            if isinstance(types, dict):  # "/endpointConfiguration/types/0" set a key
                api["endpointConfiguration"]["types"] = list(types.values())
        record.api = api
        self.save_api(ctx, record)
        return api

    def delete_rest_api(self, ctx: RequestContext, *, rest_api_id: str, **_: Any) -> None:
        self.api_record(ctx, rest_api_id)
        self.apis(ctx).delete(rest_api_id)
        for key in list(self.stages(ctx)):
            if key.startswith(rest_api_id + "/"):
                self.stages(ctx).delete(key)
        for key in list(self.deployments(ctx)):
            if key.startswith(rest_api_id + "/"):
                self.deployments(ctx).delete(key)

    # -- resources --------------------------------------------------------------------------

    def _check_path_part(self, record: RestApiRecord, parent_id: str, path_part: str,
                         exclude: str | None = None) -> None:
        if not PATH_PART.match(path_part or ""):
            raise bad_request(
                "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning"
                " and the end and an optional plus sign before the closing brace.")
        for sibling in record.resources.values():
            if sibling.get("parentId") != parent_id or sibling["id"] == exclude:
                continue
            if sibling.get("pathPart") == path_part:
                raise self.conflict(
                    f"Another resource with the same parent already has this name: {path_part}")
            if path_part.startswith("{") and str(sibling.get("pathPart", "")).startswith("{"):
                raise bad_request(
                    f"A sibling ({sibling['id']}) of this resource already has a variable path "
                    "part -- only one is allowed")
        parent = record.resources[parent_id]
        if str(parent.get("pathPart", "")).endswith("+}"):
            raise bad_request("Cannot create a child of a resource with a greedy path variable: "
                              + parent["path"])

    def create_resource(self, ctx: RequestContext, *, rest_api_id: str, parent_id: str,
                        path_part: str, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        parent = self.resource_of(record, parent_id)
        self._check_path_part(record, parent_id, path_part)
        resource = {"id": ids.short_id(), "parentId": parent_id, "pathPart": path_part,
                    "path": child_path(parent["path"], path_part)}
        record.resources[resource["id"]] = resource
        self.save_api(ctx, record)
        return resource

    def get_resource(self, ctx: RequestContext, *, rest_api_id: str, resource_id: str,
                     **_: Any) -> dict[str, Any]:
        return self.resource_of(self.api_record(ctx, rest_api_id), resource_id)

    def get_resources(self, ctx: RequestContext, *, rest_api_id: str,
                      position: str | None = None, limit: int | None = None,
                      embed: list[str] | None = None, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        full = "methods" in (embed or [])
        items = sorted(record.resources.values(), key=lambda r: r["path"])
        return self.page([r if full else summary(r) for r in items], position, limit)

    def update_resource(self, ctx: RequestContext, *, rest_api_id: str, resource_id: str,
                        patch_operations: list[dict[str, Any]] | None = None, **_: Any
                        ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        resource = self.copy(self.resource_of(record, resource_id))
        if resource_id == record.api["rootResourceId"]:
            raise bad_request("Root resource cannot be updated")
        patch.apply(resource, patch_operations, RESOURCE_PATHS)
        parent = self.resource_of(record, resource["parentId"])
        self._check_path_part(record, resource["parentId"], resource["pathPart"],
                              exclude=resource_id)
        record.resources[resource_id] = resource
        self._repath(record, resource_id, child_path(parent["path"], resource["pathPart"]))
        self.save_api(ctx, record)
        return record.resources[resource_id]

    def _repath(self, record: RestApiRecord, resource_id: str, path: str) -> None:
        record.resources[resource_id]["path"] = path
        for child in record.resources.values():
            if child.get("parentId") == resource_id:
                self._repath(record, child["id"], child_path(path, child["pathPart"]))

    def delete_resource(self, ctx: RequestContext, *, rest_api_id: str, resource_id: str,
                        **_: Any) -> None:
        record = self.api_record(ctx, rest_api_id)
        self.resource_of(record, resource_id)
        if resource_id == record.api["rootResourceId"]:
            raise bad_request("Cannot delete root resource")
        doomed = {resource_id}
        grew = True
        while grew:
            found = {r["id"] for r in record.resources.values() if r.get("parentId") in doomed}
            grew = not found <= doomed
            doomed |= found
        for key in doomed:
            record.resources.pop(key, None)
        self.save_api(ctx, record)

    # -- methods ----------------------------------------------------------------------------

    def put_method(self, ctx: RequestContext, *, rest_api_id: str,
                   resource_id: str, http_method: str, authorization_type: str,
                   authorizer_id: str | None = None, api_key_required: bool | None = None,
                   operation_name: str | None = None,
                   request_parameters: dict[str, bool] | None = None,
                   request_models: dict[str, str] | None = None,
                   request_validator_id: str | None = None,
                   authorization_scopes: list[str] | None = None, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        resource = self.resource_of(record, resource_id)
        name = check_http_method(http_method)
        if name in resource.get("resourceMethods", {}):
            raise self.conflict("Method already exists for this resource")
        if request_validator_id and request_validator_id not in record.validators:
            raise bad_request("Invalid Request Validator identifier specified")
        for model in (request_models or {}).values():
            if model not in record.models and model not in ("Empty", "Error"):
                raise bad_request(f"Invalid model identifier specified: {model}")
        method = without_none({
            "httpMethod": name,
            "authorizationType": authorization_type,
            "authorizerId": authorizer_id,
            "apiKeyRequired": bool(api_key_required),
            "operationName": operation_name,
            "requestParameters": request_parameters or None,
            "requestModels": request_models or None,
            "requestValidatorId": request_validator_id,
            "authorizationScopes": authorization_scopes or None,
        })
        self.store_method(record, resource_id, method)
        self.save_api(ctx, record)
        return method

    def get_method(self, ctx: RequestContext, *, rest_api_id: str, resource_id: str,
                   http_method: str, **_: Any) -> dict[str, Any]:
        return self.method_of(self.api_record(ctx, rest_api_id), resource_id, http_method)

    def update_method(self, ctx: RequestContext, *, rest_api_id: str, resource_id: str,
                      http_method: str, patch_operations: list[dict[str, Any]] | None = None,
                      **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        method = self.copy(self.method_of(record, resource_id, http_method))
        patch.apply(method, patch_operations, METHOD_PATHS)
        validator = method.get("requestValidatorId")
        if validator and validator not in record.validators:
            raise bad_request("Invalid Request Validator identifier specified")
        self.store_method(record, resource_id, method)
        self.save_api(ctx, record)
        return method

    def delete_method(self, ctx: RequestContext, *, rest_api_id: str, resource_id: str,
                      http_method: str, **_: Any) -> None:
        record = self.api_record(ctx, rest_api_id)
        self.method_of(record, resource_id, http_method)
        record.resources[resource_id]["resourceMethods"].pop(http_method.upper())
        if not record.resources[resource_id]["resourceMethods"]:
            record.resources[resource_id].pop("resourceMethods")
        self.save_api(ctx, record)

    # -- method responses -------------------------------------------------------------------

    def put_method_response(self, ctx: RequestContext, *, rest_api_id: str, resource_id: str,
                            http_method: str, status_code: str,
                            response_parameters: dict[str, bool] | None = None,
                            response_models: dict[str, str] | None = None, **_: Any
                            ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        method = self.method_of(record, resource_id, http_method)
        check_status_code(status_code)
        response = without_none({"statusCode": status_code,
                                 "responseParameters": response_parameters or None,
                                 "responseModels": response_models or None})
        method.setdefault("methodResponses", {})[status_code] = response
        self.store_method(record, resource_id, method)
        self.save_api(ctx, record)
        return response

    def _method_response(self, record: RestApiRecord, resource_id: str, http_method: str,
                         status_code: str) -> dict[str, Any]:
        method = self.method_of(record, resource_id, http_method)
        response = method.get("methodResponses", {}).get(status_code)
        if response is None:
            raise self.not_found("Invalid Response status code specified")
        return dict(response)

    def get_method_response(self, ctx: RequestContext, *, rest_api_id: str, resource_id: str,
                            http_method: str, status_code: str, **_: Any) -> dict[str, Any]:
        return self._method_response(self.api_record(ctx, rest_api_id), resource_id,
                                     http_method, status_code)

    def update_method_response(self, ctx: RequestContext, *, rest_api_id: str,
                               resource_id: str, http_method: str, status_code: str,
                               patch_operations: list[dict[str, Any]] | None = None, **_: Any
                               ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        response = self.copy(self._method_response(record, resource_id, http_method,
                                                    status_code))
        patch.apply(response, patch_operations, METHOD_RESPONSE_PATHS)
        method = self.method_of(record, resource_id, http_method)
        method["methodResponses"][status_code] = response
        self.store_method(record, resource_id, method)
        self.save_api(ctx, record)
        return response

    def delete_method_response(self, ctx: RequestContext, *, rest_api_id: str,
                               resource_id: str, http_method: str, status_code: str, **_: Any
                               ) -> None:
        record = self.api_record(ctx, rest_api_id)
        self._method_response(record, resource_id, http_method, status_code)
        method = self.method_of(record, resource_id, http_method)
        method["methodResponses"].pop(status_code)
        self.store_method(record, resource_id, method)
        self.save_api(ctx, record)


__all__ = ["RestApisApi", "check_http_method", "check_status_code", "child_path", "new_api"]
