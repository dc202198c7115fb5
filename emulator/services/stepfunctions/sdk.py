"""AWS SDK integrations: any implemented service's operation, called as a client request is.

Parameters arrive in PascalCase (as Step Functions writes them); they are matched to the
operation's input members, typed by shape, validated by the wire layer's rules and passed to
the service's provider method. The answer comes back in PascalCase with ISO-8601 timestamps
and text blobs, as AWS SDK integrations return it. Errors are named
``<Service>.<Code>Exception`` with the SDK for Java 2.x's cause text.
"""

from __future__ import annotations

import base64
import json
import logging
from datetime import UTC, datetime
from typing import Any

from botocore.model import Shape, StructureShape

from emulator import ids
from emulator.asl.errors import StatesError
from emulator.asl.integrations import catalog
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import Ports
from emulator.wire import parse, specs
from emulator.wire.serialize import resolve_error

log = logging.getLogger("emulator.stepfunctions")


def pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def _to_input(shape: Shape, value: Any, path: str) -> Any:
    """A Step Functions parameter value as the provider convention types it."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if shape.is_document_type:
            return value
        if not isinstance(value, dict):
            raise parse.WireTypeError(path, "structure", value)
        members = {name.lower(): name for name in shape.members}
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = members.get(str(key).lower())
            if name is not None and item is not None:
                out[name] = _to_input(shape.members[name], item, f"{path}.{name}")
        return out
    if kind == "list":
        if not isinstance(value, list):
            raise parse.WireTypeError(path, "list", value)
        return [_to_input(shape.member, item, f"{path}.{i}") for i, item in enumerate(value, 1)]
    if kind == "map":
        if not isinstance(value, dict):
            raise parse.WireTypeError(path, "map", value)
        return {str(k): _to_input(shape.value, v, f"{path}.{k}") for k, v in value.items()}
    if kind == "blob":  # text as its UTF-8 bytes, any other JSON value as its JSON text
        text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        return text.encode("utf-8")
    return parse.from_json(shape, value, path)


def _timestamp(value: Any) -> Any:
    if isinstance(value, (int, float)):
        moment = datetime.fromtimestamp(value, tz=UTC)
    elif isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    else:
        return value
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def to_output(shape: Shape | None, value: Any) -> Any:
    """A provider's answer as AWS SDK integrations return it."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if shape.is_document_type or not isinstance(value, dict):
            return value
        return {pascal(name): to_output(member, value[name])
                for name, member in shape.members.items()
                if name in value and value[name] is not None}
    if kind == "list" and isinstance(value, list):
        return [to_output(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {str(k): to_output(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        return _timestamp(value)
    if kind == "blob":  # a streamed body (S3 GetObject's FileRange) is read whole
        if hasattr(value, "read"):
            value = value.read()
        raw = value.encode() if isinstance(value, str) else bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(raw).decode("ascii")
    return value


class WireSdk:
    """The SdkCaller the provider hands the engine."""

    def __init__(self, ports: Ports, settings: Settings) -> None:
        self.ports = ports
        host = "localhost" if settings.host in ("0.0.0.0", "127.0.0.1") else settings.host
        self.endpoint_url = f"http://{host}:{settings.port}"

    @staticmethod
    def _failure(service: str, prefix: str, error: ServiceError,
                 generic_error: str | None = None) -> StatesError:
        resolved = resolve_error(service, error)
        # The SDKs for Java raise their generic exception for codes the model lacks
        # (``DynamoDb.DynamoDbException``, ``DynamoDB.AmazonDynamoDBException``).
        name = (catalog.exception_name(prefix, resolved.code) if resolved.shape_name
                else catalog.exception_name(prefix, generic_error or f"{prefix}Exception"))
        if generic_error is None:
            return StatesError(
                name,
                f"{error.message} (Service: {prefix}, Status Code: {resolved.status}, "
                f"Request ID: {ids.request_id()})",
            )
        return StatesError(
            name,
            f"{error.message} (Service: {catalog.sdk_v1_service_name(service, generic_error)}; "
            f"Status Code: {resolved.status}; Error Code: {resolved.code}; "
            f"Request ID: {ids.request_id()}; Proxy: null)",
        )

    async def call(self, service: str, operation: str, params: dict[str, Any], *,
                   account: str, region: str, error_prefix: str,
                   generic_error: str | None = None) -> dict[str, Any]:
        model = specs.operation_model(service, operation)
        try:
            typed: dict[str, Any] = {}
            if model.input_shape is not None:
                typed = _to_input(model.input_shape, params, "")
            ctx = RequestContext.internal(account, region, endpoint_url=self.endpoint_url)
            result = await self.ports.operations.call(ctx, service, operation, typed)
        except parse.WireTypeError as problem:
            error = ServiceError("ValidationException",
                                 f"Expected {problem.expected} at '{problem.path.lstrip('.')}'",
                                 status=400)
            raise self._failure(service, error_prefix, error, generic_error) from None
        except ServiceError as error:
            if error.code == "NotImplemented":
                raise StatesError(
                    catalog.exception_name(error_prefix, f"{error_prefix}Exception"),
                    f"The {operation} operation of {service} is not implemented by this "
                    f"emulator (Service: {error_prefix}, Status Code: 501, Request ID: "
                    f"{ids.request_id()})",
                ) from None
            raise self._failure(service, error_prefix, error, generic_error) from None
        except StatesError:
            raise
        except Exception:
            log.exception("AWS SDK task %s:%s failed unexpectedly", service, operation)
            raise StatesError(
                catalog.exception_name(error_prefix, f"{error_prefix}Exception"),
                f"We encountered an internal error. Please try again. (Service: "
                f"{error_prefix}, Status Code: 500, Request ID: {ids.request_id()})",
            ) from None
        output = to_output(model.output_shape, result)
        return output if isinstance(output, dict) else {}


__all__ = ["WireSdk", "pascal", "to_output"]
