"""ImportApi and ReimportApi from OpenAPI 3 (with API Gateway's extensions for integrations,
authorizers and CORS), and ExportApi back to OpenAPI 3 as JSON or YAML."""

from __future__ import annotations

import json
from typing import Any

import yaml  # type: ignore[import-untyped]

from emulator import ids, inbound
from emulator.context import RequestContext
from emulator.services.apigatewayv2.authorizers import check_authorizer
from emulator.services.apigatewayv2.common import HttpApiBase, bad_request, without_none
from emulator.services.apigatewayv2.integrations import check_integration
from emulator.services.apigatewayv2.models import ApiRecord, child_key
from emulator.services.apigatewayv2.routes import check_route_key

X = "x-amazon-apigateway-"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
# OpenAPI names of integration and authorizer fields -> the model's member names
INTEGRATION_FIELDS = {
    "type": "IntegrationType", "uri": "IntegrationUri", "httpMethod": "IntegrationMethod",
    "payloadFormatVersion": "PayloadFormatVersion", "connectionType": "ConnectionType",
    "connectionId": "ConnectionId", "credentials": "CredentialsArn",
    "timeoutInMillis": "TimeoutInMillis", "requestParameters": "RequestParameters",
    "responseParameters": "ResponseParameters", "integrationSubtype": "IntegrationSubtype",
    "description": "Description", "tlsConfig": "TlsConfig",
}
AUTHORIZER_FIELDS = {
    "authorizerUri": "AuthorizerUri", "authorizerCredentials": "AuthorizerCredentialsArn",
    "authorizerPayloadFormatVersion": "AuthorizerPayloadFormatVersion",
    "authorizerResultTtlInSeconds": "AuthorizerResultTtlInSeconds",
    "enableSimpleResponses": "EnableSimpleResponses",
    "identityValidationExpression": "IdentityValidationExpression",
}
CORS_FIELDS = ("allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders", "maxAge",
               "allowCredentials")


def load_document(body: str | bytes) -> dict[str, Any]:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        document = inbound.loads(text) if text.lstrip().startswith("{") else inbound.load_yaml(text)
    except (ValueError, yaml.YAMLError):
        document = None
    if not isinstance(document, dict) or "openapi" not in document:
        raise bad_request("Invalid OpenAPI input: an OpenAPI 3 definition is required for "
                          "HTTP APIs.")
    if not isinstance(document.get("paths") or {}, dict):
        raise bad_request("Invalid OpenAPI input: paths must be an object.")
    return document


def _version(value: Any) -> Any:
    """A payload format version as API Gateway stores it: YAML reads an unquoted ``1.0`` as a
    number (as SAM's ``AuthorizerPayloadFormatVersion: 1.0`` arrives), which means "1.0"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{float(value):.1f}"
    return value


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


class OpenApiApi(HttpApiBase):
    def import_api(self, ctx: RequestContext, *, body: str, fail_on_warnings: bool = False,
                   **_: Any) -> dict[str, Any]:
        document = load_document(body)
        info = document.get("info") or {}
        record = self.new_api(ctx, {
            "Name": str(info.get("title") or "imported-api"), "ProtocolType": "HTTP",
            "Version": info.get("version"), "Description": info.get("description")})
        try:
            warnings = self._fill(record, document)
        except Exception:
            self.apis(ctx).delete(record.api["ApiId"])
            raise
        if warnings and fail_on_warnings:
            self.apis(ctx).delete(record.api["ApiId"])
            raise bad_request("Warnings found during import:\n\t" + "\n\t".join(warnings))
        if warnings:
            record.api["Warnings"] = warnings
        self.save_api(ctx, record)
        return self._answer(ctx, record)

    def reimport_api(self, ctx: RequestContext, *, api_id: str, body: str,
                     fail_on_warnings: bool = False, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        document = load_document(body)
        fresh = ApiRecord(api=self.copy(record.api))
        warnings = self._fill(fresh, document)
        if warnings and fail_on_warnings:
            raise bad_request("Warnings found during import:\n\t" + "\n\t".join(warnings))
        info = document.get("info") or {}
        fresh.api["Name"] = str(info.get("title") or record.api["Name"])
        for key, field in (("Version", "version"), ("Description", "description")):
            fresh.api.pop(key, None)
            if info.get(field) is not None:
                fresh.api[key] = info[field]
        fresh.api.pop("Warnings", None)
        if warnings:
            fresh.api["Warnings"] = warnings
        self.save_api(ctx, fresh)
        return self._answer(ctx, fresh)

    def _fill(self, record: ApiRecord, document: dict[str, Any]) -> list[str]:
        """Routes, integrations, authorizers and CORS from ``document`` into ``record``."""
        warnings: list[str] = []
        record.routes.clear()
        record.integrations.clear()
        record.authorizers.clear()
        record.api.pop("CorsConfiguration", None)
        cors = document.get(f"{X}cors")
        if isinstance(cors, dict):
            record.api["CorsConfiguration"] = {
                _pascal(key): cors[key] for key in CORS_FIELDS if key in cors}
        schemes = ((document.get("components") or {}).get("securitySchemes") or {})
        authorizer_ids: dict[str, str] = {}
        for name, scheme in schemes.items():
            spec = (scheme or {}).get(f"{X}authorizer")
            if not isinstance(spec, dict):
                continue
            authorizer = self._authorizer(name, spec)
            check_authorizer(authorizer, "HTTP")
            authorizer_ids[name] = authorizer["AuthorizerId"]
            record.authorizers[authorizer["AuthorizerId"]] = authorizer
        for path, item in (document.get("paths") or {}).items():
            if not isinstance(item, dict):
                continue
            for method, operation in item.items():
                verb = "ANY" if method == f"{X}any-method" else method.upper()
                if method != f"{X}any-method" and method not in METHODS:
                    continue
                key = "$default" if path == "$default" else f"{verb} {path}"
                check_route_key(key, "HTTP")
                self._route(record, key, operation or {}, document, authorizer_ids, warnings)
        return warnings

    @staticmethod
    def _authorizer(name: str, spec: dict[str, Any]) -> dict[str, Any]:
        kind = str(spec.get("type", "")).upper()
        sources = spec.get("identitySource") or []
        if isinstance(sources, str):
            sources = [s.strip() for s in sources.split(",") if s.strip()]
        doc: dict[str, Any] = {"AuthorizerId": ids.short_id(6), "Name": name,
                               "AuthorizerType": kind, "IdentitySource": list(sources)}
        if kind == "JWT":
            config = spec.get("jwtConfiguration") or {}
            doc["JwtConfiguration"] = without_none({"Issuer": config.get("issuer"),
                                                    "Audience": config.get("audience")})
        else:
            doc.update({member: spec[field] for field, member in AUTHORIZER_FIELDS.items()
                        if field in spec})
            if "AuthorizerPayloadFormatVersion" in doc:
                doc["AuthorizerPayloadFormatVersion"] = _version(
                    doc["AuthorizerPayloadFormatVersion"])
            doc.setdefault("AuthorizerResultTtlInSeconds", 0)
            doc.setdefault("EnableSimpleResponses", False)
        return doc

    def _route(self, record: ApiRecord, key: str, operation: dict[str, Any],
               document: dict[str, Any], authorizer_ids: dict[str, str],
               warnings: list[str]) -> None:
        route_id = ids.short_id(7)
        route: dict[str, Any] = {"ApiKeyRequired": False, "AuthorizationType": "NONE",
                                 "RouteId": route_id, "RouteKey": key}
        if operation.get("operationId"):
            route["OperationName"] = operation["operationId"]
        for requirement in operation.get("security") or document.get("security") or []:
            for scheme_name, scopes in (requirement or {}).items():
                authorizer_id = authorizer_ids.get(scheme_name)
                if authorizer_id is None:
                    warnings.append(f"Unable to find the authorizer {scheme_name} for {key}")
                    continue
                kind = record.authorizers[authorizer_id]["AuthorizerType"]
                route["AuthorizerId"] = authorizer_id
                route["AuthorizationType"] = "JWT" if kind == "JWT" else "CUSTOM"
                if scopes and kind == "JWT":
                    route["AuthorizationScopes"] = list(scopes)
        spec = operation.get(f"{X}integration")
        if isinstance(spec, dict) and "$ref" in spec:
            name = str(spec["$ref"]).rsplit("/", 1)[-1]
            spec = ((document.get("components") or {}).get(f"{X}integrations") or {}).get(name)
        if isinstance(spec, dict):
            integration_id = ids.short_id(7)
            integration = {member: spec[field] for field, member in INTEGRATION_FIELDS.items()
                           if field in spec}
            integration["IntegrationType"] = str(integration.get("IntegrationType",
                                                                 "")).upper()
            integration.setdefault("ConnectionType", "INTERNET")
            integration.setdefault("TimeoutInMillis", 30000)
            integration["PayloadFormatVersion"] = _version(
                integration.get("PayloadFormatVersion", "1.0"))
            integration["IntegrationId"] = integration_id
            check_integration(integration)
            record.integrations[integration_id] = integration
            route["Target"] = f"integrations/{integration_id}"
        else:
            warnings.append(f"Route {key} has no integration")
        record.routes[route_id] = route

    # -- export -----------------------------------------------------------------------------

    def export_api(self, ctx: RequestContext, *, api_id: str, specification: str,
                   output_type: str, stage_name: str | None = None,
                   include_extensions: bool | None = None, export_version: str | None = None,
                   **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        if specification != "OAS30":
            raise bad_request(f"Invalid specification {specification}: use OAS30")
        if output_type not in ("JSON", "YAML"):
            raise bad_request(f"Invalid output type {output_type}: use JSON or YAML")
        api, routes = record.api, record.routes
        integrations, authorizers = record.integrations, record.authorizers
        if stage_name:
            stage = self.stages(ctx).get(child_key(api_id, stage_name))
            if stage is None:
                raise self.not_found(f"Invalid stage identifier specified {stage_name}",
                                     ResourceType="Stage")
            deployed = self.deployments(ctx).get(
                child_key(api_id, str(stage.stage.get("DeploymentId"))))
            if deployed is not None:
                snapshot = deployed.snapshot
                api, routes = snapshot.api, snapshot.routes
                integrations, authorizers = snapshot.integrations, snapshot.authorizers
        document = export_document(api, routes, integrations, authorizers,
                                   include_extensions is not False, stage_name)
        text = json.dumps(document, indent=2) if output_type == "JSON" else yaml.safe_dump(
            document, sort_keys=False)
        return {"body": text.encode()}


def export_document(api: dict[str, Any], routes: dict[str, dict[str, Any]],
                    integrations: dict[str, dict[str, Any]],
                    authorizers: dict[str, dict[str, Any]], extensions: bool,
                    stage_name: str | None) -> dict[str, Any]:
    info = without_none({"title": api.get("Name"), "version": api.get("Version") or "1.0",
                         "description": api.get("Description")})
    document: dict[str, Any] = {"openapi": "3.0.1", "info": info}
    if stage_name:
        document["servers"] = [{"url": f"/{stage_name}" if stage_name != "$default" else "/"}]
    paths: dict[str, dict[str, Any]] = {}
    for route in routes.values():
        key = route["RouteKey"]
        method, _, path = key.partition(" ")
        if key == "$default":
            path, method = "$default", "ANY"
        verb = f"{X}any-method" if method == "ANY" else method.lower()
        operation: dict[str, Any] = {"responses": {"default": {"description": "Default "
                                                                              "response"}}}
        if route.get("OperationName"):
            operation["operationId"] = route["OperationName"]
        parameters = [{"name": name.strip("{}+"), "in": "path", "required": True,
                       "schema": {"type": "string"}}
                      for name in path.split("/") if name.startswith("{")]
        if parameters:
            operation["parameters"] = parameters
        authorizer = authorizers.get(route.get("AuthorizerId") or "")
        if authorizer is not None:
            operation["security"] = [{authorizer["Name"]:
                                      list(route.get("AuthorizationScopes") or [])}]
        target = str(route.get("Target") or "").removeprefix("integrations/")
        integration = integrations.get(target)
        if extensions and integration is not None:
            operation[f"{X}integration"] = {
                field: (integration[member].lower() if field == "type" else integration[member])
                for field, member in INTEGRATION_FIELDS.items() if member in integration}
        paths.setdefault(path, {})[verb] = operation
    document["paths"] = paths
    if authorizers:
        schemes: dict[str, Any] = {}
        for authorizer in authorizers.values():
            spec: dict[str, Any] = {"type": authorizer["AuthorizerType"].lower(),
                                    "identitySource": ", ".join(
                                        authorizer.get("IdentitySource") or [])}
            if authorizer["AuthorizerType"] == "JWT":
                config = authorizer.get("JwtConfiguration") or {}
                spec["jwtConfiguration"] = without_none({
                    "issuer": config.get("Issuer"), "audience": config.get("Audience")})
                scheme: dict[str, Any] = {"type": "oauth2", "flows": {}}
            else:
                spec.update({field: authorizer[member]
                             for field, member in AUTHORIZER_FIELDS.items()
                             if member in authorizer})
                scheme = {"type": "apiKey", "name": "Unused", "in": "header"}
            if extensions:
                scheme[f"{X}authorizer"] = spec
            schemes[authorizer["Name"]] = scheme
        document["components"] = {"securitySchemes": schemes}
    cors = api.get("CorsConfiguration")
    if extensions and cors:
        document[f"{X}cors"] = {field: cors[_pascal(field)] for field in CORS_FIELDS
                                if _pascal(field) in cors}
    if extensions:
        document[f"{X}importexport-version"] = "1.0"
    return document


__all__ = ["OpenApiApi", "export_document", "load_document"]
