"""One request in, one response out: route, parse, check, call the provider, serialise."""

from __future__ import annotations

import base64
import hashlib
import logging
import zlib
from dataclasses import dataclass
from typing import Any, Protocol

from emulator import api_calls, ids, traffic
from emulator.accounts import account_for
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.errors import ServiceError, internal_failure
from emulator.ports import Operations
from emulator.wire import cbor, parse, rest_xml, rpc_v2_cbor, serialize, specs, xml_in
from emulator.wire.request import WireRequest
from emulator.wire.routing import QUERY_LIKE, Route, route
from emulator.wire.serialize import WireResponse

log = logging.getLogger("emulator.requests")


class Services(Operations, Protocol):
    """Where the dispatcher sends a parsed request: the service registry, whose ``call``
    checks the input against the model and answers the operation."""

    @property
    def names(self) -> list[str]:
        """The botocore names of the services that have a provider (for routing)."""
        ...


@dataclass
class Outcome:
    response: WireResponse
    service: str | None
    operation: str | None


def _parse(found: Route, request: WireRequest) -> parse.Params:
    if found.protocol == rpc_v2_cbor.PROTOCOL:
        return rpc_v2_cbor.parse_request(found.operation, request)
    if found.protocol == "json":
        if cbor.speaks_cbor(request):
            return cbor.parse(found.operation, request)
        return parse.parse_json(found.operation, request)
    if found.protocol in QUERY_LIKE:
        return parse.parse_query(found.operation, request)
    if found.protocol == "rest-xml":
        try:
            return xml_in.parse_rest_xml(found.operation, request, found.labels)
        except parse.WireTypeError as exc:
            if exc.wire_name is None:
                raise rest_xml.malformed(found.service) from None
            raise rest_xml.invalid_value(found.service, exc.wire_name, exc.expected,
                                         exc.value) from None
        except xml_in.MalformedXml:
            raise rest_xml.malformed(found.service) from None
    return parse.parse_rest_json(found.operation, request, found.labels)


def _serialize(found: Route, output: dict[str, Any], request_id: str,
               request: WireRequest) -> WireResponse:
    if found.protocol == rpc_v2_cbor.PROTOCOL:
        return rpc_v2_cbor.serialize_response(found.operation, output)
    if found.protocol == "json":
        if cbor.speaks_cbor(request):
            return cbor.serialize(found.operation, output)
        return serialize.serialize_json(found.operation, output)
    if found.protocol in QUERY_LIKE:
        return serialize.serialize_query(found.operation, output, request_id)
    if found.protocol == "rest-xml":
        return rest_xml.serialize_rest_xml(found.operation, output)
    return serialize.serialize_rest_json(found.operation, output)


def _streams_payload(found: Route) -> bool:
    """Whether the operation takes a streaming payload (object bodies), read by the
    provider as it arrives instead of here."""
    shape = found.operation.input_shape
    payload = shape.serialization.get("payload") if shape is not None else None
    return bool(payload and shape.members[payload].serialization.get("streaming"))


def _type_error(found: Route, problem: parse.WireTypeError) -> ServiceError:
    if found.protocol in QUERY_LIKE:
        name = problem.path or "request"
        return ServiceError(
            "InvalidParameterValue",
            f"Value {problem.value} for parameter {name} is invalid. "
            f"Reason: must be a {problem.expected}.",
            status=400,
        )
    where = f" at '{problem.path.lstrip('.')}'" if problem.path.strip(".") else ""
    return parse.serialization_error(
        f"Expected {problem.expected}{where}, got {type(problem.value).__name__}."
    )


def _fill_member_from_path(found: Route, request: WireRequest, params: parse.Params) -> None:
    """Query clients may address a resource by its URL instead of a parameter (SQS queue URLs).

    The overlay names that member; when the request leaves it out, the URL supplies it.
    """
    member = specs.overlay(found.service).get("query", {}).get("pathMember")
    if found.protocol != "query" or not member or params.get(member):
        return
    shape = found.operation.input_shape
    if shape is not None and member in shape.members and request.path.strip("/"):
        params[member] = f"{request.scheme}://{request.host}{request.path}"


def _host_id(request_id: str) -> str:
    """S3's extended request id: opaque text, derived here from the request id."""
    return base64.b64encode(hashlib.sha256(request_id.encode()).digest()).decode("ascii")


class Dispatcher:
    def __init__(self, settings: Settings, services: Services,
                 calls: api_calls.CallLog | None = None) -> None:
        self.settings = settings
        self.services = services
        self.calls = calls  # where state-changing calls are noted, for CloudTrail

    async def handle(self, request: WireRequest) -> Outcome:
        request_id = ids.request_id()
        found: Route | None = None
        error_code = ""
        try:
            if request.stream is not None and (
                    request.content_type == "application/x-www-form-urlencoded"):
                await request.load_body()  # query requests are routed by their form
            found = route(request, self.services.names)
            if request.stream is not None and not _streams_payload(found):
                await request.load_body()
            response = await self._call(found, request, request_id)
        except ServiceError as error:
            error_code = error.code
            response = self._error(found, request, error, request_id)
        except Exception:
            log.exception("internal error answering %s %s", request.method, request.path)
            error_code = "InternalFailure"
            response = self._error(found, request, internal_failure(), request_id)
        response.headers["x-amzn-RequestId"] = request_id
        service = found.service if found else None
        if service is not None:
            overlay = specs.overlay(service)
            for header in overlay.get("requestIdHeaders", ()):
                response.headers[header] = request_id
            if "hostIdHeader" in overlay:
                response.headers[overlay["hostIdHeader"]] = _host_id(request_id)
            if "serverHeader" in overlay:
                response.headers["Server"] = overlay["serverHeader"]
            if "crc32Header" in overlay and response.stream is None:
                # The body's CRC32, which clients check (and retry on a mismatch).
                response.headers[overlay["crc32Header"]] = str(zlib.crc32(response.body))
        operation = found.operation.name if found else None
        scope = request.credential_scope
        # The request log (emulator.traffic) writes the line and keeps the exchange.
        traffic.note(kind="api" if found else "unroutable", service=service or "",
                     operation=operation or "",
                     account=account_for(scope.access_key if scope else None),
                     region=scope.region if scope else self.settings.region,
                     error=error_code)
        return Outcome(response, service, operation)

    async def _call(self, found: Route, request: WireRequest, request_id: str) -> WireResponse:
        try:
            params = _parse(found, request)
        except parse.WireTypeError as problem:
            raise _type_error(found, problem) from None
        _fill_member_from_path(found, request, params)
        scope = request.credential_scope
        access_key = scope.access_key if scope else request.legacy_access_key
        context = RequestContext(
            account_id=account_for(access_key),
            access_key=access_key or "",
            region=scope.region if scope else self.settings.region,
            request_id=request_id,
            service=found.service,
            operation=found.operation.name,
            protocol=found.protocol,
            endpoint_url=f"{request.scheme}://{request.host}",
            headers=request.headers,
            method=request.method,
            query_string=request.query_string,
            signed=access_key is not None,
        )
        # Inline rather than api_calls.noted(): a read stays out of that module entirely.
        name = found.operation.name
        calls = self.calls
        data = name in api_calls.DATA_EVENTS.get(found.service, ())
        noting = calls is not None and not name.startswith(api_calls.READ_VERBS) and (
            not data or calls.data_selected is not None)
        try:
            result = await self.services.call(context, found.service, found.operation.name,
                                              params)
        except ServiceError as error:
            if noting:
                self._note(found, request, context, params, None, error, data)
            # Headers decided before the failure (S3's CORS answer) go out with the error too.
            if context.response_headers:
                error.headers = {**context.response_headers, **error.headers}
            raise
        if noting:
            self._note(found, request, context, params, result, None, data)
        response = _serialize(found, result, request_id, request)
        if context.response_status is not None:
            response.status = context.response_status
        response.headers.update(context.response_headers)
        return response

    def _note(self, found: Route, request: WireRequest, context: RequestContext,
              params: parse.Params, result: dict[str, Any] | None,
              error: ServiceError | None, data: bool) -> None:
        calls = self.calls
        assert calls is not None
        scope = request.credential_scope
        calls.note(api_calls.ApiCall(
            time=calls.now(), service=found.service, operation=found.operation.name,
            account=context.account_id, region=context.region,
            access_key=scope.access_key if scope else (request.legacy_access_key or ""),
            source_ip=str(request.extra.get("source_ip") or "127.0.0.1"),
            user_agent=request.headers.get("user-agent", ""), request_id=context.request_id,
            params=params, result=result, error_code=error.code if error else None,
            error_message=error.message if error else None, data=data))

    def _error(
        self, found: Route | None, request: WireRequest, error: ServiceError, request_id: str
    ) -> WireResponse:
        if found is not None:
            model = found.operation.service_model
            if found.protocol == rpc_v2_cbor.PROTOCOL:
                return rpc_v2_cbor.serialize_error(found.service, error, model)
            if found.protocol == "rest-xml":
                return rest_xml.serialize_error(found.service, error, request_id, model,
                                                _host_id(request_id))
            answer = serialize.serialize_error(
                found.protocol, found.service, error, request_id, model
            )
            if found.protocol == "json" and cbor.speaks_cbor(request):
                return cbor.error_response(answer)
            return answer
        if rpc_v2_cbor.speaks(request):
            return rpc_v2_cbor.serialize_error(None, error)
        protocol = "rest-json"
        if "Action" in request.form and "x-amz-target" not in request.headers:
            protocol = "query"
        elif "x-amz-target" in request.headers:
            protocol = "json"
        return serialize.serialize_error(protocol, None, error, request_id)


__all__ = ["Dispatcher", "Outcome", "Services", "account_for"]
