"""Integrations and integration responses of methods."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.services.apigateway import patch
from emulator.services.apigateway.common import ApiGatewayBase, bad_request, without_none
from emulator.services.apigateway.models import RestApiRecord
from emulator.services.apigateway.restapis import check_status_code

TYPES = ("HTTP", "AWS", "MOCK", "HTTP_PROXY", "AWS_PROXY")
PASSTHROUGH = ("WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER")
CONTENT_HANDLING = ("CONVERT_TO_BINARY", "CONVERT_TO_TEXT")

INTEGRATION_PATHS = {
    "/uri": patch.Path(),
    "/httpMethod": patch.Path(),
    "/requestTemplates": patch.Path(patch.MAP),
    "/requestParameters": patch.Path(patch.MAP),
    "/passthroughBehavior": patch.Path(),
    "/timeoutInMillis": patch.Path(patch.INT),
    "/cacheKeyParameters": patch.Path(patch.LIST),
    "/cacheNamespace": patch.Path(),
    "/contentHandling": patch.Path(removable=True),
    "/credentials": patch.Path(removable=True),
    "/connectionType": patch.Path(),
    "/connectionId": patch.Path(removable=True),
    "/tlsConfig/insecureSkipVerification": patch.Path(patch.BOOL),
}
INTEGRATION_RESPONSE_PATHS = {
    "/selectionPattern": patch.Path(removable=True),
    "/responseTemplates": patch.Path(patch.MAP),
    "/responseParameters": patch.Path(patch.MAP),
    "/contentHandling": patch.Path(removable=True),
}


def check_integration(integration: dict[str, Any]) -> None:
    kind = integration.get("type")
    if kind not in TYPES:
        raise bad_request(f"Invalid integration type specified: {kind}. "
                          "Valid options are HTTP,AWS,MOCK,HTTP_PROXY,AWS_PROXY")
    if kind != "MOCK":
        if not integration.get("httpMethod"):
            raise bad_request("Enumeration value for HttpMethod must be non-empty")
        uri = str(integration.get("uri") or "")
        if not uri:
            raise bad_request("Invalid HTTP endpoint specified for URI" if kind.startswith(
                "HTTP") else "Invalid ARN specified in the request")
        if kind.startswith("HTTP") and not uri.startswith(("http://", "https://")) \
                and "${stageVariables." not in uri:
            raise bad_request("Invalid HTTP endpoint specified for URI")
        if kind.startswith("AWS") and not uri.startswith("arn:"):
            raise bad_request("AWS ARN for integration must contain path or action")
        if kind == "AWS_PROXY" and ":lambda:path/" not in uri and ":firehose:" not in uri:
            raise bad_request("Integrations of type 'AWS_PROXY' currently only supports Lambda "
                              "function and Firehose stream invocations.")
    if integration.get("passthroughBehavior") not in PASSTHROUGH:
        raise bad_request("Invalid passthrough behavior specified: "
                          f"{integration.get('passthroughBehavior')}. "
                          "Valid options are WHEN_NO_MATCH,WHEN_NO_TEMPLATES,NEVER")
    handling = integration.get("contentHandling")
    if handling is not None and handling not in CONTENT_HANDLING:
        raise bad_request(f"Invalid content handling specified: {handling}")
    timeout = integration.get("timeoutInMillis", 29000)
    if not 50 <= int(timeout) <= 29000:
        raise bad_request("Timeout should be between 50 ms and 29000 ms")


class IntegrationsApi(ApiGatewayBase):
    def put_integration(self, ctx: RequestContext, *, rest_api_id: str, resource_id: str,
                        http_method: str, type: str, integration_http_method: str | None = None,
                        uri: str | None = None, connection_type: str | None = None,
                        connection_id: str | None = None, credentials: str | None = None,
                        request_parameters: dict[str, str] | None = None,
                        request_templates: dict[str, str] | None = None,
                        passthrough_behavior: str | None = None, cache_namespace: str | None = None,
                        cache_key_parameters: list[str] | None = None,
                        content_handling: str | None = None, timeout_in_millis: int | None = None,
                        tls_config: dict[str, Any] | None = None, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        method = self.method_of(record, resource_id, http_method)
        integration = without_none({
            "type": type,
            "httpMethod": integration_http_method.upper() if integration_http_method else None,
            "uri": uri,
            "connectionType": (connection_type or "INTERNET") if type != "MOCK" else None,
            "connectionId": connection_id,
            "credentials": credentials,
            "requestParameters": request_parameters or None,
            "requestTemplates": request_templates or None,
            "passthroughBehavior": passthrough_behavior or "WHEN_NO_MATCH",
            "contentHandling": content_handling,
            "timeoutInMillis": timeout_in_millis if timeout_in_millis is not None else 29000,
            "cacheNamespace": cache_namespace or resource_id,
            "cacheKeyParameters": cache_key_parameters or [],
            "tlsConfig": tls_config,
        })
        check_integration(integration)
        previous = method.get("methodIntegration") or {}
        if previous.get("integrationResponses"):
            integration["integrationResponses"] = previous["integrationResponses"]
        method["methodIntegration"] = integration
        self.store_method(record, resource_id, method)
        self.save_api(ctx, record)
        return integration

    def get_integration(self, ctx: RequestContext, *, rest_api_id: str, resource_id: str,
                        http_method: str, **_: Any) -> dict[str, Any]:
        return self.integration_of(self.api_record(ctx, rest_api_id), resource_id, http_method)

    def update_integration(self, ctx: RequestContext, *, rest_api_id: str, resource_id: str,
                           http_method: str,
                           patch_operations: list[dict[str, Any]] | None = None, **_: Any
                           ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        integration = self.copy(self.integration_of(record, resource_id, http_method))
        patch.apply(integration, patch_operations, INTEGRATION_PATHS)
        integration.setdefault("cacheKeyParameters", [])
        check_integration(integration)
        method = self.method_of(record, resource_id, http_method)
        method["methodIntegration"] = integration
        self.store_method(record, resource_id, method)
        self.save_api(ctx, record)
        return integration

    def delete_integration(self, ctx: RequestContext, *, rest_api_id: str, resource_id: str,
                           http_method: str, **_: Any) -> None:
        record = self.api_record(ctx, rest_api_id)
        self.integration_of(record, resource_id, http_method)
        method = self.method_of(record, resource_id, http_method)
        method.pop("methodIntegration")
        self.store_method(record, resource_id, method)
        self.save_api(ctx, record)

    # -- integration responses --------------------------------------------------------------

    def _integration_response(self, record: RestApiRecord, resource_id: str,
                              http_method: str, status_code: str) -> dict[str, Any]:
        integration = self.integration_of(record, resource_id, http_method)
        response = integration.get("integrationResponses", {}).get(status_code)
        if response is None:
            raise self.not_found("Invalid Response status code specified")
        return dict(response)

    def _store_response(self, record: RestApiRecord, resource_id: str, http_method: str,
                        status_code: str, response: dict[str, Any] | None) -> None:
        method = self.method_of(record, resource_id, http_method)
        integration = dict(method["methodIntegration"])
        responses = dict(integration.get("integrationResponses", {}))
        if response is None:
            responses.pop(status_code, None)
        else:
            responses[status_code] = response
        if responses:
            integration["integrationResponses"] = responses
        else:
            integration.pop("integrationResponses", None)
        method["methodIntegration"] = integration
        self.store_method(record, resource_id, method)

    def put_integration_response(self, ctx: RequestContext, *, rest_api_id: str,
                                 resource_id: str, http_method: str, status_code: str,
                                 selection_pattern: str | None = None,
                                 response_parameters: dict[str, str] | None = None,
                                 response_templates: dict[str, str] | None = None,
                                 content_handling: str | None = None, **_: Any
                                 ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        check_status_code(status_code)
        self.integration_of(record, resource_id, http_method)
        method = self.method_of(record, resource_id, http_method)
        if status_code not in method.get("methodResponses", {}):
            raise self.not_found("Invalid Response status code specified")
        if content_handling is not None and content_handling not in CONTENT_HANDLING:
            raise bad_request(f"Invalid content handling specified: {content_handling}")
        response = without_none({
            "statusCode": status_code,
            "selectionPattern": selection_pattern,
            "responseParameters": response_parameters or None,
            "responseTemplates": response_templates
            if response_templates is not None else None,
            "contentHandling": content_handling,
        })
        self._store_response(record, resource_id, http_method, status_code, response)
        self.save_api(ctx, record)
        return response

    def get_integration_response(self, ctx: RequestContext, *, rest_api_id: str,
                                 resource_id: str, http_method: str, status_code: str,
                                 **_: Any) -> dict[str, Any]:
        return self._integration_response(self.api_record(ctx, rest_api_id), resource_id,
                                          http_method, status_code)

    def update_integration_response(self, ctx: RequestContext, *, rest_api_id: str,
                                    resource_id: str, http_method: str, status_code: str,
                                    patch_operations: list[dict[str, Any]] | None = None,
                                    **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        response = self.copy(self._integration_response(record, resource_id, http_method,
                                                         status_code))
        patch.apply(response, patch_operations, INTEGRATION_RESPONSE_PATHS)
        self._store_response(record, resource_id, http_method, status_code, response)
        self.save_api(ctx, record)
        return response

    def delete_integration_response(self, ctx: RequestContext, *, rest_api_id: str,
                                    resource_id: str, http_method: str, status_code: str,
                                    **_: Any) -> None:
        record = self.api_record(ctx, rest_api_id)
        self._integration_response(record, resource_id, http_method, status_code)
        self._store_response(record, resource_id, http_method, status_code, None)
        self.save_api(ctx, record)


__all__ = ["INTEGRATION_PATHS", "IntegrationsApi", "check_integration"]
