"""Integrations of HTTP APIs: Lambda proxy (payload 1.0 or 2.0), HTTP proxy and AWS service
integrations by subtype, with their parameter mappings checked as AWS checks them; and of
WebSocket APIs (AWS_PROXY, AWS, HTTP, HTTP_PROXY, MOCK) with their integration responses."""

from __future__ import annotations

import re
from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.gateway.http_api.mapping import RESERVED_HEADERS
from emulator.services.apigatewayv2.common import HttpApiBase, bad_request, members, without_none
from emulator.services.apigatewayv2.models import ApiRecord

# AWS service integrations: subtype -> (required parameters, optional parameters)
SUBTYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "EventBridge-PutEvents": (("Detail", "DetailType", "Source"),
                              ("Time", "EventBusName", "Region", "Resources", "TraceHeader")),
    "SQS-SendMessage": (("QueueUrl", "MessageBody"),
                        ("DelaySeconds", "MessageAttributes", "MessageDeduplicationId",
                         "MessageGroupId", "MessageSystemAttributes", "Region")),
    "SQS-ReceiveMessage": (("QueueUrl",),
                           ("AttributeNames", "MaxNumberOfMessages", "MessageAttributeNames",
                            "ReceiveRequestAttemptId", "VisibilityTimeout", "WaitTimeSeconds",
                            "Region")),
    "SQS-DeleteMessage": (("QueueUrl", "ReceiptHandle"), ("Region",)),
    "SQS-PurgeQueue": (("QueueUrl",), ("Region",)),
    "AppConfig-GetConfiguration": (("Application", "Environment", "Configuration",
                                    "ClientId"), ("ClientConfigurationVersion", "Region")),
    "Kinesis-PutRecord": (("StreamName", "Data", "PartitionKey"),
                          ("SequenceNumberForOrdering", "ExplicitHashKey", "Region")),
    "StepFunctions-StartExecution": (("StateMachineArn",), ("Name", "Input", "Region")),
    "StepFunctions-StartSyncExecution": (("StateMachineArn",),
                                         ("Name", "Input", "Region", "TraceHeader")),
    "StepFunctions-StopExecution": (("ExecutionArn",), ("Cause", "Error", "Region")),
}
HTTP_TYPES = ("AWS_PROXY", "HTTP_PROXY")
ALL_TYPES = ("AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK")
REQUEST_KEY = re.compile(r"^(?:(append|overwrite|remove):(header|querystring)\.(.+)|"
                         r"overwrite:path)$")
RESPONSE_KEY = re.compile(r"^(?:(append|overwrite|remove):header\.(.+)|overwrite:statuscode)$")
LAMBDA_URI = re.compile(
    r"^arn:aws[a-z-]*:(?:lambda:[a-z0-9-]+:\d{12}:function:[^/]+|apigateway:[a-z0-9-]+:"
    r"lambda:path/[^/]+/functions/.+/invocations)$")
FIELDS = ("ConnectionId", "ConnectionType", "ContentHandlingStrategy", "CredentialsArn",
          "Description", "IntegrationMethod", "IntegrationSubtype", "IntegrationType",
          "IntegrationUri", "PassthroughBehavior", "PayloadFormatVersion", "RequestParameters",
          "RequestTemplates", "ResponseParameters", "TemplateSelectionExpression",
          "TimeoutInMillis", "TlsConfig")


def check_integration(integration: dict[str, Any]) -> None:
    """AWS's 400s for an HTTP API integration it would not accept."""
    kind = integration.get("IntegrationType")
    if kind not in HTTP_TYPES:
        raise bad_request(f"Integration type {kind} is not supported for HTTP APIs. "
                          "Use AWS_PROXY or HTTP_PROXY.")
    subtype = integration.get("IntegrationSubtype")
    version = integration.get("PayloadFormatVersion")
    timeout = integration.get("TimeoutInMillis", 30000)
    if not 50 <= int(timeout) <= 30000:
        raise bad_request("TimeoutInMillis must be between 50 and 30000 for HTTP APIs")
    params: dict[str, str] = integration.get("RequestParameters") or {}
    if subtype:
        if kind != "AWS_PROXY":
            raise bad_request("IntegrationSubtype can only be set for AWS_PROXY integrations")
        if subtype not in SUBTYPES:
            raise bad_request(f"Invalid integration subtype {subtype}")
        if version not in (None, "1.0"):
            raise bad_request("PayloadFormatVersion must be 1.0 for AWS service integrations")
        required, optional = SUBTYPES[subtype]
        missing = [name for name in required if name not in params]
        if missing:
            raise bad_request(f"Missing required parameters for {subtype}: "
                              f"{', '.join(missing)}")
        unknown = [name for name in params if name not in required + optional]
        if unknown:
            raise bad_request(f"Invalid parameters for {subtype}: {', '.join(unknown)}")
    else:
        uri = str(integration.get("IntegrationUri") or "")
        if not uri:
            raise bad_request("IntegrationUri is required for this integration type")
        if kind == "AWS_PROXY":
            if not LAMBDA_URI.match(uri) and "${stageVariables." not in uri:
                raise bad_request(f"Invalid integration URI {uri}: AWS_PROXY integrations "
                                  "without a subtype take a Lambda function ARN")
            if version not in ("1.0", "2.0"):
                raise bad_request("PayloadFormatVersion is required for Lambda proxy "
                                  "integrations: 1.0 or 2.0")
        else:
            if version not in (None, "1.0"):
                raise bad_request("PayloadFormatVersion must be 1.0 for HTTP_PROXY "
                                  "integrations")
            if not integration.get("IntegrationMethod"):
                raise bad_request("IntegrationMethod is required for HTTP_PROXY integrations")
        for key in params:
            match = REQUEST_KEY.match(key)
            if match is None:
                raise bad_request(f"Invalid mapping expression specified: {key}")
            if match[2] == "header" and match[3].lower() in RESERVED_HEADERS:
                raise bad_request(f"Invalid mapping expression specified: {key}. The header "
                                  f"{match[3]} is reserved.")
    for status, mapping in (integration.get("ResponseParameters") or {}).items():
        if not (status.isdigit() and 200 <= int(status) <= 599):
            raise bad_request(f"Invalid status code {status} in response parameters")
        for key in mapping:
            match = RESPONSE_KEY.match(key)
            if match is None:
                raise bad_request(f"Invalid mapping expression specified: {key}")
            if match[2] and match[2].lower() in RESERVED_HEADERS:
                raise bad_request(f"Invalid mapping expression specified: {key}. The header "
                                  f"{match[2]} is reserved.")


def check_websocket_integration(integration: dict[str, Any]) -> None:
    """AWS's 400s for a WebSocket API integration it would not accept."""
    kind = integration.get("IntegrationType")
    if kind not in ALL_TYPES:
        raise bad_request(f"Invalid integration type {kind}")
    uri = str(integration.get("IntegrationUri") or "")
    if kind != "MOCK" and not uri:
        raise bad_request("IntegrationUri is required for this integration type")
    if kind == "AWS_PROXY" and not LAMBDA_URI.match(uri) and "${stageVariables." not in uri:
        raise bad_request(f"Invalid integration URI {uri}: AWS_PROXY integrations take a "
                          "Lambda function")
    if kind in ("HTTP", "HTTP_PROXY") and not integration.get("IntegrationMethod"):
        raise bad_request(f"IntegrationMethod is required for {kind} integrations")
    if not 50 <= int(integration.get("TimeoutInMillis", 29000)) <= 29000:
        raise bad_request("TimeoutInMillis must be between 50 and 29000 for WebSocket APIs")
    passthrough = integration.get("PassthroughBehavior")
    if passthrough not in (None, "WHEN_NO_MATCH", "NEVER", "WHEN_NO_TEMPLATES"):
        raise bad_request(f"Invalid passthrough behavior {passthrough}")
    strategy = integration.get("ContentHandlingStrategy")
    if strategy not in (None, "CONVERT_TO_BINARY", "CONVERT_TO_TEXT"):
        raise bad_request(f"Invalid content handling strategy {strategy}")


def check_response_key(key: str) -> None:
    """An integration response key is ``$default`` or a ``/regular expression/``."""
    if key == "$default":
        return
    if len(key) < 2 or not (key.startswith("/") and key.endswith("/")):
        raise bad_request(f"Invalid integration response key {key}: use $default or a "
                          "regular expression between slashes, such as /2\\d\\d/")
    try:
        re.compile(key[1:-1])
    except re.error:
        raise bad_request(f"Invalid regular expression in integration response key {key}"
                          ) from None


class IntegrationsApi(HttpApiBase):
    def _checked(self, record: ApiRecord, integration: dict[str, Any]) -> None:
        if record.api.get("ProtocolType") == "HTTP":
            check_integration(integration)
        else:
            check_websocket_integration(integration)

    def create_integration(self, ctx: RequestContext, *, api_id: str, integration_type: str,
                           **fields: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        integration_id = ids.short_id(7)
        integration = {"ConnectionType": "INTERNET", "IntegrationId": integration_id,
                       "IntegrationType": integration_type, "TimeoutInMillis": 30000,
                       **members(fields)}
        lambda_proxy = integration_type == "AWS_PROXY" and not fields.get("integration_subtype")
        if record.api.get("ProtocolType") == "HTTP" and not lambda_proxy:
            integration.setdefault("PayloadFormatVersion", "1.0")
        if record.api.get("ProtocolType") == "HTTP" and integration_type == "AWS_PROXY":
            integration.setdefault("IntegrationMethod", "POST")
        if record.api.get("ProtocolType") == "WEBSOCKET":
            integration["TimeoutInMillis"] = fields.get("timeout_in_millis") or 29000
            integration.setdefault("PayloadFormatVersion", "1.0")
            integration.setdefault("PassthroughBehavior", "WHEN_NO_MATCH")
        self._checked(record, integration)
        record.integrations[integration_id] = without_none(integration)
        self.save_api(ctx, record)
        return self.copy(record.integrations[integration_id])

    def get_integration(self, ctx: RequestContext, *, api_id: str, integration_id: str,
                        **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        return self.copy(self.child(record, "integrations", integration_id, "Integration"))

    def get_integrations(self, ctx: RequestContext, *, api_id: str,
                         max_results: str | None = None, next_token: str | None = None,
                         **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        return self.page([self.copy(i) for i in record.integrations.values()], next_token,
                    max_results)

    def update_integration(self, ctx: RequestContext, *, api_id: str, integration_id: str,
                           **fields: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        integration = self.copy(self.child(record, "integrations", integration_id,
                                           "Integration"))
        given = members(fields)
        for key in ("RequestParameters", "ResponseParameters"):
            if key in given:  # a mapping updates key by key; an empty value removes it
                merged = {**(integration.get(key) or {}), **given.pop(key)}
                integration[key] = {k: v for k, v in merged.items() if v not in ("", {})}
        integration.update(given)
        self._checked(record, integration)
        record.integrations[integration_id] = integration
        self.save_api(ctx, record)
        return self.copy(integration)

    def delete_integration(self, ctx: RequestContext, *, api_id: str, integration_id: str,
                           **_: Any) -> None:
        record = self.api_record(ctx, api_id)
        self.child(record, "integrations", integration_id, "Integration")
        target = f"integrations/{integration_id}"
        if any(route.get("Target") == target for route in record.routes.values()):
            raise self.conflict(f"Cannot delete integration {integration_id}: it is the target of "
                           "one or more routes")
        del record.integrations[integration_id]
        record.integration_responses.pop(integration_id, None)
        self.save_api(ctx, record)

    # -- integration responses (WebSocket APIs' non-proxy integrations use them) ------------

    def create_integration_response(self, ctx: RequestContext, *, api_id: str,
                                    integration_id: str, integration_response_key: str,
                                    **fields: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        self.child(record, "integrations", integration_id, "Integration")
        if record.api.get("ProtocolType") == "WEBSOCKET":
            check_response_key(integration_response_key)
            existing = record.integration_responses.get(integration_id, {}).values()
            if any(r.get("IntegrationResponseKey") == integration_response_key
                   for r in existing):
                raise self.conflict(f"An integration response with key "
                               f"{integration_response_key} already exists")
        response_id = ids.short_id(6)
        doc = {"IntegrationResponseId": response_id,
               "IntegrationResponseKey": integration_response_key, **members(fields)}
        record.integration_responses.setdefault(integration_id, {})[response_id] = doc
        self.save_api(ctx, record)
        return self.copy(doc)

    def _response(self, record: ApiRecord, integration_id: str, response_id: str
                  ) -> dict[str, Any]:
        return self.found(record.integration_responses.get(integration_id, {}).get(response_id),
                          f"Invalid IntegrationResponse identifier specified {response_id}",
                          ResourceType="IntegrationResponse")

    def get_integration_response(self, ctx: RequestContext, *, api_id: str,
                                 integration_id: str, integration_response_id: str, **_: Any
                                 ) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        return self.copy(self._response(record, integration_id, integration_response_id))

    def get_integration_responses(self, ctx: RequestContext, *, api_id: str,
                                  integration_id: str, max_results: str | None = None,
                                  next_token: str | None = None, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        self.child(record, "integrations", integration_id, "Integration")
        items = [self.copy(r) for r in
                 record.integration_responses.get(integration_id, {}).values()]
        return self.page(items, next_token, max_results)

    def update_integration_response(self, ctx: RequestContext, *, api_id: str,
                                    integration_id: str, integration_response_id: str,
                                    **fields: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        doc = self._response(record, integration_id, integration_response_id)
        doc.update(members(fields))
        if record.api.get("ProtocolType") == "WEBSOCKET":
            check_response_key(str(doc.get("IntegrationResponseKey")))
        self.save_api(ctx, record)
        return self.copy(doc)

    def delete_integration_response(self, ctx: RequestContext, *, api_id: str,
                                    integration_id: str, integration_response_id: str,
                                    **_: Any) -> None:
        record = self.api_record(ctx, api_id)
        self._response(record, integration_id, integration_response_id)
        del record.integration_responses[integration_id][integration_response_id]
        self.save_api(ctx, record)


__all__ = ["SUBTYPES", "IntegrationsApi", "check_integration", "check_response_key",
           "check_websocket_integration"]
