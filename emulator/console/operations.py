"""The console's one way to read details and change state: the operations a client would call.

A call names the service and operation as botocore does and passes the input shape's members
(``FunctionName``, ``Payload``...); it is checked against the model as the wire layer checks a
request, answered by the same provider method, and fails with the same ServiceError.
"""

from __future__ import annotations

import inspect
from typing import Any, Protocol

from botocore import xform_name

from emulator import ids
from emulator.context import RequestContext
from emulator.errors import ServiceError, not_implemented
from emulator.wire import specs, validate


class Registry(Protocol):
    def get(self, service: str) -> Any: ...

    async def ensure_started(self, service: str, provider: Any) -> None: ...


class Operations:
    """Calls operations in-process for one emulator."""

    def __init__(self, services: Registry, endpoint_url: str) -> None:
        self.services = services
        self.endpoint_url = endpoint_url

    async def call(self, service: str, operation: str, params: dict[str, Any] | None = None,
                   *, account: str, region: str) -> dict[str, Any]:
        """The operation's output members; raises ServiceError as the API would answer."""
        model = specs.operation_model(service, operation)
        given = {k: v for k, v in (params or {}).items() if v is not None}
        problems = validate.check(model.input_shape, given)
        if problems:
            raise validate.validation_failure(problems)
        provider = self.services.get(service)
        method = getattr(provider, xform_name(operation), None) if provider else None
        if method is None:
            raise not_implemented(service, operation)
        await self.services.ensure_started(service, provider)
        context = RequestContext(
            account_id=account, region=region, request_id=ids.request_id(), service=service,
            operation=operation, protocol=str(model.metadata.get("protocol", "")),
            endpoint_url=self.endpoint_url)
        result = method(context, **{xform_name(name): value for name, value in given.items()})
        if inspect.isawaitable(result):
            result = await result
        return dict(result or {})


__all__ = ["Operations", "ServiceError"]
