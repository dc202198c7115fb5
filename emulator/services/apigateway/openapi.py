"""ImportRestApi, PutRestApi and GetExport: OpenAPI 3 and Swagger 2 with the
``x-amazon-apigateway-*`` extensions, in JSON or YAML."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import yaml  # type: ignore[import-untyped]

from emulator import ids, inbound
from emulator.context import RequestContext
from emulator.services.apigateway.common import (
    HTTP_METHODS,
    ApiGatewayBase,
    bad_request,
    without_none,
)
from emulator.services.apigateway.deployments import snapshot_of
from emulator.services.apigateway.documentation import exported_documentation
from emulator.services.apigateway.integrations import check_integration
from emulator.services.apigateway.models import RestApiRecord, Snapshot, child_key
from emulator.services.apigateway.restapis import child_path, new_api

X = "x-amazon-apigateway-"
MODEL_URL = "https://apigateway.amazonaws.com/restapis/{api}/models/{name}"
_LOCAL_REF = re.compile(r"^#/(?:definitions|components/schemas)/(?P<name>.+)$")
_MODEL_REF = re.compile(r"^https://apigateway\.amazonaws\.com/restapis/[^/]+/models/(?P<name>.+)$")


def load_document(body: bytes) -> dict[str, Any]:
    try:
        text = body.decode("utf-8")
        document = inbound.loads(text) if text.lstrip().startswith("{") else inbound.load_yaml(text)
    except (ValueError, yaml.YAMLError):
        document = None
    if not isinstance(document, dict) or not (
            "swagger" in document or "openapi" in document):
        raise bad_request("Invalid OpenAPI input.")
    return document


def _rewrite_refs(value: Any, to_url: Any) -> Any:
    if isinstance(value, dict):
        return {k: (to_url(v) if k == "$ref" and isinstance(v, str) else _rewrite_refs(v, to_url))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite_refs(v, to_url) for v in value]
    return value


def _model_name(ref: str | None) -> str | None:
    if not ref:
        return None
    match = _LOCAL_REF.match(ref) or _MODEL_REF.match(ref)
    return match["name"] if match else None


class OpenApiApi(ApiGatewayBase):
    def import_rest_api(self, ctx: RequestContext, *, body: bytes,
                        parameters: dict[str, str] | None = None,
                        fail_on_warnings: bool | None = None, **_: Any) -> dict[str, Any]:
        document = load_document(body)
        info = document.get("info") or {}
        types = (parameters or {}).get("endpointConfigurationTypes")
        record = new_api(ctx, self.clock.now(), str(info.get("title") or "imported"),
                         description=info.get("description"),
                         version=str(info["version"]) if info.get("version") else None,
                         endpoint_configuration={"types": [types]} if types else None)
        self._fill(record, document, parameters or {})
        self.save_api(ctx, record)
        return record.api

    def put_rest_api(self, ctx: RequestContext, *, rest_api_id: str, body: bytes,
                     mode: str | None = None, parameters: dict[str, str] | None = None,
                     **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        document = load_document(body)
        if (mode or "merge") == "overwrite":
            root_id = record.api["rootResourceId"]
            record.resources = {root_id: {"id": root_id, "path": "/"}}
            record.models = {k: v for k, v in record.models.items() if k in ("Empty", "Error")}
            record.validators, record.gateway_responses = {}, {}
            info = document.get("info") or {}
            if info.get("title"):
                record.api["name"] = str(info["title"])
            if info.get("description"):
                record.api["description"] = str(info["description"])
        self._fill(record, document, parameters or {})
        self.save_api(ctx, record)
        return record.api

    # -- import -----------------------------------------------------------------------------

    def _fill(self, record: RestApiRecord, document: dict[str, Any],
              parameters: dict[str, str]) -> None:
        api_id = record.api["id"]

        def to_url(ref: str) -> str:
            name = _model_name(ref)
            return MODEL_URL.format(api=api_id, name=name) if name else ref

        schemas = (document.get("definitions") or
                   (document.get("components") or {}).get("schemas") or {})
        for name, schema in schemas.items():
            if not re.match(r"^[a-zA-Z0-9]+$", name):
                raise bad_request(f"Model name must be alphanumeric: {name}")
            record.models[name] = {"id": ids.short_id(6), "name": name,
                                   "contentType": "application/json",
                                   "schema": json.dumps(_rewrite_refs(schema, to_url))}
        if document.get(X + "binary-media-types"):
            record.api["binaryMediaTypes"] = list(document[X + "binary-media-types"])
        if document.get(X + "api-key-source"):
            record.api["apiKeySource"] = document[X + "api-key-source"]
        if document.get(X + "minimum-compression-size") is not None:
            record.api["minimumCompressionSize"] = int(document[X + "minimum-compression-size"])
        if document.get(X + "policy"):
            record.api["policy"] = json.dumps(document[X + "policy"])
        validator_ids: dict[str, str] = {}
        for name, spec in (document.get(X + "request-validators") or {}).items():
            validator_id = ids.short_id(6)
            validator_ids[name] = validator_id
            record.validators[validator_id] = {
                "id": validator_id, "name": name,
                "validateRequestBody": bool(spec.get("validateRequestBody")),
                "validateRequestParameters": bool(spec.get("validateRequestParameters"))}
        default_validator = validator_ids.get(document.get(X + "request-validator") or "")
        for kind, spec in (document.get(X + "gateway-responses") or {}).items():
            record.gateway_responses[kind] = without_none({
                "responseType": kind, "statusCode": str(spec["statusCode"])
                if spec.get("statusCode") else None,
                "responseParameters": spec.get("responseParameters") or {},
                "responseTemplates": spec.get("responseTemplates") or {},
                "defaultResponse": False})
        authorizers = self._authorizers(record, document)
        base = self._base_path(document, parameters)
        for path, item in (document.get("paths") or {}).items():
            full = (base.rstrip("/") + "/" + path.lstrip("/")) if base else path
            resource = self._ensure_path(record, full)
            shared = item.get("parameters") or []
            for key, operation in item.items():
                method = "ANY" if key == X + "any-method" else key.upper()
                if method not in HTTP_METHODS or not isinstance(operation, dict):
                    continue
                resource.setdefault("resourceMethods", {})[method] = self._method(
                    method, operation, shared, document, validator_ids, default_validator,
                    authorizers)

    @staticmethod
    def _base_path(document: dict[str, Any], parameters: dict[str, str]) -> str:
        mode = parameters.get("basepath", "ignore")
        if mode == "ignore":
            return ""
        base = document.get("basePath") or ""
        if not base and document.get("servers"):
            url = str(document["servers"][0].get("url", ""))
            base = "/" + url.split("://", 1)[-1].partition("/")[2] if "://" in url else url
        return "" if base in ("", "/") else base

    def _authorizers(self, record: RestApiRecord, document: dict[str, Any]) -> dict[str, str]:
        schemes = (document.get("securityDefinitions") or
                   (document.get("components") or {}).get("securitySchemes") or {})
        found: dict[str, str] = {}
        for name, scheme in schemes.items():
            spec = scheme.get(X + "authorizer")
            if not spec:
                continue
            authorizer_id = ids.short_id(6)
            found[name] = authorizer_id
            kind = str(spec.get("type", "token")).upper()
            record.authorizers[authorizer_id] = without_none({
                "id": authorizer_id, "name": name,
                "type": "COGNITO_USER_POOLS" if kind == "COGNITO_USER_POOLS" else kind,
                "authorizerUri": spec.get("authorizerUri"),
                "authorizerCredentials": spec.get("authorizerCredentials"),
                "identitySource": spec.get("identitySource") or (scheme.get("name") and
                f"method.request.header.{scheme['name']}"),
                "identityValidationExpression": spec.get("identityValidationExpression"),
                "authorizerResultTtlInSeconds": spec.get("authorizerResultTtlInSeconds", 300),
                "providerARNs": spec.get("providerARNs"),
                "authType": scheme.get(X + "authtype")})
        return found

    @staticmethod
    def _ensure_path(record: RestApiRecord, path: str) -> dict[str, Any]:
        current = record.resources[record.api["rootResourceId"]]
        for part in [p for p in path.split("/") if p]:
            child = next((r for r in record.resources.values()
                          if r.get("parentId") == current["id"] and r.get("pathPart") == part),
                         None)
            if child is None:
                child = {"id": ids.short_id(), "parentId": current["id"], "pathPart": part,
                         "path": child_path(current["path"], part)}
                record.resources[child["id"]] = child
            current = child
        return current

    def _method(self, method: str, operation: dict[str, Any], shared: list[dict[str, Any]],
                document: dict[str, Any], validators: dict[str, str],
                default_validator: str | None, authorizers: dict[str, str]
                ) -> dict[str, Any]:
        request_parameters: dict[str, bool] = {}
        request_models: dict[str, str] = {}
        consumes = operation.get("consumes") or document.get("consumes") or ["application/json"]
        for parameter in [*shared, *(operation.get("parameters") or [])]:
            where = {"query": "querystring", "path": "path", "header": "header"}.get(
                parameter.get("in", ""))
            if where:
                request_parameters[f"method.request.{where}.{parameter['name']}"] = bool(
                    parameter.get("required", where == "path"))
            elif parameter.get("in") == "body":
                name = _model_name((parameter.get("schema") or {}).get("$ref"))
                if name:
                    request_models.update({media: name for media in consumes})
        for media, content in ((operation.get("requestBody") or {}).get("content") or {}).items():
            name = _model_name((content.get("schema") or {}).get("$ref"))
            if name:
                request_models[media] = name
        responses: dict[str, dict[str, Any]] = {}
        for code, spec in (operation.get("responses") or {}).items():
            if not re.match(r"^[1-5]\d\d$", str(code)):
                continue
            headers = {f"method.response.header.{h}": False
                       for h in (spec.get("headers") or {})}
            models = {}
            ref = _model_name((spec.get("schema") or {}).get("$ref"))
            if ref:
                models["application/json"] = ref
            for media, content in (spec.get("content") or {}).items():
                name = _model_name((content.get("schema") or {}).get("$ref"))
                if name:
                    models[media] = name
            responses[str(code)] = without_none({
                "statusCode": str(code), "responseParameters": headers or None,
                "responseModels": models or None})
        security = operation.get("security", document.get("security")) or []
        names = [name for entry in security for name in entry]
        authorizer = next((authorizers[n] for n in names if n in authorizers), None)
        validator = validators.get(operation.get(X + "request-validator") or "") or \
            default_validator
        doc = without_none({
            "httpMethod": method,
            "authorizationType": "CUSTOM" if authorizer else (
                str(operation.get(X + "auth", {}).get("type", "NONE")).upper()),
            "authorizerId": authorizer,
            "apiKeyRequired": "api_key" in names,
            "operationName": operation.get("operationId"),
            "requestParameters": request_parameters or None,
            "requestModels": request_models or None,
            "requestValidatorId": validator,
            "methodResponses": responses or None,
        })
        spec = operation.get(X + "integration")
        if spec:
            doc["methodIntegration"] = self._integration(spec)
        return doc

    @staticmethod
    def _integration(spec: dict[str, Any]) -> dict[str, Any]:
        kind = str(spec.get("type", "")).upper()
        integration = without_none({
            "type": kind,
            "httpMethod": str(spec["httpMethod"]).upper() if spec.get("httpMethod") else None,
            "uri": spec.get("uri"),
            "connectionType": spec.get("connectionType") or (
                "INTERNET" if kind != "MOCK" else None),
            "connectionId": spec.get("connectionId"),
            "credentials": spec.get("credentials"),
            "requestParameters": spec.get("requestParameters") or None,
            "requestTemplates": spec.get("requestTemplates") or None,
            "passthroughBehavior": str(spec.get("passthroughBehavior") or
                                       "WHEN_NO_MATCH").upper(),
            "contentHandling": spec.get("contentHandling"),
            "timeoutInMillis": int(spec.get("timeoutInMillis") or 29000),
            "cacheNamespace": spec.get("cacheNamespace") or ids.short_id(6),
            "cacheKeyParameters": spec.get("cacheKeyParameters") or [],
        })
        check_integration(integration)
        responses: dict[str, dict[str, Any]] = {}
        for pattern, response in (spec.get("responses") or {}).items():
            code = str(response.get("statusCode", "200"))
            responses[code] = without_none({
                "statusCode": code,
                "selectionPattern": None if pattern == "default" else pattern,
                "responseParameters": response.get("responseParameters") or None,
                "responseTemplates": response.get("responseTemplates") or None,
                "contentHandling": response.get("contentHandling")})
        if responses:
            integration["integrationResponses"] = responses
        return integration

    # -- export -----------------------------------------------------------------------------

    def get_export(self, ctx: RequestContext, *, rest_api_id: str, stage_name: str,
                   export_type: str, parameters: dict[str, str] | None = None,
                   accepts: str | None = None, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        stage = self.stages(ctx).get(f"{rest_api_id}/{stage_name}")
        if stage is None:
            raise self.not_found("Invalid Stage identifier specified")
        deployment = self.deployments(ctx).get(
            child_key(rest_api_id, str(stage.stage.get("deploymentId"))))
        snapshot = deployment.snapshot if deployment else snapshot_of(record)
        if export_type not in ("oas30", "swagger"):
            raise bad_request(f"Invalid export type specified: {export_type}")
        extensions = {e.strip() for e in (parameters or {}).get("extensions", "").split(",")}
        document = export_document(snapshot, ctx.region, stage_name, export_type,
                                   bool(extensions & {"integrations", "apigateway"}))
        if "documentation" in extensions:  # the documentation version the stage publishes
            published = exported_documentation(record, stage.stage.get("documentationVersion"))
            if published is not None:
                document["x-amazon-apigateway-documentation"] = published
        if (accepts or "application/json") in ("application/yaml", "application/x-yaml"):
            body = yaml.safe_dump(document, sort_keys=False).encode()
            content_type = "application/yaml"
        else:
            body = json.dumps(document, indent=2).encode()
            content_type = "application/json"
        suffix = "yaml" if content_type.endswith("yaml") else "json"
        return {"contentType": content_type, "body": body,
                "contentDisposition": f'attachment; filename="{export_type}_'
                                      f'{self.clock.now_datetime().strftime("%Y-%m-%dT%H:%M:%SZ")}.'
                                      f'{suffix}"'}


def export_document(snapshot: Snapshot, region: str, stage_name: str, export_type: str,
                    with_integrations: bool) -> dict[str, Any]:
    api = snapshot.api
    oas3 = export_type == "oas30"
    prefix = "#/components/schemas/" if oas3 else "#/definitions/"

    def local(ref: str) -> str:
        name = _model_name(ref)
        return prefix + name if name else ref

    paths: dict[str, Any] = {}
    for resource in sorted(snapshot.resources.values(), key=lambda r: r["path"]):
        methods = resource.get("resourceMethods") or {}
        if not methods:
            continue
        item: dict[str, Any] = {}
        for name, method in methods.items():
            item[X + "any-method" if name == "ANY" else name.lower()] = _export_method(
                method, oas3, prefix, with_integrations)
        paths[resource["path"]] = item
    schemas = {name: _rewrite_refs(inbound.loads(model.get("schema") or "{}"), local)
               for name, model in snapshot.models.items()}
    host = f"{api['id']}.execute-api.{region}.amazonaws.com"
    info = without_none({"title": api.get("name"), "description": api.get("description"),
                         "version": api.get("version") or datetime.fromtimestamp(
                             float(api.get("createdDate", 0)), UTC).strftime(
                             "%Y-%m-%dT%H:%M:%SZ")})
    document: dict[str, Any]
    if oas3:
        document = {"openapi": "3.0.1", "info": info,
                    "servers": [{"url": f"https://{host}/{{basePath}}",
                                 "variables": {"basePath": {"default": stage_name}}}],
                    "paths": paths, "components": {"schemas": schemas}}
    else:
        document = {"swagger": "2.0", "info": info, "host": host,
                    "basePath": f"/{stage_name}", "schemes": ["https"], "paths": paths,
                    "definitions": schemas}
    if api.get("binaryMediaTypes"):
        document[X + "binary-media-types"] = api["binaryMediaTypes"]
    validators = snapshot.validators
    if validators and with_integrations:
        document[X + "request-validators"] = {
            v.get("name") or v["id"]: {"validateRequestBody": v.get("validateRequestBody"),
                                       "validateRequestParameters":
                                           v.get("validateRequestParameters")}
            for v in validators.values()}
        for item in paths.values():
            for operation in item.values():
                validator = validators.get(operation.pop("_validator", "") or "")
                if validator:
                    operation[X + "request-validator"] = validator.get("name") or \
                        validator["id"]
    for item in paths.values():
        for operation in item.values():
            operation.pop("_validator", None)
    if snapshot.gateway_responses and with_integrations:
        document[X + "gateway-responses"] = {
            kind: without_none({"statusCode": spec.get("statusCode"),
                                "responseParameters": spec.get("responseParameters") or None,
                                "responseTemplates": spec.get("responseTemplates") or None})
            for kind, spec in snapshot.gateway_responses.items()}
    return document


def _export_method(method: dict[str, Any], oas3: bool, prefix: str, with_integrations: bool
                   ) -> dict[str, Any]:
    operation: dict[str, Any] = {}
    if method.get("operationName"):
        operation["operationId"] = method["operationName"]
    parameters = []
    for key, required in (method.get("requestParameters") or {}).items():
        where, _, name = key.removeprefix("method.request.").partition(".")
        place = {"querystring": "query", "path": "path", "header": "header"}.get(where)
        if place:
            parameter: dict[str, Any] = {"name": name, "in": place, "required": bool(required)}
            if oas3:
                parameter["schema"] = {"type": "string"}
            else:
                parameter["type"] = "string"
            parameters.append(parameter)
    models = method.get("requestModels") or {}
    if models and oas3:
        operation["requestBody"] = {"content": {
            media: {"schema": {"$ref": prefix + name}} for media, name in models.items()},
            "required": True}
    elif models:
        parameters.append({"in": "body", "name": next(iter(models.values())),
                           "required": True,
                           "schema": {"$ref": prefix + next(iter(models.values()))}})
    if parameters:
        operation["parameters"] = parameters
    responses: dict[str, Any] = {}
    for code, response in (method.get("methodResponses") or {}).items():
        spec: dict[str, Any] = {"description": f"{code} response"}
        headers = {key.removeprefix("method.response.header."): (
            {"schema": {"type": "string"}} if oas3 else {"type": "string"})
            for key in (response.get("responseParameters") or {})}
        if headers:
            spec["headers"] = headers
        for media, name in (response.get("responseModels") or {}).items():
            if oas3:
                spec.setdefault("content", {})[media] = {"schema": {"$ref": prefix + name}}
            else:
                spec["schema"] = {"$ref": prefix + name}
        responses[code] = spec
    operation["responses"] = responses
    if method.get("apiKeyRequired"):
        operation["security"] = [{"api_key": []}]
    operation["_validator"] = method.get("requestValidatorId")
    integration = method.get("methodIntegration")
    if integration and with_integrations:
        exported = without_none({
            "type": str(integration.get("type", "")).lower(),
            "httpMethod": integration.get("httpMethod"),
            "uri": integration.get("uri"),
            "connectionType": integration.get("connectionType"),
            "credentials": integration.get("credentials"),
            "requestParameters": integration.get("requestParameters"),
            "requestTemplates": integration.get("requestTemplates"),
            "passthroughBehavior": str(integration.get("passthroughBehavior", "")).lower(),
            "contentHandling": integration.get("contentHandling"),
            "timeoutInMillis": integration.get("timeoutInMillis"),
            "cacheNamespace": integration.get("cacheNamespace"),
            "cacheKeyParameters": integration.get("cacheKeyParameters") or None,
        })
        responses_out = {}
        for code, response in (integration.get("integrationResponses") or {}).items():
            responses_out[response.get("selectionPattern") or "default"] = without_none({
                "statusCode": code,
                "responseParameters": response.get("responseParameters"),
                "responseTemplates": response.get("responseTemplates"),
                "contentHandling": response.get("contentHandling")})
        if responses_out:
            exported["responses"] = responses_out
        operation[X + "integration"] = exported
    return operation


__all__ = ["OpenApiApi", "export_document", "load_document"]
