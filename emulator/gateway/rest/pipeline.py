"""The data plane, step by step in AWS's order: route → method request → integration request
→ integration → integration response → method response. Throttling comes first, then the
method's authorization (IAM, Lambda or Cognito authorizer) and its API key with the usage
plan's throttle and quota; the stage cache sits between the method request and the integration
request, as on AWS.

Each step reads and writes the :class:`Invocation`; a step that fails raises
:class:`GatewayError`, which becomes the API's gateway response of that type.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import re
import time
from typing import Any, cast

from emulator.gateway import mapping
from emulator.gateway.messages import GatewayResponse
from emulator.gateway.rest import (
    api_keys,
    firewall,
    integrations,
    resource_policy,
    responses,
    validation,
)
from emulator.gateway.rest import authorizer as authorizers
from emulator.gateway.rest.integrations.base import api_binary_types, binary_type
from emulator.gateway.rest.invocation import (
    GatewayError,
    IntegrationRequest,
    Invocation,
    build_context,
)
from emulator.gateway.rest.parameters import resolve
from emulator.gateway.rest.parts import GatewayParts
from emulator.gateway.timeouts import finished_in_time
from emulator.ports import WebAclInspector

log = logging.getLogger("emulator.gateway")
DEFAULT_SETTINGS: dict[str, Any] = {
    "throttlingBurstLimit": None, "throttlingRateLimit": None, "cachingEnabled": False,
    "cacheTtlInSeconds": 300, "requireAuthorizationForCacheControl": True,
    "unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER",
    "loggingLevel": "OFF",
}
ERROR_TYPES = {
    "MISSING_AUTHENTICATION_TOKEN": "MissingAuthenticationTokenException",
    "THROTTLED": "TooManyRequestsException",
    "BAD_REQUEST_BODY": "BadRequestException",
    "BAD_REQUEST_PARAMETERS": "BadRequestException",
    "UNSUPPORTED_MEDIA_TYPE": "UnsupportedMediaTypeException",
    "ACCESS_DENIED": "AccessDeniedException",
    "INTEGRATION_TIMEOUT": "InternalServerErrorException",
    "DEFAULT_5XX": "InternalServerErrorException",
    "API_CONFIGURATION_ERROR": "InternalServerErrorException",
    "UNAUTHORIZED": "UnauthorizedException",
    "AUTHORIZER_CONFIGURATION_ERROR": "AuthorizerConfigurationException",
    "INVALID_SIGNATURE": "InvalidSignatureException",
    "INVALID_API_KEY": "ForbiddenException",
    "QUOTA_EXCEEDED": "LimitExceededException",
    "WAF_FILTERED": "ForbiddenException",
}


def method_settings(inv: Invocation) -> tuple[dict[str, Any], bool]:
    """The stage's settings for this method (its own entry, else ``*/*``) and whether the
    method has an entry of its own; worked out once per request once the route is known."""
    if inv.route is not None and inv.method_settings is not None:
        return inv.method_settings
    settings: dict[str, dict[str, Any]] = inv.deployed.stage.get("methodSettings") or {}
    found: tuple[dict[str, Any], bool] | None = None
    if inv.route is not None:
        key = f"{inv.route.resource['path'].lstrip('/')}/{inv.request.method.upper()}"
        own = settings.get(key) or settings.get(
            f"{inv.route.resource['path'].lstrip('/')}/{inv.route.method['httpMethod']}")
        if own:
            found = {**DEFAULT_SETTINGS, **own}, True
    if found is None:
        found = {**DEFAULT_SETTINGS, **settings.get("*/*", {})}, False
    if inv.route is not None:
        inv.method_settings = found
    return found


def guarded(api: dict[str, Any]) -> bool:
    """Whether requests to ``api`` pass its resource policy (it has one, or is private).
    Checked here so that the many APIs without one never load the evaluation."""
    return bool(api.get("policy")) or "PRIVATE" in (
        (api.get("endpointConfiguration") or {}).get("types") or ())


# -- route ---------------------------------------------------------------------------------

def route(inv: Invocation, parts: GatewayParts) -> None:
    router = parts.router(inv.deployed.api_id, inv.deployment_id, inv.snapshot)
    found = router.match(inv.request.method, inv.request.path)
    if found is None:
        raise GatewayError("MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token")
    inv.route = found
    for key, value in inv.request.query:
        inv.multi_query.setdefault(key, []).append(value)
    for key, value in inv.request.headers:
        inv.multi_headers.setdefault(key, []).append(value)
    inv.params = {
        "path": dict(found.path_params),
        "querystring": {k: v[-1] for k, v in inv.multi_query.items()},
        "header": {k: v[-1] for k, v in inv.multi_headers.items()},
    }
    inv.context = build_context(inv)
    if method_settings(inv)[0].get("loggingLevel") == "INFO":
        inv.verbose = True
    inv.note("HTTP Method: %s, Resource Path: %s", inv.request.method.upper(),
             found.resource["path"])
    inv.note("Method request path: %s", inv.params["path"])
    inv.note("Method request query string: %s", inv.params["querystring"])


def throttle(inv: Invocation, parts: GatewayParts) -> None:
    settings, own = method_settings(inv)
    rate, burst = settings.get("throttlingRateLimit"), settings.get("throttlingBurstLimit")
    if rate is None or burst is None:
        rate, burst = parts.apis.account_throttle(inv.deployed.account, inv.deployed.region)
    scope = f"{inv.route.resource['path']}/{inv.request.method.upper()}" if (
        own and inv.route) else "*/*"
    key = (inv.deployed.account, inv.deployed.api_id, inv.deployed.stage["stageName"], scope)
    if not parts.throttles.allow(key, float(rate), int(burst)):
        raise GatewayError("THROTTLED", 429, "Too Many Requests")


# -- method request ------------------------------------------------------------------------

def method_request(inv: Invocation) -> None:
    method = inv.method
    inv.note("Method request body before transformations: %s",
             inv.request.body.decode("utf-8", "replace") if inv.verbose else "")
    validator = inv.snapshot.validators.get(method.get("requestValidatorId") or "")
    if not validator:
        return
    if validator.get("validateRequestParameters"):
        missing = validation.missing_parameters(method, inv.params, inv.multi_query)
        if missing:
            message = f"Missing required request parameters: [{', '.join(missing)}]"
            raise GatewayError("BAD_REQUEST_PARAMETERS", 400, message,
                               validation_error=message)
    if validator.get("validateRequestBody"):
        model = validation.model_for(method, inv.request.header("content-type"))
        if model is not None:
            try:
                validation.check_body(inv.deployed.api_id, inv.snapshot.models, model,
                                      inv.request.body)
            except validation.Invalid as invalid:
                raise GatewayError(invalid.response_type, 400, invalid.message,
                                   validation_error=invalid.validation_error,
                                   log=f"Request body does not match model schema for "
                                       f"content type: {invalid.validation_error}") from None


# -- the stage cache -----------------------------------------------------------------------

def _authorized_for_cache_control(inv: Invocation) -> bool:
    authorization = inv.request.header("authorization") or ""
    return authorization.startswith("AWS4-HMAC-SHA256")


def cache_lookup(inv: Invocation, parts: GatewayParts) -> GatewayResponse | None:
    """A cached method response, or None (then ``inv.cache_key`` says whether to store)."""
    stage = inv.deployed.stage
    settings, own = method_settings(inv)
    if not stage.get("cacheClusterEnabled") or not settings.get("cachingEnabled"):
        return None
    if inv.request.method.upper() != "GET" and not own:
        return None  # only GET is cached unless a method's own setting says otherwise
    ttl = int(settings.get("cacheTtlInSeconds") or 0)
    if ttl <= 0:
        return None
    integration = inv.integration
    assert inv.route is not None
    pieces = [inv.cache_deployment or inv.deployment_id, integration.get("cacheNamespace", ""),
              inv.request.method.upper(), inv.route.resource["path"]]
    for name in integration.get("cacheKeyParameters") or []:
        where_name = name.split(".", 2)[-1] if name.startswith(("method.", "integration.")) \
            else name
        where, _, param = where_name.partition(".")
        if where == "request":
            where, _, param = param.partition(".")
        value = resolve(f"method.request.{where}.{param}", params=inv.params,
                        multi_query=inv.multi_query, multi_headers=inv.multi_headers,
                        request_body=b"", stage_variables={}, context={})
        pieces.append(f"{name}={value}")
    key = tuple(pieces)
    api_id, stage_name = inv.deployed.api_id, stage["stageName"]
    control = (inv.request.header("cache-control") or "").replace(" ", "").lower()
    warning = None
    if "max-age=0" in control:
        if settings.get("requireAuthorizationForCacheControl") and \
                not _authorized_for_cache_control(inv):
            strategy = settings.get("unauthorizedCacheControlHeaderStrategy")
            if strategy == "FAIL_WITH_403":
                raise GatewayError(
                    "ACCESS_DENIED", 403,
                    "User: anonymous is not authorized to perform: execute-api:InvalidateCache "
                    f"on resource: arn:aws:execute-api:{inv.deployed.region}:"
                    f"{inv.deployed.account}:{api_id}/{stage_name}/"
                    f"{inv.request.method.upper()}{inv.route.resource['path']}")
            if strategy == "SUCCEED_WITH_RESPONSE_HEADER":
                warning = ('199 - "Cache-control headers were ignored because the caller '
                           'was unauthorized."')
        else:
            parts.cache.invalidate(api_id, stage_name, key)
            inv.note("Invalidated cache entry on the caller's request")
    inv.cache_key, inv.cache_ttl = key, ttl
    cached = parts.cache.get(api_id, stage_name, key)
    inv.cache_status = "hit" if cached is not None else "miss"
    inv.note("Cache %s for key: %s", inv.cache_status, "|".join(key[1:]))
    if cached is None:
        if warning:
            inv.context["_cacheWarning"] = warning
        return None
    response = GatewayResponse(cached.status, list(cached.headers), cached.body)
    if warning:
        response.set_header("Warning", warning)
    return response


def cache_store(inv: Invocation, parts: GatewayParts) -> None:
    response = inv.response
    if inv.cache_key is None or response is None or not 200 <= response.status < 300:
        return
    stored = GatewayResponse(response.status, [
        (k, v) for k, v in response.headers if k.lower() not in (
            "x-amzn-requestid", "x-amz-apigw-id", "warning")], response.body)
    parts.cache.put(inv.deployed.api_id, inv.deployed.stage["stageName"], inv.cache_key,
                      inv.cache_ttl, stored)
    warning = inv.context.pop("_cacheWarning", None)
    if warning:
        response.set_header("Warning", warning)


# -- integration request -------------------------------------------------------------------

def _resolve(inv: Invocation, source: str, **extra: Any) -> str | None:
    return resolve(source, params=inv.params, multi_query=inv.multi_query,
                   multi_headers=inv.multi_headers, request_body=inv.request.body,
                   stage_variables=inv.stage_variables, context=inv.context, **extra)


def _content_type(inv: Invocation) -> str:
    return (inv.request.header("content-type") or "application/json").split(";")[0].strip()


def integration_request(inv: Invocation) -> None:
    integration = inv.integration
    kind = integration.get("type", "MOCK")
    method = str(integration.get("httpMethod") or "ANY").upper()
    request = IntegrationRequest(method=inv.request.method if method == "ANY" else method,
                                 uri=str(integration.get("uri", "")))
    if kind == "HTTP_PROXY":
        request.query = list(inv.request.query)
    for target, source in (integration.get("requestParameters") or {}).items():
        value = _resolve(inv, source)
        if value is None:
            continue
        where, _, name = target.removeprefix("integration.request.").partition(".")
        if where == "header":
            request.headers[name] = value
        elif where in ("querystring", "multivaluequerystring"):
            request.query = [(k, v) for k, v in request.query if k != name]
            request.query.extend((name, item) for item in (
                value.split(",") if where == "multivaluequerystring" else [value]))
        elif where == "path":
            request.path[name] = value
    inv.integration_request = request
    body = inv.request.body
    if kind in ("AWS_PROXY", "HTTP_PROXY"):
        request.body = body
        return
    binary = binary_type(inv.request.header("content-type"), api_binary_types(inv))
    handling = integration.get("contentHandling")
    templates: dict[str, str] = integration.get("requestTemplates") or {}
    content_type = _content_type(inv)
    template = templates.get(content_type)
    if template is None:
        behavior = integration.get("passthroughBehavior", "WHEN_NO_MATCH")
        if behavior == "NEVER" or (behavior == "WHEN_NO_TEMPLATES" and templates):
            raise GatewayError("UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported Media Type")
        if handling == "CONVERT_TO_TEXT" and binary:
            body = base64.b64encode(body)
        elif handling == "CONVERT_TO_BINARY" and not binary:
            body = _b64decode(body)
        request.body = body
    else:
        text = base64.b64encode(body).decode() if binary else body.decode("utf-8", "replace")
        try:
            request.body = mapping.render(template, text, inv.params, inv.context,
                                          inv.stage_variables).encode()
        except mapping.MappingError as exc:
            raise GatewayError("DEFAULT_5XX", 500, "Internal server error",
                               log="Execution failed due to configuration error: Unable to "
                                   f"transform request: {exc}") from None
    override = inv.context.get("requestOverride") or {}
    for name, value in (override.get("header") or {}).items():
        request.headers[name] = str(value)
    for name, value in (override.get("querystring") or {}).items():
        request.query = [(k, v) for k, v in request.query if k != name] + [(name, str(value))]
    for name, value in (override.get("path") or {}).items():
        request.path[name] = str(value)


def _b64decode(body: bytes) -> bytes:
    try:
        return base64.b64decode(body, validate=True)
    except ValueError:
        raise GatewayError("API_CONFIGURATION_ERROR", 500, "Internal server error",
                           log="Execution failed due to configuration error: Unable to "
                               "base64-decode the body") from None


# -- integration ---------------------------------------------------------------------------

async def integrate(inv: Invocation, parts: GatewayParts) -> None:
    timeout = int(inv.integration.get("timeoutInMillis") or 29000) / 1000.0
    inv.note("Sending request to %s", inv.integration.get("uri", "the mock integration"))
    started = time.perf_counter()
    if inv.integration.get("type", "MOCK") == "MOCK":
        # Answered right here, never waiting on anything: no task and no timer to time it.
        inv.result = await integrations.call(inv, parts.backends)
        inv.integration_latency = int((time.perf_counter() - started) * 1000)
    else:
        task = asyncio.ensure_future(integrations.call(inv, parts.backends))
        done = await finished_in_time(task, parts.clock, timeout)
        inv.integration_latency = int((time.perf_counter() - started) * 1000)
        if not done:
            task.cancel()
            raise GatewayError("INTEGRATION_TIMEOUT", 504, "Endpoint request timed out",
                               log="Execution failed due to a timeout error")
        inv.result = task.result()
    inv.context["integration"]["status"] = str(inv.result.status)
    inv.context["integration"]["latency"] = str(inv.integration_latency)
    inv.context["integrationStatus"] = str(inv.result.status)
    inv.context["integration"]["integrationStatus"] = str(inv.result.status)
    inv.context["integrationLatency"] = str(inv.integration_latency)


# -- integration response ------------------------------------------------------------------

def select_response(inv: Invocation) -> dict[str, Any]:
    result = inv.result
    assert result is not None
    choices: dict[str, dict[str, Any]] = inv.integration.get("integrationResponses") or {}
    is_lambda = inv.integration.get("type") == "AWS" and ":lambda:path/" in str(
        inv.integration.get("uri"))
    subject = result.error_message if is_lambda else str(result.status)
    default = None
    for response in choices.values():
        pattern = response.get("selectionPattern")
        if not pattern:
            default = default or response
            continue
        if subject is None:
            continue
        try:
            if re.fullmatch(pattern, subject):
                return response
        except re.error:
            continue
    if default is None:
        raise GatewayError("API_CONFIGURATION_ERROR", 500, "Internal server error",
                           log="Execution failed due to configuration error: No match for "
                               "output mapping and no default output mapping configured. "
                               f"Endpoint Response Status Code: {result.status}")
    return default


def _pick_template(templates: dict[str, str], accept: str | None) -> tuple[str, str] | None:
    if not templates:
        return None
    for media in (accept or "").split(","):
        media = media.split(";")[0].strip()
        if media in templates:
            return media, templates[media]
    if "application/json" in templates:
        return "application/json", templates["application/json"]
    first = next(iter(templates))
    return first, templates[first]


def integration_response(inv: Invocation) -> None:
    result = inv.result
    assert result is not None
    if result.final is not None:
        inv.response = result.final
        return
    chosen = select_response(inv)
    status = int(chosen["statusCode"])
    body = result.body
    content_type = next((v for k, v in result.headers if k.lower() == "content-type"),
                        "application/json")
    picked = _pick_template(chosen.get("responseTemplates") or {}, inv.request.header("accept"))
    if picked is not None and picked[1]:
        content_type = picked[0]
        try:
            body = mapping.render(picked[1], body.decode("utf-8", "replace"), inv.params,
                                  inv.context, inv.stage_variables).encode()
        except mapping.MappingError as exc:
            raise GatewayError("DEFAULT_5XX", 500, "Internal server error",
                               log="Execution failed due to configuration error: Unable to "
                                   f"transform response: {exc}") from None
    elif picked is not None:
        content_type = picked[0]
    handling = chosen.get("contentHandling")
    if handling == "CONVERT_TO_TEXT":
        body = base64.b64encode(body)
    elif handling == "CONVERT_TO_BINARY":
        body = _b64decode(body)
    headers: list[tuple[str, str]] = [("Content-Type", content_type)]
    for target, source in (chosen.get("responseParameters") or {}).items():
        value = _resolve(inv, source, response_headers=result.headers,
                         response_body=result.body)
        if value is not None and target.startswith("method.response.header."):
            name = target.removeprefix("method.response.header.")
            headers = [(k, v) for k, v in headers if k.lower() != name.lower()]
            headers.append((name, value))
    response = GatewayResponse(status, headers, body)
    override = inv.context.get("responseOverride") or {}
    for name, value in (override.get("header") or {}).items():
        response.set_header(name, str(value))
    if override.get("status") not in (None, ""):
        with contextlib.suppress(TypeError, ValueError):
            response.status = int(override["status"])
    inv.response = response


# -- method response -----------------------------------------------------------------------

def method_response(inv: Invocation) -> None:
    response = inv.response
    assert response is not None
    response.set_header("x-amzn-RequestId", inv.request_id)
    response.set_header("x-amz-apigw-id", inv.context.get("extendedRequestId", ""))
    if inv.verbose:
        inv.note("Method response body after transformations: %s",
                 response.body.decode("utf-8", "replace")[:1000])
    inv.note("Method completed with status: %s", response.status)


# -- gateway responses ---------------------------------------------------------------------

def gateway_response(inv: Invocation, error: GatewayError) -> GatewayResponse:
    status, parameters, templates = responses.effective(
        error.response_type, error.status, inv.snapshot.gateway_responses)
    if not inv.context:
        inv.context = build_context(inv)
    inv.context["error"] = {
        "message": error.message, "messageString": json.dumps(error.message),
        "responseType": error.response_type,
        "validationErrorString": error.validation_error or "",
    }
    if error.message_key != "message" and templates == responses.DEFAULT_TEMPLATE:
        templates = {"application/json": f'{{"{error.message_key}":'
                                         '$context.error.messageString}'}
    picked = _pick_template(templates, inv.request.header("accept"))
    body = b""
    if picked is not None:
        try:
            body = mapping.render(picked[1], inv.request.body.decode("utf-8", "replace"),
                                  inv.params, inv.context, inv.stage_variables).encode()
        except mapping.MappingError:
            body = json.dumps({error.message_key: error.message}).encode()
    headers = [("Content-Type", picked[0] if picked else "application/json")]
    for target, source in parameters.items():
        if not target.startswith("gatewayresponse.header."):
            continue
        value = _resolve(inv, source)
        if value is not None:
            headers.append((target.removeprefix("gatewayresponse.header."), value))
    headers.append(("x-amzn-ErrorType", error.error_type or ERROR_TYPES.get(
        error.response_type, "InternalServerErrorException" if status >= 500
        else "BadRequestException")))
    if error.log:
        inv.note_error(error.log)
    inv.note_error(f"Method completed with status: {status}")
    response = GatewayResponse(status, headers, body)
    response.set_header("x-amzn-RequestId", inv.request_id)
    return response


# -- the whole journey ---------------------------------------------------------------------

async def _journey(inv: Invocation, parts: GatewayParts) -> None:
    """Everything after AWS WAF, in AWS's order."""
    route(inv, parts)
    throttle(inv, parts)
    authorization = inv.method.get("authorizationType", "NONE")
    # A policy naming callers is read once an AWS_IAM method has said who calls.
    policy_after = authorization == "AWS_IAM" and guarded(inv.snapshot.api) and \
        resource_policy.names_principals(inv.snapshot.api)
    if not inv.test_invoke and guarded(inv.snapshot.api) and not policy_after:
        resource_policy.check(inv)
    if not inv.test_invoke and authorization != "NONE":
        await authorizers.authorize(inv, parts)
    if not inv.test_invoke and policy_after:
        resource_policy.check(inv)
    if not inv.test_invoke and inv.method.get("apiKeyRequired"):
        api_keys.check_api_key(inv, parts)
    method_request(inv)
    cached = cache_lookup(inv, parts)
    if cached is not None:
        inv.response = cached
    else:
        integration_request(inv)
        await integrate(inv, parts)
        integration_response(inv)
        cache_store(inv, parts)
    method_response(inv)


async def run(inv: Invocation, parts: GatewayParts) -> GatewayResponse:
    try:
        # AWS WAF first; while the wafv2 service is unused, not even its step runs.
        inspector = None if inv.test_invoke else parts.ports.loaded("web-acls")
        screened = None if inspector is None else firewall.screen(
            inv, cast(WebAclInspector, inspector))
        if screened is not None:
            screened.set_header("x-amzn-RequestId", inv.request_id)
            inv.context = inv.context or build_context(inv)
            inv.response = screened
        else:
            await _journey(inv, parts)
    except GatewayError as error:
        inv.response = gateway_response(inv, error)
        inv.context.setdefault("error", {})["responseType"] = error.response_type
    except Exception as exc:  # a defect must still answer as AWS does, never with a trace
        log.exception("API Gateway request %s failed", inv.request_id)
        inv.response = gateway_response(inv, GatewayError(
            "DEFAULT_5XX", 500, "Internal server error",
            log=f"Execution failed due to an internal error: {type(exc).__name__}"))
    response = inv.response
    assert response is not None
    inv.context["status"] = str(response.status)
    inv.context["responseLength"] = str(len(response.body))
    inv.context["responseLatency"] = str(int((time.perf_counter() - inv.perf_started) * 1000))
    return response


__all__ = [
    "cache_lookup",
    "gateway_response",
    "guarded",
    "integrate",
    "integration_request",
    "integration_response",
    "method_request",
    "method_response",
    "route",
    "run",
    "throttle",
]
