"""One operation of any implemented service, called in-process: what ``ServiceRegistry.call``
does for the wire dispatcher, Step Functions' AWS SDK tasks, the HTTP APIs' service
integrations and every other caller inside the emulator.

The input is checked against botocore's model as AWS checks it (required members, lengths,
ranges, enums; worded the query way for services that answer so, else the Coral way), then
handed to the provider's method named ``xform_name(operation)`` as snake_case keyword
arguments. botocore loads with the first call, not with the registry.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Protocol

from botocore import xform_name
from botocore.model import OperationModel

from emulator.context import RequestContext
from emulator.errors import ServiceError, not_implemented
from emulator.wire import parse, rest_xml, serialize, specs, validate


class Providers(Protocol):
    """What the call needs of the registry: a service's provider, started."""

    def get(self, service: str) -> Any: ...

    async def ensure_started(self, service: str, provider: Any) -> None: ...


def operation_model(service: str, operation: str) -> OperationModel:
    """The model of ``operation``; ServiceError when botocore knows no such operation."""
    try:
        return specs.operation_model(service, operation)
    except Exception:  # botocore's OperationNotFoundError, or no model for the service
        raise ServiceError("UnknownOperationException",
                           f"The {service} service has no operation {operation}.",
                           status=400) from None


def check(ctx: RequestContext, service: str, model: OperationModel,
          params: Mapping[str, Any]) -> None:
    """Raise the validation error AWS would answer ``params`` with, if any."""
    problems = validate.check(model.input_shape, dict(params))
    if not problems:
        return
    overlay = specs.overlay(service)
    if overlay.get("enums") == "unchecked":
        # Some services accept values beyond their model's enums (SQS's legacy names).
        problems = [problem for problem in problems if problem.constraint != "enum"]
    # Checks the provider answers with its own error (PayloadTooLargeException...).
    own = overlay.get("unchecked", {}).get(model.name, {})
    problems = [p for p in problems if own.get(".".join(p.path)) != p.constraint]
    if problems and overlay.get("validation") == "malformed":
        raise rest_xml.malformed(service)  # S3 reads documents against its schema
    if problems:
        query = overlay.get("validation") == "query" or ctx.protocol in ("query", "ec2")
        raise validate.validation_failure(problems, "query" if query else "coral")


async def call(providers: Providers, ctx: RequestContext, service: str, operation: str,
               params: Mapping[str, Any]) -> dict[str, Any]:
    model = operation_model(service, operation)
    check(ctx, service, model, params)
    provider = providers.get(service)
    method = getattr(provider, xform_name(model.name), None) if provider is not None else None
    if method is None:
        raise not_implemented(service, model.name)
    await providers.ensure_started(service, provider)
    if ctx.service != service or ctx.operation != model.name:
        ctx = replace(ctx, service=service, operation=model.name)
    result = method(ctx, **{xform_name(name): value for name, value in params.items()})
    if inspect.isawaitable(result):
        result = await result
    return result or {}


def json_service(endpoint_prefix: str, operation: str) -> str | None:
    """The botocore service signing as ``endpoint_prefix`` (``states`` is ``stepfunctions``)
    that speaks the json protocol and has ``operation``."""
    for service in specs.service_index().get("signing", {}).get(endpoint_prefix, []):
        try:
            model = specs.operation_model(service, operation)
        except Exception:  # no such operation (or model) for this service: try the next
            continue
        if model.metadata.get("protocol") == "json":
            return str(service)
    return None


def query_input(service: str, operation: str, fields: Mapping[str, str]) -> dict[str, Any]:
    """``fields`` read as the query service reads them: flattened members such as
    ``MessageAttribute.1.Name`` (SQS) or ``MessageAttributes.entry.1.Name`` (SNS) become the
    operation's structures; a field sent whole (``MessageAttributes`` as JSON text) stays."""
    try:
        model = specs.query_model(service).operation_model(operation)
        parsed = parse.parse_query_fields(model, dict(fields))
    except (KeyError, LookupError, parse.WireTypeError, ServiceError):
        return dict(fields)
    return {**parsed, **fields}


async def call_json(providers: Providers, ctx: RequestContext, endpoint_prefix: str,
                    operation: str, body: bytes) -> tuple[int, dict[str, str], bytes] | None:
    service = json_service(endpoint_prefix, operation)
    if service is None:
        return None
    model = specs.operation_model(service, operation)
    ctx = replace(ctx, service=service, operation=operation, protocol="json")
    try:
        document = json.loads(body or b"{}")
        params = parse.from_json(model.input_shape, document, "") if model.input_shape else {}
        if not isinstance(params, dict):
            raise parse.serialization_error("Start of structure or map found where not "
                                            "expected")
        answer = serialize.serialize_json(model, await call(providers, ctx, service,
                                                            operation, params))
    except ValueError:  # not JSON at all: what the service answers a body it cannot read
        answer = serialize.serialize_error("json", service, parse.serialization_error(
            "Start of structure or map found where not expected"), ctx.request_id,
            model.service_model)
    except ServiceError as exc:
        if exc.code == "NotImplemented":
            return None
        answer = serialize.serialize_error("json", service, exc, ctx.request_id,
                                           model.service_model)
    return answer.status, dict(answer.headers), answer.body


__all__ = ["Providers", "call", "call_json", "check", "json_service", "operation_model"]
