"""The engine's ServiceCall: one operation of any implemented service, in process.

Params are keyed by the operation's member names (as boto3 takes them) and typed from the
service's model the way CloudFormation's resource handlers coerce template values ("5" for an
integer, "true" for a boolean), then answered by the registry's one in-process call
(``Ports.operations``): checked as a client's request is, by the provider method it reaches.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from botocore.model import Shape, StructureShape

from emulator.cloudformation.ports import ServiceFailure
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import Ports
from emulator.wire import specs
from emulator.wire.serialize import resolve_error


def typed(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if shape.is_document_type or not isinstance(value, dict):
            return value
        return {name: typed(shape.members[name], item) for name, item in value.items()
                if name in shape.members and item is not None}
    if kind == "list":
        items = value if isinstance(value, list) else [value]
        return [typed(shape.member, item) for item in items]
    if kind == "map":
        return {str(k): typed(shape.value, v) for k, v in value.items()} if isinstance(
            value, dict) else value
    if kind in ("integer", "long"):
        try:
            return int(value) if not isinstance(value, bool) else value
        except (TypeError, ValueError):
            return value
    if kind in ("float", "double"):
        try:
            return float(value)
        except (TypeError, ValueError):
            return value
    if kind == "boolean":
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return value
    if kind == "string":
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value) if isinstance(value, (int, float)) else value
    if kind == "blob":
        if isinstance(value, str):
            return value.encode()
        return value
    if kind == "timestamp" and isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value


class ProviderCall:
    """A ServiceCall bound to one account and region."""

    def __init__(self, ports: Ports, account: str, region: str, endpoint_url: str) -> None:
        self.ports = ports
        self.account = account
        self.region = region
        self.endpoint_url = endpoint_url

    async def __call__(self, service: str, operation: str,
                       params: dict[str, Any]) -> dict[str, Any]:
        model = specs.operation_model(service, operation)
        arguments = typed(model.input_shape, params) if model.input_shape is not None else {}
        ctx = RequestContext.internal(self.account, self.region, endpoint_url=self.endpoint_url)
        try:
            return await self.ports.operations.call(ctx, service, operation, arguments)
        except ServiceError as error:
            resolved = resolve_error(service, error)
            raise ServiceFailure(service, resolved.code, error.message,
                                 resolved.status) from None


def blob_text(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    return str(value)


__all__ = ["ProviderCall", "blob_text", "typed"]
